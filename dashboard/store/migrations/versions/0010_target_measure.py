"""targets.measure: how an indicator's figures add up over a year (level or cumulative), for forecasts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 12:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: a target stored before this revision reads as level, as an empty cell does.
    op.add_column("targets", sa.Column("measure", sa.String(length=20), nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE: a batch copy of targets would cascade its drop to every period value (see 0002).
    op.drop_column("targets", "measure")
