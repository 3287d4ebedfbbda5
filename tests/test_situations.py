"""Eight company situations from the talk (seed/) and domain.md, each with the decision and the
headline numbers a consultant would give. Expected numbers are worked out by hand in the
comments from the cited defaults: lead → MQL 17.5%, MQL → SAL 50%, SAL → SQL 50%, win 25%;
one inside-sales rep works 45 calls × 20 days ÷ 6 touches = 150 MQLs a month and calls the
existing target base once over 6 months (900 calls a month)."""

from __future__ import annotations

import pytest

from engine.diagnosis.diagnose import diagnose

EVEN = {"appointment": 3, "relationship": 3, "opportunity": 3, "closing": 3}


def company(marketing: dict, sales: dict, goal: int | None = None) -> dict:
    facts = {
        "marketing": {"ma_in_use": False, "mql_definition_agreed": False, **marketing},
        "sales": {"inside_sales_headcount": 0, "style": "other", "ratings": EVEN, **sales},
    }
    if goal is not None:
        facts["goals"] = {"new_deals_per_year": goal}
    return facts


def warnings(d) -> set[str]:
    return {w.id for w in d.warnings}


def roadmap_text(d, horizon: str) -> str:
    return " | ".join(g.text for g in d.roadmap[horizon])


def test_tiny_route_sales_base():
    """Test that a route-sales company with 300 target leads grows its base first at the
    pace its inflow allows, uses the reps' visits and cards for nurturing, and is told that
    10 leads a month reach 1.3 of its 12 deals a year."""
    d = diagnose(
        company(
            {"target_leads": 300, "monthly_new_leads": 10},
            {
                "style": "route",
                "headcount": 3,
                "opportunities_per_rep_month": 2,
                "sales_cycle_months": 4,
                "ratings": {"appointment": 3, "relationship": 5, "opportunity": 3, "closing": 3},
            },
            goal=12,
        ),
        lang="en",
    )
    assert (d.lead_base, d.inside_sales.placement) == ("insufficient", "not_yet")
    assert d.initiatives[0].id == "lead_gen" and d.strongest_phase == "relationship"
    # 10 × 17.5% × 50% × 50% × 25% = 0.109 a month = 1.3 a year of 12
    assert d.plan.deals_per_year.reachable_now == pytest.approx(1.3125)
    assert "goal_beyond_inflow" in warnings(d)
    # the base may grow by the inflow at most: 300 + 12 × 10 = 420, 10 a month
    assert "add 10 target leads a month (to 420 within a year)" in roadmap_text(d, "3m")
    assert "cards reps collect on visits" in roadmap_text(d, "3m")
    assert d.inside_sales.headcount.recommended == 0


def test_ma_in_use_without_an_mql_definition():
    """Test that the talk's opening case — MA bought, no MQL definition — is warned, keeps
    scoring last, and agrees the definitions in month 1."""
    d = diagnose(
        company(
            {"target_leads": 5000, "monthly_new_leads": 400, "ma_in_use": True},
            {"headcount": 6, "opportunities_per_rep_month": 4, "sales_cycle_months": 3},
            goal=30,
        ),
        lang="en",
    )
    assert "mql_definition_missing" in warnings(d)
    assert [i.id for i in d.initiatives][-1] == "scoring"
    assert "agree the MQL, SAL and SQL definitions" in roadmap_text(d, "1m")
    # 400 × 17.5% × 50% × 50% × 25% = 4.375 a month = 52.5 a year: the goal of 30 is reachable
    assert d.plan.deals_per_year.reachable_now == pytest.approx(52.5)
    assert "goal_beyond_inflow" not in warnings(d)


def test_twelve_month_enterprise_cycle():
    """Test that a 12-month cycle nurtures with inside sales, puts content first, and promises
    SQL and pipeline in year 1 — no won deals before month 12."""
    d = diagnose(
        company(
            {"target_leads": 4000, "monthly_new_leads": 200},
            {
                "headcount": 5,
                "opportunities_per_rep_month": 3,
                "sales_cycle_months": 12,
                "win_rate": 0.2,
                "ratings": {"appointment": 3, "relationship": 4, "opportunity": 4, "closing": 3},
            },
            goal=20,
        ),
        lang="en",
    )
    assert (d.inside_sales.placement, d.initiatives[0].id) == ("nurture_long_cycle", "content")
    assert d.plan.lag_months == 12 and d.plan.deals_per_year.promised_1y == 0
    assert d.plan.kpis["3m"]["won_per_month"] == d.plan.kpis["1y"]["won_per_month"] == 0
    # 20 a year = 1.6666 won a month ÷ 20% = 8.333 SQL a month; 12 months of them open = 99.99
    assert "year 1 measures 8.3 SQL a month and 100 open opportunities" in roadmap_text(d, "1y")
    assert d.strongest_phase is None


