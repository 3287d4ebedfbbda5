"""The plan's arithmetic on a funnel written here, every number worked out by hand.

Rates 20% / 50% / 50% / 25% (lead → MQL → SAL → SQL → won). The goal is 24 deals a year
(2 a month); today's 200 leads a month reach 200 × 0.2 × 0.5 × 0.5 × 0.25 = 2.5 won a month
(30 a year); 4 reps × 5 opportunities = 20 a month, 60 deals a year. An inside-sales rep works
45 calls × 20 days = 900 touches a month, 900 / 6 = 150 MQLs; the base is called down once
over 6 months.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from engine.diagnosis.diagnose import diagnose
from engine.diagnosis.plan import (
    DealsPerYear,
    Flow,
    Funnel,
    PlanRate,
    _floor,
    _list_rate,
    _wilson,
    plan,
    plan_predicates,
    rates_source,
)
from engine.diagnosis.rules import benchmarks, rules

RATES = {"lead_to_mql": 0.2, "mql_to_sal": 0.5, "sal_to_sql": 0.5, "sql_to_won": 0.25}


def _rates(citations=None) -> dict[str, PlanRate]:
    citations = citations or {}
    return {
        k: PlanRate(
            value=v,
            low=v,
            high=v,
            source="list" if citations.get(k) == "list" else "answer",
            citation=citations.get(k, "own"),
        )
        for k, v in RATES.items()
    }


def _funnel(
    *,
    goal=24,
    reachable_now=30.0,
    capacity=60.0,
    needed=Fraction(8),
    capacity_opps=Fraction(20),
    lag=3,
    reachable=True,
    rates=None,
) -> Funnel:
    return Funnel(
        rates=rates or _rates(),
        required=Flow(leads=160, mql=32, sal=16, sql=8, won=2),
        reachable=Flow(leads=200, mql=40, sal=20, sql=10, won=2.5) if reachable else None,
        deals=DealsPerYear(goal=goal, reachable_now=reachable_now, capacity=capacity),
        needed_opps=needed,
        capacity_opps=capacity_opps,
        lag_months=lag,
    )


def _plan(
    f: Funnel,
    *,
    target=2000,
    goal_1y=3000,
    goal_2y=3000,
    inflow=200,
    headcount=4,
    per_rep=5,
    placed=True,
    bench=None,
    th=None,
):
    return plan(
        f,
        target_leads=target,
        base_goal_1y=goal_1y,
        base_goal_2y=goal_2y,
        inflow=inflow,
        headcount=headcount,
        per_rep=per_rep,
        placed=placed,
        bench=bench or benchmarks(),
        th=th or rules().thresholds,
    )


def test_the_worked_example():
    """Test the whole plan of the worked example, every number worked out by hand."""
    p = _plan(_funnel())
    assert (p.won_per_month, p.sql_per_month, p.mql_per_month) == (2.0, 8.0, 32.0)
    assert p.deals_per_year.promised_1y == 18.0
    assert p.deals_per_year.goal == 24 and p.lag_months == 3
    assert (p.target_leads_1y, p.target_leads_2y) == (3000, 3000)
    assert (p.needed_headcount, p.capacity_per_month, p.capacity_exceeded) == (None, 20.0, False)
    assert p.ramp_3m_share == 0.5
    # 40 MQL / 150 + 2,000 / 6 / 900 = 0.2667 + 0.3704 = 0.637 of a person: one, rounded up
    # to a half; the rep ratio (4 / 2.5 = 1.6 → 2) does not cap it
    assert p.headcount.model_dump() == {
        "recommended": 1.0,
        "workload_fte": 0.637,
        "mql_per_month": 40.0,
        "mql_per_rep_month": 150.0,
        "basis": "workload",
    }
    assert p.kpis == {
        "1m": {"target_leads": 2000},
        "3m": {"mql_per_month": 16.0, "sql_per_month": 4.0, "won_per_month": 0.0},
        "1y": {"target_leads": 3000, "sql_per_month": 8.0, "won_per_month": 2.0},
        "2y": {"target_leads": 3000, "won_per_month": 2.0, "leads_per_month": 160.0},
    }
    assert plan_predicates(p, 2000, rules().thresholds) == {
        "has_lead_gen_target": True,
        "lead_base_grows_2y": True,
        "has_promise": True,
        "won_in_3m": False,
        "year1_sql_only": False,
        "has_goal_2y": True,
        "is_shared_role": False,
        "is_capped_by_ratio": False,
        "has_needed_headcount": False,
    }
    assert p.contract() == {
        "rates": {k: r.model_dump() for k, r in _rates().items()},
        "per_month": {
            "required": {"leads": 160, "mql": 32, "sal": 16, "sql": 8, "won": 2},
            "reachable": {"leads": 200, "mql": 40, "sal": 20, "sql": 10, "won": 2.5},
        },
        "deals_per_year": {
            "goal": 24,
            "reachable_now": 30.0,
            "capacity": 60.0,
            "promised_1y": 18.0,
        },
        "lag_months": 3,
    }


@pytest.mark.parametrize(
    ("lag", "promised", "kpi_3m_won", "kpi_1y", "kpi_2y_won", "sql_only"),
    [
        (2, 20.0, 1.0, {"sql_per_month": 8.0, "won_per_month": 2.0}, 2.0, False),
        (8, 8.0, 0.0, {"sql_per_month": 8.0, "won_per_month": 2.0}, 2.0, False),
        (9, 6.0, 0.0, {"sql_per_month": 8.0, "pipeline": 72.0, "won_per_month": 0.0}, 2.0, True),
        (12, 0.0, 0.0, {"sql_per_month": 8.0, "pipeline": 96.0, "won_per_month": 0.0}, 2.0, True),
        (24, 0.0, 0.0, {"sql_per_month": 8.0, "pipeline": 192.0, "won_per_month": 0.0}, 0.0, True),
    ],
)
def test_won_deals_only_after_the_cycle(lag, promised, kpi_3m_won, kpi_1y, kpi_2y_won, sql_only):
    """Test that won deals come only after the cycle, SQL only in year 1 from a 9-month cycle."""
    p = _plan(_funnel(lag=lag))
    assert p.deals_per_year.promised_1y == promised
    assert p.kpis["3m"]["won_per_month"] == kpi_3m_won
    assert p.kpis["1y"] == {"target_leads": 3000} | kpi_1y
    assert p.kpis["2y"]["won_per_month"] == kpi_2y_won
    preds = plan_predicates(p, 2000, rules().thresholds)
    assert preds["year1_sql_only"] is sql_only
    assert preds["won_in_3m"] is (kpi_3m_won > 0)


def test_no_deal_in_year_1_when_the_cycle_fills_it():
    """Test that a 12-month cycle promises no won deal in year 1, even below the SQL-only cycle."""
    th = rules().thresholds.model_copy(update={"sql_only_year1_cycle_months": 13})
    for lag, won in ((11, 2.0), (12, 0.0)):
        p = _plan(_funnel(lag=lag), th=th)
        assert p.kpis["1y"] == {"target_leads": 3000, "sql_per_month": 8.0, "won_per_month": won}
    assert p.deals_per_year.promised_1y == 0.0


def test_year_2_leads_keep_their_decimals():
    """Test that 20 deals a year (1.6666 a month) need 133.328 leads a month in year 2."""
    # 1.6666 / 0.25 = 6.6664 SQL; / 0.5 / 0.5 / 0.2 = 133.328 leads
    p = _plan(_funnel(goal=20))
    assert p.kpis["2y"] == {
        "target_leads": 3000,
        "won_per_month": 1.6666,
        "leads_per_month": 133.328,
    }


def test_goal_capped_by_capacity():
    """Test that 2 reps × 3 opportunities cap the promise at 1.5 won a month and ask for 3 reps."""
    f = _funnel(capacity=18.0, capacity_opps=Fraction(6))
    p = _plan(f, headcount=2, per_rep=3)
    assert p.capacity_exceeded is True and p.needed_headcount == 3
    assert (p.won_per_month, p.sql_per_month, p.mql_per_month) == (1.5, 6.0, 24.0)
    assert p.deals_per_year.promised_1y == 13.5
    assert p.kpis["2y"] == {"target_leads": 3000, "won_per_month": 1.5, "leads_per_month": 120.0}
    assert plan_predicates(p, 2000, rules().thresholds)["has_needed_headcount"] is True
    assert _plan(f, headcount=2, per_rep=None).needed_headcount is None


def test_promise_rounded_down_to_a_tenth():
    """Test that 1.23456 won a month over 9 months (11.11104) is promised as 11.1."""
    p = _plan(
        _funnel(goal=None, reachable_now=14.81472, capacity=None, needed=None, capacity_opps=None)
    )
    assert p.won_per_month == 1.2345
    assert p.deals_per_year.promised_1y == 11.1
    assert "won_per_month" not in p.kpis["2y"]
    assert plan_predicates(p, 2000, rules().thresholds)["has_goal_2y"] is False
    assert p.capacity_per_month is None


def test_no_number_to_plan_on():
    """Test that without a goal, an inflow or a capacity nothing is promised."""
    f = _funnel(
        goal=None,
        reachable_now=None,
        capacity=None,
        needed=None,
        capacity_opps=None,
        reachable=False,
    )
    p = _plan(f, inflow=None, headcount=None, per_rep=None)
    assert (p.won_per_month, p.sql_per_month, p.mql_per_month) == (None, None, None)
    assert p.deals_per_year.promised_1y is None
    assert p.kpis == {
        "1m": {"target_leads": 2000},
        "3m": {},
        "1y": {"target_leads": 3000},
        "2y": {"target_leads": 3000},
    }
    preds = plan_predicates(p, 2000, rules().thresholds)
    assert (preds["has_promise"], preds["won_in_3m"]) == (False, False)
    # no inflow: the base may reach the thresholds' goal; no MQLs: only the call-down
    assert p.headcount.mql_per_month == 0.0 and p.headcount.workload_fte == 0.3704


@pytest.mark.parametrize(
    ("inflow", "target_1y", "target_2y"),
    [(None, 3000, 3000), (10, 2120, 2240), (40, 2480, 2960), (50, 2600, 3000)],
)
def test_lead_base_grows_by_the_inflow_at_most(inflow, target_1y, target_2y):
    """Test that the lead base target grows by at most 12 (24) months of today's inflow."""
    p = _plan(_funnel(), inflow=inflow)
    assert (p.target_leads_1y, p.target_leads_2y) == (target_1y, target_2y)
    assert p.kpis["1y"]["target_leads"] == target_1y
    assert p.kpis["2y"]["target_leads"] == target_2y


