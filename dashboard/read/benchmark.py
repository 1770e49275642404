"""Benchmarking: one indicator in one period across every area that reported it, each area's rank and quartile
among them, best first whichever way is better."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from dashboard.domain.names import normalise_code
from dashboard.domain.periods import Period, quarter_of
from dashboard.domain.rules import DEFAULT_POLARITY, Polarity, rate_frame
from dashboard.read.position import Position
from dashboard.store.engine import reading
from dashboard.store.queries import area_groups, area_names, group_areas, indicator_values, period_actuals_frame
from dashboard.store.schema import require_ready

QUARTILE_METHOD = (
    "by rank: an area's quartile is 1 + 4 × (rank − 1) ÷ (the areas that reported − 1), rounded down and at most 4, "
    "so the best area is in quartile 1 and the worst in quartile 4; tied actuals share the better rank, and so one "
    "quartile"
)
BENCHMARK_COLUMNS = ["rank", "area", "actual", "quartile", "status", "period_label"]


class NoBenchmark(LookupError):
    """No area holds the indicator, or none reported an actual for it in the period asked for."""


@dataclass(frozen=True)
class Benchmark:
    code: str
    period: str
    polarity: str
    rows: pd.DataFrame
    """BENCHMARK_COLUMNS, one row per area that reported, best first."""
    silent: list[str] = field(default_factory=list)
    """The areas holding the indicator with no actual for the period: not ranked."""
    group: str | None = None
    """The comparator group the benchmark is taken within; None: all areas."""

    def place(self, area: str) -> pd.Series | None:
        """The area's row, or None when it did not report."""
        found = self.rows[self.rows["area"] == area]
        return None if found.empty else found.iloc[0]


def benchmark(engine: Engine, code: str, period: Period | None = None, group: str | None = None) -> Benchmark:
    """Every area's actual for the indicator in the period (default: the latest quarter any area reported it),
    ranked among the areas that reported, with quartiles (QUARTILE_METHOD) and each area's status; with a
    comparator group, among that group's areas only."""
    require_ready(engine)
    wanted = normalise_code(code)
    with reading(engine) as conn:  # the figures and the group's areas as of one moment
        held, group = _within(conn, indicator_values(conn, wanted), group)
    if held.empty:
        raise NoBenchmark(f"no area {'of ' + group + ' ' if group else ''}holds {wanted}")
    reported = held[held["actual"].notna()]
    if period is None:
        if reported.empty:
            raise NoBenchmark(f"no area has reported an actual for {wanted}")
        period = quarter_of(max(reported["period_end"]))
    rows = held[held["period_end"] == period.end]
    rows = rows.assign(status=rate_frame(rows) if len(rows) else pd.Series(dtype=object))
    ranked = rows[rows["actual"].notna()]
    if ranked.empty:
        raise NoBenchmark(f"no area reported an actual for {wanted} in {period.label}")
    polarity = _polarity(ranked["polarity"])
    rank, quartile = rank_and_quartile(ranked["actual"], polarity is Polarity.LOWER_IS_BETTER)
    table = ranked.assign(rank=rank, quartile=quartile).sort_values(["rank", "area"], kind="stable")
    silent = [a for a in held["area"].drop_duplicates() if a not in set(ranked["area"])]
    rows = table[BENCHMARK_COLUMNS].reset_index(drop=True)
    return Benchmark(wanted, period.label, polarity.value, rows, silent, group)


