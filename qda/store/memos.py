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


def add_memo(connection: Connection, coder: int, kind: str, target: str | None, text: str) -> int:
    if not text.strip():
        raise QdaError("an empty memo says nothing; give it some text")
    memo_id = connection.execute(insert(schema.memos).values(
        target_kind=kind, target=target, coder_id=coder, text=text, created_at=now())).inserted_primary_key[0]
    # The log names the memo, not its words: memos may quote participants, and the log,
    # being append-only, could never be pseudonymised.
    append(connection, coder, "memo", int(target) if kind == "coding" else None,
           after={"memo": memo_id, "on": kind, "target": target})
    return memo_id


def list_memos(connection: Connection, kind: str | None = None, target: str | None = None) -> list[Memo]:
    m, coders = schema.memos, schema.coders
    query = select(m, coders.c.name).join(coders, coders.c.id == m.c.coder_id).order_by(m.c.id)
    if kind is not None:
        query = query.where(m.c.target_kind == kind)
    if target is not None:
        query = query.where(m.c.target == target)
    return [Memo(r.id, r.target_kind, r.target, r.name, r.text, r.created_at) for r in connection.execute(query)]
