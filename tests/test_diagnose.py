"""The diagnosis rules, scenario by scenario, boundaries included."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.core.errors import InputError
from engine.diagnosis.diagnose import diagnose
from engine.diagnosis.facts import Facts, set_path

BASE = {
    "marketing": {
        "leads_total": 20000,
        "target_leads": 2500,
        "monthly_new_leads": 150,
        "ma_in_use": False,
        "mql_definition_agreed": False,
    },
    "sales": {
        "style": "route",
        "headcount": 8,
        "inside_sales_headcount": 0,
        "sales_cycle_months": 3,
        "opportunities_per_rep_month": 4,
        "win_rate": 0.25,
        "ratings": {"appointment": 3, "relationship": 3, "opportunity": 3, "closing": 3},
    },
    "goals": {"new_deals_per_year": 60},
}
CLOSING_HEAVY = {"ratings": (2, 2, 3, 5)}


def facts(**values) -> Facts:
    """BASE with dotted paths replaced: facts(**{"sales.headcount": 3})."""
    data = copy.deepcopy(BASE)
    for path, value in values.items():
        if path == "ratings":
            value = dict(
                zip(("appointment", "relationship", "opportunity", "closing"), value, strict=True)
            )
            path = "sales.ratings"
        if value is None:
            section, _, key = path.rpartition(".")
            node = data
            for part in section.split("."):
                node = node[part]
            node.pop(key, None)
        else:
            set_path(data, path, value)
    return Facts.from_dict(data)


def run(profile=None, lang="en", **values):
    return diagnose(facts(**values), profile, lang)


def profile(rows: int, target: int) -> dict:
    return {
        "rows": rows,
        "encoding": "utf-8",
        "columns": {},
        "categories": {"target": target, "duplicate": rows - target},
        "stages": {},
    }


# ---- lead base -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "base"),
    [
        (0, "insufficient"),
        (999, "insufficient"),
        (1000, "workable"),
        (2999, "workable"),
        (3000, "comfortable"),
    ],
)
def test_lead_base_boundaries(target, base):
    """Test that 999/1000/2999/3000 target leads fall on the right side of each threshold."""
    d = run(**{"marketing.target_leads": target})
    assert d.lead_base == base
    assert d.target_leads == target and d.target_leads_source == "facts"


def test_profile_replaces_stated_target_leads():
    """Test that a profile's target count replaces the stated estimate."""
    d = run(profile(4000, 2999), **{"marketing.target_leads": 3500})
    assert (d.target_leads, d.target_leads_source, d.lead_base) == (2999, "profile", "workable")


def test_profile_object_with_summary_accepted():
    """Test that a LeadProfile-like object with .summary() is accepted like the dict."""

    class Profile:
        def summary(self):
            return profile(1200, 900)

    assert run(Profile()).target_leads == 900


def test_target_leads_derived_from_all_leads_when_missing():
    """Test that without target leads, 25% of all leads is assumed and listed."""
    d = run(**{"marketing.target_leads": None, "marketing.leads_total": 10000})
    assert d.target_leads == 2500
    assert "marketing.target_leads" in d.assumed
    reason = next(a.reason for a in d.assumptions if a.path == "marketing.target_leads")
    assert "25% of all leads was assumed" in reason


def test_no_lead_count_at_all_is_an_input_error():
    """Test that facts without any lead count and no profile raise InputError."""
    with pytest.raises(InputError) as info:
        run(**{"marketing.target_leads": None, "marketing.leads_total": None})
    assert info.value.code == "diagnosis.no_lead_count"


# ---- closing-heavy and placement --------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "heavy"),
    [
        ((2, 2, 3, 4), True),  # closing 4 is enough
        ((2, 2, 3, 3), False),  # closing 3 is not
        ((2, 2, 4, 4), True),  # tie with opportunity allowed
        ((2, 2, 5, 4), False),  # opportunity higher than closing
        ((3, 2, 3, 5), False),  # appointment 3 is above 2
        ((2, 3, 3, 5), False),  # relationship 3 is above 2
        ((1, 1, 1, 5), True),
    ],
)
def test_closing_heavy_boundaries(ratings, heavy):
    """Test the closing-heavy rule: highest (ties allowed), >= 4, appointment and
    relationship <= 2."""
    d = run(ratings=ratings)
    assert d.sales_profile.closing_heavy is heavy


