"""Plan: one funnel plan, computed once, that every sentence, KPI, chart and roadmap item
reads from.

``funnel`` (run while measuring, before the decisions) fixes the four rates — the company's
answer, else the list's own stages, else a cited benchmark — and works the goal back to the
monthly numbers it requires, today's inflow forward to what it reaches, and the team's
capacity. ``plan`` (after the decisions) turns those into what the roadmap may promise:
capped by reach and capacity, won deals only after the sales cycle, ramps stated as a share
of the target rate, and the inside-sales headcount from its workload.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.core.i18n import t
from engine.diagnosis.fmt import exact

if TYPE_CHECKING:
    from engine.diagnosis.inputs import Resolved
    from engine.diagnosis.rules import Benchmarks

RATE_PATHS = {
    "lead_to_mql": "marketing.conversion_rates.lead_to_mql",
    "mql_to_sal": "marketing.conversion_rates.mql_to_sal",
    "sal_to_sql": "marketing.conversion_rates.sal_to_sql",
    "sql_to_won": "sales.win_rate",
}
# the list's stages in funnel order; ISAL/ISQL stand between MQL and SAL
LIST_STAGES = ("lead", "mql", "isal", "isql", "sal", "sql", "won")
RATE_STAGES = {
    "lead_to_mql": ("lead", "mql"),
    "mql_to_sal": ("mql", "sal"),
    "sal_to_sql": ("sal", "sql"),
    "sql_to_won": ("sql", "won"),
}
Z95 = 1.96  # a 95% Wilson interval around a rate read from the list
DECIMALS = 4  # every number the plan stores; comparisons are made on the stored numbers


def _floor(value: float) -> float:
    """Rounded down to the stored decimals, so a capped number never exceeds its cap."""
    # the inner round absorbs binary noise (1.0171 * 10**4 == 10170.999…), not real digits
    return math.floor(round(value * 10**DECIMALS, 6)) / 10**DECIMALS


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ListCheck(_Out):
    """Why a rate was not read from the list's own stages: its start stage is not in use
    (no row sits exactly there), too few rows reached it, or none went further."""

    reason: Literal["stage_unused", "too_few_rows", "none_reached"]
    stage: str  # the stage the reason names (the start, or the later stage for none_reached)
    rows: int  # rows at the start stage or later


class PlanRate(_Out):
    """A rate the plan rests on, where it comes from and how many rows it rests on."""

    value: float
    low: float
    high: float
    source: Literal["answer", "list", "benchmark"]
    citation: str
    n: int | None = None
    # for the report (not in the CLI contract): why a list with stages did not give the rate
    list_check: ListCheck | None = Field(default=None, exclude=True)


class Flow(_Out):
    """Monthly counts through the funnel (ISQL stands where SAL does with inside sales)."""

    leads: float
    mql: float
    sal: float
    sql: float
    won: float

    @field_validator("*")
    @classmethod
    def _rounded(cls, value: float) -> float:
        return round(value, DECIMALS)


class PerMonth(_Out):
    required: Flow | None = None
    reachable: Flow | None = None


class DealsPerYear(_Out):
    """The goal against what today's inflow reaches, what the team can close, and what the
    first year may promise (never more than the goal or the capacity)."""

    goal: int | None = None
    reachable_now: float | None = None
    capacity: float | None = None
    promised_1y: float | None = None


class Headcount(_Out):
    """Inside-sales people from the workload (MQLs a month plus calling down the base)."""

    recommended: float
    workload_fte: float
    mql_per_month: float
    mql_per_rep_month: float
    basis: Literal["workload", "rep_ratio_cap", "not_placed"]


class Plan(_Out):
    """The quantitative core of the diagnosis."""

    rates: dict[str, PlanRate]
    per_month: PerMonth
    deals_per_year: DealsPerYear
    lag_months: int
    won_per_month: float | None = None  # the steady rate the plan aims at in year 1
    sql_per_month: float | None = None
    mql_per_month: float | None = None
    ramp_3m_share: float
    target_leads_1y: int
    target_leads_2y: int
    needed_headcount: int | None = None  # sales reps the goal needs at today's rep capacity
    capacity_per_month: float | None = None  # opportunities a month: reps × per rep
    capacity_exceeded: bool = False  # the goal's SQL a month exceed capacity_per_month
    headcount: Headcount
    kpis: dict[str, dict[str, float]]  # per roadmap horizon

    def contract(self) -> dict[str, Any]:
        """The ``plan`` of the CLI JSON."""
        return {
            "rates": {k: r.model_dump() for k, r in self.rates.items()},
            "per_month": self.per_month.model_dump(),
            "deals_per_year": self.deals_per_year.model_dump(),
            "lag_months": self.lag_months,
        }


# ---- the funnel (before the decisions) -------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """Rates, required and reachable monthly flows, and capacity: what the signals read."""

    rates: dict[str, PlanRate]
    required: Flow | None
    reachable: Flow | None
    deals: DealsPerYear
    needed_opps: Fraction | None  # SQL a month the goal needs
    capacity_opps: Fraction | None  # opportunities a month the team can handle
    lag_months: int

    @property
    def value(self) -> dict[str, float]:
        return {k: r.value for k, r in self.rates.items()}

    @property
    def capacity_exceeded(self) -> bool:
        return bool(
            self.needed_opps is not None
            and self.capacity_opps is not None
            and self.needed_opps > self.capacity_opps
        )

    @property
    def goal_beyond_inflow(self) -> bool:
        d = self.deals
        return d.goal is not None and d.reachable_now is not None and d.reachable_now < d.goal


def funnel(res: Resolved, stages: dict[str, int] | None, min_rows: int) -> Funnel:
    """The funnel from the facts (defaults applied) and the list's stage counts."""
    facts = res.facts
    rates = {key: _rate(key, res, stages, min_rows) for key in RATE_PATHS}
    r = {k: v.value for k, v in rates.items()}
    deals, inflow = facts.goals.new_deals_per_year, facts.marketing.monthly_new_leads
    headcount, per_rep = facts.sales.headcount, facts.sales.opportunities_per_rep_month
    required = reachable = None
    reachable_won = 0.0
    if deals is not None:
        won = deals / 12
        sql = won / r["sql_to_won"]
        sal = sql / r["sal_to_sql"]
        mql = sal / r["mql_to_sal"]
        required = Flow(leads=mql / r["lead_to_mql"], mql=mql, sal=sal, sql=sql, won=won)
    if inflow is not None:
        mql = inflow * r["lead_to_mql"]
        sal = mql * r["mql_to_sal"]
        sql = sal * r["sal_to_sql"]
        reachable = Flow(leads=inflow, mql=mql, sal=sal, sql=sql, won=sql * r["sql_to_won"])
        reachable_won = sql * r["sql_to_won"]
    capacity_opps = (
        exact(headcount) * exact(per_rep) if headcount is not None and per_rep is not None else None
    )
    return Funnel(
        rates=rates,
        required=required,
        reachable=reachable,
        deals=DealsPerYear(
            goal=deals,
            reachable_now=round(reachable_won * 12, DECIMALS) if reachable is not None else None,
            capacity=(
                round(float(capacity_opps) * 12 * r["sql_to_won"], DECIMALS)
                if capacity_opps is not None
                else None
            ),
        ),
        needed_opps=(Fraction(deals) / 12 / exact(r["sql_to_won"]) if deals is not None else None),
        capacity_opps=capacity_opps,
        lag_months=math.ceil(res.get("sales.sales_cycle_months") - 1e-9),
    )


