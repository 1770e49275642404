"""Benchmarking one indicator across areas: ranks with ties, quartiles by rank, lower is better respected."""

from __future__ import annotations

from dashboard.access.permissions import LOCAL_ADMIN
from dashboard.read.benchmark import QUARTILE_METHOD
from dashboard.write.importer import import_bytes
from tests.conftest import laa

# NI 1 higher is better, NI 2 lower is better; Fenland holds both and reports neither in 2009/10 Q3.
ACTUALS = {"Ashford": 10, "Bolton": 20, "Camden": 20, "Dudley": 30, "Ealing": 40, "Fenland": None}
FILE = "area,indicator_code,theme_board,polarity,period,target,actual\n" + "".join(
    f"{area},{code},Board,{polarity},2009/10 Q3,25,{'' if actual is None else actual}\n"
    for code, polarity in (("NI 1", "higher_is_better"), ("NI 2", "lower_is_better"))
    for area, actual in ACTUALS.items()
)


def _ranked(*args: str) -> list[tuple]:
    found = laa("benchmark", *args, "--format", "json").json()
    return [(r["rank"], r["area"], r["actual"], r["quartile"], r["status"]) for r in found["benchmark"]]


def test_areas_rank_best_first_ties_share_a_rank_and_quartiles_are_by_rank(engine):
    import_bytes(engine, FILE.encode(), "six.csv", LOCAL_ADMIN)
    # Five reported: quartile 1 + 4 × (rank − 1) // 5 gives ranks 1–2 quartile 1, rank 3 quartile 2, rank 5 quartile 4.
    assert _ranked("NI 1") == [
        (1, "Ealing", 40.0, 1, "green"),
        (2, "Dudley", 30.0, 1, "green"),
        (3, "Bolton", 20.0, 2, "red"),
        (3, "Camden", 20.0, 2, "red"),
        (5, "Ashford", 10.0, 4, "red"),
    ]
    # Lower is better: the order turns round, and the tie at 20 shares rank 2.
    assert _ranked("ni2") == [
        (1, "Ashford", 10.0, 1, "green"),
        (2, "Bolton", 20.0, 1, "green"),
        (2, "Camden", 20.0, 1, "green"),
        (4, "Dudley", 30.0, 3, "red"),
        (5, "Ealing", 40.0, 4, "red"),
    ]
    found = laa("benchmark", "NI 2", "--area", "DUDLEY", "--format", "json").json()
    assert (found["period"], found["better"], found["areas_reporting"]) == ("2009/10 Q3", "lower", 5)
    assert (found["areas_without_actual"], found["area"], found["quartiles"]) == (
        ["Fenland"],
        "Dudley",
        QUARTILE_METHOD,
    )
    table = laa("benchmark", "NI 2", "--area", "Fenland").out
    assert "\nNI 2, 2009/10 Q3: 5 areas reported; lower is better. No actual from Fenland.\n" in table
    assert "\nFenland: no actual for 2009/10 Q3.\n" in table
    assert "\nDudley: rank 4 of 5, quartile 3.\n" in laa("benchmark", "NI 2", "--area", "Dudley").out


def test_a_benchmark_that_cannot_be_taken_says_why(engine):
    import_bytes(engine, FILE.encode(), "six.csv", LOCAL_ADMIN)
    for args, message in [
        (["NI 9"], "no area holds NI 9"),
        (["NI 1", "--period", "2009/10 Q1"], "no area reported an actual for NI 1 in 2009/10 Q1"),
        (["NI 1", "--period", "Q9"], None),
        (["NI 1", "--area", "Nowhere"], "--area 'Nowhere': no area holding NI 1 has that name"),
    ]:
        run = laa("benchmark", *args)
        assert (run.code, run.out) == (2, ""), args
        assert run.err.startswith(f"error: {message or '--period'}"), run.err
