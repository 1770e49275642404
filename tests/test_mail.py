"""E-mail through a real SMTP server on loopback (aiosmtpd): a digest per chair and lead partner after a change that
makes targets newly red, escalated or recognised; a reminder of exactly the figures a partner has still to enter;
a mail server that is down or silent never fails or holds up an import, and what it did not take is tried again."""

from __future__ import annotations

import csv
import email
import io
import ipaddress
import re
import socket
import ssl
from datetime import UTC, date, datetime, timedelta
from email.policy import default as email_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from dashboard.access.accounts import add_user, disable_user
from dashboard.access.permissions import LOCAL_ADMIN, Actor, Role
from dashboard.domain.periods import parse_period
from dashboard.mail.reminders import due_of, next_due
from dashboard.mail.server import MailSetupProblem, mail_server
from dashboard.mail.service import digests, reminders, send_due
from dashboard.mail.watch import settle, watch
from dashboard.settings import SAMPLE_DATA, Settings
from dashboard.store.models import AuditEvent, MailLetter
from dashboard.write.importer import import_bytes, import_entry
from tests.conftest import free_port, laa
from tests.fixtures import PASSWORD, acting

# Two Wellbeing targets green in 2009/10 Q3 of the demo, turned red: NI 40 (NHS Haringey), NI 130 (Haringey Council).
TURNED_RED = {"NI 40": "1100", "NI 130": "150"}


class Mailbox:
    """An SMTP server on a loopback port that keeps what it is sent; stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[email.message.EmailMessage] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.received.append(email.message_from_bytes(envelope.original_content, policy=email_policy))
        return "250 OK"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def letters(self) -> dict[str, set[str]]:
        """Each letter's addressee → the targets it names (the lines that begin a target's paragraph)."""
        return {m["To"]: set(re.findall(r"^(NI \d+) ", text(m), re.M)) for m in self.received}


def text(mail: email.message.EmailMessage) -> str:
    """A received letter's text, its line ends as written (SMTP carries them as CRLF)."""
    return mail.get_content().replace("\r\n", "\n")


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.start()
    yield box
    box.stop()


def settings_for(url: str, timeout: float = 2) -> Settings:
    return Settings(smtp_url=url, public_url="https://laa.example.org", smtp_timeout_seconds=timeout)


def people(engine) -> None:
    """Chairs and partners of the demo: two with e-mail who follow Wellbeing's targets, one who follows none of
    what changes, one without an address and one disabled (neither is sent anything)."""
    add_user(engine, LOCAL_ADMIN, "wendy", "chair", PASSWORD, boards=["Wellbeing"], email="wendy@example.org")
    add_user(engine, LOCAL_ADMIN, "ed", "chair", PASSWORD, boards=["Enterprise"], email="ed@example.org")
    add_user(engine, LOCAL_ADMIN, "nhs", "partner", PASSWORD, partner="NHS Haringey", email="nhs@example.org")
    add_user(engine, LOCAL_ADMIN, "council", "partner", PASSWORD, partner="Haringey Council", email="hc@example.org")
    add_user(engine, LOCAL_ADMIN, "walt", "chair", PASSWORD, boards=["Wellbeing"])
    add_user(engine, LOCAL_ADMIN, "old", "chair", PASSWORD, boards=["Wellbeing"], email="old@example.org")
    disable_user(engine, LOCAL_ADMIN, "old")


def turning_red() -> bytes:
    """The demo's 2009/10 Q3 rows of the TURNED_RED targets, their actuals made red."""
    rows = list(csv.DictReader((SAMPLE_DATA / "haringey_demo.csv").open(encoding="utf-8")))
    changed = [r | {"actual": TURNED_RED[r["indicator_code"]]} for r in rows
               if r["period"] == "2009/10 Q3" and r["indicator_code"] in TURNED_RED]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(changed)
    return out.getvalue().encode()


def audited(engine, action: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.new_value, AuditEvent.detail).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        return [tuple(r) for r in rows]


