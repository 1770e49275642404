"""mail_notices and mail_letters: what the digests have told, and the e-mails to send (reminders and digests)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 15:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("area_id", sa.Integer(), sa.ForeignKey("areas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("notice", sa.String(length=120), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("area_id", "notice"),
    )
    op.create_index("ix_mail_notices_area_id", "mail_notices", ["area_id"])
    op.create_table(
        "mail_letters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=True),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_mail_letters_next_try_at", "mail_letters", ["next_try_at"])


def downgrade() -> None:
    op.drop_table("mail_letters")
    op.drop_table("mail_notices")
