"""Escalation and recognition: the targets that must go up a level, and those that deserve notice, as at a quarter.

Each rule reads a target's own periods in its own cycle (quarters, months or years, by its frequency), rated by
rule 1: a run is of consecutive periods, ending with the latest period held up to the as-at quarter, and a rule
never fires on figures that are overdue (read.quality.due_period) or on a period after the as-at quarter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import pandas as pd
from sqlalchemy import Engine

from dashboard.domain.missing import missing
from dashboard.domain.periods import Period, previous_quarter
from dashboard.domain.rules import Polarity, Status, rate_frame
from dashboard.read.position import Position
from dashboard.read.quality import Frequency, cycle_of, due_period, frequency_of, is_overdue
from dashboard.store.queries import escalation_rules
from dashboard.store.schema import require_ready


class Kind(StrEnum):
    ESCALATE = "escalate"
    RECOGNISE = "recognise"


class Rule(StrEnum):
    RED_RUN = "red_run"
    GREEN_TO_RED = "green_to_red"
    RED_NO_ACTION = "red_no_action"
    AWAITED_RUN = "awaited_run"
    GREEN_RUN = "green_run"
    MOST_IMPROVED = "most_improved"


@dataclass(frozen=True)
class RuleSpec:
    kind: Kind
    count: int | None
    """The default: periods running, or how many targets (most improved); None where the rule takes none."""
    says: str
    """What the rule is, in words, with {n} for its count."""


RULES: dict[Rule, RuleSpec] = {
    Rule.RED_RUN: RuleSpec(Kind.ESCALATE, 2, "red for {n} periods running"),
    Rule.GREEN_TO_RED: RuleSpec(Kind.ESCALATE, None, "green in one period and red in the next"),
    Rule.RED_NO_ACTION: RuleSpec(Kind.ESCALATE, None, "red with no remedial action"),
    Rule.AWAITED_RUN: RuleSpec(Kind.ESCALATE, 2, "no figures for {n} periods running, or figures overdue"),
    Rule.GREEN_RUN: RuleSpec(Kind.RECOGNISE, 4, "green for {n} periods running"),
    Rule.MOST_IMPROVED: RuleSpec(Kind.RECOGNISE, 3, "the {n} most improved: a better status than the period before"),
}
"""Every rule in the order the lists show them: escalations first."""


@dataclass(frozen=True)
class RuleSetting:
    on: bool = True
    count: int | None = None


def default_rules() -> dict[Rule, RuleSetting]:
    return {rule: RuleSetting(True, spec.count) for rule, spec in RULES.items()}


def rules_of(engine: Engine, area_id: int) -> dict[Rule, RuleSetting]:
    """A partnership's rules: each one's stored setting, else its default."""
    require_ready(engine)
    with engine.connect() as conn:
        return settings_from(escalation_rules(conn, area_id))


def settings_from(stored: dict[str, tuple[bool, int | None]]) -> dict[Rule, RuleSetting]:
    """Stored settings (queries.escalation_rules) over the defaults; a rule no longer known is left out."""
    rules = default_rules()
    for name, (on, count) in stored.items():
        if name in {r.value for r in Rule}:
            rule = Rule(name)
            rules[rule] = RuleSetting(on, count if RULES[rule].count is not None else None)
    return rules


def rule_sentence(rule: Rule, setting: RuleSetting) -> str:
    return RULES[rule].says.format(n=setting.count)


def rules_frame(settings: dict[Rule, RuleSetting]) -> pd.DataFrame:
    """Every rule with its setting (rule, kind, on, count, says): `laa rules` and the helicopter view's list."""
    table = pd.DataFrame(
        [{"rule": r.value, "kind": spec.kind.value, "on": "on" if settings[r].on else "off", "count": settings[r].count,
          "says": rule_sentence(r, settings[r])} for r, spec in RULES.items()]
    )  # fmt: skip
    table["count"] = table["count"].astype("Int64")
    return table


COLUMNS = ["kind", "rule", "target_id", "indicator_code", "indicator_name", "theme_board", "lead_partner",
           "since", "why", "remedial_action"]  # fmt: skip


@dataclass
class _History:
    """One target's periods up to the as-at quarter, one per cycle of its frequency, oldest first."""

    frequency: Frequency
    cycles: list[Period] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    margins: list[float | None] = field(default_factory=list)
    remedial_action: str | None = None
    first_end: date | None = None


