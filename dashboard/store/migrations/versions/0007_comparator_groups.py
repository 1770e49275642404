"""comparator_areas: the areas of each comparator group, within which a benchmark may be taken

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 08:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comparator_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_name", sa.String(length=200), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_name", "area_id"),
    )
    op.create_index("ix_comparator_areas_group_name", "comparator_areas", ["group_name"])
    op.create_index("ix_comparator_areas_area_id", "comparator_areas", ["area_id"])


def downgrade() -> None:
    op.drop_index("ix_comparator_areas_area_id", table_name="comparator_areas")
    op.drop_index("ix_comparator_areas_group_name", table_name="comparator_areas")
    op.drop_table("comparator_areas")
