"""The predicate vocabulary: one model, checked by the rules loader, never read silently."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.core.errors import ConfigError
from engine.diagnosis.decide import decide
from engine.diagnosis.diagnose import diagnose
from engine.diagnosis.plan import plan_predicates
from engine.diagnosis.rules import RULES_PATH, load_rules, rules
from engine.diagnosis.signals import (
    BASE_PREDICATES,
    PLAN_PREDICATES,
    PREDICATES,
    Signals,
    holds,
)


def _rules_with(tmp_path: Path, when: list[str]) -> Path:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    data["roadmap"]["1y"][0]["when"] = when
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_rules_naming_an_unknown_predicate_fail_to_load(tmp_path):
    """Test that a rules file naming a predicate the signals do not define fails at load,
    naming the predicate and where it is."""
    with pytest.raises(ConfigError) as info:
        load_rules(_rules_with(tmp_path, ["has_goal", "not_lead_base_enormous"]))
    message = info.value.message("en")
    assert "not_lead_base_enormous" in message
    assert message.startswith("rules.yaml: roadmap.1y.0")


def test_every_shipped_condition_names_a_known_predicate():
    """Test that each `when` in the shipped rules names a predicate of the vocabulary."""
    r = rules()
    whens = [s.when for h in r.roadmap.values() for s in h] + [w.when for w in r.warnings]
    whens += [x.when for x in r.inside_sales.rules] + [x.when for x in r.initiative_order]
    for when in whens:
        for name in when:
            assert name.removeprefix("not_") in PREDICATES


def test_holds_refuses_a_name_it_was_not_given():
    """Test that holds() raises on an unknown predicate instead of reading it as False."""
    with pytest.raises(KeyError, match="lead_base_enormous"):
        holds(["lead_base_enormous"], {"has_goal": True})
    with pytest.raises(KeyError, match="not_has_goall"):
        holds(["not_has_goall"], {"has_goal": True})
    assert holds(["has_goal", "not_has_inflow"], {"has_goal": True, "has_inflow": False})
    assert not holds(["not_has_goal"], {"has_goal": True})


def test_decisions_and_plan_know_every_predicate_of_the_vocabulary():
    """Test that after the decide stage every predicate but the plan's has a value, and the
    plan supplies exactly the rest."""
    sig = Signals(**dict.fromkeys(BASE_PREDICATES, False))
    decided = set(decide(sig, rules()).predicates)
    assert decided == PREDICATES - PLAN_PREDICATES
    d = diagnose({"marketing": {"target_leads": 500}}, lang="en")
    assert set(plan_predicates(d.plan, 500, rules().thresholds)) == PLAN_PREDICATES
