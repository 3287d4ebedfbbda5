"""The diagnosis: facts (and optionally a lead-list profile) in, one explained
recommendation out — lead base, inside-sales placement, ranked initiatives, warnings and
a roadmap for 1 month, 3 months, 1 year and 2 years.

It is composed of named stages, each its own module:
``signals`` (facts → the numbers and named predicates the rules turn on) → ``decide``
(placement and initiative order from ``rules.yaml``) → ``plan`` (the funnel numbers) →
``phrase`` (the sentences of ``rules.yaml`` filled with those numbers) → :class:`Diagnosis`.
Defaults for facts left out come from ``engine/diagnosis/benchmarks.yaml`` and are listed
as assumed.
"""

from __future__ import annotations

from typing import Any

from engine.core.i18n import t
from engine.core.vocab import PHASES
from engine.diagnosis import phrase
from engine.diagnosis.decide import decide
from engine.diagnosis.facts import Facts
from engine.diagnosis.fmt import fmt_count, fmt_number, fmt_pct
from engine.diagnosis.inputs import Resolved, profile_summary
from engine.diagnosis.model import (
    Alert,
    Assumption,
    Diagnosis,
    InitiativeAdvice,
    InsideSalesAdvice,
    RoadmapItem,
    SalesProfile,
)
from engine.diagnosis.plan import plan, plan_predicates
from engine.diagnosis.rules import benchmarks, rules
from engine.diagnosis.signals import Measures, measure, signals

__all__ = [
    "Alert",
    "Assumption",
    "Diagnosis",
    "InitiativeAdvice",
    "InsideSalesAdvice",
    "RoadmapItem",
    "SalesProfile",
    "diagnose",
    "fmt_count",
    "fmt_number",
    "fmt_pct",
    "profile_summary",
]


def diagnose(facts: Facts | dict, profile: Any = None, lang: str = "ja") -> Diagnosis:
    """Diagnose one company. ``profile`` is a LeadProfile (or its summary dict); its target
    count replaces the stated one. Raises InputError when no lead count is known at all."""
    lang = "en" if lang == "en" else "ja"
    if not isinstance(facts, Facts):
        facts = Facts.from_dict(facts)
    r, bench = rules(), benchmarks()
    res = Resolved(facts, bench, lang)
    summary = profile_summary(profile)

    m = measure(res, summary, r.thresholds)
    sig = signals(m, r.thresholds)
    decision = decide(sig, r)
    placed = decision.predicates["inside_sales_placed"]
    the_plan = plan(
        m.funnel,
        target_leads=m.target_leads,
        base_goal_1y=m.base_goal_1y,
        base_goal_2y=m.base_goal_2y,
        inflow=m.inflow,
        headcount=m.headcount,
        per_rep=m.per_rep,
        placed=placed,
        bench=bench,
        th=r.thresholds,
    )
    decision.predicates.update(plan_predicates(the_plan, m.target_leads, r.thresholds))
    vals = phrase.values(m, decision, the_plan, r, bench, lang)
    return Diagnosis(
        target_leads=m.target_leads,
        target_leads_source=m.source,
        lead_base=m.lead_base,
        inside_sales=InsideSalesAdvice(
            placement=decision.placement,
            reasons=phrase.placement_reasons(decision, r, vals, lang),
            headcount=the_plan.headcount,
        ),
        initiatives=phrase.initiatives(decision, r, vals, lang),
        warnings=phrase.alerts(decision, r, vals, lang),
        roadmap=phrase.roadmap(decision, the_plan, r, vals, lang),
        assumed=[a.path for a in _assumptions(res, m)],
        strongest_phase=m.strongest,
        plan=the_plan,
        lang=lang,
        rules_version=r.version,
        lead_base_reason=phrase.lead_base_reason(m, decision, r, vals, lang),
        sales_profile=_sales_profile(m, facts),
        sharpen=_sharpen(facts, res, m.source, lang),
        assumptions=_assumptions(res, m),
        profile=summary,
    )


def _assumptions(res: Resolved, m: Measures) -> list[Assumption]:
    # a profiled list replaces the stated (or derived) target count: nothing assumed there
    return [
        a
        for p, a in sorted(res.assumptions.items())
        if not (p == "marketing.target_leads" and m.source == "profile")
    ]


def _sales_profile(m: Measures, facts: Facts) -> SalesProfile:
    spread = facts.sales.rating_spread
    return SalesProfile(
        ratings={p: float(v) for p, v in m.ratings.items()},
        strongest_phase=m.strongest,
        closing_heavy=m.closing_heavy,
        rating_spread=(
            {p: float(v) for p in PHASES if (v := getattr(spread, p)) is not None}
            if spread is not None
            else None
        ),
        raters=facts.sales.raters,
    )


def _sharpen(facts: Facts, res: Resolved, source: str, lang: str) -> list[str]:
    """What the company could answer to make the result more certain."""
    checks = [
        ("upload_list", source == "facts"),
        ("goal", facts.goals.new_deals_per_year is None),
        ("monthly_new_leads", facts.marketing.monthly_new_leads is None),
        (
            "capacity",
            facts.sales.headcount is None or facts.sales.opportunities_per_rep_month is None,
        ),
        ("win_rate", "sales.win_rate" in res.assumptions),
        ("sales_cycle", "sales.sales_cycle_months" in res.assumptions),
        ("ratings", any(f"sales.ratings.{p}" in res.assumptions for p in PHASES)),
        ("team", (facts.sales.raters or 1) < 2),
    ]
    return [t(f"diagnosis.sharpen.{key}", lang) for key, ask in checks if ask]