def test_base_already_beyond_the_goal():
    """Test that a base above the thresholds' goal is kept, with no lead-generation target."""
    p = _plan(_funnel(), target=5000, goal_1y=5000, goal_2y=5000)
    assert (p.target_leads_1y, p.target_leads_2y) == (5000, 5000)
    preds = plan_predicates(p, 5000, rules().thresholds)
    assert (preds["has_lead_gen_target"], preds["lead_base_grows_2y"]) == (False, False)
    p = _plan(_funnel(), target=5000, goal_1y=3000, goal_2y=4000, inflow=None)
    assert (p.target_leads_1y, p.target_leads_2y) == (5000, 5000)
    assert p.kpis["1y"]["target_leads"] == 5000 and p.kpis["2y"]["target_leads"] == 5000


@pytest.mark.parametrize(
    ("placed", "headcount", "mql", "target", "expected"),
    [
        (False, 4, 40, 2000, (0, 0.637, "not_placed")),
        (False, 4, 151.5, 0, (0, 1.01, "not_placed")),
        (True, 1, 40, 2000, (0.5, 0.637, "rep_ratio_cap")),
        (True, 4, 75, 0, (0.5, 0.5, "workload")),
        (True, 4, 150, 0, (1.0, 1.0, "workload")),
        (True, 4, 151.5, 0, (1.5, 1.01, "workload")),
        (True, 0, 1, 0, (0.5, 0.0067, "workload")),
        (True, None, 600, 0, (4.0, 4.0, "workload")),
        (True, 5, 600, 0, (2.0, 4.0, "rep_ratio_cap")),
    ],
)
def test_inside_sales_headcount_and_its_predicates(placed, headcount, mql, target, expected):
    """Test that the workload rounds up to a half (at least one half), capped by the rep ratio."""
    f = _funnel()
    f = Funnel(**{**f.__dict__, "reachable": Flow(leads=1, mql=mql, sal=0, sql=0, won=0)})
    p = _plan(f, target=target, headcount=headcount, placed=placed)
    h = p.headcount
    assert (h.recommended, h.workload_fte, h.basis) == expected
    assert h.mql_per_month == mql
    preds = plan_predicates(p, target, rules().thresholds)
    assert preds["is_capped_by_ratio"] is (expected[2] == "rep_ratio_cap")
    assert preds["is_shared_role"] is (expected[2] != "not_placed" and expected[0] < 1)


