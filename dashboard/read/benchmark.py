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
from dashboard.store.engine import reading
from dashboard.store.queries import group_areas, indicator_values
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
        held = indicator_values(conn, wanted)
        members = group_areas(conn, group) if group else None
    if group and members is None:
        raise NoBenchmark(f"no comparator group {group!r} is held: `laa groups` lists them")
    if members is not None:
        group, areas = members
        held = held[held["area"].isin(areas)]
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
    polarity = _polarity(held["polarity"])
    rank, quartile = rank_and_quartile(ranked["actual"], polarity is Polarity.LOWER_IS_BETTER)
    table = ranked.assign(rank=rank, quartile=quartile).sort_values(["rank", "area"], kind="stable")
    silent = [a for a in held["area"].drop_duplicates() if a not in set(ranked["area"])]
    rows = table[BENCHMARK_COLUMNS].reset_index(drop=True)
    return Benchmark(wanted, period.label, polarity.value, rows, silent, group)


def rank_and_quartile(actuals: pd.Series, lower_is_better: bool) -> tuple[pd.Series, pd.Series]:
    """Competition ranks (1 is the best; ties share the better rank: 1, 2, 2, 4) and quartiles by rank."""
    rank = actuals.rank(method="min", ascending=lower_is_better).astype(int)
    reporting = len(actuals)
    steps = max(reporting - 1, 1)
    return rank, rank.map(lambda r: min(4, 1 + (4 * (r - 1)) // steps))


def _polarity(stored: pd.Series) -> Polarity:
    """The way the areas' targets say is better (the most of them, where they differ; else the default)."""
    said = Counter(p for p in stored if isinstance(p, str) and p)
    return Polarity(said.most_common(1)[0][0]) if said else Polarity(DEFAULT_POLARITY)
