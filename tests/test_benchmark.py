"""Benchmarking one indicator across areas: ranks with ties, quartiles by rank, lower is better respected."""

from __future__ import annotations

import pytest

from dashboard.access.permissions import LOCAL_ADMIN, Actor, PermissionDenied, Role
from dashboard.read.benchmark import QUARTILE_METHOD
from dashboard.write.groups import set_groups
from dashboard.write.importer import import_bytes
from tests.conftest import laa
from tests.helpers import assert_unchanged, snapshot

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
    # Five reported: quartile 1 + 4 × (rank − 1) // 4 gives ranks 1, 2, 3 and 5 quartiles 1, 2, 3 and 4.
    assert _ranked("NI 1") == [
        (1, "Ealing", 40.0, 1, "green"),
        (2, "Dudley", 30.0, 2, "green"),
        (3, "Bolton", 20.0, 3, "red"),
        (3, "Camden", 20.0, 3, "red"),
        (5, "Ashford", 10.0, 4, "red"),
    ]
    # Lower is better: the order turns round, and the tie at 20 shares rank 2.
    assert _ranked("ni2") == [
        (1, "Ashford", 10.0, 1, "green"),
        (2, "Bolton", 20.0, 2, "green"),
        (2, "Camden", 20.0, 2, "green"),
        (4, "Dudley", 30.0, 4, "red"),
        (5, "Ealing", 40.0, 4, "red"),
    ]
    # Every area at once (the latest rows chosen in the database): 5 red, 5 green and Fenland's 2 awaited.
    total = laa("summary", "--all-areas", "--format", "json").json()["total"]
    assert [total[c] for c in ("targets", "red", "amber", "green", "data_awaited")] == [12, 5, 0, 5, 2]
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
    assert "\nDudley: rank 4 of 5, quartile 4.\n" in laa("benchmark", "NI 2", "--area", "Dudley").out


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


GROUPS = b"group,area\nNorth,Bolton\nNorth,dudley\nNorth,Fenland\nSouth,Ashford\nSouth,Ealing\n"


def test_a_benchmark_within_a_comparator_group_ranks_its_areas_only(engine):
    import_bytes(engine, FILE.encode(), "six.csv", LOCAL_ADMIN)
    set_groups(engine, GROUPS, LOCAL_ADMIN, "groups.csv")
    assert laa("groups", "--format", "json").json() == {
        "groups": [{"group": "North", "areas": 3}, {"group": "South", "areas": 2}]
    }
    # Two of North reported: the better is quartile 1, the worse quartile 4.
    assert _ranked("NI 1", "--group", "north") == [(1, "Dudley", 30.0, 1, "green"), (2, "Bolton", 20.0, 4, "red")]
    found = laa("benchmark", "NI 1", "--group", "NORTH", "--format", "json").json()
    assert (found["group"], found["areas_without_actual"]) == ("North", ["Fenland"])
    # A file naming a group again sets it to exactly the file's areas; groups it does not name stay.
    set_groups(engine, b"Group name,Area name\nNORTH,Camden\n", LOCAL_ADMIN, "north.csv")
    assert _ranked("NI 1", "--group", "North") == [(1, "Camden", 20.0, 1, "red")]
    assert laa("groups").out.splitlines()[2:] == ["North      1", "South      2"]  # as held
    assert laa("benchmark", "NI 1", "--group", "West").err == (
        "error: no comparator group 'West' is held: `laa groups` lists them\n"
    )


def test_a_groups_file_with_any_problem_changes_nothing_and_only_an_analyst_sets_groups(engine, tmp_path):
    import_bytes(engine, FILE.encode(), "six.csv", LOCAL_ADMIN)
    set_groups(engine, GROUPS, LOCAL_ADMIN, "groups.csv")
    before = snapshot(engine)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"group,area\nNorth,Nowhere\n,Bolton\nSouth,\x1bCamden\n")
    run = laa("groups", str(bad))
    assert run.code == 1
    assert run.err.splitlines() == [
        "rejected: 3 problem(s) in the file; nothing was written.",
        "  line 2, column area, value 'Nowhere': no area of that name is held. Fix: import the area's figures "
        "first, or correct the name (`laa areas` lists the areas held).",
        "  line 3, column group: the cell is empty. Fix: fill in the group.",
        "  line 4, column area, value '\\x1bCamden': the text holds an invisible control character (U+001B). Fix: "
        "delete it: retype the cell, or paste the text again as plain text (tabs and line breaks may stay).",
    ]
    partner = Actor("nhs", Role.PARTNER, partner="NHS Haringey")
    with pytest.raises(PermissionDenied, match="may not set comparator groups"):
        set_groups(engine, GROUPS, partner, "groups.csv")
    assert_unchanged(engine, before)