@pytest.mark.parametrize(
    ("values", "placement"),
    [
        ({"marketing.target_leads": 999}, "not_yet"),
        ({"marketing.target_leads": 999, **CLOSING_HEAVY}, "qualify_before_sales"),
        ({"marketing.target_leads": 1000}, "qualify_before_sales"),
        (
            {**CLOSING_HEAVY, "sales.style": "high_volume", "sales.sales_cycle_months": 9},
            "qualify_before_sales",
        ),
        ({"sales.style": "high_volume", "sales.sales_cycle_months": 9}, "appointment_setting"),
        ({"sales.sales_cycle_months": 5}, "qualify_before_sales"),
        ({"sales.sales_cycle_months": 6}, "nurture_long_cycle"),
        ({"sales.style": "long_cycle", "sales.sales_cycle_months": 2}, "nurture_long_cycle"),
        ({"marketing.target_leads": 500, "sales.style": "high_volume"}, "not_yet"),
    ],
    ids=[
        "insufficient",
        "insufficient_closing_heavy",
        "workable",
        "closing_beats_volume",
        "high_volume_beats_cycle",
        "cycle_5",
        "cycle_6",
        "long_style",
        "insufficient_volume",
    ],
)
def test_inside_sales_placement_first_rule_that_applies(values, placement):
    """Test the placement rules in order, with the 5 vs 6 month boundary."""
    d = run(**values)
    assert d.inside_sales.placement == placement
    assert d.inside_sales.reasons


def test_closing_heavy_placement_reasons_quote_the_ratings():
    """Test that the qualify-before-sales reason quotes the company's own ratings."""
    d = run(ratings=(2, 1, 3, 5), **{"sales.headcount": 10})
    text = " ".join(d.inside_sales.reasons)
    assert (
        "closing 5" in text
        and "appointment setting 2" in text
        and "relationship building 1" in text
    )
    # workload, not the rep ratio: 150 leads × 17.5% = 26.25 MQLs a month ÷ 150 a rep, plus
    # 2,500 target leads called once over 6 months ÷ 900 calls a rep = 0.64 of a person
    assert "27 MQLs a month plus calling the 2,500 existing target leads" in text
    assert "come to 0.64 people" in text and "about 1 inside-sales" in text
    assert d.inside_sales.headcount.recommended == 1


# ---- initiatives -------------------------------------------------------------------------------


def _order(d) -> list[str]:
    assert [i.rank for i in d.initiatives] == [1, 2, 3]
    return [i.id for i in d.initiatives]


def test_insufficient_base_puts_lead_gen_first_and_scoring_last():
    """Test that 999 target leads rank lead_gen first and scoring last, even with a long
    cycle and MA in place; the reason quotes 999 and the 1 short."""
    d = run(
        **{
            "marketing.target_leads": 999,
            "sales.sales_cycle_months": 12,
            "marketing.ma_in_use": True,
        }
    )
    order = _order(d)
    assert order[0] == "lead_gen" and order[-1] == "scoring"
    assert "999 target leads, 1 short of the 1,000" in d.initiatives[0].reasons[0]


@pytest.mark.parametrize(
    ("target", "ma", "agreed", "scoring_first"),
    [
        (3000, True, True, True),
        (2999, True, True, False),
        (3000, False, True, False),
        (3000, True, False, False),
        (15000, True, True, True),
    ],
)
def test_scoring_first_only_when_comfortable_ma_and_agreed(target, ma, agreed, scoring_first):
    """Test that scoring leads only with >= 3,000 targets, MA in use and agreed MQLs."""
    d = run(
        **{
            "marketing.target_leads": target,
            "marketing.ma_in_use": ma,
            "marketing.mql_definition_agreed": agreed,
        }
    )
    assert (_order(d)[0] == "scoring") is scoring_first


