"""Digests: after a change, one e-mail to each chair and lead partner whose targets it made newly red, newly
escalated or newly recognised. What was told is kept (MailNotice), so each piece of news is told once; the first
digest of an area records what stands and tells nothing, so a first import does not send every red target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, delete, insert, select

from dashboard.access.addresses import Page
from dashboard.domain.output import cell_text
from dashboard.domain.periods import Period
from dashboard.domain.rules import Status
from dashboard.mail.letters import Letter, Recipient, closing, link, recipients
from dashboard.read.escalations import RULES, Rule, RuleSetting, escalations
from dashboard.read.position import Position
from dashboard.store.models import MailNotice

BASELINE = "baseline"
REMINDER = "remind:"
"""The start of a reminder's notice (mail.reminders)."""
HEADINGS = {"red": "Newly red", "escalate": "Newly escalated", "recognise": "Newly recognised"}
"""Each kind of news, in the order a digest lists them."""


@dataclass(frozen=True)
class Notice:
    """One piece of news about one target."""

    key: str
    """What the store keeps once it is told: kind, rule, target and since, such as 'escalate:red_run:12:2009/10 Q2'."""
    kind: str
    indicator_code: str
    indicator_name: str | None
    theme_board: str
    lead_partner: str | None
    says: str
    remedial_action: str | None = None
    """An escalation's remedial action as the latest figures hold it ('' when none is recorded)."""


def standing(position: Position, rules: dict[Rule, RuleSetting]) -> tuple[Period | None, dict[str, Notice]]:
    """What an area's digest could tell as at its latest quarter: each red target, and each escalation and
    recognition its rules raise, by key."""
    as_at = position.latest_quarter()
    if as_at is None:
        return None, {}
    statuses = position.statuses(as_at)
    out: dict[str, Notice] = {}
    for row in statuses[statuses["status"] == Status.RED.value].itertuples(index=False):
        notice = _notice(f"red:{row.target_id}", "red", row, _red_words(row))
        out[notice.key] = notice
    for row in escalations(position, as_at, rules).itertuples(index=False):
        rule = Rule(row.rule)
        words = row.why if rule is Rule.RED_NO_ACTION else f"{row.why} ({RULES[rule].says.format(n=rules[rule].count)})"
        action = None
        if row.kind == "escalate":
            action = cell_text(row.remedial_action) if pd.notna(row.remedial_action) else ""
        notice = _notice(f"{row.kind}:{row.rule}:{row.target_id}:{row.since}", row.kind, row, words, action)
        out[notice.key] = notice
    return as_at, out


def _notice(key: str, kind: str, row, says: str, action: str | None = None) -> Notice:
    name = row.indicator_name if pd.notna(row.indicator_name) else None
    partner = row.lead_partner if pd.notna(row.lead_partner) else None
    return Notice(key, kind, row.indicator_code, name, row.theme_board, partner, says, action)


def _red_words(row) -> str:
    words = f"red in {row.period_label}"
    if pd.notna(row.actual) and pd.notna(row.target_value):
        words += f": {cell_text(row.actual)} against a target of {cell_text(row.target_value)}"
    return words


@dataclass
class Digest:
    """One area's news since its last digest, and the letters that tell it."""

    area: str
    as_at: Period | None
    news: list[Notice]
    letters: list[Letter]
    first: bool
    """The area's first digest: it records what stands and sends nothing."""
    gone: list[str]
    """Keys told before that no longer stand (forgotten, so that their return is news again)."""
    standing: list[str]
    """Every key that stands now: the first digest records them all."""


def digest(
    conn: Connection,
    position: Position,
    rules: dict[Rule, RuleSetting],
    public_url: str | None,
) -> Digest:
    """The news of one area against what its digests have told (read in conn), and one letter per recipient
    whose targets it touches."""
    as_at, now = standing(position, rules)
    told = set(conn.scalars(select(MailNotice.notice).where(MailNotice.area_id == position.area_id)))
    told = {key for key in told if not key.startswith(REMINDER)}  # reminders are kept by the quarter they are for
    first = BASELINE not in told
    news = [] if first else [n for key, n in now.items() if key not in told]
    gone = sorted(told - set(now) - {BASELINE})
    letters = [] if first else _letters(position.area, as_at, news, recipients(conn, position.area_id), public_url)
    return Digest(position.area, as_at, news, letters, first, gone, list(now))


def record_told(conn: Connection, area_id: int, found: Digest) -> None:
    """Keep what this digest told (or, the first time, what stood), and forget what no longer stands."""
    if found.gone:
        conn.execute(delete(MailNotice).where(MailNotice.area_id == area_id, MailNotice.notice.in_(found.gone)))
    keys = [BASELINE, *found.standing] if found.first else [n.key for n in found.news]
    now = datetime.now(UTC)
    if keys:
        conn.execute(insert(MailNotice), [{"area_id": area_id, "notice": k, "told_at": now} for k in keys])


def _letters(area: str, as_at: Period | None, news: list[Notice], people: list[Recipient], url: str | None) -> list:
    out = []
    for person in people:
        theirs = [n for n in news if person.follows(n.theme_board, n.lead_partner)]
        if theirs:
            out.append(Letter("digest", area, person.name, person.address, _subject(area, theirs), _body(
                area, as_at, theirs, person, url)))  # fmt: skip
    return out


def _subject(area: str, news: list[Notice]) -> str:
    counts = [(len({n.indicator_code for n in news if n.kind == kind}), heading) for kind, heading in HEADINGS.items()]
    return f"{area} LAA targets: " + ", ".join(f"{count} {heading.lower()}" for count, heading in counts if count)


def _body(area: str, as_at: Period | None, news: list[Notice], person: Recipient, url: str | None) -> str:
    """One paragraph per target (the newly red first, each kind in the partnership's order): what is new about it,
    its remedial action when it is escalated, and a link to its page."""
    lines = [f"Dear {person.name},", "", f"What changed in {area}'s LAA targets as at {as_at.label if as_at else '-'}:"]
    for code in dict.fromkeys(n.indicator_code for n in news):
        about = sorted((n for n in news if n.indicator_code == code), key=lambda n: list(HEADINGS).index(n.kind))
        first = about[0]
        lines += ["", f"{code}" + (f" {first.indicator_name}" if first.indicator_name else "")]
        lines.append(f"  {first.theme_board}; lead partner: {first.lead_partner or 'none named'}")
        lines += [f"  {HEADINGS[n.kind]}: {n.says}" for n in about]
        actions = [n.remedial_action for n in about if n.remedial_action is not None]
        if actions:
            lines.append(f"  Remedial action: {actions[0] or 'none recorded'}")
        if target := link(url, Page.TARGET, target=code, area=area):
            lines.append(f"  {target}")
    lines += ["", closing(person, "after an import, an entry or a sign-off that changes what it tells")]
    return "\n".join(lines) + "\n"
