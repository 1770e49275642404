"""The watcher an entry point sets on its engine: after each change, the digests and the sending, in a background
thread, so that a slow or failing mail server never slows or fails the change. Light to import: the commands that
only read load none of the mail's work."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from datetime import UTC, date, datetime

from sqlalchemy import Engine

from dashboard.mail.server import MailServer, mail_server, mail_status
from dashboard.settings import Settings
from dashboard.store.engine import on_news

log = logging.getLogger(__name__)


REMINDER_CHECK = 3600.0
"""How often (seconds) a dashboard server looks whether reminders are due."""


class _Postman:
    """One background thread per engine: after a change, the digests, then the sending; while letters wait to be
    tried again, it sleeps until the next try (or the next change). A dashboard server's (remind) also sends the
    reminders once they are due, looking every hour, and so never stops."""

    def __init__(self, engine: Engine, settings: Settings, server: MailServer, remind: bool) -> None:
        self.engine, self.settings, self.server, self.remind = engine, settings, server, remind
        self.reminded_at = 0.0
        self.poked = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def poke(self) -> None:
        with self.lock:
            self.idle.clear()
            self.poked.set()
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="laa-mail", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            poked = self.poked.is_set()
            self.poked.clear()
            wait = self._round(digest=poked)
            with self.lock:
                if self.poked.is_set():
                    continue
                self.idle.set()
                if wait is None:
                    self.thread = None
                    return
            self.poked.wait(wait)  # until the next try, or the next change

    def _round(self, *, digest: bool) -> float | None:
        try:
            from dashboard.mail.outbox import deliver_due
            from dashboard.mail.service import digests, remind_if_due

            if digest:
                digests(self.engine, self.settings)
            if self.remind and time.monotonic() - self.reminded_at >= REMINDER_CHECK:
                self.reminded_at = time.monotonic()
                remind_if_due(self.engine, self.settings, date.today())
            deliver_due(self.engine, self.settings, self.server)
        except Exception:  # the change has committed; what failed here is logged, and tried at the next change
            log.exception("the e-mail digests failed")
        return self._next_wait()

    def _next_wait(self) -> float | None:
        try:
            from dashboard.mail.outbox import next_try

            at = next_try(self.engine)
        except Exception:
            log.exception("could not read the outbox")
            at = None
        wait = None if at is None else max(0.0, (at - datetime.now(UTC)).total_seconds())
        if self.remind:
            wait = min(wait if wait is not None else REMINDER_CHECK, REMINDER_CHECK)
        return wait


_POSTMEN: weakref.WeakKeyDictionary[Engine, _Postman] = weakref.WeakKeyDictionary()


def watch(engine: Engine, settings: Settings, *, remind: bool = False) -> bool:
    """Send digests in the background after every change to the store through this engine (store.engine.on_news),
    and the letters waiting to be tried again; remind (a dashboard server): also the reminders when they are due,
    starting now. Returns False, and does nothing, when e-mail is not set up."""
    if engine in _POSTMEN:
        return True
    if mail_status(settings) is not None:
        return False
    postman = _Postman(engine, settings, mail_server(settings.smtp_url or ""), remind)
    _POSTMEN[engine] = postman
    on_news(engine, postman.poke)
    if remind:
        postman.poke()
    return True


def settle(engine: Engine, timeout: float) -> bool:
    """Wait up to timeout seconds for this engine's digests and sendings under way (not for letters waiting to be
    tried again later); True when none is left under way. A command calls it before it exits."""
    postman = _POSTMEN.get(engine)
    return postman is None or postman.idle.wait(timeout)
