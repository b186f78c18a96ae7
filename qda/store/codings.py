"""Codings in the store: machine suggestions in bulk, and reading codings back with filters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np
import pandas as pd

from sqlalchemy import Connection, CursorResult, and_, delete, func, insert, literal, or_, select

from qda.corpus import Coding
from qda.table import CODING_FIELDS
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

    Speed matters here (an archive import is hundreds of thousands of codings), so rows go
    to the driver's executemany as plain tuples: the only values SQLAlchemy would convert
    (timestamps) are the same for the whole batch and are converted once. The log rows
    are written by one INSERT ... SELECT over the new codings. To know which codings are
    new, the table is locked against other writers first (SQLite's BEGIN IMMEDIATE already
    does that), so every id above the previous maximum is ours.
    """
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.exec_driver_sql("LOCK TABLE codings IN EXCLUSIVE MODE")
    c = schema.codings
    before = connection.execute(select(func.coalesce(func.max(c.c.id), 0))).scalar_one()
    stamp = _driver_value(connection, c.c.created_at, now())
    statement = _driver_insert(connection, c, _BULK_COLUMNS)
    ids: dict[str, int] = {}
    count = 0
    for chunk in _chunks(codings, _BATCH):
        rows = []
        for coding in chunk:
            for name in (coding.coder, coding.reviewer):
                if name and name not in ids:
                    ids[name] = coder_id(connection, name)
            reviewed = bool(coding.reviewer)
            rows.append((coding.document, coding.start, coding.end, coding.code, coding.source,
                         ids[coding.coder], coding.confidence, coding.evidence, status or coding.status,
                         ids[coding.reviewer] if reviewed else None, stamp if reviewed else None, stamp))
        connection.exec_driver_sql(statement, rows)
        count += len(rows)
    if count:
        as_json = func.json_build_object if postgres else func.json_object
        connection.execute(schema.log.insert().from_select(
            ["at", "coder_id", "action", "coding_id", "after"],
            select(c.c.created_at, c.c.coder_id, literal(action), c.c.id,
                   as_json(*(part for key in STATE for part in (key, c.c[key]))))
            .where(c.c.id > before).order_by(c.c.id),
        ))
    return count


def insert_new(connection: Connection, incoming: list[Coding], action: str) -> tuple[list[int], int]:
    """Insert the codings not already in the project (same document, span, code and
    coder; a repeated one counts once per copy); returns each incoming coding's id in the
    project, new or found, and how many were added."""
    c, k = schema.codings, schema.coders
    found: dict[tuple, list[int]] = {}
    documents = sorted({x.document for x in incoming})
    query = (select(c.c.id, c.c.document_id, c.c.start, c.c.end, c.c.code, k.c.name)
             .join(k, k.c.id == c.c.coder_id).where(c.c.document_id.in_(documents)).order_by(c.c.id))
    for row in connection.execute(query):
        found.setdefault(tuple(row[1:]), []).append(row.id)
    ids: list[int | None] = []
    new: list[Coding] = []
    for coding in incoming:
        same = found.get((coding.document, coding.start, coding.end, coding.code, coding.coder))
        ids.append(same.pop(0) if same else None)
        if ids[-1] is None:
            new.append(coding)
    before = connection.execute(select(func.coalesce(func.max(c.c.id), 0))).scalar_one()
    bulk_insert(connection, new, action)
    fresh = iter(connection.execute(select(c.c.id).where(c.c.id > before).order_by(c.c.id)).scalars())
    return [i if i is not None else next(fresh) for i in ids], len(new)


_BULK_COLUMNS = ("document_id", "start", "end", "code", "source", "coder_id", "confidence", "evidence",
                 "status", "reviewer_id", "reviewed_at", "created_at")


def _driver_insert(connection: Connection, table, columns: tuple[str, ...]) -> str:
    """`INSERT INTO table (...) VALUES (...)` in the driver's own placeholder style."""
    preparer = connection.dialect.identifier_preparer
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": None, "named": None}[
        connection.dialect.paramstyle]
    names = ", ".join(preparer.quote(name) for name in columns)
    return f"INSERT INTO {preparer.quote(table.name)} ({names}) VALUES ({', '.join([marker] * len(columns))})"


def _driver_value(connection: Connection, column, value):
    """`value` as the driver receives it for `column` (SQLite stores timestamps as text)."""
    process = column.type.bind_processor(connection.dialect)
    return process(value) if process else value


