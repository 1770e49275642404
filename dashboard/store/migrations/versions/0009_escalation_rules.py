"""escalation_rules: each partnership's settings of the escalation and recognition rules

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 12:05:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("area_id", "rule"),
    )
    op.create_index("ix_escalation_rules_area_id", "escalation_rules", ["area_id"])


def downgrade() -> None:
    op.drop_index("ix_escalation_rules_area_id", table_name="escalation_rules")
    op.drop_table("escalation_rules")
