"""areas.parent_id: a district names its county; an index on targets.indicator_code for benchmarks

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 11:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COLUMNS = (("parent_id", "areas"), ("parent_batch_id", "upload_batches"))


def upgrade() -> None:
    for column, table in _COLUMNS:
        if op.get_bind().dialect.name == "sqlite":
            # A plain ALTER TABLE with the reference inline: a batch copy of areas would drop the table every
            # target and board refers to.
            op.execute(f"ALTER TABLE areas ADD COLUMN {column} INTEGER REFERENCES {table} (id)")
        else:
            op.add_column("areas", sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(f"areas_{column}_fkey", "areas", table, [column], ["id"])
    op.create_index("ix_areas_parent_id", "areas", ["parent_id"])
    op.create_index("ix_targets_indicator_code", "targets", ["indicator_code"])


def downgrade() -> None:
    op.drop_index("ix_targets_indicator_code", table_name="targets")
    op.drop_index("ix_areas_parent_id", table_name="areas")
    for column, _ in reversed(_COLUMNS):
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(f"areas_{column}_fkey", "areas", type_="foreignkey")
        op.drop_column("areas", column)