@pytest.mark.parametrize(
    ("values", "first"),
    [
        ({"sales.sales_cycle_months": 6}, "content"),
        ({"sales.sales_cycle_months": 5}, "lead_gen"),
        ({"sales.style": "long_cycle"}, "content"),
        ({"marketing.target_leads": 5000, "sales.sales_cycle_months": 6}, "content"),
        (
            {
                "marketing.target_leads": 5000,
                "sales.sales_cycle_months": 6,
                "marketing.ma_in_use": True,
                "marketing.mql_definition_agreed": True,
            },
            "content",
        ),
    ],
)
def test_long_cycle_with_enough_leads_puts_content_first(values, first):
    """Test that a cycle of 6+ months (or style long_cycle) with a workable or comfortable
    base ranks content first; 5 months does not."""
    assert _order(run(**values))[0] == first


def test_initiatives_carry_months_and_quote_numbers():
    """Test that each initiative has months to impact and reasons with the company's numbers."""
    d = run(**{"sales.sales_cycle_months": 8})
    months = {i.id: i.months_to_impact for i in d.initiatives}
    assert months == {"lead_gen": 2, "content": 6, "scoring": 9}
    content = next(i for i in d.initiatives if i.id == "content")
    assert "8-month sales cycle" in " ".join(content.reasons)
    lead_gen = next(i for i in d.initiatives if i.id == "lead_gen")
    # 60 deals / 12 / 0.25 / 0.5 / 0.5 / 0.175 = 457.1 -> 458 new leads a month
    assert "you need 458 new leads a month" in " ".join(lead_gen.reasons)


# ---- warnings -----------------------------------------------------------------------------------


def _warnings(d) -> dict[str, str]:
    return {w.id: w.text for w in d.warnings}


def test_marketing_sales_gap_only_without_inside_sales():
    """Test that a closing-heavy team warns of the gap with no inside sales, not with one."""
    assert "marketing_sales_gap" in _warnings(run(**CLOSING_HEAVY))
    assert "marketing_sales_gap" not in _warnings(
        run(**CLOSING_HEAVY, **{"sales.inside_sales_headcount": 1})
    )
    assert "marketing_sales_gap" not in _warnings(run(ratings=(2, 2, 3, 3)))


@pytest.mark.parametrize(
    ("rows", "target", "warn"), [(1000, 500, False), (1000, 499, True), (0, 0, False)]
)
def test_list_needs_cleaning_when_more_than_half_not_targets(rows, target, warn):
    """Test that exactly half non-targets does not warn and one more does; the first month
    then starts with cleaning the list."""
    d = run(profile(rows, target), **{"marketing.target_leads": target})
    assert ("list_needs_cleaning" in _warnings(d)) is warn
    first = d.roadmap["1m"][0].text
    assert first.startswith("First clean the list") is warn
    if warn:
        assert f"{rows:,} rows" in first and "499 targets" in first
        assert "501 rows" in _warnings(d)["list_needs_cleaning"]


@pytest.mark.parametrize(
    ("stated", "warn"),
    [(1300, False), (1301, True), (700, False), (699, True), (1000, False)],
)
def test_perception_gap_over_30_percent(stated, warn):
    """Test that stated target leads 30% off the profiled 1,000 do not warn, just over do,
    and the warning quotes both numbers."""
    d = run(profile(1500, 1000), **{"marketing.target_leads": stated})
    warnings = _warnings(d)
    assert ("perception_gap_leads" in warnings) is warn
    if warn:
        text = warnings["perception_gap_leads"]
        assert f"You stated {stated:,} target leads; the list shows 1,000" in text


def test_perception_gap_needs_a_stated_number():
    """Test that a derived or defaulted target count is never called a perception gap."""
    d = run(profile(1500, 100), **{"marketing.target_leads": None, "marketing.leads_total": 20000})
    assert "perception_gap_leads" not in _warnings(d)
    assumed = facts(**{"marketing.target_leads": 5000, "assumed": ["marketing.target_leads"]})
    assert "perception_gap_leads" not in _warnings(diagnose(assumed, profile(1500, 100), "en"))


