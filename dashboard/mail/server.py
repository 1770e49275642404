"""The mail server LAA_SMTP_URL names, and sending one e-mail through it."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from dashboard.settings import Settings

SCHEMES = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "tls"}
PORTS = {"plain": 25, "starttls": 587, "tls": 465}
EXAMPLE = "smtp+starttls://user:password@mail.example.org:587"


class MailSetupProblem(ValueError):
    """LAA_SMTP_URL is not a mail server's address; the message says how to write one."""


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    security: str
    """plain, starttls (upgrade, then sign in) or tls (from the start)."""
    user: str | None = None
    password: str | None = None

    def where(self) -> str:
        """host:port, for messages and the log (never the password)."""
        return f"{self.host}:{self.port}"


def mail_server(url: str) -> MailServer:
    """LAA_SMTP_URL read; raises MailSetupProblem naming what is wrong and how to write it."""
    parts = urlsplit(url.strip())
    security = SCHEMES.get(parts.scheme.lower())
    if security is None:
        raise MailSetupProblem(f"LAA_SMTP_URL must start smtp://, smtp+starttls:// or smtps://, such as {EXAMPLE}")
    try:
        port = parts.port or PORTS[security]
    except ValueError:
        raise MailSetupProblem(f"LAA_SMTP_URL's port is not a number: write one such as {EXAMPLE}") from None
    if not parts.hostname:
        raise MailSetupProblem(f"LAA_SMTP_URL names no mail server: write one such as {EXAMPLE}")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if user and security == "plain":
        raise MailSetupProblem(
            "LAA_SMTP_URL gives a password to a plain smtp:// server, which would send it unencrypted: use "
            f"smtp+starttls:// or smtps://, such as {EXAMPLE}"
        )
    return MailServer(parts.hostname, port, security, user, password)


def message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text e-mail: nothing in it is read as HTML, and a subject holds one line."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = " ".join(subject.split())
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="laa-dashboard")
    mail.set_content(body)
    return mail


def send(server: MailServer, mail: EmailMessage, timeout: float) -> None:
    """Send one e-mail; raises OSError or smtplib.SMTPException when the server cannot be reached or refuses it."""
    context = ssl.create_default_context()
    if server.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
    with client:
        if server.security == "starttls":
            client.starttls(context=context)
        if server.user:
            client.login(server.user, server.password or "")
        client.send_message(mail)


NOT_SET_UP = "e-mail is not set up (LAA_SMTP_URL is unset), so no reminder or digest is sent"


def mail_status(settings: Settings) -> str | None:
    """None when e-mail is set up; else what the dashboard says instead of sending (NOT_SET_UP, or what is wrong
    with LAA_SMTP_URL)."""
    if not settings.smtp_url:
        return NOT_SET_UP
    try:
        mail_server(settings.smtp_url)
    except ValueError as exc:
        return f"e-mail is not sent: {exc}"
    return None


def after_change_words(settings: Settings) -> str:
    """What a page says after a change about the e-mails it brings."""
    status = mail_status(settings)
    if status is None:
        return (
            "The chairs and lead partners whose targets this makes newly red, escalated or recognised are sent an "
            "e-mail digest (the audit trail lists each one)."
        )
    return status[0].upper() + status[1:] + "."
