"""Facts: the one input model — YAML form, unknown keys, ranges, safe YAML only."""

from __future__ import annotations

import pytest

from engine.core.errors import InputError
from engine.core.i18n import lookup
from engine.diagnosis.facts import INDUSTRIES, Facts, fact_paths

EXAMPLE = """
company:   {industry: manufacturing, employees: 300}
marketing:
  leads_total: 10000
  target_leads: 2500
  monthly_new_leads: 150
  ma_in_use: false
  mql_definition_agreed: false
sales:
  style: route
  headcount: 8
  inside_sales_headcount: 0
  sales_cycle_months: 6
  opportunities_per_rep_month: 4
  win_rate: 0.25
  ratings: {appointment: 2, relationship: 2, opportunity: 3, closing: 5}
goals:     {new_deals_per_year: 60}
"""


def _error(data: dict, lang: str = "en") -> str:
    with pytest.raises(InputError) as info:
        Facts.from_dict(data)
    return info.value.message(lang)


def test_issue_yaml_form_loads(tmp_path):
    """Test that the YAML form from the issue loads with every value in place."""
    path = tmp_path / "facts.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    facts = Facts.from_yaml(path)
    assert facts.marketing.target_leads == 2500
    assert facts.sales.ratings.closing == 5
    assert facts.get("sales.ratings.appointment") == 2
    assert facts.goals.new_deals_per_year == 60
    assert facts.company.industry == "manufacturing"


def test_rating_out_of_range_names_the_path():
    """Test that a rating of 6 is rejected naming sales.ratings.closing and 1..5."""
    msg = _error({"sales": {"ratings": {"closing": 6}}})
    assert msg == "sales.ratings.closing: must be 1..5"
    assert "sales.ratings.closing" in _error({"sales": {"ratings": {"closing": 0}}}, "ja")


def test_unknown_key_rejected_at_every_level():
    """Test that unknown keys are refused at the top and inside nested sections."""
    assert _error({"sale": {}}) == "sale: unknown field (check the spelling)"
    assert _error({"sales": {"ratings": {"closin": 4}}}).startswith("sales.ratings.closin:")
    assert _error({"marketing": {"conversion_rates": {"x": 0.1}}}).startswith(
        "marketing.conversion_rates.x:"
    )


def test_wrong_types_are_named():
    """Test that text, booleans and fractions in number fields are refused by path."""
    assert _error({"sales": {"headcount": "eight"}}) == "sales.headcount: must be a whole number"
    assert _error({"sales": {"headcount": True}}) == "sales.headcount: must be a whole number"
    assert _error({"sales": {"headcount": 2.5}}) == "sales.headcount: must be a whole number"
    assert _error({"marketing": {"ma_in_use": "maybe"}}).startswith("marketing.ma_in_use:")
    assert "route" in _error({"sales": {"style": "door_to_door"}})
    assert (
        _error({"marketing": {"target_leads": -1}}) == "marketing.target_leads: must be 0 or more"
    )


def test_win_rate_given_as_percent_is_explained():
    """Test that win_rate 25 (a percent) is refused with the 0.25 hint."""
    assert "0.25" in _error({"sales": {"win_rate": 25}})
    assert Facts.from_dict({"sales": {"win_rate": 1}}).sales.win_rate == 1


def test_team_mode_fractional_ratings_accepted():
    """Test that team means (3.5) and spreads are valid ratings."""
    facts = Facts.from_dict(
        {"sales": {"ratings": {"closing": 3.5}, "rating_spread": {"closing": 2.0}, "raters": 4}}
    )
    assert facts.sales.ratings.closing == 3.5
    assert facts.sales.rating_spread.closing == 2.0


def test_target_leads_cannot_exceed_all_leads():
    """Test that 3,000 target leads out of 2,000 records is refused naming target_leads."""
    msg = _error({"marketing": {"leads_total": 2000, "target_leads": 3000}})
    assert msg.startswith("marketing.target_leads:") and "2000" in msg


def test_python_tag_refused_with_file_and_line(tmp_path):
    """Test that a !!python/object tag is refused, naming file, line and tag."""
    path = tmp_path / "evil.yaml"
    path.write_text("marketing:\n  target_leads: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(InputError) as info:
        Facts.from_yaml(path)
    msg = info.value.message("en")
    assert "evil.yaml (line 2)" in msg and "!!python/object/apply:os.system" in msg


def test_broken_yaml_refused_with_line(tmp_path):
    """Test that broken YAML gives one clear error with the line number."""
    path = tmp_path / "broken.yaml"
    path.write_text("sales:\n  headcount: 8\n  ratings: {closing: 5\n")
    with pytest.raises(InputError) as info:
        Facts.from_yaml(path)
    msg = info.value.message("ja")
    assert msg.startswith("broken.yaml (") and "行目" in msg
    assert "\n" not in msg


def test_top_level_list_and_missing_file_refused(tmp_path):
    """Test that a YAML list or a missing file gives the engine's own error."""
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(InputError) as info:
        Facts.from_yaml(path)
    assert info.value.code == "common.yaml.not_mapping"
    with pytest.raises(InputError) as info:
        Facts.from_yaml(tmp_path / "nope.yaml")
    assert info.value.code == "common.file_not_found"


def test_with_values_validates_the_result():
    """Test that setting a path returns validated facts and refuses an invalid value."""
    facts = Facts.from_dict({"sales": {"headcount": 8}})
    assert facts.with_values({"sales.ratings.closing": 4}).sales.ratings.closing == 4
    with pytest.raises(InputError):
        facts.with_values({"sales.ratings.closing": 9})


def test_assumed_must_name_fact_paths():
    """Test that `assumed` accepts fact paths only."""
    assert Facts.from_dict({"assumed": ["sales.win_rate"]}).assumed == ["sales.win_rate"]
    assert "nope.path" in _error({"assumed": ["nope.path"]})


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_industry_and_fact_path_has_a_label(lang):
    """Test that each industry and each fact path has a label in both languages."""
    for industry in INDUSTRIES:
        assert lookup(f"diagnosis.labels.industries.{industry}", lang)
    for path in fact_paths():
        assert lookup(f"diagnosis.labels.facts.{path}", lang)
