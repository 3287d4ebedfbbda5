"""The decision's predicates: exactly one placement and one initiative per rank hold."""

from __future__ import annotations

import pytest

from engine.diagnosis.decide import decide
from engine.diagnosis.facts import Facts
from engine.diagnosis.inputs import Resolved
from engine.diagnosis.rules import benchmarks, rules
from engine.diagnosis.signals import measure, signals

EVEN = {"appointment": 3, "relationship": 3, "opportunity": 3, "closing": 3}


def _decision(target_leads: int, cycle: float, ratings=EVEN):
    facts = Facts.from_dict(
        {
            "marketing": {"target_leads": target_leads},
            "sales": {"sales_cycle_months": cycle, "ratings": ratings},
        }
    )
    r = rules()
    m = measure(Resolved(facts, benchmarks(), "en"), None, r.thresholds)
    return decide(signals(m, r.thresholds), r)


@pytest.mark.parametrize(
    ("target", "cycle", "placement", "order"),
    [
        (999, 3, "not_yet", ("lead_gen", "content", "scoring")),
        (1000, 6, "nurture_long_cycle", ("content", "lead_gen", "scoring")),
    ],
)
def test_predicates_name_the_placement_and_each_rank(target, cycle, placement, order):
    """Test that the predicates say which placement and which initiative at each rank hold."""
    d = _decision(target, cycle)
    assert (d.placement, d.order) == (placement, order)
    p = d.predicates
    assert p["inside_sales_placed"] is (placement != "not_yet")
    for name in ("not_yet", "qualify_before_sales", "appointment_setting", "nurture_long_cycle"):
        assert p[f"placement_{name}"] is (name == placement)
    for nth, chosen in zip(("first", "second", "third"), order, strict=True):
        for initiative in ("lead_gen", "content", "scoring"):
            assert p[f"{nth}_{initiative}"] is (initiative == chosen)
    assert p["lead_base_insufficient"] is (target < 1000)