def escalations(position: Position, as_at: Period, rules: dict[Rule, RuleSetting] | None = None) -> pd.DataFrame:
    """One row per target and rule that fires as at the quarter (COLUMNS): escalations, then recognitions, each
    in the partnership's order; `why` says it in words ("red in 2009/10 Q2 and Q3"), `since` is the first period
    of the run."""
    rules = rules or default_rules()
    histories = _histories(position, as_at)
    targets = position.targets.sort_values(["board_position", "position"])
    found: list[dict] = []
    for rule in RULES:
        setting = rules.get(rule, RuleSetting(False))
        if not setting.on:
            continue
        if rule is Rule.MOST_IMPROVED:
            found += _most_improved(targets, histories, as_at, setting.count or 0)
            continue
        for target in targets.itertuples(index=False):
            fired = _fires(rule, setting, histories[target.target_id], as_at)
            if fired is not None:
                found.append(_row(rule, target, histories[target.target_id], *fired))
    return pd.DataFrame(found, columns=COLUMNS)


def _row(rule: Rule, target, history: _History, since: str, why: str) -> dict:
    return {
        "kind": RULES[rule].kind.value,
        "rule": rule.value,
        "target_id": target.target_id,
        "indicator_code": target.indicator_code,
        "indicator_name": target.indicator_name,
        "theme_board": target.theme_board,
        "lead_partner": target.lead_partner,
        "since": since,
        "why": why,
        "remedial_action": history.remedial_action,
    }


def _histories(position: Position, as_at: Period) -> dict[int, _History]:
    values = position.values[position.values["period_end"] <= as_at.end]
    rows = values.merge(position.targets[["target_id", "polarity", "tolerance_pct"]], on="target_id")
    rows = rows.assign(status=rate_frame(rows)).sort_values(["target_id", "period_end"])
    out = {t: _History(frequency_of(f)) for t, f in zip(position.targets["target_id"], position.targets["frequency"],
                                                        strict=True)}  # fmt: skip
    for row in rows.itertuples(index=False):
        history = out[row.target_id]
        cycle = cycle_of(row.period_end, history.frequency)
        if history.first_end is None:
            history.first_end = row.period_end
        if history.cycles and history.cycles[-1] == cycle:  # one row a cycle: the latest stands for it
            history.cycles.pop(), history.statuses.pop(), history.margins.pop()
        history.cycles.append(cycle)
        history.statuses.append(row.status)
        history.margins.append(_margin(row))
        history.remedial_action = None if missing(row.remedial_action) else row.remedial_action
    return out


def _margin(row) -> float | None:
    """How far the actual is beyond the target, as a share of it (positive: better), for ranking improvement."""
    if missing(row.actual) or missing(row.target_value) or row.target_value == 0:
        return None
    sign = -1.0 if row.polarity == Polarity.LOWER_IS_BETTER.value else 1.0
    return sign * (row.actual - row.target_value) / abs(row.target_value)


def _next(cycle: Period, frequency: Frequency) -> Period:
    return cycle_of(cycle.end + timedelta(days=1), frequency)


def _run(history: _History, status: str) -> int:
    """How many consecutive periods, back from the latest held, have this status."""
    n = 0
    for i in range(len(history.cycles) - 1, -1, -1):
        if history.statuses[i] != status:
            break
        if n and _next(history.cycles[i], history.frequency) != history.cycles[i + 1]:
            break
        n += 1
    return n


def _current(history: _History, as_at: Period) -> bool:
    """The latest period held is not overdue as at the quarter: a rule may read its status."""
    return bool(history.cycles) and history.cycles[-1].end >= due_period(as_at, history.frequency).end


