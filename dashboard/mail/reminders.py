"""Reminders: before a quarter's figures are due, one e-mail to each partner listing the targets it leads whose
figures for that quarter are still to be entered, with a link to My targets. Each partner is reminded once a
quarter in each area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dashboard.access.addresses import Page
from dashboard.access.permissions import Actor, Role
from dashboard.domain.periods import Period, quarter_of
from dashboard.mail.digests import REMINDER
from dashboard.mail.letters import Letter, Recipient, closing, link
from dashboard.read.position import Position
from dashboard.read.quality import Frequency, cycle_of, frequency_of
from dashboard.write.entry import NO_TARGET_YET, OPEN, entry_table, is_locked

REMINDED = REMINDER + "{quarter}:{user}"
"""A reminder's notice key (MailNotice): the quarter and the partner's name."""


@dataclass(frozen=True)
class Due:
    """A quarter's figures and the day they are due."""

    quarter: Period
    due: date
    remind_from: date

    def sentence(self) -> str:
        return f"{self.quarter.label}'s figures are due on {day(self.due)}"


def day(when: date) -> str:
    """'4 February 2010'."""
    return f"{when.day} {when:%B %Y}"


def next_due(today: date, due_days: int, remind_days: int) -> Due:
    """The quarter whose figures are due next, on or after today (LAA_FIGURES_DUE_DAYS after it ends)."""
    quarter = quarter_of(today - timedelta(days=due_days + 92))
    while quarter.end + timedelta(days=due_days) < today:
        quarter = quarter_of(quarter.end + timedelta(days=1))
    due = quarter.end + timedelta(days=due_days)
    return Due(quarter, due, due - timedelta(days=remind_days))


def due_of(quarter: Period, due_days: int, remind_days: int) -> Due:
    due = quarter.end + timedelta(days=due_days)
    return Due(quarter, due, due - timedelta(days=remind_days))


def still_to_enter(position: Position, partner: Recipient, quarter: Period, today: date) -> pd.DataFrame:
    """The partner's targets (as My targets lists them for the quarter) that hold no actual and whose figures are
    due (an annual target only at its year's last quarter, when its outturn falls due), with "Open to you": open,
    or text only where the period has no target yet (the partner cannot enter its actual until one is set).
    Rows locked (signed off) are left out: they cannot be entered."""
    actor = Actor(partner.name, Role.PARTNER, partner=partner.partner)
    table = entry_table(position, actor, quarter, today=today)
    year_end = cycle_of(quarter.end, Frequency.ANNUAL).end == quarter.end
    frequency = position.targets.set_index("indicator_code")["frequency"]
    annual = [frequency_of(frequency.get(code)) is Frequency.ANNUAL for code in table["Code"]]
    due_now = pd.Series([year_end or not a for a in annual], index=table.index, dtype=bool)
    return table[table["Actual"].isna() & ~table[OPEN].astype(str).map(is_locked) & due_now]


def reminder(position: Position, partner: Recipient, due: Due, today: date, public_url: str | None) -> Letter | None:
    """The partner's reminder for the area, or None when it has nothing left it can enter."""
    rows = still_to_enter(position, partner, due.quarter, today)
    no_target = rows[OPEN].astype(str).str.contains(NO_TARGET_YET)
    missing, waiting = rows[~no_target], rows[no_target]
    if missing.empty:
        return None
    count = f"{len(missing)} target{'s' if len(missing) != 1 else ''}"
    subject = f"{position.area} LAA figures for {due.quarter.label} due {day(due.due)}: {count} to enter"
    lines = [
        f"Dear {partner.name},",
        "",
        f"{due.sentence()}. {'These' if len(missing) != 1 else 'This'} {count} led by {partner.partner} in "
        f"{position.area} {'have' if len(missing) != 1 else 'has'} no actual yet:",
        "",
        *_listed(missing),
    ]
    where = link(public_url, Page.MY_TARGETS, area=position.area, quarter=due.quarter.label)
    lines += ["", f"Enter them on My targets: {where}" if where else "Enter them on the dashboard's My targets page."]
    if not waiting.empty:
        lines += ["", "These have no target for the period yet, so their actuals cannot be entered until your "
                  "analyst sets one:", "", *_listed(waiting)]  # fmt: skip
    lines += ["", closing(partner, f"{(due.due - due.remind_from).days} days before a quarter's figures are due")]
    return Letter("reminder", position.area, partner.name, partner.address, subject, "\n".join(lines) + "\n")


def _listed(rows: pd.DataFrame) -> list[str]:
    return [
        f"- {code} {name}".rstrip() + f" ({board}; {period})"
        for code, name, board, period in zip(
            rows["Code"], rows["Indicator"], rows["Theme board"], rows["Period"], strict=True
        )
    ]
