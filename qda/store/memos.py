"""Memos: a researcher's notes on the project, a document, a code or a coding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from qda.errors import QdaError
from qda.store import schema
from qda.store.log import append, now

TARGETS = ("project", "document", "code", "coding")


@dataclass(frozen=True)
class Memo:
    id: int
    target_kind: str
    target: str | None
    coder: str
    text: str
    created_at: datetime


def parse_target(on: str) -> tuple[str, str | None]:
    """`project`, `document:ID`, `code:ID` or `coding:N` -> (kind, target)."""
    kind, _, target = on.partition(":")
    if kind not in TARGETS or (kind == "project") != (target == ""):
        raise QdaError(f"memo target {on!r}: use project, document:ID, code:ID or coding:N")
    return kind, target or None


def add_memo(connection: Connection, coder: int, kind: str, target: str | None, text: str,
             at: datetime | None = None) -> int:
    """A memo, written now (or `at`, for memos brought from elsewhere)."""
    if not text.strip():
        raise QdaError("an empty memo says nothing; give it some text")
    memo_id = connection.execute(insert(schema.memos).values(
        target_kind=kind, target=target, coder_id=coder, text=text, created_at=at or now())).inserted_primary_key[0]
    # The log names the memo, not its words: memos may quote participants, and the log,
    # being append-only, could never be pseudonymised.
    append(connection, coder, "memo", int(target) if kind == "coding" else None,
           after={"memo": memo_id, "on": kind, "target": target})
    return memo_id


def add_memo_once(connection: Connection, coder: int, kind: str, target: str | None, text: str,
                  at: datetime | None = None) -> int:
    """Add a memo unless the same coder already wrote the same text on the same target
    (importing a project twice adds nothing); returns 1 if added, else 0."""
    m = schema.memos
    same = select(m.c.id).where(m.c.target_kind == kind, m.c.coder_id == coder, m.c.text == text,
                                m.c.target.is_(None) if target is None else m.c.target == target)
    if connection.execute(same.limit(1)).first() is not None:
        return 0
    add_memo(connection, coder, kind, target, text, at)
    return 1


def list_memos(connection: Connection, kind: str | None = None, target: str | None = None) -> list[Memo]:
    m, coders = schema.memos, schema.coders
    query = select(m, coders.c.name).join(coders, coders.c.id == m.c.coder_id).order_by(m.c.id)
    if kind is not None:
        query = query.where(m.c.target_kind == kind)
    if target is not None:
        query = query.where(m.c.target == target)
    return [Memo(r.id, r.target_kind, r.target, r.name, r.text, r.created_at) for r in connection.execute(query)]
