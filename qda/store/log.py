"""The append-only action log: who did what to which coding, when, with before and after."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Connection, insert

from qda.store import schema


def now() -> datetime:
    return datetime.now(timezone.utc)


def append(connection: Connection, coder_id: int, action: str, coding_id: int | None = None,
           before: dict | None = None, after: dict | None = None, undoes: int | None = None) -> int:
    result = connection.execute(insert(schema.log).values(
        at=now(), coder_id=coder_id, action=action, coding_id=coding_id, before=before,
        after=after, undoes=undoes,
    ))
    return result.inserted_primary_key[0]
