"""The store: areas, theme boards, targets, versioned period values and upload batches."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dashboard.domain.fileformat import LIMITS


class Base(DeclarativeBase):
    pass


class Area(Base):
    """A partnership area (one LSP, one LAA)."""

    __tablename__ = "areas"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LIMITS["area"]), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    """The county this area is a district of (None: not a district)."""
    parent_batch_id: Mapped[int | None] = mapped_column(ForeignKey("upload_batches.id"))
    """The upload that named the county, so that rolling it back takes the district out of the county again."""


class ThemeBoard(Base):
    __tablename__ = "theme_boards"
    __table_args__ = (UniqueConstraint("area_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    name: Mapped[str] = mapped_column(String(LIMITS["theme_board"]))
    position: Mapped[int] = mapped_column(Integer, default=0)
    """Order of first appearance, so tables list boards as the partnership does."""


class Target(Base):
    """One indicator in one area, owned by one board."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("area_id", "indicator_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    indicator_code: Mapped[str] = mapped_column(String(LIMITS["indicator_code"]), index=True)
    """Indexed: a benchmark reads one indicator across every area."""
    indicator_name: Mapped[str | None] = mapped_column(Text)
    theme_board_id: Mapped[int] = mapped_column(ForeignKey("theme_boards.id"))
    target_type: Mapped[str | None] = mapped_column(String(LIMITS["target_type"]))
    lead_partner: Mapped[str | None] = mapped_column(String(LIMITS["lead_partner"]))
    polarity: Mapped[str | None] = mapped_column(String(LIMITS["polarity"]))
    tolerance_pct: Mapped[float | None] = mapped_column(Double)
    frequency: Mapped[str | None] = mapped_column(String(LIMITS["frequency"]))
    """How often figures are due: quarterly (also when empty), annual or monthly."""
    unit: Mapped[str | None] = mapped_column(String(LIMITS["unit"]))
    measure: Mapped[str | None] = mapped_column(String(LIMITS["measure"]))
    """How figures add up over a year: level (also when empty) or cumulative (running totals), for forecasts."""
    position: Mapped[int] = mapped_column(Integer, default=0)


class UploadBatch(Base):
    """One import: who, when, which file, what it did; rolled_back_at once undone."""

    __tablename__ = "upload_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by: Mapped[str] = mapped_column(String(LIMITS["who"]))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    file_name: Mapped[str] = mapped_column(String(LIMITS["file_name"]))
    checksum: Mapped[str] = mapped_column(String(LIMITS["sha256"]))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_new: Mapped[int] = mapped_column(Integer)
    rows_changed: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    targets_new: Mapped[int] = mapped_column(Integer, default=0)
    targets_changed: Mapped[int] = mapped_column(Integer, default=0)
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rolled_back_by: Mapped[str | None] = mapped_column(String(LIMITS["who"]))


class TargetChange(Base):
    """What a batch did to a target's settings: before is None when the batch created the target."""

    __tablename__ = "target_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("upload_batches.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)