def _rate(key: str, res: Resolved, stages: dict[str, int] | None, min_rows: int) -> PlanRate:
    """The company's answer, else the list's own stages, else the cited benchmark."""
    path, bench = RATE_PATHS[key], res.bench.rates[key]
    lang = res.lang
    if res.given(path):
        value = res.facts.get(path)
        return PlanRate(
            value=value,
            low=value,
            high=value,
            source="answer",
            citation=t("diagnosis.labels.own_figure", lang),
        )
    measured = _list_rate(key, stages, min_rows)
    if isinstance(measured, tuple):
        at_b, at_a = measured
        low, high = _wilson(at_b, at_a)
        return PlanRate(
            value=round(at_b / at_a, DECIMALS),
            low=round(low, DECIMALS),
            high=round(high, DECIMALS),
            source="list",
            citation=t("diagnosis.labels.list_figure", lang, n=f"{at_a:,}"),
            n=at_a,
        )
    value = res.get(path)  # recorded as assumed, with the benchmark's citation
    return PlanRate(
        value=value,
        low=bench.low,
        high=bench.high,
        source="benchmark",
        citation=bench.citation(lang),
        list_check=measured,
    )


def _list_rate(
    key: str, stages: dict[str, int] | None, min_rows: int
) -> tuple[int, int] | ListCheck | None:
    """(rows at stage B or later, rows at stage A or later) among the list's target rows,
    when the list uses stages A and B (some rows sit exactly at each: a stage nobody records
    would make every later row look converted, e.g. SAL → SQL = 100% for a company without
    SAL, or MQL → SAL read as MQL → SQL),
    at least ``min_rows`` are at A or later and some reached B (a rate of 0 cannot be worked
    back through). Otherwise why not, or None without stage counts."""
    if not stages or not any(int(stages.get(s, 0) or 0) for s in LIST_STAGES):
        return None
    a, b = RATE_STAGES[key]

    def at_or_after(stage: str) -> int:
        i = LIST_STAGES.index(stage)
        return sum(int(stages.get(s, 0) or 0) for s in LIST_STAGES[i:])

    at_a, at_b = at_or_after(a), at_or_after(b)
    if not int(stages.get(a, 0) or 0):
        return ListCheck(reason="stage_unused", stage=a, rows=at_a)
    if at_a < min_rows:
        return ListCheck(reason="too_few_rows", stage=a, rows=at_a)
    if at_b == 0:
        return ListCheck(reason="none_reached", stage=b, rows=at_a)
    # the end stage must be recorded too: without rows at B itself, "B or later" is really a
    # later stage (a list with SQL but no SAL made MQL → SAL read as MQL → SQL)
    if not int(stages.get(b, 0) or 0):
        return ListCheck(reason="stage_unused", stage=b, rows=at_a)
    return at_b, at_a


