"""What it would take to move up a place (issue 19, part 4): dashboard.read.whatif and `laa ranking --what-if`.

The demo's answers are worked out by hand below, on both bases, from Table 1 and the red and data-awaited targets
of each board (shortfall as breakdown.shortfall_frame gives it: how far behind target, as % of |target|):

    Enterprise          7: 4 red 0 amber 0 green 3 awaited; red NI 151 8.1 %, NI 152 9.5 %, NI 153 14.2 %,
                           NI 171 17.7 %; awaited NI 163, NI 165, NI 166
    Wellbeing          14: 1/2/8/3; red NI 39 8.3 %; awaited NI 8, NI 121, NI 150
    Safer Communities  10: 2/1/4/3; red NI 30 9.0 %, NI 15 12.6 %; awaited NI 19, NI 21, NI 38
    Children's Trust   26: 9/3/10/4; red NI 73 6.8 %, NI 94 7.8 %, NI 56 9.3 %, … ; awaited NI 80, NI 99, …
    Better Places       7: 1/0/2/4; red NI 191 9.7 %; awaited NI 186, NI 195, NI 196, NI 175
    Integrated Housing  6: 0/1/1/4; awaited NI 154, NI 158, NI 187, NI 160
    PMG                 4: 1/0/0/3; red NI 7 13.2 %; awaited NI 1, NI 4, NI 6

The rule: red targets move first, smallest shortfall first, then data-awaited ones in the partnership's order;
k = 1, 2, … until the board's rule-4 key (exact fractions) beats the board above it.
"""

from itertools import product

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.read.breakdown import board_breakdown, rank_boards
from dashboard.read.position import load_position
from dashboard.read.whatif import movable_targets, moves_needed, what_if
from tests.conftest import laa

# Basis "all" (share of all targets). Order: Wellbeing 10/14 = 71.4 %, Safer Communities 5/10 = 50 % (red 2/10),
# Children's Trust 13/26 = 50 % (red 9/26), Integrated Housing 2/6, Better Places 2/7, PMG 0/4 (red 1/4),
# Enterprise 0/7 (red 4/7).
ALL = [
    # 1. Wellbeing: first.
    ("Wellbeing", None, None, []),
    # 2. Safer Communities (5/10) must beat Wellbeing's 10/14 = 5/7: ga/10 > 5/7 means ga > 7.14, so ga = 8:
    #    3 moves, its 2 reds (NI 30 9.0 %, NI 15 12.6 %) then its first data-awaited target, NI 19.
    ("Safer Communities", "Wellbeing", 3, ["NI 30", "NI 15", "NI 19"]),
    # 3. Children's Trust ties Safer Communities at 1/2 but has more red (9/26 > 2/10): one red moved gives
    #    14/26 > 1/2. NI 73 (6.8 %).
    ("Children's Trust", "Safer Communities", 1, ["NI 73"]),
    # 4. Integrated Housing (2/6) against Children's Trust (13/26 = 1/2, red 9/26): one move gives 3/6 = 1/2, a
    #    tie on share, and red 0 < 9/26 wins it. No red target, so the first data-awaited one: NI 154.
    ("Integrated Housing", "Children's Trust", 1, ["NI 154"]),
    # 5. Better Places (2/7) against Integrated Housing (2/6 = 1/3): its red NI 191 moved gives 3/7 > 1/3.
    ("Better Places", "Integrated Housing", 1, ["NI 191"]),
    # 6. PMG (0/4) against Better Places (2/7 = 0.286): 1/4 = 0.25 is not enough, 2/4 is: NI 7 (red, 13.2 %)
    #    then NI 1 (its first data-awaited target).
    ("PMG", "Better Places", 2, ["NI 7", "NI 1"]),
    # 7. Enterprise (0/7) against PMG (0/4): any move, 1/7 > 0. Its nearest red: NI 151 (8.1 %).
    ("Enterprise", "PMG", 1, ["NI 151"]),
]

