"""targets.frequency: how often an indicator's figures are due (quarterly, annual, monthly)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: a target stored before this revision reads as quarterly, as an empty cell does.
    op.add_column("targets", sa.Column("frequency", sa.String(length=20), nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): a batch copy of targets would drop the table, and
    # SQLite's foreign keys would cascade that drop to every period value.
    op.drop_column("targets", "frequency")
