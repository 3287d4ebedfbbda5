"""The page draws each chart from a spec built without Altair's schema validation (it took
most of a results-page rerun), so the validation lives here: every chart the pages draw,
in both languages, is a valid Vega-Lite spec, and the page gets that same spec without
Altair's fixed 300-pixel view."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import team
from engine.diagnosis.diagnose import diagnose
from engine.leads.leadset import LeadSet
from engine.reports import charts
from tests.test_report_kpis import FACTS, PROFILE, SAMPLE_STAGES
from tests.test_team_report import MARKETING, SALES_A, SALES_B

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def card_profile():
    with LeadSet.open(ROOT / "sample_data" / "eight_cards.csv") as leads:
        return leads.profile()


def _every_chart(lang: str, card_profile) -> dict:
    diagnosis = diagnose(FACTS, PROFILE, lang)
    ratings = FACTS["sales"]["ratings"]
    return {
        "composition": charts.composition_chart(PROFILE["categories"], lang),
        "waterfall": charts.waterfall_chart(SAMPLE_STAGES, "isal", lang),
        "sales_profile": charts.sales_profile_chart(ratings, lang),
        "placement": charts.placement_chart(diagnosis, PROFILE, lang),
        "capacity": charts.capacity_chart(diagnosis.plan, lang),
        "lead_age": charts.lead_age_chart(card_profile.lead_age, lang),
        "roadmap": charts.roadmap_chart(diagnosis.roadmap, lang),
        "team": charts.team_chart(team.aggregate_ratings([MARKETING, SALES_A, SALES_B]), lang),
    }


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_chart_is_valid_vega_lite_and_the_page_gets_it_unthemed(lang, card_profile):
    """Test that each of the eight charts passes Altair's schema validation, and that the
    spec the page draws is that chart's spec with no config (no 300-pixel default view)
    and its data inline: the bars the validated chart would show."""
    for name, chart in _every_chart(lang, card_profile).items():
        assert chart is not None, name
        validated = chart.to_dict(validate=True)
        drawn = charts.vega_lite_spec(chart)
        assert "config" not in drawn, name
        assert drawn == {k: v for k, v in validated.items() if k != "config"}, name
        (rows,) = drawn["datasets"].values()
        assert rows, name
    composition = charts.vega_lite_spec(_every_chart(lang, card_profile)["composition"])
    (rows,) = composition["datasets"].values()
    assert [r["value"] for r in rows][0] == PROFILE["categories"]["target"]


def test_the_capacity_bars_read_as_the_placement_bars_and_the_texts_write_them():
    """Test that the goal's monthly SQL need is one number wherever the page shows it: the
    capacity chart's "needed" bar equals the placement chart's SQL bar and the report's
    fmt_count text (one decimal under 10, not 6.6159)."""
    from engine.diagnosis.fmt import fmt_count

    facts = {**FACTS, "goals": {"new_deals_per_year": 17}}
    diagnosis = diagnose(facts, PROFILE, "en")
    need = diagnosis.plan.per_month.required.sql
    assert 1 < need < 10 and need != round(need, 1)  # a need the chart must round
    capacity = {r["key"]: r["value"] for r in charts.capacity_data(diagnosis.plan, "en")}
    placement = {
        r["key"]: r["value"] for r in charts.placement_waterfall(diagnosis, PROFILE, "en")["rows"]
    }
    assert capacity["needed"] == placement["sql"]
    assert f"{capacity['needed']:,g}" == fmt_count(need)
    assert f"{capacity['capacity']:,g}" == fmt_count(diagnosis.plan.capacity_per_month)
