"""Rules keep their `once` flag: without it a project's rules counted each weak word as a
separate piece of evidence, coding otherwise than the same codebook does in `qda code`.

Rules stored before this revision read as once=False, as they were coded until now; loading
the codebook into the project again (`qda project codebook`) stores the flag.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("rules", sa.Column("once", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("rules") as batch:
        batch.drop_column("once")
