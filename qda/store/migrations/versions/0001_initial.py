"""Initial project schema: documents, turns, codebook, codings, memos, coders, action log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    op.create_table(
        "coders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("machine", sa.Boolean(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_coders"),
        sa.UniqueConstraint("name", name="uq_coders_name"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("path", sa.Text()),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("imported_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("content_hash", name="uq_documents_content_hash"),
    )
    op.create_table(
        "turns",
        sa.Column("document_id", sa.String(200), nullable=False),
        sa.Column("index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("speaker", sa.String(200)),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("time", sa.String(32)),
        sa.Column("end_time", sa.String(32)),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE",
                                name="fk_turns_document_id_documents"),
        sa.PrimaryKeyConstraint("document_id", "index", name="pk_turns"),
    )
    op.create_table(
        "codebooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("path", sa.Text()),
        sa.Column("source", sa.Text()),
        sa.Column("loaded_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_codebooks"),
    )
    op.create_table(
        "codes",
        sa.Column("codebook_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("parent", sa.String(200)),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("include", sa.Text(), nullable=False),
        sa.Column("exclude", sa.Text(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("color", sa.String(16)),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["codebook_id"], ["codebooks.id"], ondelete="CASCADE",
                                name="fk_codes_codebook_id_codebooks"),
        sa.PrimaryKeyConstraint("codebook_id", "id", name="pk_codes"),
    )
    op.create_table(
        "rules",
        sa.Column("codebook_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("exclusion", sa.Boolean(), nullable=False),
        sa.Column("negation", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["codebook_id", "code"], ["codes.codebook_id", "codes.id"],
                                ondelete="CASCADE", name="fk_rules_codebook_id_codes"),
        sa.PrimaryKeyConstraint("codebook_id", "code", "id", name="pk_rules"),
    )
    op.create_table(
        "codings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(200), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reviewer_id", sa.Integer()),
        sa.Column("reviewed_at", Stamp),
        sa.Column("derived_from", sa.Integer()),
        sa.Column("created_at", Stamp, nullable=False),
        sa.CheckConstraint('0 <= start AND start <= "end"', name="ck_codings_span"),
        sa.CheckConstraint("status IN ('suggested', 'accepted', 'rejected')", name="ck_codings_status"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE",
                                name="fk_codings_document_id_documents"),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"], name="fk_codings_coder_id_coders"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["coders.id"], name="fk_codings_reviewer_id_coders"),
        sa.ForeignKeyConstraint(["derived_from"], ["codings.id"], name="fk_codings_derived_from_codings"),
        sa.PrimaryKeyConstraint("id", name="pk_codings"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_codings_code_document_id", "codings", ["code", "document_id"])
    op.create_index("ix_codings_document_id_start", "codings", ["document_id", "start"])
    op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(200)),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.CheckConstraint("target_kind IN ('project', 'document', 'code', 'coding')",
                           name="ck_memos_target_kind"),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"], name="fk_memos_coder_id_coders"),
        sa.PrimaryKeyConstraint("id", name="pk_memos"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_memos_target_kind_target", "memos", ["target_kind", "target"])
    op.create_table(
        "log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("coding_id", sa.Integer()),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON()),
        sa.Column("undoes", sa.Integer()),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"], name="fk_log_coder_id_coders"),
        sa.PrimaryKeyConstraint("id", name="pk_log"),
        sa.UniqueConstraint("undoes", name="uq_log_undoes"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_log_coder_id_id", "log", ["coder_id", "id"])
    _log_append_only()


def _log_append_only() -> None:
    """The log is history: the database itself refuses to change or delete its rows."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER log_no_{verb.lower()} BEFORE {verb} ON log "
                "BEGIN SELECT RAISE(ABORT, 'the qda action log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION qda_log_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the qda action log is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER log_append_only BEFORE UPDATE OR DELETE ON log "
            "FOR EACH ROW EXECUTE FUNCTION qda_log_append_only()"
        )


def downgrade() -> None:
    for table in ("log", "memos", "codings", "rules", "codes", "codebooks", "turns", "documents",
                  "coders", "settings"):
        op.drop_table(table)
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS qda_log_append_only()")