def _fires(rule: Rule, setting: RuleSetting, history: _History, as_at: Period) -> tuple[str, str] | None:
    """(since, why) when the rule fires for this target as at the quarter, else None."""
    if rule is Rule.AWAITED_RUN:
        return _awaited(history, as_at, setting.count or 1)
    if not _current(history, as_at):
        return None
    latest, cycles = history.statuses[-1], history.cycles
    if rule in (Rule.RED_RUN, Rule.GREEN_RUN):
        wanted = Status.RED.value if rule is Rule.RED_RUN else Status.GREEN.value
        run = _run(history, wanted)
        if latest != wanted or run < (setting.count or 1):
            return None
        return cycles[-run].label, f"{wanted} in {periods_words(cycles[-run:])}"
    if rule is Rule.GREEN_TO_RED:
        if latest != Status.RED.value or len(cycles) < 2 or history.statuses[-2] != Status.GREEN.value:
            return None
        if _next(cycles[-2], history.frequency) != cycles[-1]:
            return None
        return cycles[-1].label, f"green in {cycles[-2].label}, red in {cycles[-1].label}"
    if rule is Rule.RED_NO_ACTION:
        if latest != Status.RED.value or history.remedial_action is not None:
            return None
        return cycles[-1].label, f"red in {cycles[-1].label} with no remedial action"
    raise ValueError(rule)


def _awaited(history: _History, as_at: Period, count: int) -> tuple[str, str] | None:
    """No figures for `count` periods running up to the as-at quarter's own, or figures overdue."""
    if history.first_end is None:
        return None  # nothing is asked of a target before its first period
    figures = [c for c, s in zip(history.cycles, history.statuses, strict=True) if s != Status.DATA_AWAITED.value]
    last = figures[-1] if figures else None
    first = cycle_of(history.first_end, history.frequency)
    since = _next(last, history.frequency) if last else first
    if history.frequency is not Frequency.ANNUAL:  # a year's outturn is chased once it is due, not while it runs
        window = [cycle_of(as_at.end, history.frequency)]
        while len(window) < count:
            window.insert(0, _previous(window[0], history.frequency))
        if window[0].end >= first.end and (last is None or last.end < window[0].end):
            return since.label, f"no figures for {periods_words(window)}"
    if is_overdue(last.end if last else None, history.frequency, as_at, history.first_end):
        held = f"the latest are for {last.label}" if last else "none have come"
        return since.label, f"figures for {due_period(as_at, history.frequency).label} were due; {held}"
    return None


def _previous(cycle: Period, frequency: Frequency) -> Period:
    if frequency is Frequency.QUARTERLY:
        return previous_quarter(cycle)
    if frequency is Frequency.MONTHLY:
        return cycle_of(cycle.end - timedelta(days=cycle.end.day), frequency)
    return cycle_of(date(cycle.end.year - 1, 3, 31), frequency)


def _most_improved(targets: pd.DataFrame, histories: dict[int, _History], as_at: Period, n: int) -> list[dict]:
    """The n targets whose status rose most since their period before (ties: the larger gain against target)."""
    rank = {Status.RED.value: 0, Status.AMBER.value: 1, Status.GREEN.value: 2}
    scored = []
    for order, target in enumerate(targets.itertuples(index=False)):
        h = histories[target.target_id]
        if not _current(h, as_at) or len(h.cycles) < 2 or _next(h.cycles[-2], h.frequency) != h.cycles[-1]:
            continue
        before, after = h.statuses[-2], h.statuses[-1]
        if before not in rank or after not in rank or rank[after] <= rank[before]:
            continue
        gain = (h.margins[-1] - h.margins[-2]) if None not in (h.margins[-1], h.margins[-2]) else 0.0
        scored.append((-(rank[after] - rank[before]), -gain, order, target, h))
    scored.sort(key=lambda s: s[:3])
    return [
        _row(Rule.MOST_IMPROVED, target, h, h.cycles[-1].label,
             f"{h.statuses[-2]} in {h.cycles[-2].label}, {h.statuses[-1]} in {h.cycles[-1].label}")
        for *_, target, h in scored[:n]
    ]  # fmt: skip


_QUARTER = re.compile(r"^(\d{4}/\d{2}) (Q[1-4])$")


def periods_words(cycles: list[Period]) -> str:
    """'2009/10 Q2 and Q3', '2008/09 Q4, 2009/10 Q1 and Q2'; five or more: '2008/09 Q3 to 2009/10 Q3 (5 periods)'."""
    if len(cycles) >= 5:
        return f"{cycles[0].label} to {cycles[-1].label} ({len(cycles)} periods)"
    words, year = [], None
    for cycle in cycles:
        match = _QUARTER.match(cycle.label)
        words.append(match.group(2) if match and match.group(1) == year else cycle.label)
        year = match.group(1) if match else None
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
