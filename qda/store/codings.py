"""Codings in the store: machine suggestions in bulk, and reading codings back with filters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import Connection, and_, delete, func, insert, literal, or_, select
from sqlalchemy.orm import aliased

from qda.corpus import Coding
from qda.store import schema
from qda.store.coders import MACHINE_PREFIX, coder_id
from qda.store.log import append, now

# Rows per INSERT batch: large enough to amortise round trips, small enough for memory.
_BATCH = 5000

#: The fields of a coding that review changes, as the log records them before and after.
STATE = ("document_id", "start", "end", "code", "status", "reviewer_id")


def state(row) -> dict:
    """A coding's reviewable state (from a row or a dict of column values)."""
    get = row.get if isinstance(row, dict) else row._mapping.get
    return {key: get(key) for key in STATE}


def replace_suggestions(connection: Connection, codings: Iterable[Coding]) -> tuple[int, int]:
    """Store a machine run's suggestions in place of earlier undecided ones.

    Suggestions nobody has decided are removed; decided ones (accepted, rejected,
    re-coded) are never touched, and a new suggestion identical to one already decided is
    not added again, so a rejected suggestion does not come back on the next run.
    Returns (added, removed). Each suggestion is logged as the machine coder's action.
    """
    c = schema.codings
    machine_ids = select(schema.coders.c.id).where(schema.coders.c.name.startswith(MACHINE_PREFIX))
    undecided = and_(c.c.status == "suggested", c.c.coder_id.in_(machine_ids), c.c.reviewer_id.is_(None))
    removed = connection.execute(delete(c).where(undecided)).rowcount
    decided = set(connection.execute(
        select(c.c.document_id, c.c.start, c.c.end, c.c.code).where(c.c.coder_id.in_(machine_ids))))
    fresh = (x for x in codings if (x.document, x.start, x.end, x.code) not in decided)
    return bulk_insert(connection, fresh, "suggest", status="suggested"), removed


def bulk_insert(connection: Connection, codings: Iterable[Coding], action: str, status: str | None = None) -> int:
    """Insert many codings (status as given, or `status`) and log each as `action` by its
    coder; returns how many.

    The log rows are written by one INSERT ... SELECT over the new codings rather than
    row by row from Python, which halves the cost of an import. To know which codings are
    new, the table is locked against other writers first (SQLite's BEGIN IMMEDIATE already
    does that), so every id above the previous maximum is ours.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE codings IN EXCLUSIVE MODE")
    c = schema.codings
    before = connection.execute(select(func.coalesce(func.max(c.c.id), 0))).scalar_one()
    ids: dict[str, int] = {}
    stamp = now()
    count = 0
    for chunk in _chunks(codings, _BATCH):
        rows = []
        for coding in chunk:
            for name in (coding.coder, coding.reviewer):
                if name and name not in ids:
                    ids[name] = coder_id(connection, name)
            rows.append({
                "document_id": coding.document, "start": coding.start, "end": coding.end,
                "code": coding.code, "source": coding.source, "coder_id": ids[coding.coder],
                "confidence": coding.confidence, "evidence": coding.evidence,
                "status": status or coding.status,
                "reviewer_id": ids[coding.reviewer] if coding.reviewer else None,
                "reviewed_at": stamp if coding.reviewer else None,
            })
        connection.execute(insert(c).values(created_at=stamp), rows)
        count += len(rows)
    if count:
        as_json = func.json_build_object if connection.dialect.name == "postgresql" else func.json_object
        connection.execute(schema.log.insert().from_select(
            ["at", "coder_id", "action", "coding_id", "after"],
            select(c.c.created_at, c.c.coder_id, literal(action), c.c.id,
                   as_json(*(part for key in STATE for part in (key, c.c[key]))))
            .where(c.c.id > before).order_by(c.c.id),
        ))
    return count


def insert_one(connection: Connection, row: dict, action: str) -> int:
    """Insert one coding (a dict of column values) and log it; returns its id."""
    coding_id = connection.execute(insert(schema.codings).values(**row)).inserted_primary_key[0]
    append(connection, row["coder_id"], action, coding_id, after=state(row))
    return coding_id


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def select_codings(
    connection: Connection,
    *,
    status: Iterable[str] | None = None,
    coder: Iterable[str] | None = None,
    code: Iterable[str] | None = None,
    source: Iterable[str] | None = None,
    documents: Iterable[str] | None = None,
) -> list[Coding]:
    """Codings as `Coding`s, filtered. `coder` matches who made a coding or who reviewed it;
    the name `machine` stands for every `qda:` coder."""
    c = schema.codings
    made_by = aliased(schema.coders)
    reviewed_by = aliased(schema.coders)
    memo = schema.memos
    query = (
        select(c.c.id, c.c.document_id, c.c.start, c.c.end, c.c.code, c.c.source, made_by.c.name,
               c.c.confidence, c.c.evidence, c.c.status, reviewed_by.c.name)
        .join(made_by, made_by.c.id == c.c.coder_id)
        .outerjoin(reviewed_by, reviewed_by.c.id == c.c.reviewer_id)
        .order_by(c.c.id)
    )
    if status is not None:
        query = query.where(c.c.status.in_(list(status)))
    if code is not None:
        query = query.where(c.c.code.in_(list(code)))
    if source is not None:
        query = query.where(c.c.source.in_(list(source)))
    if documents is not None:
        query = query.where(c.c.document_id.in_(list(documents)))
    if coder is not None:
        query = query.where(or_(*(_by_coder(made_by, reviewed_by, name) for name in coder)))
    memos: dict[int, list[str]] = {}
    for target, text in connection.execute(
            select(memo.c.target, memo.c.text).where(memo.c.target_kind == "coding").order_by(memo.c.id)):
        memos.setdefault(int(target), []).append(text)
    # Rows unpacked as tuples: attribute access on result rows costs more than the query.
    return [
        Coding(document, start, end, code, source, made, confidence, evidence, status,
               "\n".join(memos.get(id_, ())), id=id_, reviewer=reviewer or "")
        for id_, document, start, end, code, source, made, confidence, evidence, status, reviewer
        in connection.execute(query)
    ]


def _by_coder(made_by, reviewed_by, name: str):
    if name == "machine":
        return made_by.c.name.startswith(MACHINE_PREFIX)
    return or_(made_by.c.name == name, reviewed_by.c.name == name)


def coder_view(connection: Connection, name: str) -> list[tuple[str, int, int, str]]:
    """What `name` says applies, as (document, start, end, code), for agreement statistics.

    A person: codings they made and did not themselves reject, plus codings they
    accepted. The machine (`machine`, or one `qda:<source>`): every suggestion it made,
    whatever people decided since, because agreement with the machine measures the
    machine, not the review.
    """
    c, coders = schema.codings, schema.coders
    made_by = select(coders.c.id).where(
        coders.c.name.startswith(MACHINE_PREFIX) if name == "machine" else coders.c.name == name)
    if name == "machine" or name.startswith(MACHINE_PREFIX):
        says = c.c.coder_id.in_(made_by)
    else:
        person = made_by.scalar_subquery()
        says = or_(
            and_(c.c.coder_id == person, or_(c.c.status != "rejected", c.c.reviewer_id != person)),
            and_(c.c.reviewer_id == person, c.c.status == "accepted"),
        )
    return [tuple(row) for row in connection.execute(select(c.c.document_id, c.c.start, c.c.end, c.c.code).where(says))]
