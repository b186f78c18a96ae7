"""Codings in the store: machine suggestions in bulk, and reading codings back with filters."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, and_, delete, insert, or_, select
from sqlalchemy.orm import aliased

from qda.corpus import Coding
from qda.store import schema
from qda.store.coders import MACHINE_PREFIX, coder_id
from qda.store.log import now

# Rows per INSERT batch: large enough to amortise round trips, small enough for memory.
_BATCH = 5000


def replace_suggestions(connection: Connection, codings: Iterable[Coding]) -> tuple[int, int]:
    """Store a machine run's suggestions in place of earlier undecided ones.

    Suggestions nobody has decided are removed; decided ones (accepted, rejected,
    re-coded) are never touched, and a new suggestion identical to one already decided is
    not added again, so a rejected suggestion does not come back on the next run.
    Returns (added, removed). Each suggestion is logged as the machine coder's action.
    """
    c = schema.codings
    coder = schema.coders
    machine_ids = select(coder.c.id).where(coder.c.name.startswith(MACHINE_PREFIX))
    undecided = and_(c.c.status == "suggested", c.c.coder_id.in_(machine_ids), c.c.reviewer_id.is_(None))
    removed = connection.execute(delete(c).where(undecided)).rowcount
    decided = {
        tuple(r) for r in connection.execute(
            select(c.c.document_id, c.c.start, c.c.end, c.c.code).where(c.c.coder_id.in_(machine_ids)))
    }
    ids: dict[str, int] = {}
    stamp = now()
    added = 0
    batch: list[dict] = []
    for coding in codings:
        if (coding.document, coding.start, coding.end, coding.code) in decided:
            continue
        if coding.coder not in ids:
            ids[coding.coder] = coder_id(connection, coding.coder)
        batch.append({
            "document_id": coding.document, "start": coding.start, "end": coding.end,
            "code": coding.code, "source": coding.source, "coder_id": ids[coding.coder],
            "confidence": coding.confidence, "evidence": coding.evidence, "status": "suggested",
            "created_at": stamp,
        })
        if len(batch) >= _BATCH:
            added += _insert_logged(connection, batch, "suggest")
            batch = []
    added += _insert_logged(connection, batch, "suggest")
    return added, removed


def insert_codings(connection: Connection, rows: list[dict], action: str) -> list[int]:
    """Insert coding rows and one log entry each; returns the new ids in order."""
    if not rows:
        return []
    ids = connection.execute(insert(schema.codings).returning(schema.codings.c.id, sort_by_parameter_order=True),
                             rows).scalars().all()
    connection.execute(insert(schema.log), [
        {"at": row["created_at"], "coder_id": row["coder_id"], "action": action, "coding_id": id_,
         "after": state(row)}
        for id_, row in zip(ids, rows)
    ])
    return list(ids)


def _insert_logged(connection: Connection, rows: list[dict], action: str) -> int:
    return len(insert_codings(connection, rows, action))


def state(row) -> dict:
    """The reviewable state of a coding, as the log records it before and after an action."""
    get = row.get if isinstance(row, dict) else row._mapping.get
    return {key: get(key) for key in ("document_id", "start", "end", "code", "status", "reviewer_id")}


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
        select(c.c.id, c.c.document_id, c.c.start, c.c.end, c.c.code, c.c.source, made_by.c.name.label("coder"),
               c.c.confidence, c.c.evidence, c.c.status, reviewed_by.c.name.label("reviewer"))
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
    for row in connection.execute(select(memo.c.target, memo.c.text).where(memo.c.target_kind == "coding")
                                  .order_by(memo.c.id)):
        memos.setdefault(int(row.target), []).append(row.text)
    return [
        Coding(r.document_id, r.start, r.end, r.code, r.source, r.coder, r.confidence, r.evidence,
               r.status, "\n".join(memos.get(r.id, ())), id=r.id, reviewer=r.reviewer or "")
        for r in connection.execute(query)
    ]


def _by_coder(made_by, reviewed_by, name: str):
    if name == "machine":
        return made_by.c.name.startswith(MACHINE_PREFIX)
    return or_(made_by.c.name == name, reviewed_by.c.name == name)