def test_headcount_with_two_calls_to_each_base_lead():
    """Test that 2 calls to each of 2,000 leads over 6 months add 0.7407 of a rep: 1.5 reps."""
    bench = benchmarks()
    w = bench.inside_sales_workload
    touches = w.touches_per_base_lead.model_copy(update={"value": 2.0})
    w = w.model_copy(update={"touches_per_base_lead": touches})
    bench = bench.model_copy(update={"inside_sales_workload": w})
    # 40 MQL / 150 + 2,000 × 2 / 6 / 900 = 0.2667 + 0.7407 = 1.0074
    h = _plan(_funnel(), bench=bench).headcount
    assert (h.workload_fte, h.recommended, h.basis) == (1.0074, 1.5, "workload")


def test_headcount_from_the_planned_mql_without_an_inflow():
    """Test that without an inflow the plan's 32 MQLs a month size the team (0.5837: one rep)."""
    h = _plan(_funnel(reachable=False)).headcount
    assert (h.mql_per_month, h.workload_fte, h.recommended) == (32.0, 0.5837, 1.0)


def test_capacity_per_month_keeps_its_fraction():
    """Test that 3 reps × 2.5 opportunities are a capacity of 7.5 a month, not 8."""
    assert _plan(_funnel(capacity_opps=Fraction(15, 2))).capacity_per_month == 7.5


