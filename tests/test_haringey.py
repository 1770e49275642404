"""Section 2.5.7 of the Haringey audit, reproduced from the demo data through the command line's JSON."""

from tests.conftest import laa

TABLE_1 = {  # board: (targets, red, amber, green, data awaited)
    "Enterprise": (7, 4, 0, 0, 3),
    "Wellbeing": (14, 1, 2, 8, 3),
    "Safer Communities": (10, 2, 1, 4, 3),
    "Children's Trust": (26, 9, 3, 10, 4),
    "Better Places": (7, 1, 0, 2, 4),
    "Integrated Housing": (6, 0, 1, 1, 4),
    "PMG": (4, 1, 0, 0, 3),
}
TABLE_2 = {  # board: (red %, amber %, green %, data awaited %)
    "Enterprise": (57.1, 0.0, 0.0, 42.9),
    "Wellbeing": (7.1, 14.3, 57.1, 21.4),
    "Safer Communities": (20.0, 10.0, 40.0, 30.0),
    "Children's Trust": (34.6, 11.5, 38.5, 15.4),
    "Better Places": (14.3, 0.0, 28.6, 57.1),
    "Integrated Housing": (0.0, 16.7, 16.7, 66.7),
    "PMG": (25.0, 0.0, 0.0, 75.0),
}
RANKING = [
    "Wellbeing",
    "Safer Communities",
    "Children's Trust",
    "Integrated Housing",
    "Better Places",
    "PMG",
    "Enterprise",
]


def counts(row):
    return (row["targets"], row["red"], row["amber"], row["green"], row["data_awaited"])


def percents(row):
    return (row["red_pct"], row["amber_pct"], row["green_pct"], row["data_awaited_pct"])


def test_summary_reproduces_table_1_and_table_2(demo):
    summary = laa("summary", "--format", "json").json()
    assert [b["theme_board"] for b in summary["boards"]] == list(TABLE_1)
    assert {b["theme_board"]: counts(b) for b in summary["boards"]} == TABLE_1
    assert {b["theme_board"]: percents(b) for b in summary["boards"]} == TABLE_2
    assert counts(summary["total"]) == (74, 18, 7, 25, 24)
    assert percents(summary["total"]) == (24.3, 9.5, 33.8, 32.4)


def test_ranking_is_wellbeing_to_enterprise(demo):
    ranking = laa("ranking", "--format", "json").json()
    assert ranking["basis"] == "all"
    assert [r["theme_board"] for r in ranking["ranking"]] == RANKING
    assert [r["rank"] for r in ranking["ranking"]] == [1, 2, 3, 4, 5, 6, 7]
    # Safer Communities and Children's Trust tie on 50% green or amber; the lower red share goes first.
    safer, children = ranking["ranking"][1], ranking["ranking"][2]
    assert (safer["green_amber_pct"], safer["red_pct"]) == (50.0, 20.0)
    assert (children["green_amber_pct"], children["red_pct"]) == (50.0, 34.6)
    # PMG and Enterprise tie on 0%: PMG's 25% red beats Enterprise's 57.1%.
    assert [(r["theme_board"], r["red_pct"]) for r in ranking["ranking"][5:]] == [("PMG", 25.0), ("Enterprise", 57.1)]