# Basis "rated" (share of targets not data awaited). Order: Integrated Housing 2/2 = 100 %, Wellbeing 10/11,
# Safer Communities 5/7, Better Places 2/3, Children's Trust 13/22, Enterprise 0/4 (red 4/4), PMG 0/1 (red 1/1;
# tied with Enterprise on both shares, after it by name).
RATED = [
    # 1. Integrated Housing: first.
    ("Integrated Housing", None, None, []),
    # 2. Wellbeing against Integrated Housing (100 %, red 0): moving NI 39 gives 11/11 = 100 %, red 0, a tie on
    #    both that the name gives to Integrated Housing; its 3 data-awaited targets then keep it at 100 % (12/12,
    #    13/13, 14/14). It cannot pass, even with all 4 moved.
    ("Wellbeing", "Integrated Housing", None, []),
    # 3. Safer Communities (5/7) against Wellbeing (10/11 = 0.909): NI 30 gives 6/7 = 0.857, NI 15 then 7/7.
    ("Safer Communities", "Wellbeing", 2, ["NI 30", "NI 15"]),
    # 4. Better Places (2/3) against Safer Communities (5/7 = 0.714): NI 191 gives 3/3.
    ("Better Places", "Safer Communities", 1, ["NI 191"]),
    # 5. Children's Trust (13/22) against Better Places (2/3 = 0.667): NI 73 gives 14/22 = 0.636, not enough;
    #    NI 94 then 15/22 = 0.682.
    ("Children's Trust", "Better Places", 2, ["NI 73", "NI 94"]),
    # 6. Enterprise (0/4) against Children's Trust (13/22 = 0.591): 1/4, 2/4 = 0.5, then 3/4 = 0.75: 3 reds,
    #    NI 151 (8.1 %), NI 152 (9.5 %), NI 153 (14.2 %).
    ("Enterprise", "Children's Trust", 3, ["NI 151", "NI 152", "NI 153"]),
    # 7. PMG (0/1, red 1/1) against Enterprise (0/4, red 4/4): its one red NI 7 gives 1/1.
    ("PMG", "Enterprise", 1, ["NI 7"]),
]


def answers(frame: pd.DataFrame) -> list[tuple]:
    """(board, the board it would pass, moves needed, codes to move) per row; None where there is none."""
    return [
        (r.theme_board, _none(r.passes), None if pd.isna(r.moves_needed) else int(r.moves_needed), list(r.to_move))
        for r in frame.itertuples(index=False)
    ]


def _none(value):
    return None if pd.isna(value) else value


def test_demo_on_all_targets_matches_the_hand_worked_answer(demo):
    result = what_if(load_position(demo, None).statuses(), "all")
    assert list(result["rank"]) == [1, 2, 3, 4, 5, 6, 7]
    assert answers(result) == ALL
    sentences = dict(zip(result["theme_board"], result["sentence"], strict=True))
    assert sentences["Wellbeing"] == "Wellbeing is already first."
    assert sentences["Safer Communities"] == (
        "Safer Communities would pass Wellbeing with 3 more targets amber or green: "
        "NI 30 (9.0 % short), NI 15 (12.6 % short), NI 19 (data awaited)"
    )
    assert sentences["Enterprise"] == (
        "Enterprise would pass PMG with 1 more target amber or green: NI 151 (8.1 % short)"
    )


def test_demo_on_rated_targets_matches_the_hand_worked_answer(demo):
    result = what_if(load_position(demo, None).statuses(), "rated")
    assert answers(result) == RATED
    sentences = dict(zip(result["theme_board"], result["sentence"], strict=True))
    assert sentences["Integrated Housing"] == "Integrated Housing is already first."
    assert sentences["Wellbeing"] == (
        "Wellbeing cannot pass Integrated Housing even with all 4 of its red and data-awaited targets amber or green."
    )
    assert sentences["Enterprise"] == (
        "Enterprise would pass Children's Trust with 3 more targets amber or green: "
        "NI 151 (8.1 % short), NI 152 (9.5 % short), NI 153 (14.2 % short)"
    )


def test_moving_the_named_targets_does_move_each_board_up(demo):
    """The answer re-checked through rank_boards itself: each board's targets to_move turned green put it above
    the board it passes; one fewer does not."""
    statuses = load_position(demo, None).statuses()
    for basis in ("all", "rated"):
        for row in what_if(statuses, basis).itertuples(index=False):
            if pd.isna(row.moves_needed):
                continue
            assert _places(statuses, row.to_move, basis, row.theme_board, row.passes)
            assert not _places(statuses, row.to_move[:-1], basis, row.theme_board, row.passes)


def _places(statuses: pd.DataFrame, codes: list[str], basis: str, board: str, above: str) -> bool:
    moved = statuses.assign(status=statuses["status"].where(~statuses["indicator_code"].isin(codes), "green"))
    order = list(rank_boards(board_breakdown(moved)[0], basis)["theme_board"])
    return order.index(board) < order.index(above)


