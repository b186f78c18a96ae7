"""The project store's tables (SQLAlchemy Core), the one description of the schema.

Core tables rather than ORM classes: the store moves codings in bulk (an archive holds
hundreds of thousands), and Core inserts and selects them without per-row objects.
Migrations in `migrations/versions` build exactly this schema; a test compares the two.

Offsets are code points into `documents.text`, as everywhere in qda. Codings are never
edited in place: a review decision sets `status`/`reviewer`, and a re-code rejects the
original and adds a new coding `derived_from` it, so what the machine (or any coder)
proposed stays recoverable for agreement statistics. The pseudonym key never lives here.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from qda.corpus import STATUSES

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Stamp = DateTime(timezone=True)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
)

coders = Table(
    "coders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    # Machine coders are named `qda:<source>`; people choose their own names.
    Column("machine", Boolean, nullable=False, default=False),
    Column("created_at", Stamp, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", String(500), nullable=False),
    Column("text", Text, nullable=False),
    # sha256 of the canonical text: the same transcript imported twice is found by content,
    # whatever its file name or format.
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("attributes", JSON, nullable=False),
    Column("path", Text),
    Column("position", Integer, nullable=False),
    Column("imported_at", Stamp, nullable=False),
)

turns = Table(
    "turns",
    metadata,
    Column("document_id", String(200), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("index", Integer, primary_key=True, autoincrement=False),
    Column("speaker", String(200)),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("time", String(32)),
    Column("end_time", String(32)),
)

codebooks = Table(
    "codebooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(500), nullable=False),
    Column("version", String(100), nullable=False),
    Column("path", Text),
    # The file as loaded, for provenance; the codes and rules tables are what qda uses.
    Column("source", Text),
    Column("loaded_at", Stamp, nullable=False),
)

codes = Table(
    "codes",
    metadata,
    Column("codebook_id", Integer, ForeignKey("codebooks.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("name", String(500), nullable=False),
    Column("parent", String(200)),
    Column("description", Text, nullable=False, default=""),
    Column("include", Text, nullable=False, default=""),
    Column("exclude", Text, nullable=False, default=""),
    Column("examples", JSON, nullable=False),
    Column("color", String(16)),
    Column("position", Integer, nullable=False),
)

rules = Table(
    "rules",
    metadata,
    Column("codebook_id", Integer, primary_key=True),
    Column("code", String(200), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("value", JSON, nullable=False),
    Column("exclusion", Boolean, nullable=False),
    Column("negation", String(16), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("once", Boolean, nullable=False, server_default=false()),
    Column("position", Integer, nullable=False),
    ForeignKeyConstraint(["codebook_id", "code"], ["codes.codebook_id", "codes.id"], ondelete="CASCADE"),
)

codings = Table(
    "codings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", String(200), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("code", String(200), nullable=False),
    Column("source", String(32), nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("evidence", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("reviewer_id", Integer, ForeignKey("coders.id")),
    Column("reviewed_at", Stamp),
    Column("derived_from", Integer, ForeignKey("codings.id")),
    Column("created_at", Stamp, nullable=False),
    CheckConstraint("0 <= start AND start <= \"end\"", name="span"),
    CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")", name="status"),
    # (code, document): filtering by code, and the code x document matrix from the index
    # alone. Every index slows imports, so there are just these two.
    Index(None, "code", "document_id"),
    Index(None, "document_id", "start"),
    # Ids are never reused (the log refers to codings an undo or re-run has removed).
    sqlite_autoincrement=True,
)

memos = Table(
    "memos",
    metadata,
    Column("id", Integer, primary_key=True),
    # project, document, code or coding; `target` is the document id, code id or coding id.
    Column("target_kind", String(16), nullable=False),
    Column("target", String(200)),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Stamp, nullable=False),
    CheckConstraint("target_kind IN ('project', 'document', 'code', 'coding')", name="target_kind"),
    Index(None, "target_kind", "target"),
    sqlite_autoincrement=True,
)

# Append-only (database triggers refuse UPDATE and DELETE, see the first migration).
# `coding_id` is deliberately not a foreign key: the log outlives codings an undo removes.
log = Table(
    "log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Stamp, nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("action", String(32), nullable=False),
    Column("coding_id", Integer),
    Column("before", JSON),
    Column("after", JSON),
    Column("undoes", Integer),
    Index(None, "coder_id", "id"),
    UniqueConstraint("undoes"),
    sqlite_autoincrement=True,
)