def test_funnel_verdicts_at_equality():
    """Test that needing exactly the capacity, or reaching exactly the goal, is no warning."""
    assert _funnel(needed=Fraction(20)).capacity_exceeded is False
    assert _funnel(needed=Fraction(41, 2)).capacity_exceeded is True
    assert _funnel(needed=None).capacity_exceeded is False
    assert _funnel(capacity_opps=None).capacity_exceeded is False
    assert _funnel(reachable_now=24.0).goal_beyond_inflow is False
    assert _funnel(reachable_now=23.99).goal_beyond_inflow is True
    assert _funnel(goal=None, reachable_now=1.0).goal_beyond_inflow is False
    assert _funnel(reachable_now=None).goal_beyond_inflow is False
    assert _funnel().value == RATES


def test_rates_source_names_each_source_once_in_funnel_order():
    """Test that the rates' sources are named once each, in funnel order, the list by name."""
    p = _plan(
        _funnel(
            rates=_rates(
                {"lead_to_mql": "list", "mql_to_sal": "A", "sal_to_sql": "B", "sql_to_won": "A"}
            )
        )
    )
    assert rates_source(p, "en") == "your list's stages / A / B"
    assert rates_source(p, "ja").endswith(" / A / B")
    assert rates_source(_plan(_funnel()), "en") == "own"