def test_high_volume_smb():
    """Test that high-volume appointment sales places inside sales on appointments, sizes it
    from its workload (about 3.8 people → 4), and caps year 1 at what 2,000 leads reach."""
    d = diagnose(
        company(
            {"target_leads": 8000, "monthly_new_leads": 2000},
            {
                "style": "high_volume",
                "headcount": 10,
                "opportunities_per_rep_month": 20,
                "sales_cycle_months": 1,
                "win_rate": 0.2,
                "ratings": {"appointment": 5, "relationship": 3, "opportunity": 3, "closing": 3},
            },
            goal=600,
        ),
        lang="en",
    )
    assert d.inside_sales.placement == "appointment_setting"
    # 2,000 × 17.5% = 350 MQL ÷ 150 = 2.33, plus 8,000 ÷ 6 ÷ 900 = 1.48: 3.81 people
    h = d.inside_sales.headcount
    assert (round(h.workload_fte, 2), h.recommended, h.basis) == (3.81, 4, "workload")
    # 350 MQL → 175 SAL → 87.5 SQL → 17.5 won a month = 210 a year; the team closes
    # 10 × 20 × 12 × 20% = 480: both under the 600 asked (250 opportunities a month > 200)
    dpy = d.plan.deals_per_year
    assert (dpy.reachable_now, dpy.capacity) == (210, 480)
    assert dpy.promised_1y == 192.5  # 17.5 a month for the 11 months after a 1-month cycle
    assert {"goal_beyond_inflow", "capacity_exceeded"} <= warnings(d)
    assert d.plan.needed_headcount == 13  # 250 ÷ 20 per rep


def test_closers_without_appointment_power():
    """Test that a closing-heavy team with weak appointments gets inside sales before sales,
    the marketing–sales gap warning, the 1,000-lead caveat, and a shared role, not a hire."""
    d = diagnose(
        company(
            {"target_leads": 2000, "monthly_new_leads": 100},
            {
                "headcount": 6,
                "opportunities_per_rep_month": 4,
                "sales_cycle_months": 3,
                "ratings": {"appointment": 1, "relationship": 2, "opportunity": 3, "closing": 5},
            },
            goal=24,
        ),
        lang="en",
    )
    assert d.inside_sales.placement == "qualify_before_sales"
    assert "marketing_sales_gap" in warnings(d)
    assert "only with a strong sales team" in d.lead_base_reason
    # 100 × 17.5% = 17.5 MQL ÷ 150 = 0.12, plus 2,000 ÷ 6 ÷ 900 = 0.37: 0.49 of a person
    assert d.inside_sales.headcount.recommended == 0.5
    assert "do not hire" in " ".join(d.inside_sales.reasons)


def test_team_over_capacity():
    """Test that 120 deals a year need 40 opportunities a month against 4 reps × 5 = 20, so
    the goal needs 8 reps, and the roadmap promises only the 5 a month the team can win."""
    d = diagnose(
        company(
            {"target_leads": 3500, "monthly_new_leads": 3000},
            {"headcount": 4, "opportunities_per_rep_month": 5, "sales_cycle_months": 3},
            goal=120,
        ),
        lang="en",
    )
    assert "capacity_exceeded" in warnings(d)
    text = next(w.text for w in d.warnings if w.id == "capacity_exceeded")
    assert "need 40 opportunities a month" in text and "The goal needs 8 reps." in text
    # capacity 20 × 12 × 25% = 60 a year; 5 a month for the 9 months after the cycle = 45
    assert d.plan.deals_per_year.capacity == 60 and d.plan.deals_per_year.promised_1y == 45
    assert "Deliver 20 SQL and 5 won deals a month steadily" in roadmap_text(d, "1y")


def test_marketing_claims_ten_thousand_list_shows_three_thousand():
    """Test that a stated 10,000 against a list of 12,000 rows with 3,000 targets is a
    perception gap, the list is cleaned first, and the diagnosis uses 3,000."""
    profile = {"rows": 12000, "categories": {"target": 3000, "duplicate": 9000}, "stages": {}}
    d = diagnose(
        company(
            {"leads_total": 12000, "target_leads": 10000, "monthly_new_leads": 300},
            {"headcount": 5, "opportunities_per_rep_month": 4},
        ),
        profile,
        lang="en",
    )
    assert (d.target_leads, d.target_leads_source, d.lead_base) == (3000, "profile", "comfortable")
    assert {"perception_gap_leads", "list_needs_cleaning"} <= warnings(d)
    gap = next(w.text for w in d.warnings if w.id == "perception_gap_leads")
    assert "(233.3% apart)" in gap  # |10,000 − 3,000| ÷ 3,000
    assert d.roadmap["1m"][0].text.startswith("First clean the list")


def test_two_reps_no_inside_sales():
    """Test that 2 reps with about 7 MQLs a month get a shared inside-sales role, never a hire,
    and even ratings name no strongest phase."""
    d = diagnose(
        company(
            {"target_leads": 1500, "monthly_new_leads": 40},
            {"headcount": 2, "opportunities_per_rep_month": 4, "sales_cycle_months": 2},
            goal=10,
        ),
        lang="ja",
    )
    assert d.inside_sales.placement == "qualify_before_sales" and d.strongest_phase is None
    h = d.inside_sales.headcount
    # 40 × 17.5% = 7 MQL ÷ 150 = 0.05, plus 1,500 ÷ 6 ÷ 900 = 0.28: 0.32 of a person
    assert (round(h.workload_fte, 2), h.recommended) == (0.32, 0.5)
    reasons = "".join(d.inside_sales.reasons)
    assert "採用はせず" in reasons and "大きな偏りはありません" in reasons
    assert not any("名で立ち上げる" in g.text for g in d.roadmap["3m"])
