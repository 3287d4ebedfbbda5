"""The funnel plan's promises, for any company: what issue 12 says a report must never do."""

from __future__ import annotations

import math
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core.vocab import PHASES
from engine.diagnosis.diagnose import diagnose
from engine.diagnosis.fmt import fmt_number
from engine.diagnosis.phrase import kpi_text
from engine.diagnosis.rules import benchmarks

# CI runs the same examples every time; locally hypothesis explores
settings.register_profile(
    "plan_ci", derandomize=True, max_examples=150, deadline=None, database=None
)
settings.register_profile("plan_dev", max_examples=150, deadline=None)
PROFILE = settings.get_profile("plan_ci" if os.environ.get("CI") else "plan_dev")
SETTINGS = settings(PROFILE, suppress_health_check=[HealthCheck.too_slow])

HORIZON_MONTHS = {"1m": 1, "3m": 3, "1y": 12, "2y": 24}
# English a Japanese report may hold: funnel acronyms, product names, citation titles
ALLOWED_ENGLISH = {"MQL", "SAL", "SQL", "ISAL", "ISQL", "MA", "SFA", "SLA", "SDR", "AE"} | {
    "HubSpot",
    "MarketingSherpa",
}
for _fig in (
    *benchmarks().rates.values(),
    *dict(benchmarks().inside_sales_workload).values(),
    benchmarks().plan.sla_follow_up_business_days,
):
    ALLOWED_ENGLISH |= set(re.findall(r"[A-Za-z][A-Za-z0-9\-.]*", _fig.source))
ENGLISH = re.compile(r"[A-Za-z][A-Za-z0-9\-.]*")


