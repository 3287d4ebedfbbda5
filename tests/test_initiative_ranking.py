"""The full ranking of the three initiatives (all three positions) for named situations,
from the domain: few target leads -> lead generation first and scoring last (scoring needs
volume); a long lead time -> nurturing content first; scoring first only with volume, MA
and agreed MQL definitions; a comfortable base puts new acquisition last."""

from __future__ import annotations

import pytest

from engine.diagnosis.diagnose import diagnose
from engine.diagnosis.facts import Facts

RATINGS = {"appointment": 3, "relationship": 3, "opportunity": 3, "closing": 3}


def _facts(target_leads: int, cycle_months: int, ma: bool, agreed: bool, style="route") -> Facts:
    return Facts.from_dict(
        {
            "marketing": {
                "leads_total": 20000,
                "target_leads": target_leads,
                "monthly_new_leads": 150,
                "ma_in_use": ma,
                "mql_definition_agreed": agreed,
            },
            "sales": {
                "style": style,
                "headcount": 8,
                "inside_sales_headcount": 0,
                "sales_cycle_months": cycle_months,
                "opportunities_per_rep_month": 4,
                "win_rate": 0.25,
                "ratings": RATINGS,
            },
            "goals": {"new_deals_per_year": 60},
        }
    )


@pytest.mark.parametrize(
    ("situation", "facts", "ranking"),
    [
        (
            "few targets, though a long cycle and MA",
            _facts(999, 12, ma=True, agreed=True),
            ["lead_gen", "content", "scoring"],
        ),
        (
            "long cycle and ready to score",
            _facts(3000, 6, ma=True, agreed=True),
            ["content", "scoring", "lead_gen"],
        ),
        (
            "long cycle, workable base, no MA",
            _facts(2500, 9, ma=False, agreed=False),
            ["content", "lead_gen", "scoring"],
        ),
        (
            "long-cycle selling style with a short stated cycle",
            _facts(1500, 3, ma=False, agreed=False, style="long_cycle"),
            ["content", "lead_gen", "scoring"],
        ),
        (
            "ready to score, short cycle",
            _facts(5000, 3, ma=True, agreed=True),
            ["scoring", "content", "lead_gen"],
        ),
        (
            "workable base, short cycle",
            _facts(2500, 3, ma=True, agreed=True),
            ["lead_gen", "content", "scoring"],
        ),
        (
            "comfortable base, short cycle, MQLs not agreed",
            _facts(3000, 3, ma=True, agreed=False),
            ["content", "lead_gen", "scoring"],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_initiatives_are_ranked_in_full(situation, facts, ranking):
    """Test that each named situation ranks all three initiatives in the domain's order
    (first, second and third), in both languages."""
    for lang in ("ja", "en"):
        d = diagnose(facts, None, lang)
        assert [(i.rank, i.id) for i in d.initiatives] == list(enumerate(ranking, start=1))
