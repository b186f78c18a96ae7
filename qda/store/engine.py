"""Turning a project location into a SQLAlchemy engine with the settings teams rely on.

A plain path is a SQLite file; anything with `://` is a database URL (a team's
PostgreSQL server). SQLite gets WAL (readers never block the one writer), a busy timeout
(a second process waits its turn rather than failing) and `BEGIN IMMEDIATE` (a write
transaction takes the write lock at its start, so two processes never both read, then
both try to upgrade to writing and deadlock into "database is locked").
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from qda.errors import QdaError

# How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_S = 60
#: Execution option marking a connection that only reads.
READ_ONLY = "qda_read_only"


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def database_url(target: str | Path) -> str:
    """The SQLAlchemy URL for a project path or URL (`postgresql://` uses psycopg 3)."""
    if not is_url(target):
        return "sqlite:///" + str(Path(target).expanduser().resolve())
    try:
        url = make_url(str(target))
    except ArgumentError as exc:
        raise QdaError(f"{target}: not a database URL ({exc})") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise QdaError(f"{redact(target)}: qda projects live in SQLite files or PostgreSQL; "
                       "use a file path or a postgresql:// URL")
    return url.render_as_string(hide_password=False)


def redact(target: str | Path) -> str:
    """The location with any password hidden, for messages and logs."""
    if not is_url(target):
        return str(target)
    try:
        return make_url(str(target)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<database URL>"


def create(target: str | Path) -> Engine:
    url = database_url(target)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        _sqlite_settings(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_settings(engine: Engine) -> None:
    # pysqlite's own transaction handling issues a deferred BEGIN lazily; take over so
    # every transaction starts with BEGIN IMMEDIATE (SQLAlchemy's documented recipe).
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        # WAL with synchronous=NORMAL is durable against process crashes (all we promise
        # for SIGKILL); FULL would also survive power loss at a large cost per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Reads take a deferred BEGIN: a consistent WAL snapshot that never waits for writers.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