def _opt(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def companies(draw) -> tuple[dict, dict | None]:
    """Facts (some left out) and, sometimes, a profiled list with stage counts."""
    ratings = {p: draw(st.integers(1, 5)) for p in PHASES}
    facts: dict = {
        "marketing": {
            "target_leads": draw(st.integers(0, 20000)),
            "ma_in_use": draw(st.booleans()),
            "mql_definition_agreed": draw(st.booleans()),
        },
        "sales": {
            "style": draw(st.sampled_from(["route", "high_volume", "long_cycle", "other"])),
            "inside_sales_headcount": draw(st.integers(0, 4)),
            "sales_cycle_months": draw(st.sampled_from([0.5, 1, 2, 3, 4, 6, 8.5, 9, 12, 18])),
            "ratings": ratings,
        },
        "goals": {},
    }
    for path, strategy in (
        (("marketing", "monthly_new_leads"), st.integers(0, 3000)),
        (("sales", "headcount"), st.integers(0, 40)),
        (("sales", "opportunities_per_rep_month"), st.sampled_from([0, 0.5, 2, 4, 10])),
        (("sales", "win_rate"), st.sampled_from([0.05, 0.2, 0.3, 0.6, 1])),
        (("goals", "new_deals_per_year"), st.integers(1, 400)),
    ):
        value = draw(_opt(strategy))
        if value is not None:
            facts[path[0]][path[1]] = value
    profile = None
    if draw(st.booleans()):
        stages = {s: draw(st.integers(0, 80)) for s in ("lead", "mql", "isql", "sal", "sql")}
        stages["won"] = draw(st.integers(0, 40))
        target = sum(stages.values())
        rows = target + draw(st.integers(0, 200))
        profile = {
            "rows": rows,
            "categories": {"target": target, "partner": rows - target},
            "stages": stages,
        }
    return facts, profile


@SETTINGS
@given(companies())
def test_promises_never_exceed_goal_capacity_or_cycle(company):
    """Test that year 1 promises at most min(goal, capacity), every roadmap won-per-month × 12
    fits the capacity, and no won deals are promised before the sales cycle has passed."""
    facts, profile = company
    d = diagnose(facts, profile, "en")
    dpy, p = d.plan.deals_per_year, d.plan
    bounds = [v for v in (dpy.goal, dpy.capacity) if v is not None]
    if dpy.promised_1y is not None and bounds:
        assert dpy.promised_1y <= min(bounds)
    for horizon, items in d.roadmap.items():
        won = p.kpis[horizon].get("won_per_month")
        if won is None:
            continue
        if dpy.capacity is not None:
            assert won * 12 <= dpy.capacity + 1e-9
        if HORIZON_MONTHS[horizon] < p.lag_months:
            assert won == 0
        for item in items:
            if "won_per_month" in item.kpi:
                assert item.kpi["won_per_month"] == won


@SETTINGS
@given(companies())
def test_goal_beyond_inflow_warned_exactly_when_inflow_falls_short(company):
    """Test that goal_beyond_inflow is warned if and only if reachable_now < goal."""
    facts, profile = company
    d = diagnose(facts, profile, "en")
    dpy = d.plan.deals_per_year
    short = dpy.reachable_now is not None and dpy.goal is not None and dpy.reachable_now < dpy.goal
    assert ("goal_beyond_inflow" in {w.id for w in d.warnings}) is short


@SETTINGS
@given(companies())
def test_inside_sales_headcount_follows_the_workload(company):
    """Test that the recommended inside-sales headcount never exceeds the workload rounded up
    to half a person (a shared role at the least), and that under one person it is never a hire."""
    facts, profile = company
    d = diagnose(facts, profile, "en")
    h = d.inside_sales.headcount
    assert h.recommended <= max(0.5, math.ceil(h.workload_fte * 2) / 2)
    if h.basis != "not_placed" and h.recommended < 1:
        text = " ".join(d.inside_sales.reasons)
        assert ("do not hire" in text) or facts["sales"]["inside_sales_headcount"] > 0


@SETTINGS
@given(companies())
def test_strongest_phase_only_without_a_tie(company):
    """Test that a tie at the top gives strongest_phase null and 'no phase stands out'."""
    facts, profile = company
    d = diagnose(facts, profile, "en")
    ratings = facts["sales"]["ratings"]
    top = max(ratings.values())
    leaders = [p for p in PHASES if ratings[p] == top]
    assert d.strongest_phase == (leaders[0] if len(leaders) == 1 else None)
    assert d.to_contract()["strongest_phase"] == d.strongest_phase


@SETTINGS
@given(companies())
def test_agreed_mql_definition_is_not_asked_again(company):
    """Test that an agreed MQL definition leaves no 'agree on the definition' item, in both
    languages, and an MA without one is warned."""
    facts, profile = company
    agreed = facts["marketing"]["mql_definition_agreed"]
    en, ja = diagnose(facts, profile, "en"), diagnose(facts, profile, "ja")
    asks_en = any(re.search(r"\bagree\b.*definition", g.text) for g in en.roadmap["1m"])
    asks_ja = any("定義を営業と合意" in g.text for g in ja.roadmap["1m"])
    assert asks_en is asks_ja is (not agreed)
    missing = facts["marketing"]["ma_in_use"] and not agreed
    assert ("mql_definition_missing" in {w.id for w in en.warnings}) is missing


@SETTINGS
@given(companies())
def test_every_number_quoted_is_the_plans(company):
    """Test that each roadmap item quotes exactly its KPIs' numbers, the year-1 row the plan's
    won and SQL a month, and the inflow warning the plan's reachable deals and goal."""
    facts, profile = company
    d = diagnose(facts, profile, "en")
    for horizon, items in d.roadmap.items():
        for item in items:
            for name, value in item.kpi.items():
                assert value == d.plan.kpis[horizon][name]
                assert kpi_text(name, value) in item.text
    steady = [i for i in d.roadmap["1y"] if i.text.startswith("Deliver")]
    for item in steady:
        assert item.kpi["won_per_month"] == d.plan.won_per_month
        assert item.kpi["sql_per_month"] == d.plan.sql_per_month
        assert f"({fmt_number(round(d.plan.deals_per_year.promised_1y, 1))} deals" in item.text
    for w in d.warnings:
        if w.id == "goal_beyond_inflow":
            dpy = d.plan.deals_per_year
            assert f"reach {fmt_number(round(dpy.reachable_now, 1))} a year" in w.text
            assert f"goal of {fmt_number(dpy.goal)} deals" in w.text
    recommended = d.inside_sales.headcount.recommended
    if any("inside-sales people fit" in r for r in d.inside_sales.reasons):
        assert f"about {fmt_number(recommended)} inside-sales" in " ".join(d.inside_sales.reasons)


@SETTINGS
@given(companies())
def test_japanese_report_holds_no_english_fragments(company):
    """Test that every text of a Japanese diagnosis holds no English word but funnel acronyms,
    product names and citation titles."""
    facts, profile = company
    d = diagnose(facts, profile, "ja")
    texts = [d.lead_base_reason, *d.inside_sales.reasons, *d.sharpen]
    texts += [r for i in d.initiatives for r in i.reasons]
    texts += [w.text for w in d.warnings]
    texts += [g.text for items in d.roadmap.values() for g in items]
    texts += [a.reason for a in d.assumptions] + [r.citation for r in d.plan.rates.values()]
    for text in texts:
        stray = set(ENGLISH.findall(text)) - ALLOWED_ENGLISH
        assert not stray, (stray, text)


@SETTINGS
@given(companies())
def test_japanese_rendered_report_holds_no_english_words(company):
    """Test that the whole Japanese Markdown report (headings, tables, what each rate rests
    on) holds no English word but funnel acronyms, KPI, product names and citation titles."""
    from engine.reports.diagnosis import build_report
    from engine.reports.markdown import render_markdown

    facts, profile = company
    text = render_markdown(build_report(diagnose(facts, profile, "ja")))
    stray = set(ENGLISH.findall(text)) - ALLOWED_ENGLISH - {"KPI"}
    assert not stray, stray
