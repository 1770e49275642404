"""My targets: the figures a partner, chair or analyst enters in the browser for one quarter.

The table shows each target the user may update with last quarter's figures beside this quarter's cells. What
was changed becomes an import file's rows, so saving goes through the importer exactly as an upload does:
the same validation, permissions, sign-off check, versions and batch."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.access.permissions import OWNED, Actor, Change, Role, TargetScope, may_change, owns
from dashboard.domain.fileformat import ENTERED
from dashboard.domain.output import cell_text
from dashboard.domain.periods import Period, previous_quarter, quarter_of
from dashboard.domain.rules import rate_frame, status_label
from dashboard.read.position import Position
from dashboard.read.quality import Frequency, cycle_of, frequency_of
from dashboard.write.edits import Edits, edits_file, file_cell
from dashboard.write.importer.gate import begun
from dashboard.write.importer.plan import ImportPlan

FIGURES = ENTERED
"""What may be entered: the import file's column → the table's heading."""
PINNED = ["Code", "Indicator"]
"""The columns that name each row, kept at the left while the table scrolls."""
OPEN = "Open to you"
"""The column saying, before anyone types, whether the row can take this user's entry."""
CONTEXT = [OPEN, "Period", "Status", "Target", "Last period", "Last status", "Theme board", "Lead partner"]
LOCKED = "🔒"
NO_TARGET_YET = "no target yet"
ANNUAL_NOTE = "annual"


def entry_quarters_held(quarter: Period) -> list[Period]:
    """The quarters a My targets table for this quarter writes to: the quarter, and its year's last quarter
    (where an annual target's figure falls), so that both are asked whether they are signed off."""
    return sorted({quarter, quarter_of(cycle_of(quarter.end, Frequency.ANNUAL).end)})


def column_order(actor: Actor) -> list[str]:
    """The table's columns as shown: the row's code and name, the cells this user may change, then the rest."""
    mine = editable(actor)
    rest = [h for h in FIGURES.values() if h not in mine]
    return [*PINNED, *mine, *CONTEXT[:4], *rest, *CONTEXT[4:]]


def editable(actor: Actor) -> list[str]:
    """The table headings this user may change, as the gate answers for the role: a chair the commentary and
    remedial action, a partner or an analyst all three."""
    return [heading for column, heading in FIGURES.items() if may_change(actor, Change(column))]


def entry_quarters(position: Position, actor: Actor, today: date | None = None) -> list[Period]:
    """The quarters My targets offers, newest first: those holding figures or targets, and for a partner or chair
    only those that have begun (the gate refuses the others)."""
    held = sorted({quarter_of(end) for end in position.values["period_end"]}, key=lambda q: q.end, reverse=True)
    return [q for q in held if actor.role not in OWNED or begun(q.end, today)]


def whose(actor: Actor) -> str:
    """Which targets the table lists, in a sentence's words."""
    if actor.role is Role.PARTNER:
        return f"the targets {actor.partner} leads"
    if actor.role is Role.CHAIR:
        return f"the targets of {', '.join(sorted(actor.boards))}"
    return "every target"


def own_targets(position: Position, actor: Actor) -> pd.DataFrame:
    """The targets this user may update (a partner: those it leads; a chair: their boards'; others: all)."""
    targets = position.targets
    scopes = zip(targets["theme_board"], targets["lead_partner"], strict=True)
    return targets.loc[[owns(actor, TargetScope(board, partner)) for board, partner in scopes]]


def entry_table(
    position: Position,
    actor: Actor,
    quarter: Period,
    signed_off: frozenset[tuple[str, date]] = frozenset(),
    today: date | None = None,
) -> pd.DataFrame:
    """One row per target the user may update, for the quarter (an annual target: the financial year holding
    it): the cells to fill in (holding what is stored, if anything), whether the row is open to this user, the
    stored figure's status, and the period before's actual and status beside them.

    signed_off: the (board, quarter end) pairs signed off, so that rows in those quarters show as locked."""
    targets = own_targets(position, actor).reset_index(drop=True)
    periods = [_period_of(f, quarter) for f in targets["frequency"]]
    before = [_period_before(p, f) for p, f in zip(periods, targets["frequency"], strict=True)]
    now = _figures_at(position.values, targets, [p.end for p in periods])
    last = _figures_at(position.values, targets, [p.end for p in before])
    return pd.DataFrame(
        {
            "Code": targets["indicator_code"],
            "Indicator": targets["indicator_name"].fillna(""),
            "Theme board": targets["theme_board"],
            "Lead partner": targets["lead_partner"].fillna(""),
            OPEN: [
                _openness(actor, (board, quarter_of(period.end).end) in signed_off, pd.notna(target), period, today)
                for board, target, period in zip(targets["theme_board"], now["target_value"], periods, strict=True)
            ],
            "Period": [_period_text(p, f) for p, f in zip(periods, targets["frequency"], strict=True)],
            "Status": _statuses(now, targets),
            "Target": pd.to_numeric(now["target_value"], errors="coerce"),
            "Last period": pd.to_numeric(last["actual"], errors="coerce"),
            "Last status": _statuses(last, targets),
            "Actual": pd.to_numeric(now["actual"], errors="coerce"),
            "Commentary": now["commentary"].fillna("").astype(str),
            "Remedial action": now["remedial_action"].fillna("").astype(str),
        }
    )


def _annual(frequency: object) -> bool:
    return frequency_of(frequency) is Frequency.ANNUAL


def _period_of(frequency: object, quarter: Period) -> Period:
    """The period a target's entry is for: the quarter, or the financial year holding it for an annual target."""
    return cycle_of(quarter.end, Frequency.ANNUAL) if _annual(frequency) else quarter


