"""The executive brief, written by rules from the demo partnership's figures: every number in it is the one the
summary, the ranking, the escalations and the forecast give."""

from __future__ import annotations

from dashboard.read.brief import executive_brief
from dashboard.read.escalations import escalations, rules_of
from dashboard.read.forecast import forecast_mix, forecasts
from dashboard.read.position import load_position
from tests.conftest import laa


def test_the_brief_says_what_the_summary_ranking_escalations_and_forecast_say(demo):
    position = load_position(demo)
    as_at = position.latest_quarter()
    raised = escalations(position, as_at, rules_of(demo, position.area_id))
    brief = executive_brief(position, as_at, raised, forecast_mix(forecasts(position, as_at)))
    assert brief == [
        "18 of 74 targets (24.3 %) are red, 4 more than in 2009/10 Q2; 24 (32.4 %) are awaiting data.",
        "Enterprise has the highest red share (57.1 %) and no green target.",
        "Wellbeing is ranked first on all targets, with 71.4 % of its targets green or amber.",
        "31 targets are escalated, 9 for red periods running: NI 151, NI 152, NI 153, NI 59, NI 60 and 4 more.",
        "15 targets are recognised: NI 40, NI 135, NI 136, NI 142, NI 20 and 10 more.",
        "By the year's end 20 of the 40 targets with a forecast are on track, 1 at risk and 19 off track.",
    ]
    # Each number against the command that gives it.
    total = laa("summary", "--format", "json").json()["total"]
    assert (total["red"], total["targets"], total["red_pct"]) == (18, 74, 24.3)
    assert (total["data_awaited"], total["data_awaited_pct"]) == (24, 32.4)
    earlier = laa("summary", "--as-at", "2009/10 Q2", "--format", "json").json()["total"]
    assert total["red"] - earlier["red"] == 4
    boards = {b["theme_board"]: b for b in laa("summary", "--format", "json").json()["boards"]}
    assert max(boards.values(), key=lambda b: b["red_pct"])["theme_board"] == "Enterprise"
    assert (boards["Enterprise"]["red_pct"], boards["Enterprise"]["green"]) == (57.1, 0)
    first = laa("ranking", "--format", "json").json()["ranking"][0]
    assert (first["theme_board"], first["green_amber_pct"]) == ("Wellbeing", 71.4)
    raised = laa("escalations", "--format", "json").json()["escalations"]
    assert len({e["indicator_code"] for e in raised if e["kind"] == "escalate"}) == 31
    assert [e["indicator_code"] for e in raised if e["rule"] == "red_run"][:5] == [
        "NI 151", "NI 152", "NI 153", "NI 59", "NI 60"
    ]  # fmt: skip
    assert len([e for e in raised if e["rule"] == "red_run"]) == 9
    assert len({e["indicator_code"] for e in raised if e["kind"] == "recognise"}) == 15
    mix = forecast_mix(forecasts(position, position.latest_quarter()))
    assert mix == {"on track": 20, "at risk": 1, "off track": 19, "no forecast": 34}


def test_the_helicopter_view_gives_the_brief_and_offers_the_executive_paper(tmp_path, monkeypatch):
    from tests.fixtures import app_test, new_store, plain
    from tests.test_app_pages import no_exception, use_database

    use_database(monkeypatch, new_store(f"sqlite:///{tmp_path / 'demo.sqlite3'}", demo=True))
    at = no_exception(app_test().run())
    assert "In brief, as at 2009/10 Q3" in [h.value for h in at.header]
    brief = next(m.value for m in at.markdown if m.value.startswith("- 18 of 74"))
    first = plain(brief.splitlines()[0])
    assert first == "- 18 of 74 targets (24.3 %) are red, 4 more than in 2009/10 Q2; 24 (32.4 %) are awaiting data."
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["Executive paper (PDF)", "Executive paper (Excel)"]
