"""One name key: boards, areas and indicator codes match whatever their case, spacing, apostrophes and dashes, in a
file, on the command line and in a link alike."""

from __future__ import annotations

from dashboard.domain.names import code_key, find_code, find_name, name_key, normalise_code
from tests.conftest import laa


def test_names_match_whatever_their_case_spaces_apostrophes_and_dashes():
    assert name_key("children’s  TRUST") == name_key("Children's Trust") == "children's trust"
    assert name_key("Health\u00a0and Well\u2013being") == name_key("health and well-being")
    assert find_name(["Enterprise", "Children's Trust"], " children‘s trust ") == "Children's Trust"
    assert find_name(["Enterprise"], "Enterprises") is None


def test_codes_match_as_stored():
    assert normalise_code(" ni  0117 ") == "NI 117"
    assert normalise_code("loc\u201301") == "LOC-01"
    assert code_key("ni117") == code_key("NI 117")
    assert find_code(["NI 8", "NI 117"], "ni117") == "NI 117"


def test_the_command_line_finds_a_board_typed_with_a_curly_apostrophe_and_two_spaces(demo):
    run = laa("exceptions", "--board", "children’s  trust", "--format", "json")
    assert run.code == 0, run.err
    found = run.json()["exceptions"]
    assert len(found) == 9
    assert {e["theme_board"] for e in found} == {"Children's Trust"}
    unknown = laa("exceptions", "--board", "children’s trusts")
    assert unknown.code == 2
    assert unknown.err == (
        "error: --board 'children’s trusts': no such theme board (boards: Enterprise, Wellbeing, Safer Communities, "
        "Children's Trust, Better Places, Integrated Housing, PMG)\n"
    )


def test_the_command_line_finds_an_area_and_a_code_whatever_their_spelling(demo):
    assert laa("summary", "--area", "  HARINGEY").code == 0
    run = laa("history", "ni117", "--format", "json")
    assert run.code == 0, run.err
    assert run.json()["indicator_code"] == "NI 117"
