"""Rates read from the list's own stages: only where the list uses the step's start and
end stages.

Numbers are worked out by hand from the stage counts (rows at stage B or later ÷ rows at
stage A or later among the target rows) and the cited defaults (SAL → SQL 50%, Aporo 2025).
"""

from __future__ import annotations

import pytest

from engine.diagnosis.diagnose import diagnose

EVEN = {"appointment": 3, "relationship": 3, "opportunity": 3, "closing": 3}
FACTS = {
    "marketing": {"target_leads": 300, "monthly_new_leads": 20},
    "sales": {"sales_cycle_months": 3, "ratings": EVEN},
    "goals": {"new_deals_per_year": 24},
}


def _plan(stages: dict[str, int], lang: str = "ja"):
    target = sum(stages.values())
    profile = {"rows": target, "categories": {"target": target}, "stages": stages}
    return diagnose(FACTS, profile, lang).plan


def test_a_stage_the_company_does_not_use_gives_the_benchmark():
    """Test that the bundled sample's stages (130 lead, 9 MQL, 0 SAL, 30 SQL, 13 won) give
    SAL → SQL the benchmark 50% instead of 43 / 43 = 100%, and MQL → SAL the benchmark 50%
    instead of 43 / 52 = 83% (which is MQL → SQL), each saying the list has no SAL."""
    p = _plan({"lead": 130, "mql": 9, "sal": 0, "sql": 30, "won": 13})
    sal_to_sql = p.rates["sal_to_sql"]
    assert (sal_to_sql.value, sal_to_sql.source, sal_to_sql.citation) == (
        0.5,
        "benchmark",
        "Aporo, 2025",
    )
    assert sal_to_sql.list_check.model_dump() == {
        "reason": "stage_unused",
        "stage": "sal",
        "rows": 43,
    }
    mql_to_sal = p.rates["mql_to_sal"]
    assert (mql_to_sal.value, mql_to_sal.source) == (0.5, "benchmark")
    assert mql_to_sal.list_check.model_dump() == {
        "reason": "stage_unused",
        "stage": "sal",
        "rows": 52,
    }
    # the steps whose two stages are in use still give the company's own rates: 52 / 182, 13 / 43
    assert (p.rates["lead_to_mql"].value, p.rates["lead_to_mql"].n) == (0.2857, 182)
    assert (p.rates["sql_to_won"].value, p.rates["sql_to_won"].n) == (0.3023, 43)
    # 20 leads × 0.2857 × 0.5 × 0.5 × 0.3023 = 0.432 won a month, 5.18 a year
    assert p.deals_per_year.reachable_now == pytest.approx(5.18, abs=0.005)


def test_a_stage_in_use_with_enough_rows_is_measured():
    """Test that 10 rows at SAL, 30 at SQL and 10 won give SAL → SQL = 40 / 50 = 80%."""
    p = _plan({"lead": 100, "mql": 20, "sal": 10, "sql": 30, "won": 10})
    rate = p.rates["sal_to_sql"]
    assert (rate.value, rate.source, rate.n, rate.list_check) == (0.8, "list", 50, None)


def test_too_few_rows_or_none_further_give_the_benchmark_with_the_reason():
    """Test that 18 rows at SAL or later (30 needed) and 50 leads none of which became an
    MQL fall back to the benchmarks, each with why."""
    p = _plan({"lead": 100, "mql": 20, "sal": 5, "sql": 10, "won": 3})
    check = p.rates["sal_to_sql"].list_check
    assert (p.rates["sal_to_sql"].value, check.reason, check.rows) == (0.5, "too_few_rows", 18)
    p = _plan({"lead": 50})
    check = p.rates["lead_to_mql"].list_check
    assert (p.rates["lead_to_mql"].value, check.reason, check.stage) == (
        0.175,
        "none_reached",
        "mql",
    )


def test_the_reason_stays_out_of_the_cli_contract():
    """Test that the JSON rates keep exactly issue 12's fields."""
    p = _plan({"lead": 130, "mql": 9, "sql": 30, "won": 13})
    assert set(p.contract()["rates"]["sal_to_sql"]) == {
        "value",
        "low",
        "high",
        "source",
        "citation",
        "n",
    }