# A small partnership of made-up boards: each target is (code, status, actual, target) higher is better.
def synthetic(boards: dict[str, list[tuple]]) -> pd.DataFrame:
    rows = []
    for board_position, (board, targets) in enumerate(boards.items()):
        for code, status, actual, target in targets:
            rows.append(
                {
                    "indicator_code": code,
                    "theme_board": board,
                    "board_position": board_position,
                    "position": len(rows),
                    "status": status,
                    "actual": actual,
                    "target_value": target,
                    "polarity": "higher_is_better",
                }
            )
    return pd.DataFrame(rows)


GREEN, RED, AWAITED = "green", "red", "data awaited"


def test_ties_names_and_the_rated_denominator():
    statuses = synthetic(
        {
            # 2 green 1 red: 2/3 on either basis, red 1/3.
            "Alpha": [("A1", GREEN, 10, 10), ("A2", GREEN, 10, 10), ("A3", RED, 5, 10)],
            # 1 green 1 red 2 awaited. All: 1/4. Rated: 1/2.
            "Beta": [("B1", GREEN, 10, 10), ("B2", RED, 9, 10), ("B3", AWAITED, None, 10), ("B4", AWAITED, None, 5)],
            # Exactly Alpha's mix: tied on both shares, after it by name.
            "Gamma": [("G1", RED, 8, 10), ("G2", GREEN, 10, 10), ("G3", GREEN, 10, 10)],
            # Nothing rated: no share on "rated", so last there.
            "Delta": [("D1", AWAITED, None, 10), ("D2", AWAITED, None, 10)],
        }
    )
    # All: Alpha 2/3 (red 1/3), Gamma 2/3 (red 1/3, by name), Beta 1/4 (red 1/4), Delta 0 (red 0).
    # - Gamma ties Alpha: one move, its red G1, gives 3/3.
    # - Beta against Gamma (2/3): its red B2 gives 2/4, then B3 (first awaited) 3/4 > 2/3: 2 moves.
    # - Delta (0/2, red 0) against Beta (1/4): D1 gives 1/2 > 1/4.
    assert answers(what_if(statuses, "all")) == [
        ("Alpha", None, None, []),
        ("Gamma", "Alpha", 1, ["G1"]),
        ("Beta", "Gamma", 2, ["B2", "B3"]),
        ("Delta", "Beta", 1, ["D1"]),
    ]
    # Rated: Alpha 2/3, Gamma 2/3 (by name), Beta 1/2 (red 1/2), Delta none rated (last).
    # - Beta against Gamma (2/3, red 1/3): moving a data-awaited target grows the denominator too, 2/3 with red
    #   1/3, only a tie that the name loses; its red B2 instead gives 2/2. One move, the red one.
    # - Delta against Beta: D1 moved makes it 1/1, red 0: above Beta's 1/2.
    assert answers(what_if(statuses, "rated")) == [
        ("Alpha", None, None, []),
        ("Gamma", "Alpha", 1, ["G1"]),
        ("Beta", "Gamma", 1, ["B2"]),
        ("Delta", "Beta", 1, ["D1"]),
    ]


def test_red_targets_nearest_their_boundary_move_first_and_a_board_that_cannot_pass_says_so():
    statuses = synthetic(
        {
            # All green: 100 % on both bases, red 0.
            "Alpha": [("A1", GREEN, 10, 10)],
            # Reds 40 %, 10 % and 25 % short, and one with a target of 0 (no shortfall to give).
            "Omega": [
                ("B1", RED, 6, 10),
                ("B2", RED, 0, 0),
                ("B3", RED, 9, 10),
                ("B4", RED, 7.5, 10),
                ("B5", AWAITED, None, 10),
            ],
            # All green too, but after Alpha by name: nothing it could move. Omega, at best all green, is after it.
            "Alpha Two": [("Z1", GREEN, 10, 10)],
        }
    )
    ranked = what_if(statuses, "all")
    assert answers(ranked) == [
        ("Alpha", None, None, []),
        ("Alpha Two", "Alpha", None, []),
        ("Omega", "Alpha Two", None, []),
    ]
    assert list(ranked["sentence"]) == [
        "Alpha is already first.",
        "Alpha Two cannot pass Alpha: it has no red or data-awaited target to move.",
        "Omega cannot pass Alpha Two even with all 5 of its red and data-awaited targets amber or green.",
    ]
    # The order they would move in: smallest shortfall first, the red with none known after, then data awaited.
    assert [t["code"] for t in movable_targets(statuses[statuses["theme_board"] == "Omega"])] == [
        "B3",
        "B4",
        "B1",
        "B2",
        "B5",
    ]
    # Against a board at 2/3 Omega (0/5) needs 4 moves on all targets: 4/5 > 2/3 (3/5 is not).
    statuses = pd.concat([statuses[statuses["theme_board"] == "Omega"], synthetic({"Alpha": THIRDS})])
    omega = what_if(statuses, "all").set_index("theme_board").loc["Omega"]
    assert (omega["moves_needed"], omega["to_move"]) == (4, ["B3", "B4", "B1", "B2"])
    assert omega["sentence"] == (
        "Omega would pass Alpha with 4 more targets amber or green: "
        "B3 (10.0 % short), B4 (25.0 % short), B1 (40.0 % short), B2 (red)"
    )