@pytest.mark.parametrize(
    ("headcount", "per_rep", "warn"), [(5, 4, False), (5, 3.9, True), (8, 4, False)]
)
def test_capacity_exceeded_equal_vs_just_over(headcount, per_rep, warn):
    """Test that 60 deals at 25% (20 opportunities a month) against 5 x 4 = 20 does not
    warn, against 5 x 3.9 = 19.5 does, quoting both sides."""
    d = run(**{"sales.headcount": headcount, "sales.opportunities_per_rep_month": per_rep})
    assert d.plan.per_month.required.sql == pytest.approx(20)
    assert ("capacity_exceeded" in _warnings(d)) is warn
    if warn:
        text = _warnings(d)["capacity_exceeded"]
        assert "need 20 opportunities a month" in text and "5 reps × 3.9 = 19.5 a month" in text


def test_capacity_not_checked_without_headcount():
    """Test that without a headcount there is no capacity verdict and sharpen asks for it."""
    d = run(**{"sales.headcount": None, "goals.new_deals_per_year": 1000})
    assert "capacity_exceeded" not in _warnings(d)
    assert d.plan.capacity_per_month is None
    assert any("headcount" in s for s in d.sharpen)


@pytest.mark.parametrize(("spread", "warn"), [(2, True), (1.9, False), (4, True)])
def test_rating_disagreement_names_phase_and_spread(spread, warn):
    """Test that a team spread of 2 or more on a phase warns, naming the phase and spread."""
    d = run(**{"sales.rating_spread": {"closing": spread, "appointment": 1}, "sales.raters": 4})
    assert ("rating_disagreement" in _warnings(d)) is warn
    if warn:
        assert f"closing: {spread} points apart" in _warnings(d)["rating_disagreement"]


# ---- roadmap, KPIs, assumptions ------------------------------------------------------------------


def test_first_month_always_holds_the_inventory():
    """Test that every roadmap has all four horizons and the first month agrees the
    MQL/SAL/SQL definitions."""
    for lang, words in (
        ("en", "agree the MQL, SAL and SQL definitions"),
        ("ja", "MQL・SAL・SQL の定義を営業と合意"),
    ):
        d = run(lang=lang)
        assert list(d.roadmap) == ["1m", "3m", "1y", "2y"]
        assert any(words in goal.text for goal in d.roadmap["1m"])
        assert all(d.roadmap[h] for h in d.roadmap)


def test_roadmap_kpis_capped_by_what_the_inflow_reaches():
    """Test that 60 deals a year need 80 MQL → 40 ISQL → 20 SQL → 5 won a month, but 150 new
    leads reach only 1.64 won a month (26.25 MQL, 6.56 SQL): the roadmap promises that, half
    of it at 3 months without won deals (a 3-month cycle), and 14.7 deals in year 1."""
    d = run(**CLOSING_HEAVY)
    assert d.plan.per_month.required.sal == pytest.approx(40)
    assert d.plan.per_month.required.mql == pytest.approx(80)
    assert d.plan.deals_per_year.reachable_now == pytest.approx(19.6875)
    assert "goal_beyond_inflow" in _warnings(d)
    three = next(g for g in d.roadmap["3m"] if g.text.startswith("From the month-1 baseline"))
    assert "reach 14 MQL → 3.3 SQL a month (50% of the year-1 target" in three.text
    assert "won deals are not a KPI yet" in three.text
    assert three.kpi == {"mql_per_month": 13.1248, "sql_per_month": 3.2812}
    year = next(g for g in d.roadmap["1y"] if g.text.startswith("Deliver"))
    assert year.text == (
        "Deliver 6.6 SQL and 1.6 won deals a month steadily (14.7 deals expected in year 1)"
    )
    assert d.plan.deals_per_year.promised_1y == 14.7


def test_company_rates_replace_benchmarks():
    """Test that the company's own rates are used, named as its own, and not assumed."""
    d = run(
        **{"marketing.conversion_rates": {"lead_to_mql": 0.1, "mql_to_sal": 0.5, "sal_to_sql": 0.5}}
    )
    assert d.plan.per_month.required.leads == pytest.approx(5 / 0.25 / 0.5 / 0.5 / 0.1)
    assert d.plan.rates["lead_to_mql"].source == "answer"
    assert not [a for a in d.assumed if a.startswith("marketing.conversion_rates")]


