"""E-mail as the entry points run it: the digests of every area someone follows, the reminders, the sending."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, exists, insert, select

from dashboard.mail.digests import Digest, digest, record_told
from dashboard.mail.letters import Letter, recipients
from dashboard.mail.outbox import Delivery, deliver_due, queue
from dashboard.mail.reminders import REMINDED, Due, next_due, reminder
from dashboard.mail.server import mail_server, mail_status
from dashboard.read.escalations import rules_of
from dashboard.read.position import load_position
from dashboard.settings import Settings
from dashboard.store.engine import reading, writing
from dashboard.store.models import Area, MailNotice, Target
from dashboard.store.schema import require_ready


def followed_areas(engine: Engine) -> list[tuple[int, str]]:
    """The areas holding targets, in name order, that have at least one chair or partner with an e-mail address."""
    with reading(engine) as conn:
        held = conn.execute(
            select(Area.id, Area.name).where(exists().where(Target.area_id == Area.id)).order_by(Area.name)
        ).all()
        return [(area_id, name) for area_id, name in held if recipients(conn, area_id)]


def digests(engine: Engine, settings: Settings, *, dry_run: bool = False) -> list[Digest]:
    """Each followed area's news since its last digest and the letters that tell it; unless a dry run, what was
    told is kept and the letters queued, area by area, each in one transaction."""
    require_ready(engine)
    out = []
    for area_id, name in followed_areas(engine):
        position = load_position(engine, name)
        rules = rules_of(engine, area_id)
        if dry_run:
            with reading(engine) as conn:
                out.append(digest(conn, position, rules, settings.public_url))
            continue
        # Under the write lock, so that two processes never tell the same news twice.
        with writing(engine, figures=False) as conn:
            found = digest(conn, position, rules, settings.public_url)
            record_told(conn, area_id, found)
            queue(conn, found.letters)
        out.append(found)
    return out


@dataclass
class Reminders:
    due: Due
    letters: list[Letter] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    """Partners reminded of this quarter before, 'name (area)'."""


def reminders(engine: Engine, settings: Settings, due: Due, today: date, *, dry_run: bool = False) -> Reminders:
    """Each partner's reminder of the figures it still has to enter for the quarter, in each area where it leads
    targets; a partner already reminded of the quarter is not reminded again. Unless a dry run, queued."""
    require_ready(engine)
    out = Reminders(due)
    for area_id, name in followed_areas(engine):
        position = load_position(engine, name)
        with (reading if dry_run else writing)(engine, **({} if dry_run else {"figures": False})) as conn:
            told = set(conn.scalars(select(MailNotice.notice).where(MailNotice.area_id == area_id)))
            for partner in [r for r in recipients(conn, area_id) if r.partner]:
                key = REMINDED.format(quarter=due.quarter.label, user=partner.name)
                if key in told:
                    out.already.append(f"{partner.name} ({name})")
                    continue
                letter = reminder(position, partner, due, today, settings.public_url)
                if letter is None:
                    continue
                out.letters.append(letter)
                if not dry_run:
                    conn.execute(insert(MailNotice), {"area_id": area_id, "notice": key, "told_at": datetime.now(UTC)})
                    queue(conn, [letter])
    return out


def remind_if_due(engine: Engine, settings: Settings, today: date) -> Reminders | None:
    """The reminders of the figures due next, queued once today is within LAA_REMIND_DAYS_BEFORE of their due
    day (each partner once a quarter); None before then."""
    due = next_due(today, settings.figures_due_days, settings.remind_days_before)
    return reminders(engine, settings, due, today) if today >= due.remind_from else None


def send_due(engine: Engine, settings: Settings, now: datetime | None = None) -> Delivery | None:
    """Send the letters due (None when e-mail is not set up)."""
    if mail_status(settings) is not None:
        return None
    return deliver_due(engine, settings, mail_server(settings.smtp_url or ""), now)
