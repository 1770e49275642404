"""annotations: notes tied to a period of a target or a board; a change of process re-phases control limits

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 16:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("area_id", sa.Integer(), sa.ForeignKey("areas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("theme_board_id", sa.Integer(), sa.ForeignKey("theme_boards.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_id", sa.Integer(), sa.ForeignKey("targets.id", ondelete="CASCADE"), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_label", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("change_of_process", sa.Boolean(), nullable=False),
        sa.Column("noted_by", sa.String(length=200), nullable=False),
        sa.Column("noted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_by", sa.String(length=200), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_annotations_area_period", "annotations", ["area_id", "period_end"])


def downgrade() -> None:
    op.drop_table("annotations")