@pytest.mark.parametrize(
    ("value", "floored"),
    [
        (1.0171, 1.0171),
        (0.12349, 0.1234),
        (2.99999, 2.9999),
        (5.0, 5.0),
        (0.00009, 0.0),
        (1.23459999997, 1.2346),  # 3e-11 short of the next digit: binary noise
    ],
)
def test_floor_to_the_stored_decimals(value, floored):
    """Test that a number is rounded down to 4 decimals, binary noise not taken for a digit."""
    assert _floor(value) == floored


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (40, 50, 0.6696, 0.8876),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (13, 43, 0.186, 0.4511),
    ],
)
def test_wilson_interval(k, n, low, high):
    """Test the 95% Wilson interval against published values (e.g. 40 of 50: 0.670–0.888)."""
    lo, hi = _wilson(k, n)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


@pytest.mark.parametrize(
    ("key", "stages", "min_rows", "expected"),
    [
        ("sal_to_sql", {"sal": 10, "sql": 15, "won": 5}, 30, (20, 30)),
        ("sal_to_sql", {"sal": 10, "sql": 15, "won": 5}, 31, ("too_few_rows", "sal", 30)),
        ("mql_to_sal", {"mql": 10, "isal": 5, "isql": 5, "sal": 10, "sql": 5}, 30, (15, 35)),
        ("lead_to_mql", {"lead": 30, "mql": 0, "sal": 0}, 30, ("none_reached", "mql", 30)),
        ("lead_to_mql", {"lead": 0, "mql": 40}, 30, ("stage_unused", "lead", 40)),
        ("sal_to_sql", {"sal": 30, "won": 5}, 30, ("stage_unused", "sql", 35)),
        # a list without an SAL count at all: SAL → SQL would read 100%
        ("sal_to_sql", {"sql": 40, "won": 5}, 30, ("stage_unused", "sal", 45)),
        ("sql_to_won", {"sql": 30, "won": 10, "lead": None}, 30, (10, 40)),
        ("sql_to_won", {"lead": 0, "mql": None}, 30, None),
        ("sql_to_won", {}, 30, None),
        ("sql_to_won", None, 30, None),
        ("sql_to_won", {"unknown": 100}, 30, None),
    ],
)
def test_list_rate_reads_only_stages_in_use(key, stages, min_rows, expected):
    """Test that a rate is read from the list only when both its stages are in use and reached."""
    got = _list_rate(key, stages, min_rows)
    if got is None or isinstance(got, tuple):
        assert got == expected
    else:
        assert (got.reason, got.stage, got.rows) == expected


def test_wilson_interval_never_passes_one():
    """Test that 5 of 5 gives an upper bound of exactly 100% (the raw formula gives 1 + 2e-16)."""
    assert _wilson(5, 5)[1] == 1.0


def test_a_list_rate_cites_its_rows_in_the_report_language():
    """Test that 234 of 1,234 rows reaching MQL is cited as the list's, with 1,234 rows, in English."""
    stages = {"lead": 1000, "mql": 234}
    profile = {"rows": 1234, "categories": {"target": 1234}, "stages": stages}
    rate = diagnose({"goals": {"new_deals_per_year": 12}}, profile, "en").plan.rates["lead_to_mql"]
    assert (rate.value, rate.n, rate.source) == (0.1896, 1234, "list")
    assert rate.citation == "your list's stages (1,234 rows)"


def test_an_answered_rate_is_cited_as_the_companys_own_in_the_report_language():
    """Test that a win rate the company gave is cited as its own figure, in English."""
    facts = {
        "goals": {"new_deals_per_year": 12},
        "marketing": {"target_leads": 2000},
        "sales": {"win_rate": 0.3},
    }
    rate = diagnose(facts, None, "en").plan.rates["sql_to_won"]
    assert (rate.value, rate.source, rate.citation) == (0.3, "answer", "your own figure")


def test_capacity_in_deals_a_year_keeps_its_fraction():
    """Test that 3 reps × 2.5 opportunities at a 25% win rate can close 22.5 deals a year."""
    facts = {
        "marketing": {"target_leads": 2000},
        "sales": {"headcount": 3, "opportunities_per_rep_month": 2.5, "win_rate": 0.25},
    }
    assert diagnose(facts, None, "en").plan.deals_per_year.capacity == 22.5