def test_an_import_that_turns_two_targets_red_sends_one_digest_to_each_chair_and_lead_partner_naming_them(
    demo, mailbox
):
    people(demo)
    settings = settings_for(mailbox.url)
    assert watch(demo, settings)
    first = digests(demo, settings)  # the area's first digest records what stands and tells nothing
    assert [(d.area, d.first, d.letters) for d in first] == [("Haringey", True, [])]
    assert send_due(demo, settings).sent == []

    stored = import_bytes(demo, turning_red(), "q3 corrections.csv", acting())
    assert stored.batch_id is not None
    assert settle(demo, 30)

    assert mailbox.letters() == {
        "wendy@example.org": {"NI 40", "NI 130"},
        "nhs@example.org": {"NI 40"},
        "hc@example.org": {"NI 130"},
    }
    to_wendy = next(m for m in mailbox.received if m["To"] == "wendy@example.org")
    assert to_wendy["Subject"] == "Haringey LAA targets: 2 newly red, 2 newly escalated"
    assert to_wendy["From"] == "LAA dashboard <laa-dashboard@localhost>"
    assert to_wendy.get_content_type() == "text/plain"
    body = text(to_wendy)
    assert "NI 40 Number of drug users recorded as being in effective treatment\n" in body
    assert "  Newly red: red in 2009/10 Q3: 1100 against a target of 1290\n" in body
    assert (
        "  Newly escalated: green in 2009/10 Q2, red in 2009/10 Q3 (green in one period and red in the next)\n" in body
    )
    assert "  https://laa.example.org/target?target=NI+130&area=Haringey\n" in body
    assert "because you chair Wellbeing" in body
    # Each sending is in the audit trail, by address.
    assert sorted(address for address, _ in audited(demo, "e-mail sent")) == [
        "hc@example.org",
        "nhs@example.org",
        "wendy@example.org",
    ]

    # Told once: the same news is not sent again, by another digest or another import of the same figures.
    assert [d.letters for d in digests(demo, settings)] == [[]]
    import_bytes(demo, turning_red().replace(b"1100", b"1101"), "again.csv", acting())
    assert settle(demo, 30)
    assert len(mailbox.received) == 3


def test_a_partners_browser_entry_sends_its_digest_too(demo, mailbox):
    people(demo)
    settings = settings_for(mailbox.url)
    watch(demo, settings)
    digests(demo, settings)
    nhs = Actor("nhs", Role.PARTNER, partner="NHS Haringey")
    entry = b"indicator_code,theme_board,period,actual\nNI 40,Wellbeing,2009/10 Q3,1000\n"
    import_entry(demo, entry, nhs, settings=settings)
    assert settle(demo, 30)
    assert mailbox.letters() == {"wendy@example.org": {"NI 40"}, "nhs@example.org": {"NI 40"}}


def test_with_the_mail_server_down_the_import_succeeds_and_the_letter_is_logged_and_tried_again(demo, mailbox, caplog):
    people(demo)
    settings = settings_for(mailbox.url)
    watch(demo, settings)
    digests(demo, settings)
    mailbox.stop()

    stored = import_bytes(demo, turning_red(), "q3 corrections.csv", acting())
    assert stored.batch_id is not None
    assert settle(demo, 30)
    with demo.connect() as conn:
        letters = conn.execute(select(MailLetter).order_by(MailLetter.id)).all()
    assert [(x.address, x.tries, x.sent_at) for x in letters] == [
        ("hc@example.org", 1, None),
        ("nhs@example.org", 1, None),
        ("wendy@example.org", 1, None),
    ]
    assert all(f"127.0.0.1:{mailbox.port}" in x.last_error for x in letters)
    failed = audited(demo, "e-mail failed")
    assert [address for address, _ in failed] == ["hc@example.org", "nhs@example.org", "wendy@example.org"]
    assert all("tries again at" in detail for _, detail in failed)
    logged = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert [m.split(" (tries again at")[0] for m in logged] == [
        "could not send the digest to council <hc@example.org>",
        "could not send the digest to nhs <nhs@example.org>",
        "could not send the digest to wendy <wendy@example.org>",
    ]

    # The server is back: the next round (a minute on) sends every letter, once.
    mailbox.start()
    later = datetime.now(UTC) + timedelta(minutes=2)
    delivery = send_due(demo, settings, now=later)
    assert len(delivery.sent) == 3 and delivery.failed == []
    assert mailbox.letters() == {
        "wendy@example.org": {"NI 40", "NI 130"},
        "nhs@example.org": {"NI 40"},
        "hc@example.org": {"NI 130"},
    }
    assert send_due(demo, settings, now=later + timedelta(hours=1)).sent == []


def test_a_mail_server_that_never_answers_does_not_hold_up_the_import(demo):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections and never says a word
    port = silent.getsockname()[1]
    try:
        people(demo)
        settings = settings_for(f"smtp://127.0.0.1:{port}")
        watch(demo, settings)
        digests(demo, settings)
        stored = import_bytes(demo, turning_red(), "q3 corrections.csv", acting())
        # The import has returned, its batch stored, while the letters still wait on the silent server.
        assert stored.batch_id is not None
        assert not settle(demo, 0.2)
        assert settle(demo, 30)
        with demo.connect() as conn:
            errors = conn.scalars(select(MailLetter.last_error)).all()
        assert errors and all("timed out" in e for e in errors)
    finally:
        silent.close()


