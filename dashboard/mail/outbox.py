"""The outbox: letters queued after the change they tell of has committed, sent in the background, tried again
after a failure, and each sending or failure in the audit trail."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from dashboard.mail.letters import Letter
from dashboard.mail.server import MailServer, message, send
from dashboard.settings import Settings
from dashboard.store.audit import record
from dashboard.store.engine import as_utc, reading, writing
from dashboard.store.models import MailLetter

SENDER = "LAA dashboard (e-mail)"
"""Who the audit trail names for a sending."""
RETRIES = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4))
"""How long to wait before each try after a failure; after the last, the letter is given up (and says so)."""
log = logging.getLogger(__name__)


def queue(conn: Connection, letters: list[Letter]) -> None:
    """Put letters in the outbox, to be sent at once (in the caller's transaction)."""
    if not letters:
        return
    now = datetime.now(UTC)
    conn.execute(
        insert(MailLetter),
        [
            {
                "created_at": now,
                "kind": x.kind,
                "area": x.area,
                "user_name": x.user_name,
                "address": x.address,
                "subject": x.subject,
                "body": x.body,
                "tries": 0,
                "next_try_at": now,
            }  # fmt: skip
            for x in letters
        ],
    )


@dataclass
class Delivery:
    """What one round of sending did."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    """'to whom: why', for each letter that will be tried again or was given up."""
    next_try_at: datetime | None = None


def deliver_due(engine: Engine, settings: Settings, server: MailServer, now: datetime | None = None) -> Delivery:
    """Send every letter due by now, one at a time, each claimed first so that two processes never send it
    twice."""
    now = now or datetime.now(UTC)
    done = Delivery()
    with reading(engine) as conn:
        due = conn.scalars(select(MailLetter.id).where(MailLetter.next_try_at <= now).order_by(MailLetter.id)).all()
    for letter_id in due:
        letter = _claim(engine, letter_id, now, timedelta(seconds=settings.smtp_timeout_seconds * 3))
        if letter is not None:
            _send_one(engine, settings, server, letter, done)
    done.next_try_at = next_try(engine)
    return done


def next_try(engine: Engine) -> datetime | None:
    with reading(engine) as conn:
        found = conn.scalar(select(MailLetter.next_try_at).where(MailLetter.next_try_at.is_not(None)).order_by(
            MailLetter.next_try_at).limit(1))  # fmt: skip
    return as_utc(found) if found is not None else None


def _claim(engine: Engine, letter_id: int, now: datetime, hold: timedelta):
    """The letter, once this process holds it (its next try moved past the time a sending takes), else None."""
    with writing(engine, figures=False) as conn:
        claimed = conn.execute(
            update(MailLetter)
            .where(MailLetter.id == letter_id, MailLetter.next_try_at <= now)
            .values(next_try_at=now + hold)
        ).rowcount
        return conn.execute(select(MailLetter).where(MailLetter.id == letter_id)).one() if claimed else None


def _send_one(engine: Engine, settings: Settings, server: MailServer, letter, done: Delivery) -> None:
    mail = message(settings.mail_from, letter.address, letter.subject, letter.body)
    to = f"{letter.kind} to {letter.user_name} <{letter.address}>"
    try:
        send(server, mail, settings.smtp_timeout_seconds)
    except (OSError, smtplib.SMTPException) as exc:
        _failed(engine, letter, to, f"{server.where()}: {_reason(exc)}", done)
        return
    with writing(engine, figures=False) as conn:
        now = datetime.now(UTC)
        conn.execute(
            update(MailLetter)
            .where(MailLetter.id == letter.id)
            .values(sent_at=now, next_try_at=None, tries=letter.tries + 1, last_error=None)
        )
        record(conn, SENDER, "e-mail sent", area=letter.area, field="e-mail", new=letter.address,
               detail=f"{letter.kind} to {letter.user_name}: {letter.subject}")  # fmt: skip
    done.sent.append(to)


def _failed(engine: Engine, letter, to: str, reason: str, done: Delivery) -> None:
    tries = letter.tries + 1
    later = datetime.now(UTC) + RETRIES[tries - 1] if tries <= len(RETRIES) else None
    then = f"tries again at {later:%H:%M} UTC" if later else f"given up after {tries} tries"
    log.warning("could not send the %s (%s): %s", to, then, reason)
    with writing(engine, figures=False) as conn:
        conn.execute(
            update(MailLetter)
            .where(MailLetter.id == letter.id)
            .values(tries=tries, next_try_at=later, last_error=reason)
        )
        record(conn, SENDER, "e-mail failed", area=letter.area, field="e-mail", new=letter.address,
               detail=f"{letter.kind} to {letter.user_name}: {reason}; {then}")  # fmt: skip
    done.failed.append(f"{to}: {reason}; {then}")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"the server refused it ({exc.smtp_code} {text})"
    return " ".join(str(exc).split()) or type(exc).__name__