class PeriodValue(Base):
    """One version of one target's figures for one period; exactly one version per key is current."""

    __tablename__ = "period_values"
    __table_args__ = (
        Index(
            "uq_period_values_current",
            "target_id",
            "period_end",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        Index("ix_period_values_target_period", "target_id", "period_end"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    period_end: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(LIMITS["period_label"]))
    target_value: Mapped[float | None] = mapped_column(Double)
    actual: Mapped[float | None] = mapped_column(Double)
    reported_status: Mapped[str | None] = mapped_column(String(LIMITS["rag"]))
    commentary: Mapped[str | None] = mapped_column(Text)
    remedial_action: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("upload_batches.id"), index=True)
    is_current: Mapped[bool] = mapped_column(Boolean)
    superseded_by_batch_id: Mapped[int | None] = mapped_column(ForeignKey("upload_batches.id"))
    replaces_id: Mapped[int | None] = mapped_column(Integer)
    """The version this one replaced (None: the first of its key), kept after a rollback for the audit trail."""


class DataVersion(Base):
    """One row whose version every writing transaction moves on, so cached reads know when to read again."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class User(Base):
    """Someone who signs in: a role, the boards a chair chairs, the lead partner a partner speaks for."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LIMITS["user"]), unique=True)
    name_key: Mapped[str] = mapped_column(String(LIMITS["user"]), unique=True, index=True)
    """The name's key (dashboard.domain.names.name_key): one user per name whatever its case, width or spacing, and
    the column every lookup by name (sign-in, `laa user ...`, --as) queries."""
    role: Mapped[str] = mapped_column(String(LIMITS["role"]))
    partner: Mapped[str | None] = mapped_column(String(LIMITS["lead_partner"]))
    password_hash: Mapped[str] = mapped_column(String(LIMITS["password_hash"]))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email: Mapped[str | None] = mapped_column(String(LIMITS["email"]), unique=True)
    """The e-mail single sign-on reports for this user, when single sign-on is configured."""


class UserBoard(Base):
    """A board a chair chairs."""

    __tablename__ = "user_boards"
    __table_args__ = (UniqueConstraint("user_id", "theme_board_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    theme_board_id: Mapped[int] = mapped_column(ForeignKey("theme_boards.id", ondelete="CASCADE"))


class SignInSession(Base):
    """A browser's sign-in: the cookie holds the token, the store only its hash; ended by signing out or idling."""

    __tablename__ = "sign_in_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(LIMITS["sha256"]), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInThrottle(Base):
    """Wrong passwords counted for one name from one client address, for one name from anywhere (client "*"), or
    for one client address whatever the name (name_hash "*"); a row at its limit is locked until locked_until.
    Names are kept as the SHA-256 of their name key: the store never holds what was typed, which may be a password
    typed into the username box, and an unknown name is counted exactly as a user's is."""

    __tablename__ = "sign_in_throttles"
    __table_args__ = (UniqueConstraint("name_hash", "client", name="uq_sign_in_throttles_name_client"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name_hash: Mapped[str] = mapped_column(String(LIMITS["sha256"]))
    client: Mapped[str] = mapped_column(String(LIMITS["client"]))
    failures: Mapped[int] = mapped_column(Integer)
    """Wrong passwords in a row, and sign-ins under way (each holds its place until its password is checked)."""
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SignOff(Base):
    """A chair's sign-off of one board's quarter; re-opened when reopened_at is set (a later sign-off is a new row)."""

    __tablename__ = "sign_offs"
    __table_args__ = (Index("ix_sign_offs_board_period", "theme_board_id", "period_end"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    theme_board_id: Mapped[int] = mapped_column(ForeignKey("theme_boards.id", ondelete="CASCADE"))
    period_end: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(LIMITS["period_label"]))
    signed_off_by: Mapped[str] = mapped_column(String(LIMITS["user"]))
    signed_off_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reopened_by: Mapped[str | None] = mapped_column(String(LIMITS["user"]))
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopen_reason: Mapped[str | None] = mapped_column(Text)


class ComparatorArea(Base):
    """An area in a comparator group (statistical nearest neighbours, a region, a family of similar areas), within
    which a benchmark may be taken instead of across all areas."""

    __tablename__ = "comparator_areas"
    __table_args__ = (UniqueConstraint("group_name", "area_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_name: Mapped[str] = mapped_column(String(LIMITS["group"]), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)


class EscalationRule(Base):
    """A partnership's setting of one escalation or recognition rule (read.escalations.RULES): switched on or off,
    and its count. A rule with no row here runs with its default."""

    __tablename__ = "escalation_rules"
    __table_args__ = (UniqueConstraint("area_id", "rule"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    rule: Mapped[str] = mapped_column(String(LIMITS["field"]))
    enabled: Mapped[bool] = mapped_column(Boolean)
    count: Mapped[int | None] = mapped_column(Integer)


class Annotation(Base):
    """A note tied to a period of one target, or of a whole board: an event that explains a break in the figures. A
    change of process (a new definition, an intervention) starts new control limits from its period. Removed
    ones are kept, with who removed them, for the audit trail."""

    __tablename__ = "annotations"
    __table_args__ = (Index("ix_annotations_area_period", "area_id", "period_end"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    theme_board_id: Mapped[int] = mapped_column(ForeignKey("theme_boards.id", ondelete="CASCADE"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    """None: the note is about the whole board."""
    period_end: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(LIMITS["period_label"]))
    note: Mapped[str] = mapped_column(String(LIMITS["annotation"]))
    change_of_process: Mapped[bool] = mapped_column(Boolean)
    noted_by: Mapped[str] = mapped_column(String(LIMITS["who"]))
    noted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str | None] = mapped_column(String(LIMITS["who"]))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MailNotice(Base):
    """What the digests have told of one area: a target red, escalated or recognised (by a rule, since a period),
    or a reminder sent; a notice gone from the area's position is deleted, so that its return is news again. The
    area's "baseline" notice marks its first digest, which tells nothing and records what stood then."""

    __tablename__ = "mail_notices"
    __table_args__ = (UniqueConstraint("area_id", "notice"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    notice: Mapped[str] = mapped_column(String(LIMITS["notice"]))
    told_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MailLetter(Base):
    """One e-mail to send (a digest or a reminder), kept after it is sent: its tries, the last error, when to try
    again. Written after the change it tells of has committed, and sent after that."""

    __tablename__ = "mail_letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(LIMITS["field"]))
    area: Mapped[str | None] = mapped_column(String(LIMITS["area"]))
    user_name: Mapped[str] = mapped_column(String(LIMITS["user"]))
    address: Mapped[str] = mapped_column(String(LIMITS["email"]))
    subject: Mapped[str] = mapped_column(String(LIMITS["subject"]))
    body: Mapped[str] = mapped_column(Text)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    """When to try (again); None once sent or given up."""
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)


class AuditEvent(Base):
    """One change and who made it. Figures changed by an upload or a browser entry are read from their versions
    (dashboard/read/audit.py), so an event here names the batch rather than repeating every value."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_name: Mapped[str] = mapped_column(String(LIMITS["who"]), index=True)
    action: Mapped[str] = mapped_column(String(LIMITS["action"]))
    area: Mapped[str | None] = mapped_column(String(LIMITS["area"]))
    theme_board: Mapped[str | None] = mapped_column(String(LIMITS["theme_board"]))
    indicator_code: Mapped[str | None] = mapped_column(String(LIMITS["indicator_code"]), index=True)
    period_label: Mapped[str | None] = mapped_column(String(LIMITS["period_label"]))
    field: Mapped[str | None] = mapped_column(String(LIMITS["field"]))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