def _wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


# ---- the plan (after the decisions) -------------------------------------------------------


def plan(
    f: Funnel,
    *,
    target_leads: int,
    base_goal_1y: int,
    base_goal_2y: int,
    inflow: int | None,
    headcount: int | None,
    per_rep: float | None,
    placed: bool,
    bench: Benchmarks,
    th: Any,
) -> Plan:
    """What the roadmap may promise, and the inside-sales headcount, from the funnel."""
    r = f.value
    d = f.deals
    known = [v / 12 for v in (d.goal, d.reachable_now, d.capacity) if v is not None]
    won = _floor(min(known)) if known else None
    lag = f.lag_months
    promised = None
    if won is not None:
        promised = math.floor(won * max(0, 12 - lag) * 10) / 10  # rounded down: never above
    sql = round(won / r["sql_to_won"], DECIMALS) if won is not None else None
    mql = round(sql / r["sal_to_sql"] / r["mql_to_sal"], DECIMALS) if sql is not None else None
    # the lead base may grow by at most today's inflow a month (all of it targets, at best)
    grow = 12 * inflow if inflow is not None else None
    target_1y = base_goal_1y if grow is None else min(base_goal_1y, target_leads + grow)
    target_2y = base_goal_2y if grow is None else min(base_goal_2y, target_leads + 2 * grow)
    ramp = bench.plan.ramp_3m_share.value
    needed_headcount = None
    if f.capacity_exceeded and per_rep:
        needed_headcount = math.ceil(f.needed_opps / exact(per_rep))
    return Plan(
        rates=f.rates,
        per_month=PerMonth(required=f.required, reachable=f.reachable),
        deals_per_year=d.model_copy(update={"promised_1y": promised}),
        lag_months=lag,
        won_per_month=won,
        sql_per_month=sql,
        mql_per_month=mql,
        ramp_3m_share=ramp,
        target_leads_1y=max(target_1y, target_leads),
        target_leads_2y=max(target_2y, target_leads),
        needed_headcount=needed_headcount,
        capacity_per_month=(
            round(float(f.capacity_opps), DECIMALS) if f.capacity_opps is not None else None
        ),
        capacity_exceeded=f.capacity_exceeded,
        headcount=_headcount(f, target_leads, mql, headcount, placed, bench),
        kpis=_kpis(f, won, sql, mql, ramp, target_1y, target_2y, target_leads, th),
    )


