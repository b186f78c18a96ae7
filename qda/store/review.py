"""Human coding and review: add, accept, reject, re-code and undo, each logged with its coder.

A re-code never edits a coding: it rejects the original and adds the corrected coding,
`derived_from` the original, so what the original coder proposed stays on record.
Undo reverses a coder's own latest action, and only while nobody has changed the coding
since (otherwise it would silently discard a colleague's decision).
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, exists, func, select, update

from qda.corpus import STATUSES
from qda.errors import QdaError
from qda.store import schema
from qda.store.codings import insert_one, state
from qda.store.log import append, now

ACTIONS = ("code", "accept", "reject", "recode")

c = schema.codings


def add_coding(connection: Connection, coder: int, document: str, start: int, end: int, code: str,
               memo_text: str = "") -> int:
    """A person's own coding: accepted at once (they are the one deciding)."""
    check_span(connection, document, start, end)
    stamp = now()
    return insert_one(connection, {
        "document_id": document, "start": start, "end": end, "code": code, "source": "human",
        "coder_id": coder, "confidence": 1.0, "evidence": "", "status": "accepted",
        "reviewer_id": coder, "reviewed_at": stamp, "created_at": stamp,
    }, "code")


def decide(connection: Connection, coder: int, coding_id: int, status: str) -> None:
    """Accept or reject a coding (changing an earlier decision is allowed, and logged)."""
    if status not in STATUSES[1:]:
        raise ValueError(status)
    row = _coding(connection, coding_id)
    before = state(row)
    connection.execute(update(c).where(c.c.id == coding_id).values(
        status=status, reviewer_id=coder, reviewed_at=now()))
    after = dict(before, status=status, reviewer_id=coder)
    append(connection, coder, "accept" if status == "accepted" else "reject", coding_id, before, after)


def recode(connection: Connection, coder: int, coding_id: int, code: str | None = None,
           start: int | None = None, end: int | None = None) -> int:
    """Replace a coding's code and/or span; returns the new coding's id."""
    row = _coding(connection, coding_id)
    new = {"code": code or row.code, "start": row.start if start is None else start,
           "end": row.end if end is None else end}
    if (new["code"], new["start"], new["end"]) == (row.code, row.start, row.end):
        raise QdaError(f"coding {coding_id} already has code {row.code!r} on {row.start}..{row.end}; nothing to re-code")
    check_span(connection, row.document_id, new["start"], new["end"])
    stamp = now()
    connection.execute(update(c).where(c.c.id == coding_id).values(
        status="rejected", reviewer_id=coder, reviewed_at=stamp))
    result = connection.execute(schema.codings.insert().values(
        document_id=row.document_id, source="human", coder_id=coder, confidence=1.0, evidence="",
        status="accepted", reviewer_id=coder, reviewed_at=stamp, derived_from=coding_id,
        created_at=stamp, **new))
    new_id = result.inserted_primary_key[0]
    append(connection, coder, "recode", new_id, before=state(row),
           after=dict(new, document_id=row.document_id, status="accepted", reviewer_id=coder,
                      derived_from=coding_id))
    return new_id


def undo(connection: Connection, coder: int) -> dict:
    """Reverse this coder's latest action that is not yet undone; returns what was undone."""
    log = schema.log
    undone = select(log.c.undoes).where(log.c.undoes.is_not(None))
    entry = connection.execute(
        select(log).where(log.c.coder_id == coder, log.c.action.in_(ACTIONS), log.c.id.not_in(undone))
        .order_by(log.c.id.desc()).limit(1)
    ).one_or_none()
    if entry is None:
        raise QdaError("nothing to undo: this coder has no coding or review action left to reverse")
    current = connection.execute(select(c).where(c.c.id == entry.coding_id)).one_or_none()
    if current is None or _changed_since(connection, entry, current):
        raise QdaError(f"cannot undo {entry.action} of coding {entry.coding_id}: it has been changed "
                       "or reviewed since; review it again instead")
    if entry.action in ("code", "recode"):
        connection.execute(delete(c).where(c.c.id == entry.coding_id))
    if entry.action in ("accept", "reject", "recode"):
        original = entry.coding_id if entry.action != "recode" else entry.after["derived_from"]
        before = entry.before
        connection.execute(update(c).where(c.c.id == original).values(
            status=before["status"], reviewer_id=before["reviewer_id"],
            reviewed_at=None if before["reviewer_id"] is None else now()))
    append(connection, coder, "undo", entry.coding_id, before=entry.after, after=entry.before, undoes=entry.id)
    return {"action": entry.action, "coding": entry.coding_id}


def _changed_since(connection: Connection, entry, current) -> bool:
    """True if the coding's state is no longer what this action left, or it has children."""
    expected = entry.after
    now_state = state(current)
    if any(now_state[k] != expected[k] for k in ("code", "start", "end", "status", "reviewer_id")):
        return True
    return connection.execute(select(exists().where(c.c.derived_from == entry.coding_id))).scalar()


def check_span(connection: Connection, document: str, start: int, end: int) -> None:
    d = schema.documents
    length = connection.execute(select(func.length(d.c.text)).where(d.c.id == document)).scalar_one_or_none()
    if length is None:
        raise QdaError(f"no document {document!r} in this project (see `qda project documents`)")
    if not 0 <= start < end <= length:
        raise QdaError(f"span {start}..{end} is not inside document {document!r} "
                       f"(0..{length}; start before end)")


def _coding(connection: Connection, coding_id: int):
    row = connection.execute(select(c).where(c.c.id == coding_id)).one_or_none()
    if row is None:
        raise QdaError(f"no coding {coding_id} in this project")
    return row