THIRDS = [("A1", GREEN, 10, 10), ("A2", GREEN, 10, 10), ("A3", RED, 5, 10)]


@settings(max_examples=300, deadline=None)
@given(
    board=st.tuples(*[st.integers(0, 4)] * 4),  # red, amber, green, data awaited
    above=st.tuples(*[st.integers(0, 4)] * 4),
    basis=st.sampled_from(["all", "rated"]),
    names=st.sampled_from([("A", "B"), ("B", "A")]),
)
def test_red_first_is_the_fewest_moves(board, above, basis, names):
    """The rule (reds first, then data awaited) needs no more moves than the best of every mix of red and
    data-awaited moves, re-ranked by rank_boards, whenever the board starts below the other."""
    name, above_name = names
    frame = pd.DataFrame([_row(name, *board), _row(above_name, *above)])
    if frame["targets"].min() == 0 or list(rank_boards(frame, basis)["theme_board"]) != [above_name, name]:
        return
    red, amber, green, awaited = board
    best = None
    for x, y in product(range(red + 1), range(awaited + 1)):
        moved = pd.DataFrame([_row(name, red - x, amber, green + x + y, awaited - y), _row(above_name, *above)])
        if rank_boards(moved, basis)["theme_board"].iloc[0] == name and (best is None or x + y < best):
            best = x + y
    movable = [{"status": RED}] * red + [{"status": AWAITED}] * awaited
    rows = frame.set_index("theme_board")
    assert moves_needed(rows.loc[name], rows.loc[above_name], name, above_name, movable, basis) == best


def _row(board: str, red: int, amber: int, green: int, awaited: int) -> dict:
    return {
        "theme_board": board,
        "targets": red + amber + green + awaited,
        "red": red,
        "amber": amber,
        "green": green,
        "data_awaited": awaited,
    }


def test_laa_ranking_what_if(demo):
    plain = laa("ranking", "--format", "json").json()
    assert "moves_needed" not in plain["ranking"][0]
    result = laa("ranking", "--what-if", "--format", "json")
    assert result.code == 0, result.err
    ranking = result.json()["ranking"]
    # The ranking as without the flag, each board with its answer added.
    assert [{k: r[k] for k in plain["ranking"][0]} for r in ranking] == plain["ranking"]
    assert [(r["theme_board"], r["moves_needed"], r["to_move"]) for r in ranking] == [
        (board, need, to_move) for board, _, need, to_move in ALL
    ]
    assert ranking[6]["what_if"] == "Enterprise would pass PMG with 1 more target amber or green: NI 151 (8.1 % short)"
    rated = laa("ranking", "--what-if", "--basis", "rated", "--format", "json").json()["ranking"]
    assert [(r["theme_board"], r["moves_needed"], r["to_move"]) for r in rated] == [
        (board, need, to_move) for board, _, need, to_move in RATED
    ]
    table = laa("ranking", "--what-if").out
    assert "Moves needed" in table and "NI 30, NI 15, NI 19" in table
    assert "Wellbeing is already first." in table
    csv = laa("ranking", "--what-if", "--format", "csv").out
    assert csv.splitlines()[0].endswith("moves_needed,to_move")
    assert "Moves needed" not in laa("ranking").out


def test_what_if_is_for_one_areas_boards(demo):
    result = laa("ranking", "--what-if", "--all-areas")
    assert result.code == 2
    assert "--what-if" in result.err
