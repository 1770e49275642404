"""Statuses computed from imported rows follow rule 1: polarity, tolerance (default 5% of |target|), rag wins."""

from tests.conftest import laa
from tests.helpers import current, import_file, statuses, summary, write

HEADER = "indicator_code,indicator_name,theme_board,polarity,tolerance_pct,period,target,actual,rag\n"
ROWS = [
    # code, polarity, tolerance_pct, target, actual, rag → expected status
    ("LAA 1", "lower_is_better", "", "10", "10.5", "", "amber"),  # on the edge of the 5% band
    ("LAA 2", "lower_is_better", "", "10", "10.51", "", "red"),
    ("LAA 3", "lower_is_better", "10", "10", "10.51", "", "amber"),  # a wider band
    ("LAA 4", "lower_is_better", "10", "10", "11.01", "", "red"),
    ("LAA 5", "lower_is_better", "", "10", "10", "", "green"),
    ("LAA 6", "Lower is better", "", "10", "9.99", "", "green"),
    ("LAA 7", "higher_is_better", "", "80", "76", "", "amber"),
    ("LAA 8", "higher_is_better", "", "80", "75.99", "", "red"),
    ("LAA 9", "", "", "80", "80", "", "green"),  # no polarity: higher is better
    ("LAA 10", "higher_is_better", "", "-10", "-10.5", "", "amber"),  # the band is 5% of |target|
    ("LAA 11", "higher_is_better", "", "-10", "-10.51", "", "red"),
    ("LAA 12", "higher_is_better", "0", "50", "49.99", "", "red"),  # no band at all
    ("LAA 13", "lower_is_better", "", "10", "12", "G", "green"),  # a reported rag wins
    ("LAA 14", "lower_is_better", "", "10", "", "", "data awaited"),
    ("LAA 15", "lower_is_better", "10%", "10", "11", "", "amber"),
    ("LAA 16", "higher_is_better", "", "", "", "Data Awaited", "data awaited"),
]


def rated_file(tmp_path):
    lines = [
        f"{code},Local indicator {code[4:]},Stronger Communities,{pol},{tol},2009/10 Q4,{target},{actual},{rag}\n"
        for code, pol, tol, target, actual, rag, _ in ROWS
    ]
    return write(tmp_path, "local_targets.csv", HEADER + "".join(lines))


def expected(status: str) -> dict[str, str]:
    return {code: "2009/10 Q4" for code, *_, want in ROWS if want == status}


def test_statuses_follow_polarity_and_tolerance(engine, tmp_path):
    run = import_file(rated_file(tmp_path))
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "local_targets.csv: 16 rows read; 16 new, 0 changed, 0 unchanged; 16 new targets, 0 with changed settings. "
        "stored as batch 1.\n"
    )
    for status in ("red", "amber", "green", "data awaited"):
        assert statuses(status) == expected(status), status
    board = summary()["boards"]
    assert [(b["theme_board"], b["targets"], b["red"], b["amber"], b["green"], b["data_awaited"]) for b in board] == [
        ("Stronger Communities", 16, 5, 5, 4, 2)
    ]


def test_changing_tolerance_or_polarity_rerates_the_stored_figures(engine, tmp_path):
    assert import_file(rated_file(tmp_path)).code == 0
    path = write(
        tmp_path,
        "settings.csv",
        "indicator_code,theme_board,period,tolerance_pct,polarity\n"
        "LAA 2,Stronger Communities,2009/10 Q4,10,lower_is_better\n"
        "LAA 8,Stronger Communities,2009/10 Q4,,lower_is_better\n",
    )
    run = import_file(path)
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "settings.csv: 2 rows read; 0 new, 0 changed, 2 unchanged; 0 new targets, 2 with changed settings. "
        "stored as batch 2.\n"
    )
    assert current("LAA 2")["2009/10 Q4"]["status"] == "amber"  # 10.51 is inside a 10% band
    assert current("LAA 8")["2009/10 Q4"]["status"] == "green"  # 75.99 against 80, now lower is better
    assert statuses("red") == {"LAA 4": "2009/10 Q4", "LAA 11": "2009/10 Q4", "LAA 12": "2009/10 Q4"}


def test_a_demo_target_lower_is_better_target_10(demo, tmp_path):
    # NI 195 (street cleanliness, Better Places) is lower is better with target 10 (9.8 in 2009/10 Q3: green).
    steps = [("10.5", "", "amber"), ("10.51", "", "red"), ("10.51", "10", "amber"), ("11.01", "10", "red")]
    for batch, (actual, tolerance, status) in enumerate(steps, start=3):
        path = write(
            tmp_path,
            "ni195.csv",
            "indicator_code,theme_board,period,target,actual,tolerance_pct\n"
            f"NI 195,Better Places,2009/10 Q4,10,{actual},{tolerance}\n",
        )
        run = import_file(path)
        assert (run.code, run.err) == (0, "")
        assert run.out.endswith(f"stored as batch {batch}.\n")
        report = laa("exceptions", "--board", "Better Places", "--status", status, "--format", "json")
        assert report.code == 0, report.err
        rows = {e["indicator_code"]: e for e in report.json()["exceptions"]}
        assert (rows["NI 195"]["period"], rows["NI 195"]["actual"], rows["NI 195"]["status"]) == (
            "2009/10 Q4",
            float(actual),
            status,
        ), (actual, tolerance)