def test_missing_win_rate_is_assumed_with_a_cited_source():
    """Test that an absent win rate uses the cited 25% default and is listed as assumed."""
    d = run(**{"sales.win_rate": None})
    assert "sales.win_rate" in d.assumed
    assumption = next(a for a in d.assumptions if a.path == "sales.win_rate")
    assert (assumption.value, assumption.source) == (0.25, "Implisit, 2014")
    assert "sales.win_rate" not in run().assumed


def test_contract_has_exactly_the_documented_keys():
    """Test that to_contract() returns exactly the CLI contract."""
    c = run().to_contract()
    assert list(c) == [
        "target_leads",
        "target_leads_source",
        "lead_base",
        "inside_sales",
        "initiatives",
        "warnings",
        "roadmap",
        "assumed",
        "strongest_phase",
        "plan",
    ]
    assert set(c["inside_sales"]) == {"placement", "reasons", "headcount"}
    assert set(c["inside_sales"]["headcount"]) == {
        "recommended",
        "workload_fte",
        "mql_per_month",
        "mql_per_rep_month",
        "basis",
    }
    assert set(c["plan"]) == {"rates", "per_month", "deals_per_year", "lag_months"}
    assert set(c["plan"]["rates"]["sql_to_won"]) == {
        "value",
        "low",
        "high",
        "source",
        "citation",
        "n",
    }
    assert set(c["plan"]["deals_per_year"]) == {"goal", "reachable_now", "capacity", "promised_1y"}
    assert all(set(i) == {"text", "kpi"} for h in c["roadmap"].values() for i in h)
    assert set(c["initiatives"][0]) == {"id", "rank", "months_to_impact", "reasons"}


def test_same_decisions_in_both_languages():
    """Test that ja and en give the same decisions with texts in each language."""
    ja, en = run(lang="ja", **CLOSING_HEAVY), run(lang="en", **CLOSING_HEAVY)
    assert ja.inside_sales.placement == en.inside_sales.placement
    assert [i.id for i in ja.initiatives] == [i.id for i in en.initiatives]
    assert "営業" in ja.inside_sales.reasons[0] and "Sales" in en.inside_sales.reasons[0]


def test_sharpen_asks_for_the_list_when_target_leads_are_stated():
    """Test that a diagnosis on stated leads suggests uploading the list; a profiled one not."""
    assert any("Upload your lead list" in s for s in run().sharpen)
    assert not any("Upload your lead list" in s for s in run(profile(3000, 2000)).sharpen)


@settings(max_examples=150, deadline=None)
@given(
    target=st.integers(0, 20000),
    ratings=st.tuples(*[st.integers(1, 5)] * 4),
    cycle=st.integers(1, 24),
    style=st.sampled_from(["route", "high_volume", "long_cycle", "other"]),
    ma=st.booleans(),
    agreed=st.booleans(),
    is_headcount=st.integers(0, 3),
)
def test_invariants_hold_for_any_company(target, ratings, cycle, style, ma, agreed, is_headcount):
    """Test that for any facts the three initiatives are ranked once each, scoring leads
    only when ready, and the first month holds the inventory."""
    d = run(
        ratings=ratings,
        **{
            "marketing.leads_total": 20000,
            "marketing.target_leads": target,
            "sales.sales_cycle_months": cycle,
            "sales.style": style,
            "marketing.ma_in_use": ma,
            "marketing.mql_definition_agreed": agreed,
            "sales.inside_sales_headcount": is_headcount,
        },
    )
    order = [i.id for i in d.initiatives]
    assert sorted(order) == ["content", "lead_gen", "scoring"]
    if order[0] == "scoring":
        assert target >= 3000 and ma and agreed
    if target < 1000:
        assert order[0] == "lead_gen" and order[-1] == "scoring"
    first_month = [g.text for g in d.roadmap["1m"]]
    assert any("SAL and SQL definitions" in g for g in first_month) is not agreed
    if agreed:
        assert not any(re.search(r"\bagree\b.*definition", g) for g in first_month)
    assert all(i.reasons for i in d.initiatives) and d.inside_sales.reasons