def _kpis(f: Funnel, won, sql, mql, ramp, target_1y, target_2y, target_leads, th) -> dict:
    """Each horizon's KPIs: 3 months a ramp share of the target rate, won deals only after
    the sales cycle, SQL and pipeline in year 1 when the cycle is long, the goal in year 2
    only as far as capacity allows."""
    lag = f.lag_months
    out: dict[str, dict[str, float]] = {"1m": {"target_leads": target_leads}, "3m": {}}
    out["1y"] = {"target_leads": max(target_1y, target_leads)}
    out["2y"] = {"target_leads": max(target_2y, target_leads)}
    if won is None:
        return out
    out["3m"] = {"mql_per_month": _floor(ramp * mql), "sql_per_month": _floor(ramp * sql)}
    out["3m"]["won_per_month"] = _floor(ramp * won) if 3 > lag else 0.0
    if lag >= th.sql_only_year1_cycle_months:
        out["1y"].update(sql_per_month=sql, pipeline=_floor(sql * lag), won_per_month=0.0)
    else:
        out["1y"].update(sql_per_month=sql, won_per_month=won if 12 > lag else 0.0)
    d = f.deals
    if d.goal is not None:
        caps = [v / 12 for v in (d.goal, d.capacity) if v is not None]
        won_2y = _floor(min(caps))
        sql_2y = won_2y / f.value["sql_to_won"]
        leads_2y = sql_2y / f.value["sal_to_sql"] / f.value["mql_to_sal"] / f.value["lead_to_mql"]
        out["2y"].update(
            won_per_month=won_2y if 24 > lag else 0.0, leads_per_month=round(leads_2y, DECIMALS)
        )
    return out


def _headcount(
    f: Funnel,
    target_leads: int,
    planned_mql: float | None,
    headcount: int | None,
    placed: bool,
    bench: Benchmarks,
) -> Headcount:
    """MQLs a month (what arrives, else what the plan needs) × touches, plus one call to each
    existing target lead over the call-down months, ÷ one rep's touches a month. Under half a
    person's load it is a shared role; the rep ratio may cap the number, never drive it."""
    w = bench.inside_sales_workload
    per_rep = w.mql_per_rep_month
    if f.reachable is not None:
        mql = f.reachable.mql
    else:
        mql = planned_mql or 0.0
    calldown = target_leads * w.touches_per_base_lead.value / w.calldown_months.value
    fte = mql / per_rep + calldown / w.touches_per_rep_month
    if not placed:
        return Headcount(
            recommended=0,
            workload_fte=round(fte, DECIMALS),
            mql_per_month=round(mql, DECIMALS),
            mql_per_rep_month=per_rep,
            basis="not_placed",
        )
    fte = round(fte, DECIMALS)
    recommended, basis = max(0.5, math.ceil(fte * 2 - 1e-9) / 2), "workload"
    if headcount:
        cap = max(0.5, math.ceil(headcount / bench.rates["ae_per_sdr"].value * 2) / 2)
        if cap < recommended:
            recommended, basis = cap, "rep_ratio_cap"
    return Headcount(
        recommended=recommended,
        workload_fte=round(fte, DECIMALS),
        mql_per_month=round(mql, DECIMALS),
        mql_per_rep_month=per_rep,
        basis=basis,
    )


# ---- what the texts quote ----------------------------------------------------------------


def rates_source(p: Plan, lang: str) -> str:
    """What the rates rest on, each source once, in funnel order."""
    sources: list[str] = []
    for rate in p.rates.values():
        name = t("diagnosis.labels.list_source", lang) if rate.source == "list" else rate.citation
        if name not in sources:
            sources.append(name)
    return " / ".join(sources)


def plan_predicates(p: Plan, target_leads: int, th: Any) -> dict[str, bool]:
    """The predicates known once the plan is made (``signals.PLAN_PREDICATES``)."""
    return {
        "has_lead_gen_target": p.target_leads_1y > target_leads,
        "lead_base_grows_2y": p.target_leads_2y > target_leads,
        "has_promise": p.won_per_month is not None,
        "won_in_3m": p.kpis["3m"].get("won_per_month", 0) > 0,
        "year1_sql_only": p.lag_months >= th.sql_only_year1_cycle_months,
        "has_goal_2y": "won_per_month" in p.kpis["2y"],
        "is_shared_role": p.headcount.basis != "not_placed" and p.headcount.recommended < 1,
        "is_capped_by_ratio": p.headcount.basis == "rep_ratio_cap",
        "has_needed_headcount": p.needed_headcount is not None,
    }
