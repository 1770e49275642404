"""sign_in_sessions, sign_offs and audit_events; users.email for single sign-on; period_values.replaces_id

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 03:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch.create_unique_constraint("uq_users_email", ["email"])
    with op.batch_alter_table("period_values") as batch:
        batch.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "sign_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_board_id", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_label", sa.String(length=20), nullable=False),
        sa.Column("signed_off_by", sa.String(length=100), nullable=False),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reopened_by", sa.String(length=100), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["theme_board_id"], ["theme_boards.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_offs_board_period", "sign_offs", ["theme_board_id", "period_end"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=True),
        sa.Column("theme_board", sa.String(length=200), nullable=True),
        sa.Column("indicator_code", sa.String(length=100), nullable=True),
        sa.Column("period_label", sa.String(length=20), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_user_name", "audit_events", ["user_name"])
    op.create_index("ix_audit_events_indicator_code", "audit_events", ["indicator_code"])


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_index("ix_sign_offs_board_period", table_name="sign_offs")
    op.drop_table("sign_offs")
    op.drop_table("sign_in_sessions")
    with op.batch_alter_table("period_values") as batch:
        batch.drop_column("replaces_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_email", type_="unique")
        batch.drop_column("email")
