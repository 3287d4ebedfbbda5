"""Signals: the predicate vocabulary of ``rules.yaml``, computed in one place.

``measure`` reads the facts (defaults applied) and the list's summary into the numbers the
decisions turn on; ``signals`` names the yes/no facts about them. The rules validator checks
every ``when`` against ``PREDICATES``, so a name not defined here is a load error, and
``holds`` refuses a name it was not given instead of reading it as False.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.core.errors import InputError
from engine.core.vocab import INITIATIVES, PHASES, PLACEMENTS
from engine.diagnosis.fmt import exact

if TYPE_CHECKING:
    from engine.diagnosis.inputs import Resolved

LeadBase = Literal["insufficient", "workable", "comfortable"]
RATE_PATHS = {
    "lead_to_mql": "marketing.conversion_rates.lead_to_mql",
    "mql_to_sal": "marketing.conversion_rates.mql_to_sal",
    "sal_to_sql": "marketing.conversion_rates.sal_to_sql",
    "win_rate": "sales.win_rate",
}


class Signals(BaseModel):
    """Every predicate known before the decisions, one field each (the names rules may use)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lead_base_insufficient: bool
    lead_base_workable: bool
    lead_base_comfortable: bool
    closing_heavy: bool
    cycle_long: bool  # sales_cycle_months >= long_cycle_months
    long_cycle: bool  # cycle_long or the long-cycle style
    style_route: bool
    style_high_volume: bool
    style_long_cycle: bool
    style_other: bool
    ma_in_use: bool
    mql_definition_agreed: bool
    scoring_ready: bool  # comfortable base + MA in use + agreed MQL definition
    has_inside_sales: bool
    has_profile: bool
    has_goal: bool
    has_inflow: bool
    has_capacity: bool
    has_lead_gen_target: bool
    list_needs_cleaning: bool
    perception_gap: bool
    capacity_exceeded: bool
    rating_disagreement: bool


# predicates known before the placement is decided
BASE_PREDICATES = frozenset(Signals.model_fields)
# predicates known once placement and initiative order are decided (engine.diagnosis.decide)
LATE_PREDICATES = frozenset(
    {"inside_sales_placed"}
    | {f"placement_{p}" for p in PLACEMENTS}
    | {f"{n}_{i}" for n in ("first", "second", "third") for i in INITIATIVES}
)
PREDICATES = BASE_PREDICATES | LATE_PREDICATES


def holds(when: list[str], predicates: Mapping[str, bool]) -> bool:
    """Whether every predicate in ``when`` holds (``not_x`` negates ``x``). A name missing
    from ``predicates`` is a programming error (KeyError), never silently False."""
    for pred in when:
        negated = pred.startswith("not_") and pred.removeprefix("not_") in predicates
        name = pred.removeprefix("not_") if negated else pred
        if name not in predicates:
            raise KeyError(f"unknown predicate {pred!r}")
        if bool(predicates[name]) == negated:
            return False
    return True


@dataclass(frozen=True)
class Measures:
    """The numbers the decisions and texts turn on, measured once."""

    target_leads: int
    source: Literal["facts", "profile"]
    stated: int | None  # the company's own target-lead count, when it gave one
    leads_total: int | None
    lead_base: LeadBase
    ratings: dict[str, float]
    closing_heavy: bool
    strongest: str
    style: str
    cycle: float
    is_headcount: int
    ma_in_use: bool
    mql_agreed: bool
    headcount: int | None
    per_rep: float | None
    deals: int | None
    inflow: int | None
    win_rate: float
    rates: dict[str, float]
    rows: int | None
    non_targets: int | None
    needs_cleaning: bool
    gap: Fraction | None
    perception_gap: bool
    needed_opps: Fraction | None
    capacity: Fraction | None
    disagreeing: list[tuple[str, float]]
    scoring_ready: bool
    target_goal_1y: int
    lead_gen_per_month: int