def rank_and_quartile(
    actuals: pd.Series, lower_is_better: bool | pd.Series, by: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """Competition ranks (1 is the best; ties share the better rank: 1, 2, 2, 4) and quartiles by rank
    (QUARTILE_METHOD), among all the actuals or, with `by`, among those of each indicator; `lower_is_better` for
    all of them or for each."""
    better = pd.Series(lower_is_better, index=actuals.index, dtype=bool)
    # Lowest first whichever way is better: turning the higher-is-better actuals round ranks them highest first.
    best_first = actuals.astype(float).where(better, -actuals.astype(float))
    grouped = best_first.groupby(by if by is not None else pd.Series(0, index=actuals.index), sort=False)
    rank = grouped.rank(method="min").astype(int)
    steps = (grouped.transform("size") - 1).clip(lower=1)
    return rank, (1 + (4 * (rank - 1)) // steps).clip(upper=4)


def _polarity(stored: pd.Series) -> Polarity:
    """The way the areas' targets say is better (the most of them, where they differ; else the default)."""
    return _most_said(Counter(stored))


def _most_said(said: Counter) -> Polarity:
    """The polarity said most often (the first said, where two tie), ignoring blanks; else the default."""
    said = Counter({p: n for p, n in said.items() if isinstance(p, str) and p})
    return Polarity(said.most_common(1)[0][0]) if said else Polarity(DEFAULT_POLARITY)


ALL_AREAS = "All areas"
"""What the comparison is within when no comparator group is chosen."""
QUARTILE_WORDS = {1: "1 (top)", 4: "4 (bottom)"}
NO_QUARTILE = "—"
QUARTILE_COLUMNS = ["target_id", "indicator_code", "theme_board", "rank", "reporting", "quartile"]


@dataclass(frozen=True)
class AreaQuartiles:
    area: str
    period: str
    group: str | None
    """The comparator group the targets are ranked within; None: all areas."""
    rows: pd.DataFrame
    """QUARTILE_COLUMNS, one row per target of the area in the partnership's order; rank and quartile are <NA>
    where it has none (the area did not report, or fewer than two areas did)."""

    def within(self) -> str:
        """'comparator group North' or 'all areas'."""
        return f"comparator group {self.group}" if self.group else "all areas"

    def of(self, target_id: int) -> int | None:
        """The target's quartile (1 best, 4 worst), or None when it has none."""
        found = self.rows.loc[self.rows["target_id"] == target_id, "quartile"]
        return None if found.empty or pd.isna(found.iloc[0]) else int(found.iloc[0])


def _within(conn, rows: pd.DataFrame, group: str | None) -> tuple[pd.DataFrame, str | None]:
    """The rows of the comparator group's areas (all rows without a group), and the group's name as held."""
    if not group:
        return rows, None
    members = group_areas(conn, group)
    if members is None:
        raise NoBenchmark(f"no comparator group {group!r} is held: `laa groups` lists them")
    held, areas = members
    return rows[rows["area"].isin(areas)], held


def several_areas(engine: Engine) -> bool:
    """Whether the store holds more than one area: with one, there is nothing to rank a target among."""
    with engine.connect() as conn:
        return len(area_names(conn)) > 1


def quartile_choices(engine: Engine, area: Position) -> list[str]:
    """What an area's quartiles may be measured within: its comparator groups by name, then ALL_AREAS. The first
    is the one they default to."""
    with engine.connect() as conn:
        return [*area_groups(conn, area.area_id), ALL_AREAS]


def chosen_group(choice: str) -> str | None:
    """The comparator group a choice of quartile_choices names; None for all areas."""
    return None if choice == ALL_AREAS else choice


def area_quartiles(engine: Engine, area: Position, period: Period, group: str | None = None) -> AreaQuartiles:
    """Each of the area's targets ranked among the areas that reported its indicator in the period (within a
    comparator group, or all areas), with its quartile: every indicator at once, by the rule benchmark() uses."""
    with reading(engine) as conn:  # the figures and the group's areas as of one moment
        actuals, group = _within(conn, period_actuals_frame(conn, area.area_id, period.end), group)
    by = actuals["indicator_code"]
    # The way most of the ranked areas' targets say is better, per indicator, as benchmark() decides it.
    # Counted per indicator in the order first said (as _polarity counts one indicator): 198 small counts, not a
    # Counter over every area's row of each indicator.
    said: dict[str, Counter] = {}
    for (code, polarity), count in actuals.groupby(["indicator_code", "polarity"], sort=False).size().items():
        said.setdefault(code, Counter())[polarity] = count
    says_lower = {code: _most_said(c) is Polarity.LOWER_IS_BETTER for code, c in said.items()}
    default = _most_said(Counter()) is Polarity.LOWER_IS_BETTER  # none says: the default
    lower = pd.Series([says_lower.get(code, default) for code in by], index=by.index, dtype=bool)
    rank, quartile = rank_and_quartile(actuals["actual"], lower, by)
    ranked = actuals.assign(rank=rank, quartile=quartile, reporting=by.map(by.value_counts()))
    # A lone reporter is not ranked among others: with fewer than two areas, no quartile.
    ranked = ranked[(ranked["area"] == area.area) & (ranked["reporting"] >= 2)]
    rows = area.targets[["target_id", "indicator_code", "theme_board"]].merge(
        ranked[["target_id", "rank", "reporting", "quartile"]], on="target_id", how="left"
    )
    for column in ("rank", "reporting", "quartile"):
        rows[column] = rows[column].astype("Int64")
    return AreaQuartiles(area.area, period.label, group, rows[QUARTILE_COLUMNS])


def board_quartiles(found: AreaQuartiles) -> pd.DataFrame:
    """Per theme board, in the partnership's order: its targets, how many are in the top quartile (1), in the
    bottom (4), and with no quartile."""
    rows = found.rows
    quartile = rows["quartile"]
    counts = rows.assign(
        top=quartile.eq(1).fillna(False), bottom=quartile.eq(4).fillna(False), none=quartile.isna()
    ).groupby("theme_board", sort=False)
    out = counts.agg(targets=("target_id", "size"), top=("top", "sum"), bottom=("bottom", "sum"), none=("none", "sum"))
    return out.astype(int).reset_index()


def quartile_label(quartile: int | None) -> str:
    """'1 (top)', '2', '3', '4 (bottom)', or '—' for none."""
    return NO_QUARTILE if quartile is None else QUARTILE_WORDS.get(quartile, str(quartile))


BOARD_QUARTILE_HEADINGS = {
    "theme_board": "Theme board",
    "targets": "Targets",
    "top": "Top quartile",
    "bottom": "Bottom quartile",
    "none": "No quartile",
}


def board_quartiles_table(found: AreaQuartiles) -> pd.DataFrame:
    """board_quartiles under the headings a page shows."""
    return board_quartiles(found).rename(columns=BOARD_QUARTILE_HEADINGS)


def quartiles_caption(found: AreaQuartiles, choices: list[str]) -> str:
    """Which areas the targets are ranked among (quartile_choices), in which period, and by what method, in one
    line."""
    if found.group is None:
        within = "all areas" if len(choices) > 1 else f"all areas ({found.area} is in no comparator group)"
    elif found.group == choices[0]:
        within = f"comparator group {found.group} ({found.area}'s first by name)"
    else:
        within = f"comparator group {found.group}"
    return (
        f"Within {within}, {found.period}: each target ranked among the areas that reported it (ties share the "
        "better rank), quartile by rank, 1 the best and 4 the worst. No quartile: not reported, or fewer than two "
        "areas reported."
    )


def quartile_note(found: AreaQuartiles) -> str:
    """What a paper's Quartile column means: the areas and the period it is measured in."""
    return (
        f"Quartile: each target ranked among the areas of {found.within()} that reported it in {found.period} "
        f"(ties share the better rank), 1 the top quarter and 4 the bottom; {NO_QUARTILE}: not reported, or fewer "
        "than two areas reported."
    )