# A partner's quarter: NI 1 entered; NI 2 has no row for Q3, so no target to enter an actual against (listed apart);
# NI 3 has its Q3 target but no actual; NI 4 is annual (its outturn is due only at the year's end); NI 5 is another
# partner's. For Q4, NI 1 and NI 4 have targets set ahead.
REMINDER_HISTORY = (
    "indicator_code,theme_board,lead_partner,frequency,period,target,actual\n"
    "NI 1,People,Police,,2009/10 Q3,100,101\n"
    "NI 2,People,Police,,2009/10 Q2,100,99\n"
    "NI 3,Places,Police,,2009/10 Q3,100,\n"
    "NI 4,Places,Police,annual,2008/09,100,90\n"
    "NI 1,People,Police,,2009/10 Q4,100,\n"
    "NI 4,Places,Police,annual,2009/10,100,\n"
    "NI 5,Places,Fire Service,,2009/10 Q3,100,\n"
)


def test_a_reminder_lists_exactly_the_targets_the_partner_has_not_entered(engine, mailbox):
    import_bytes(engine, REMINDER_HISTORY.encode(), "year.csv", acting())
    add_user(engine, LOCAL_ADMIN, "pc", "partner", PASSWORD, partner="Police", email="pc@example.org")
    add_user(engine, LOCAL_ADMIN, "fire", "partner", PASSWORD, partner="Fire Service", email="fire@example.org")
    settings = settings_for(mailbox.url)
    today = date(2010, 2, 5)
    q3 = due_of(parse_period("2009/10 Q3"), settings.figures_due_days, settings.remind_days_before)
    assert (q3.due, q3.remind_from) == (date(2010, 2, 11), date(2010, 2, 4))
    assert next_due(today, 42, 7) == q3

    found = reminders(engine, settings, q3, today)
    assert [(x.address, x.subject) for x in found.letters] == [
        ("fire@example.org", "Haringey LAA figures for 2009/10 Q3 due 11 February 2010: 1 target to enter"),
        ("pc@example.org", "Haringey LAA figures for 2009/10 Q3 due 11 February 2010: 1 target to enter"),
    ]
    send_due(engine, settings)
    to_pc = next(m for m in mailbox.received if m["To"] == "pc@example.org")
    body = text(to_pc)
    assert re.findall(r"^- (NI \d+)", body, re.M) == ["NI 3", "NI 2"]
    assert "This 1 target led by Police in Haringey has no actual yet:\n\n- NI 3 (Places; 2009/10 Q3)\n" in body
    assert "until your analyst sets one:\n\n- NI 2 (People; 2009/10 Q3)\n" in body
    assert "Enter them on My targets: https://laa.example.org/my-targets?area=Haringey&quarter=2009%2F10+Q3" in (
        text(to_pc)
    )
    # Once a quarter: a second run reminds nobody.
    again = reminders(engine, settings, q3, today)
    assert again.letters == [] and again.already == ["fire (Haringey)", "pc (Haringey)"]

    # At the year's end the annual outturn is due too.
    q4 = due_of(parse_period("2009/10 Q4"), 42, 7)
    year_end = reminders(engine, settings, q4, date(2010, 5, 6), dry_run=True)
    to_pc = next(x for x in year_end.letters if x.address == "pc@example.org")
    assert re.findall(r"^- (NI \d+)", to_pc.body, re.M) == ["NI 1", "NI 4", "NI 2", "NI 3"]


