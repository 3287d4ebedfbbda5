"""Decide: the inside-sales placement and the order of the three initiatives, taken from
``rules.yaml`` in its order (the first rule whose ``when`` holds), and the predicates that
become known once they are decided."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.vocab import INITIATIVES, PLACEMENTS
from engine.diagnosis.rules import PlacementRule, Rules
from engine.diagnosis.signals import Signals, holds


@dataclass(frozen=True)
class Decision:
    """What the rules decided, and every predicate (base and late) the texts may test."""

    placement_rule: PlacementRule
    order: tuple[str, str, str]
    predicates: dict[str, bool]

    @property
    def placement(self) -> str:
        return self.placement_rule.placement


def decide(sig: Signals, r: Rules) -> Decision:
    """Placement and initiative order for these signals."""
    pred = sig.model_dump()
    placement_rule = next(x for x in r.inside_sales.rules if holds(x.when, pred))
    order = next(x for x in r.initiative_order if holds(x.when, pred)).order
    placement = placement_rule.placement
    pred["inside_sales_placed"] = placement != "not_yet"
    for p in PLACEMENTS:
        pred[f"placement_{p}"] = placement == p
    for nth, initiative in zip(("first", "second", "third"), order, strict=True):
        for i in INITIATIVES:
            pred[f"{nth}_{i}"] = i == initiative
    return Decision(placement_rule=placement_rule, order=tuple(order), predicates=pred)
