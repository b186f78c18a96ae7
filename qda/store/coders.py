"""Coders: the people and machine coders every coding and action is attributed to."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from qda.errors import QdaError
from qda.store import schema
from qda.store.log import now

MACHINE_PREFIX = "qda:"


def machine_name(source: str) -> str:
    return MACHINE_PREFIX + source


def is_machine(name: str) -> bool:
    return name.startswith(MACHINE_PREFIX)


def check_person(name: str) -> str:
    """A person's coder name: non-empty, and not one that claims to be the machine."""
    name = (name or "").strip()
    if not name:
        raise QdaError("a coder name is needed: every action is attributed to someone (--coder NAME)")
    if is_machine(name):
        raise QdaError(f"coder names starting with {MACHINE_PREFIX!r} are reserved for qda's own coders")
    return name


def coder_id(connection: Connection, name: str) -> int:
    """The id of the named coder, registering it on first use."""
    c = schema.coders
    found = connection.execute(select(c.c.id).where(c.c.name == name)).scalar_one_or_none()
    if found is not None:
        return found
    try:
        # A savepoint, so a concurrent process registering the same name first does not
        # abort the caller's transaction.
        with connection.begin_nested():
            return connection.execute(insert(c).values(
                name=name, machine=is_machine(name), created_at=now())).inserted_primary_key[0]
    except IntegrityError:
        return connection.execute(select(c.c.id).where(c.c.name == name)).scalar_one()