def insert_one(connection: Connection, row: dict, action: str) -> int:
    """Insert one coding (a dict of column values) and log it; returns its id."""
    coding_id = connection.execute(insert(schema.codings).values(**row)).inserted_primary_key[0]
    append(connection, row["coder_id"], action, coding_id, after=state(row))
    return coding_id


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def select_codings(connection: Connection, **filters) -> list[Coding]:
    """Codings as `Coding`s, filtered as `select_codings_frame`."""
    frame = select_codings_frame(connection, **filters)
    return [Coding(*row) for row in frame.itertuples(index=False, name=None)]


def select_codings_frame(connection: Connection, **filters) -> pd.DataFrame:
    """Codings as a frame with the `Coding` fields as columns (what `qda.table` reads),
    in id order, filtered as `_filtered`. A frame, not objects: a project table can hold
    hundreds of thousands of codings."""
    c = schema.codings
    query = _filtered(select(c.c.document_id, c.c.start, c.c.end, c.c.code, c.c.source, c.c.coder_id,
                             c.c.confidence, c.c.evidence, c.c.status, c.c.id, c.c.reviewer_id), **filters)
    frame = _frame(connection.execute(query), ["document", "start", "end", "code", "source", "coder",
                                               "confidence", "evidence", "status", "id", "reviewer"])
    # Names from the (small) coders table rather than two joins per coding; id order in
    # pandas rather than a sort in the database: both cheaper at project scale.
    frame = frame.iloc[np.argsort(frame["id"].to_numpy(dtype="int64"), kind="stable")].reset_index(drop=True)
    names = dict(connection.execute(select(schema.coders.c.id, schema.coders.c.name)).all())
    frame["coder"] = [names[i] for i in frame["coder"]]
    frame["reviewer"] = [names.get(i, "") for i in frame["reviewer"]]
    memo = schema.memos
    memos: dict[int, list[str]] = {}
    for target, text in connection.execute(
            select(memo.c.target, memo.c.text).where(memo.c.target_kind == "coding").order_by(memo.c.id)):
        memos.setdefault(int(target), []).append(text)
    joined = {id_: "\n".join(texts) for id_, texts in memos.items()}
    frame["memo"] = [joined.get(i, "") for i in frame["id"]]
    return frame[list(CODING_FIELDS)]


def count_by_code_and_document(connection: Connection, **filters) -> pd.DataFrame:
    """Codings counted per (code, document) by the database: columns code, document, n.
    Unfiltered, the (code, document_id) index answers this on its own."""
    c = schema.codings
    query = _filtered(select(c.c.code, c.c.document_id, func.count()), **filters)
    return _frame(connection.execute(query.group_by(c.c.code, c.c.document_id)), ["code", "document", "n"])


def _frame(result: CursorResult, columns: list[str]) -> pd.DataFrame:
    """A result as a frame of plain object columns, from the driver's tuples: making
    SQLAlchemy rows, pandas probing each for attributes, and converting strings to Arrow
    (which qda.table does once, at the end) cost more than the query itself."""
    rows = result.cursor.fetchall()
    values = np.empty((len(rows), len(columns)), dtype=object)
    if rows:
        values[:] = rows
    return pd.DataFrame(values, columns=columns, dtype=object)


def _filtered(query, *, status: Iterable[str] | None = None, coder: Iterable[str] | None = None,
              code: Iterable[str] | None = None, source: Iterable[str] | None = None,
              documents: Iterable[str] | None = None):
    """`query` over codings, filtered: each filter is a list of accepted values; `coder`
    matches who made or who reviewed a coding, and the name `machine` stands for every
    `qda:` coder."""
    c = schema.codings
    query = query.select_from(c)
    for column, values in ((c.c.status, status), (c.c.code, code), (c.c.source, source),
                           (c.c.document_id, documents)):
        if values is not None:
            query = query.where(column.in_(list(values)))
    if coder is not None:
        query = query.where(or_(*(_by_coder(name) for name in coder)))
    return query


def _by_coder(name: str):
    c, coders = schema.codings, schema.coders
    if name == "machine":
        return c.c.coder_id.in_(select(coders.c.id).where(coders.c.name.startswith(MACHINE_PREFIX)))
    person = select(coders.c.id).where(coders.c.name == name)
    return or_(c.c.coder_id.in_(person), c.c.reviewer_id.in_(person))


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