def measure(res: Resolved, summary: dict[str, Any] | None, th: Any) -> Measures:
    """The lead base, sales strength, capacity and list checks from facts and profile."""
    facts = res.facts
    stated = facts.marketing.target_leads
    stated_is_own = stated is not None and "marketing.target_leads" not in facts.assumed
    if summary is not None:
        target_leads, source = int(summary["categories"]["target"]), "profile"
    else:
        target_leads, source = res.get("marketing.target_leads"), "facts"
        if target_leads is None:
            raise InputError("diagnosis.no_lead_count")
    lead_base = _lead_base(target_leads, th)
    ratings = {p: res.get(f"sales.ratings.{p}") for p in PHASES}
    top = max(ratings.values())
    ma_in_use = bool(res.get("marketing.ma_in_use"))
    mql_agreed = bool(res.get("marketing.mql_definition_agreed"))
    headcount, per_rep = facts.sales.headcount, facts.sales.opportunities_per_rep_month
    deals, win_rate = facts.goals.new_deals_per_year, res.get("sales.win_rate")
    rows, non_targets, needs_cleaning, gap, perception_gap = _list_checks(
        summary, target_leads, stated if stated_is_own else None, th
    )
    spread = facts.sales.rating_spread
    target_goal_1y = {
        "insufficient": th.lead_base_workable,
        "workable": th.lead_base_comfortable,
        "comfortable": target_leads,
    }[lead_base]
    return Measures(
        target_leads=target_leads,
        source=source,
        stated=stated if stated_is_own else None,
        leads_total=facts.marketing.leads_total,
        lead_base=lead_base,
        ratings=ratings,
        closing_heavy=(
            ratings["closing"] == top
            and ratings["closing"] >= th.closing_heavy_closing_min
            and ratings["appointment"] <= th.closing_heavy_others_max
            and ratings["relationship"] <= th.closing_heavy_others_max
        ),
        strongest=next(p for p in reversed(PHASES) if ratings[p] == top),
        style=res.get("sales.style"),
        cycle=res.get("sales.sales_cycle_months"),
        is_headcount=res.get("sales.inside_sales_headcount"),
        ma_in_use=ma_in_use,
        mql_agreed=mql_agreed,
        headcount=headcount,
        per_rep=per_rep,
        deals=deals,
        inflow=facts.marketing.monthly_new_leads,
        win_rate=win_rate,
        rates={key: res.get(path) for key, path in RATE_PATHS.items()},
        rows=rows,
        non_targets=non_targets,
        needs_cleaning=needs_cleaning,
        gap=gap,
        perception_gap=perception_gap,
        needed_opps=Fraction(deals) / 12 / exact(win_rate) if deals is not None else None,
        capacity=(
            exact(headcount) * exact(per_rep)
            if headcount is not None and per_rep is not None
            else None
        ),
        disagreeing=[
            (p, v)
            for p in PHASES
            if spread is not None
            and (v := getattr(spread, p)) is not None
            and v >= th.rating_spread_min
        ],
        scoring_ready=lead_base == "comfortable" and ma_in_use and mql_agreed,
        target_goal_1y=target_goal_1y,
        lead_gen_per_month=math.ceil((target_goal_1y - target_leads) / 12),
    )


def _list_checks(summary: dict[str, Any] | None, target_leads: int, stated: int | None, th: Any):
    """(rows, non-targets, needs cleaning, perception gap share, perception gap) of a list."""
    if summary is None:
        return None, None, False, None, False
    rows = int(summary["rows"])
    non_targets = rows - target_leads
    share = Fraction(non_targets, rows) if rows else Fraction(0)
    needs_cleaning = rows > 0 and share > exact(th.list_non_target_share_max)
    gap, perception_gap = None, False
    if stated is not None:
        if target_leads == 0:
            perception_gap = stated > 0
        else:
            gap = Fraction(abs(stated - target_leads), target_leads)
            perception_gap = gap > exact(th.perception_gap_max)
    return rows, non_targets, needs_cleaning, gap, perception_gap


def _lead_base(target_leads: int, th: Any) -> LeadBase:
    if target_leads < th.lead_base_workable:
        return "insufficient"
    if target_leads < th.lead_base_comfortable:
        return "workable"
    return "comfortable"


def signals(m: Measures, th: Any) -> Signals:
    """The named yes/no facts the rules turn on."""
    cycle_long = m.cycle >= th.long_cycle_months
    return Signals(
        lead_base_insufficient=m.lead_base == "insufficient",
        lead_base_workable=m.lead_base == "workable",
        lead_base_comfortable=m.lead_base == "comfortable",
        closing_heavy=m.closing_heavy,
        cycle_long=cycle_long,
        long_cycle=cycle_long or m.style == "long_cycle",
        style_route=m.style == "route",
        style_high_volume=m.style == "high_volume",
        style_long_cycle=m.style == "long_cycle",
        style_other=m.style == "other",
        ma_in_use=m.ma_in_use,
        mql_definition_agreed=m.mql_agreed,
        scoring_ready=m.scoring_ready,
        has_inside_sales=m.is_headcount > 0,
        has_profile=m.source == "profile",
        has_goal=m.deals is not None,
        has_inflow=m.inflow is not None,
        has_capacity=m.capacity is not None,
        has_lead_gen_target=m.lead_gen_per_month > 0,
        list_needs_cleaning=m.needs_cleaning,
        perception_gap=m.perception_gap,
        capacity_exceeded=bool(
            m.needed_opps is not None and m.capacity is not None and m.needed_opps > m.capacity
        ),
        rating_disagreement=bool(m.disagreeing),
    )
