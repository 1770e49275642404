"""An administrator switches a partnership's escalation and recognition rules on or off and tunes their counts."""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert

from dashboard.access.permissions import Action, Actor, require
from dashboard.read.escalations import RULES, Rule, RuleSetting, settings_from
from dashboard.store.audit import record
from dashboard.store.engine import writing
from dashboard.store.models import EscalationRule
from dashboard.store.queries import escalation_rules, resolve_area
from dashboard.store.schema import require_ready

MOST = {Rule.MOST_IMPROVED: 50}
"""The largest count a rule takes: periods running up to 20, most improved targets up to 50."""
MOST_PERIODS = 20


class RuleProblem(ValueError):
    """A rule or a count that cannot be set; the message says what to write instead."""


def parse_rule(word: str) -> Rule:
    wanted = "_".join(word.strip().lower().replace("-", " ").split())
    for rule in Rule:
        if rule.value == wanted:
            return rule
    raise RuleProblem(f"no rule named {word!r}: use one of {', '.join(r.value for r in Rule)}")


def set_rule(
    engine: Engine, actor: Actor, area: str | None, rule: Rule, *, on: bool | None = None, count: int | None = None
) -> RuleSetting:
    """Switch a rule on or off, or set its count, for one partnership (audited); returns its setting now."""
    require(actor, Action.SET_RULES)
    require_ready(engine)
    if count is not None:
        _check_count(rule, count)
    with writing(engine) as conn:  # the pages' lists of escalations change: every cache reads again
        found = resolve_area(conn, area)
        if found is None:
            raise RuleProblem("no partnership is held yet: import its figures first")
        area_id, name = found
        before = settings_from(escalation_rules(conn, area_id))[rule]
        after = RuleSetting(before.on if on is None else on, before.count if count is None else count)
        conn.execute(delete(EscalationRule).where(EscalationRule.area_id == area_id, EscalationRule.rule == rule.value))
        conn.execute(insert(EscalationRule), {"area_id": area_id, "rule": rule.value, "enabled": after.on,
                                              "count": after.count})  # fmt: skip
        record(conn, actor.name, "set a rule", area=name, field=rule.value, old=_words(before), new=_words(after))
    return after


def _check_count(rule: Rule, count: int) -> None:
    if RULES[rule].count is None:
        raise RuleProblem(f"{rule.value} takes no count: switch it on or off")
    most = MOST.get(rule, MOST_PERIODS)
    if not 1 <= count <= most:
        raise RuleProblem(f"{rule.value} takes a count from 1 to {most}, not {count}")


def _words(setting: RuleSetting) -> str:
    state = "on" if setting.on else "off"
    return state if setting.count is None else f"{state}, {setting.count}"


def set_rules(engine: Engine, actor: Actor, area: str | None, wanted: dict[Rule, RuleSetting]) -> list[str]:
    """Set each rule whose wanted setting differs from the partnership's (each audited); returns what changed, in
    words ("red_run: on, 2 → on, 3")."""
    require(actor, Action.SET_RULES)
    require_ready(engine)
    with engine.connect() as conn:
        found = resolve_area(conn, area)
        held = settings_from(escalation_rules(conn, found[0])) if found else {}
    changed = []
    for rule, setting in wanted.items():
        before = held.get(rule)
        if before == setting:
            continue
        count = setting.count if RULES[rule].count is not None else None
        after = set_rule(engine, actor, area, rule, on=setting.on, count=count)
        changed.append(f"{rule.value}: {_words(before) if before else 'default'} → {_words(after)}")
    return changed
