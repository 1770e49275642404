"""users.name_key (one user per name whatever its case, width or spacing) and sign_in_throttles (wrong passwords
counted per name and client address) in place of users.failed_sign_ins and users.locked_until

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:00:00.000000
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from dashboard.domain.names import name_key

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=100), nullable=True))
    _fill_name_keys(op.get_bind())
    with op.batch_alter_table("users") as batch:
        batch.alter_column("name_key", existing_type=sa.String(length=100), nullable=False)
        batch.create_index("ix_users_name_key", ["name_key"], unique=True)
        # Lockouts move to sign_in_throttles; a count of wrong passwords is not worth keeping across an upgrade.
        batch.drop_column("failed_sign_ins")
        batch.drop_column("locked_until")
    op.create_table(
        "sign_in_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_hash", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_hash", "client", name="uq_sign_in_throttles_name_client"),
    )
    op.create_index("ix_sign_in_throttles_last_attempt_at", "sign_in_throttles", ["last_attempt_at"])


def _fill_name_keys(conn) -> None:
    """Each user's key. Of users whose names are one name to the sign-in (`admin` and `ａｄｍｉｎ`), the first added
    keeps it; each later one is disabled, signed out and keyed apart, so no typed name reaches it, and the audit
    trail says why."""
    users = sa.table("users", sa.column("id"), sa.column("name"), sa.column("name_key"), sa.column("disabled_at"))
    sessions = sa.table("sign_in_sessions", sa.column("user_id"), sa.column("ended_at"))
    now = datetime.now(UTC)
    owners: dict[str, str] = {}
    for user_id, name in conn.execute(sa.select(users.c.id, users.c.name).order_by(users.c.id)).all():
        key = name_key(name)[:100]
        if key not in owners:
            owners[key] = name
            conn.execute(sa.update(users).where(users.c.id == user_id).values(name_key=key))
            continue
        # name_key never holds \x1f (str.split takes it for a space), so no name typed anywhere reaches this key.
        apart = f"\x1fsame name as {user_id}"
        conn.execute(sa.update(users).where(users.c.id == user_id).values(name_key=apart, disabled_at=now))
        live = sa.update(sessions).where(sessions.c.user_id == user_id, sessions.c.ended_at.is_(None))
        conn.execute(live.values(ended_at=now))
        _audit(conn, now, name, owners[key])


def _audit(conn, now: datetime, name: str, owner: str) -> None:
    events = sa.table(
        "audit_events", sa.column("at"), sa.column("user_name"), sa.column("action"), sa.column("field"),
        sa.column("old_value"), sa.column("detail"),
    )  # fmt: skip
    conn.execute(
        sa.insert(events),
        {
            "at": now,
            "user_name": "laa init",
            "action": "disable user",
            "field": "user",
            "old_value": name,
            "detail": f"the same name to the sign-in as user {owner}, added before it",
        },
    )


def downgrade() -> None:
    op.drop_index("ix_sign_in_throttles_last_attempt_at", table_name="sign_in_throttles")
    op.drop_table("sign_in_throttles")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch.drop_index("ix_users_name_key")
        batch.drop_column("name_key")