def test_the_commands_print_what_would_be_sent_and_say_when_e_mail_is_not_set_up(demo, mailbox, monkeypatch):
    people(demo)
    refused = laa("digest")
    assert refused.code == 2
    assert refused.err == (
        "error: e-mail is not set up (LAA_SMTP_URL is unset), so no reminder or digest is sent: set it to your mail "
        "server, or add --dry-run to see what would be sent\n"
    )
    first = laa("digest", "--dry-run")
    assert first.code == 0 and first.out == ""
    assert "Haringey: the first digest records what stands now (64 notices) and tells nothing" in first.err

    monkeypatch.setenv("LAA_SMTP_URL", mailbox.url)
    assert laa("digest").code == 0  # the baseline
    import_bytes(demo, turning_red(), "q3 corrections.csv", acting())  # this engine has no watcher: nothing sent
    preview = laa("digest", "--dry-run")
    assert preview.code == 0
    assert re.findall(r"^To: (.*)$", preview.out, re.M) == [
        "council <hc@example.org>",
        "nhs <nhs@example.org>",
        "wendy <wendy@example.org>",
    ]
    assert mailbox.received == []  # a dry run sends nothing, and records nothing:
    sent = laa("digest")
    assert sent.code == 0 and "sent 3; not sent 0" in sent.err
    assert mailbox.letters()["wendy@example.org"] == {"NI 40", "NI 130"}

    reminded = laa("remind", "--quarter", "2009/10 Q3", "--dry-run", "--json")
    assert reminded.code == 0
    letters = reminded.json()["letters"]
    assert [(x["user_name"], x["subject"]) for x in letters] == [
        ("council", "Haringey LAA figures for 2009/10 Q3 due 11 February 2010: 4 targets to enter"),
        ("nhs", "Haringey LAA figures for 2009/10 Q3 due 11 February 2010: 1 target to enter"),
    ]
    assert re.findall(r"^- (NI \d+)", letters[0]["body"], re.M) == ["NI 19", "NI 195", "NI 1", "NI 4"]


def test_a_change_from_the_command_line_sends_its_digest_before_the_command_ends(demo, mailbox, monkeypatch, tmp_path):
    people(demo)
    monkeypatch.setenv("LAA_SMTP_URL", mailbox.url)
    assert laa("digest").code == 0
    changed = tmp_path / "q3.csv"
    changed.write_bytes(turning_red())
    assert laa("import", str(changed)).code == 0
    assert mailbox.letters()["nhs@example.org"] == {"NI 40"}


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mail.example.org", "LAA_SMTP_URL must start smtp://, smtp+starttls:// or smtps://, such as "
         "smtp+starttls://user:password@mail.example.org:587"),
        ("smtp://", "LAA_SMTP_URL names no mail server: write one such as "
         "smtp+starttls://user:password@mail.example.org:587"),
        ("smtp://u:secret@mail.example.org", "LAA_SMTP_URL gives a password to a plain smtp:// server, which would "
         "send it unencrypted: use smtp+starttls:// or smtps://, such as "
         "smtp+starttls://user:password@mail.example.org:587"),
        ("smtps://mail.example.org:x", "LAA_SMTP_URL's port is not a number: write one such as "
         "smtp+starttls://user:password@mail.example.org:587"),
    ],
)  # fmt: skip
def test_a_mail_server_address_that_is_not_one_is_refused_saying_how_to_write_it(url, problem):
    with pytest.raises(MailSetupProblem) as raised:
        mail_server(url)
    assert str(raised.value) == problem


def test_a_mail_server_address_gives_security_port_and_credentials():
    server = mail_server("smtp+starttls://laa%40example.org:p%3Ass@mail.example.org")
    assert (server.host, server.port, server.security, server.user, server.password) == (
        "mail.example.org",
        587,
        "starttls",
        "laa@example.org",
        "p:ss",
    )
    assert mail_server("smtps://mail.example.org").port == 465
    assert mail_server("smtp://relay").where() == "relay:25"


def self_signed(folder) -> tuple[str, str]:
    """A certificate for 127.0.0.1 signed by its own key (the test's own authority), and the key: PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "laa test mail server")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


def test_a_server_that_requires_starttls_and_a_password_gets_both(demo, tmp_path, monkeypatch):
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", cert)  # the client trusts the test's authority, as it would a real one
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    signed_in: list[str] = []

    def password_check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"laa@example.org" and auth_data.password == b"p:ss word"
        if ok:
            signed_in.append(auth_data.login.decode())
        return AuthResult(success=ok)

    box = Mailbox()
    box.controller = Controller(box, hostname="127.0.0.1", port=box.port, tls_context=tls, require_starttls=True,
                                authenticator=password_check, auth_require_tls=True)  # fmt: skip
    box.controller.start()
    try:
        people(demo)
        settings = settings_for(f"smtp+starttls://laa%40example.org:p%3Ass%20word@127.0.0.1:{box.port}")
        watch(demo, settings)
        digests(demo, settings)
        import_bytes(demo, turning_red(), "q3 corrections.csv", acting())
        assert settle(demo, 30)
        assert signed_in == ["laa@example.org"] * 3
        assert box.letters()["wendy@example.org"] == {"NI 40", "NI 130"}

    finally:
        box.stop()