def _period_before(period: Period, frequency: object) -> Period:
    if _annual(frequency):
        return cycle_of(period.end.replace(year=period.end.year - 1), Frequency.ANNUAL)
    return previous_quarter(period)


def _period_text(period: Period, frequency: object) -> str:
    return f"{period.label} ({ANNUAL_NOTE})" if _annual(frequency) else period.label


def _figures_at(values: pd.DataFrame, targets: pd.DataFrame, ends: list[date]) -> pd.DataFrame:
    """Each target's stored row for its own period end (empty cells where it has none), in the targets' order."""
    columns = ["value_id", "target_value", "actual", "reported_status", "commentary", "remedial_action"]
    wanted = pd.DataFrame({"target_id": targets["target_id"].to_numpy(), "period_end": ends})
    return wanted.merge(values[["target_id", "period_end", *columns]], on=["target_id", "period_end"], how="left")


def _statuses(figures: pd.DataFrame, targets: pd.DataFrame) -> list[str]:
    """Each stored row's own status by rule 1 (blank where nothing is stored)."""
    rated = figures.assign(polarity=targets["polarity"].to_numpy(), tolerance_pct=targets["tolerance_pct"].to_numpy())
    return [status_label(s) if pd.notna(v) else "" for s, v in zip(rate_frame(rated), figures["value_id"], strict=True)]


def _openness(actor: Actor, signed: bool, has_target: bool, period: Period, today: date | None) -> str:
    """Whether the row takes this user's entry, in a few words, as the gate will answer when saving."""
    if signed:
        return f"{LOCKED} signed off"
    if actor.role in OWNED and not begun(period.end, today):
        return f"{LOCKED} opens {quarter_of(period.end).label}"
    if not has_target and may_change(actor, Change.ACTUAL) and not may_change(actor, Change.TARGET):
        return f"✎ text only: {NO_TARGET_YET}"
    return "✎ open"


def is_locked(openness: str) -> bool:
    return openness.startswith(LOCKED)


def entry_file(before: pd.DataFrame, after: pd.DataFrame, actor: Actor) -> Edits | None:
    """The rows whose editable cells changed, as an import file for each row's period; None when nothing changed.

    Rows are matched by code, not position: a row added to or deleted from `after` is no entry (the table's rows
    are fixed), and a row's code and board are the table's own, whatever `after` says."""
    headings = editable(actor)
    columns = [c for c, h in FIGURES.items() if h in headings]
    rows = []
    # A code twice in `after` is an added row claiming a target: neither row can be told for the table's own.
    edited = {row["Code"]: row for _, row in after.drop_duplicates("Code", keep=False).iterrows()}
    for _, old in before.iterrows():
        new = edited.get(old["Code"])
        if new is None or all(_same(old[h], new[h]) for h in headings):
            continue
        rows.append(
            [old["Code"], old["Theme board"], _label(old["Period"]), *[file_cell(new[FIGURES[c]]) for c in columns]]
        )
    return edits_file(["indicator_code", "theme_board", "period", *columns], rows)


def card_summary(row: pd.Series, mine: list[str]) -> str:
    """A phone card's line under the target's name: where the row stands, in the table's own words."""
    shown = [h for h in FIGURES.values() if h not in mine and row[h] != ""]
    parts = [
        f"{row['Theme board']} · {row['Lead partner'] or 'no lead partner'} · {row['Period']} · {row[OPEN]}",
        f"Target {cell_text(row['Target']) or '—'}; status {row['Status'] or 'nothing stored yet'}",
        *[f"{h} {cell_text(row[h]) or '—'}" for h in shown],
        f"Last period {cell_text(row['Last period']) or '—'} ({row['Last status'] or 'nothing stored'})",
    ]
    return ". ".join(parts) + "."


def _label(period_text: str) -> str:
    return period_text.removesuffix(f" ({ANNUAL_NOTE})")


def with_cards(edited: pd.DataFrame, before: pd.DataFrame, cards: dict[tuple[str, str], str]) -> pd.DataFrame:
    """The table as edited, with what was typed on the phone's cards ((code, heading) → text) where it differs
    from what the table held: the cards and the grid are two views of one table."""
    out = edited.copy()
    codes = out["Code"].tolist()
    for (code, heading), text in cards.items():
        old = before.loc[before["Code"] == code, heading]
        if code in codes and len(old) and file_cell(old.iloc[0]) != text.strip():
            out[heading] = out[heading].astype(object)
            out.loc[out["Code"] == code, heading] = text
    return out


def cell_value(value: object) -> str:
    """A cell as a card's text box holds it: a number exactly, text as it is, nothing as empty."""
    return file_cell(value)


def _same(old: object, new: object) -> bool:
    return file_cell(old) == file_cell(new)


def entry_statuses(plan: ImportPlan) -> pd.DataFrame:
    """Each entered row with the status it will give once saved (rule 1, as every page rates it)."""
    rows = plan.values[plan.values["kind"] != "unchanged"]
    if rows.empty:
        return pd.DataFrame(columns=["Code", "Period", "Target", "Actual", "Status it will give"])
    settings = plan.targets.set_index("indicator_code")[["polarity", "tolerance_pct"]]
    rated = rows.assign(
        polarity=rows["indicator_code"].map(settings["polarity"]).to_numpy(),
        tolerance_pct=rows["indicator_code"].map(settings["tolerance_pct"]).to_numpy(),
    )
    return pd.DataFrame(
        {
            "Code": rows["indicator_code"].to_numpy(),
            "Period": rows["period_label"].to_numpy(),
            "Target": [cell_text(v) for v in rows["target_value"]],
            "Actual": [cell_text(v) for v in rows["actual"]],
            "Status it will give": [status_label(s) for s in rate_frame(rated)],
        }
    )
