"""Signals: the predicate vocabulary of ``rules.yaml``, computed in one place.

``measure`` reads the facts (defaults applied) and the list's summary into the numbers the
decisions turn on; ``signals`` names the yes/no facts about them. The rules validator checks
every ``when`` against ``PREDICATES``, so a name not defined here is a load error, and
``holds`` refuses a name it was not given instead of reading it as False.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.core.errors import InputError
from engine.core.vocab import INITIATIVES, PHASES, PLACEMENTS
from engine.diagnosis.fmt import exact
from engine.diagnosis.plan import Funnel, funnel

if TYPE_CHECKING:
    from engine.diagnosis.inputs import Resolved

LeadBase = Literal["insufficient", "workable", "comfortable"]


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
    list_needs_cleaning: bool
    perception_gap: bool
    capacity_exceeded: bool
    rating_disagreement: bool
    goal_beyond_inflow: bool  # today's inflow, at the plan's rates, reaches less than the goal
    mql_definition_missing: bool  # MA in use, no MQL definition agreed with sales
    has_strongest_phase: bool  # one phase rated above all others (no tie at the top)
    ratings_even: bool  # highest minus lowest rating at most even_ratings_spread_max
    weak_closing: bool  # closing at most weak_rating_max
    weak_opportunity: bool  # opportunity creation at most weak_rating_max
    weak_pull: bool  # appointment and relationship both at most weak_rating_max
    has_partners: bool  # the profiled list holds partner rows
    rates_from_list: bool  # at least one rate read from the list's own stages
    has_lead_sources: bool
    sources_business_cards: bool  # reps' business cards are a lead source
    sources_referral: bool  # referrals are a lead source (partners and introducers)
    sales_keeps_nurturing: bool  # reps keep following leads after the first meeting
    has_ma_tool: bool


# predicates known before the placement is decided
BASE_PREDICATES = frozenset(Signals.model_fields)
# predicates known once placement and initiative order are decided (engine.diagnosis.decide)
# and once the plan is made (engine.diagnosis.plan.plan_predicates)
PLAN_PREDICATES = frozenset(
    {
        "has_lead_gen_target",  # the lead base must grow in year 1
        "lead_base_grows_2y",
        "has_promise",  # the plan knows a monthly won rate to aim at
        "won_in_3m",  # the sales cycle lets won deals count at 3 months
        "year1_sql_only",  # a cycle of sql_only_year1_cycle_months or more
        "has_goal_2y",
        "is_shared_role",  # inside-sales workload under one person
        "is_capped_by_ratio",
        "has_needed_headcount",  # capacity exceeded and the reps the goal needs are known
    }
)
LATE_PREDICATES = PLAN_PREDICATES | frozenset(
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
    strongest: str | None  # None when phases tie at the top
    style: str
    cycle: float
    is_headcount: int
    ma_in_use: bool
    mql_agreed: bool
    headcount: int | None
    per_rep: float | None
    deals: int | None
    inflow: int | None
    funnel: Funnel
    rows: int | None
    non_targets: int | None
    partners: int
    needs_cleaning: bool
    gap: Fraction | None
    perception_gap: bool
    disagreeing: list[tuple[str, float]]
    scoring_ready: bool
    base_goal_1y: int  # the lead base the thresholds ask for in a year / two years
    base_goal_2y: int
    lead_sources: tuple[str, ...] = ()
    ma_tool: str | None = None
    keeps_nurturing: bool = False

    @property
    def win_rate(self) -> float:
        return self.funnel.value["sql_to_won"]


def measure(res: Resolved, summary: dict[str, Any] | None, th: Any) -> Measures:
    """The lead base, sales strength, funnel and list checks from facts and profile."""
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
    rows, non_targets, needs_cleaning, gap, perception_gap = _list_checks(
        summary, target_leads, stated if stated_is_own else None, th
    )
    spread = facts.sales.rating_spread
    stages = (summary or {}).get("stages") or None
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
        strongest=_strongest(ratings),
        style=res.get("sales.style"),
        cycle=res.get("sales.sales_cycle_months"),
        is_headcount=res.get("sales.inside_sales_headcount"),
        ma_in_use=ma_in_use,
        mql_agreed=mql_agreed,
        headcount=facts.sales.headcount,
        per_rep=facts.sales.opportunities_per_rep_month,
        deals=facts.goals.new_deals_per_year,
        inflow=facts.marketing.monthly_new_leads,
        funnel=funnel(res, stages, res.bench.plan.list_rate_min_rows),
        rows=rows,
        non_targets=non_targets,
        partners=int(((summary or {}).get("categories") or {}).get("partner", 0) or 0),
        needs_cleaning=needs_cleaning,
        gap=gap,
        perception_gap=perception_gap,
        disagreeing=[
            (p, v)
            for p in PHASES
            if spread is not None
            and (v := getattr(spread, p)) is not None
            and v >= th.rating_spread_min
        ],
        scoring_ready=lead_base == "comfortable" and ma_in_use and mql_agreed,
        base_goal_1y={
            "insufficient": th.lead_base_workable,
            "workable": th.lead_base_comfortable,
            "comfortable": target_leads,
        }[lead_base],
        base_goal_2y=max(th.lead_base_comfortable, target_leads),
        lead_sources=tuple(facts.marketing.lead_sources or ()),
        ma_tool=facts.marketing.ma_tool,
        keeps_nurturing=bool(facts.sales.keeps_nurturing),
    )


def _strongest(ratings: dict[str, float]) -> str | None:
    top = max(ratings.values())
    leaders = [p for p in PHASES if ratings[p] == top]
    return leaders[0] if len(leaders) == 1 else None


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
    weak = th.weak_rating_max
    ratings = m.ratings
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
        has_capacity=m.funnel.capacity_opps is not None,
        list_needs_cleaning=m.needs_cleaning,
        perception_gap=m.perception_gap,
        capacity_exceeded=m.funnel.capacity_exceeded,
        rating_disagreement=bool(m.disagreeing),
        goal_beyond_inflow=m.funnel.goal_beyond_inflow,
        mql_definition_missing=m.ma_in_use and not m.mql_agreed,
        has_strongest_phase=m.strongest is not None,
        ratings_even=max(ratings.values()) - min(ratings.values()) <= th.even_ratings_spread_max,
        weak_closing=ratings["closing"] <= weak,
        weak_opportunity=ratings["opportunity"] <= weak,
        weak_pull=ratings["appointment"] <= weak and ratings["relationship"] <= weak,
        has_partners=m.partners > 0,
        rates_from_list=any(r.source == "list" for r in m.funnel.rates.values()),
        has_lead_sources=bool(m.lead_sources),
        sources_business_cards="business_cards" in m.lead_sources,
        sources_referral="referral" in m.lead_sources,
        sales_keeps_nurturing=m.keeps_nurturing,
        has_ma_tool=m.ma_in_use and m.ma_tool is not None,
    )
