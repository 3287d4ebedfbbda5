"""The report's numbers section, read only from the diagnosis' plan: the monthly flow the goal
requires, what today's inflow reaches and what the sales team can handle, stage by stage,
each step's rate with what it rests on; and the goal's feasibility for the conclusion.

With inside sales the stages are MQL → ISAL → ISQL → SAL → SQL → won. The plan counts
MQL → ISQL as one step and sales accepting every ISQL (the SLA), so the ISAL row shows no
number and says so, and SAL shows the ISQL count: nothing here is decided a second time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.core.i18n import t
from engine.diagnosis.fmt import fmt_count, fmt_number, fmt_pct
from engine.reports.structure import Column, Paragraph, Table

if TYPE_CHECKING:
    from engine.diagnosis.plan import Plan, PlanRate

DASH = "—"
# stage → (the flow's field, the rate that leads into it); None where the plan has none
STEPS_WITH_INSIDE_SALES = (
    ("new_leads", "leads", None),
    ("mql", "mql", "lead_to_mql"),
    ("isal", None, None),
    ("isql", "sal", "mql_to_sal"),
    ("sal", "sal", None),
    ("sql", "sql", "sal_to_sql"),
    ("won", "won", "sql_to_won"),
)
STEPS = (
    ("new_leads", "leads", None),
    ("mql", "mql", "lead_to_mql"),
    ("sal", "sal", "mql_to_sal"),
    ("sql", "sql", "sal_to_sql"),
    ("won", "won", "sql_to_won"),
)


def _r(key: str, lang: str, **params: Any) -> str:
    return t(f"diagnosis.report.{key}", lang, **params)


def _deals(value: float | None) -> str:
    return DASH if value is None else fmt_number(round(value, 1))


def placed(plan: Plan) -> bool:
    """Whether the plan places inside sales (its headcount says so)."""
    return plan.headcount.basis != "not_placed"


def goal_verdict(plan: Plan) -> str | None:
    """The goal against today's inflow and the team's capacity: ``ok``, ``inflow``,
    ``capacity``, ``both`` (short of each) or ``open`` (neither known); None without a goal.
    The report and the results page's conclusion card both read this one judgement."""
    d = plan.deals_per_year
    if d.goal is None:
        return None
    # the same comparisons as the warnings goal_beyond_inflow and capacity_exceeded
    short_inflow = d.reachable_now is not None and d.reachable_now < d.goal
    short_capacity = plan.capacity_exceeded
    if short_inflow and short_capacity:
        return "both"
    if short_inflow or short_capacity:
        return "inflow" if short_inflow else "capacity"
    if d.reachable_now is None and d.capacity is None:
        return "open"
    return "ok"


def goal_details(plan: Plan, lang: str) -> str:
    """What the verdict rests on: reach, capacity and the year-1 promise, as one sentence."""
    d = plan.deals_per_year
    parts = []
    if d.reachable_now is None or not d.goal:
        parts.append(_r("goal_reach_unknown", lang))
    else:
        share = fmt_pct(d.reachable_now / d.goal)
        parts.append(_r("goal_reach", lang, reachable=_deals(d.reachable_now), share=share))
    if d.capacity is None:
        parts.append(_r("goal_capacity_unknown", lang))
    else:
        parts.append(_r("goal_capacity", lang, capacity=_deals(d.capacity)))
    if d.promised_1y is not None:
        lag = fmt_number(plan.lag_months)
        parts.append(_r("goal_promise", lang, promised=_deals(d.promised_1y), lag=lag))
    details = t("diagnosis.labels.list_separator", lang).join(parts)
    return details[:1].upper() + details[1:]


def goal_feasibility(plan: Plan, lang: str) -> str | None:
    """The goal, its verdict and what it rests on, from ``plan.deals_per_year``; None
    without a goal."""
    verdict = goal_verdict(plan)
    if verdict is None:
        return None
    return _r(
        "goal_value",
        lang,
        goal=fmt_number(plan.deals_per_year.goal),
        verdict=_r(f"goal_verdicts.{verdict}", lang),
        details=goal_details(plan, lang),
    )


def rests_on(rate: PlanRate, key: str, lang: str) -> str:
    """What a rate rests on: the answer, the list's stages (n rows and the 95% range) or a
    benchmark (citation with year, published range, reliability) and why not the list."""
    if rate.source == "answer":
        return _r("rests.answer", lang)
    if rate.source == "list":
        low, high = fmt_pct(rate.low), fmt_pct(rate.high)
        return _r("rests.list", lang, citation=rate.citation, low=low, high=high)
    from engine.diagnosis.rules import benchmarks

    bench = benchmarks().rates[key]
    text = _r(
        "rests.benchmark",
        lang,
        citation=rate.citation,
        range=bench.range,
        reliability=bench.reliability(lang),
    )
    check = rate.list_check
    if check is not None:
        stage = t(f"app.stages.{check.stage}", lang)
        why = _r(f"why.{check.reason}", lang, stage=stage, rows=fmt_number(check.rows))
        text += f" — {why}"
    return text


def _flow_cell(flow: Any, field: str | None) -> str:
    if flow is None or field is None:
        return DASH
    return fmt_count(getattr(flow, field))


def _capacity_cell(plan: Plan, stage: str) -> str:
    # what the team can handle, never rounded up (fmt_count rounds a need up)
    d = plan.deals_per_year
    if stage == "sql" and plan.capacity_per_month is not None:
        return _deals(plan.capacity_per_month)
    if stage == "won" and d.capacity is not None:
        return _deals(d.capacity / 12)
    return DASH


def kpi_blocks(plan: Plan, lang: str) -> tuple:
    """The stage table (required / reachable now / capacity, the rate into each stage and
    what it rests on) and the year's deals line; a note when the plan has no flow."""
    required, reachable = plan.per_month.required, plan.per_month.reachable
    if required is None and reachable is None:
        return (Paragraph(_r("kpis_none", lang)),)
    with_is = placed(plan)
    rows = []
    for stage, field, rate_key in STEPS_WITH_INSIDE_SALES if with_is else STEPS:
        if rate_key is not None:
            rate = plan.rates[rate_key]
            step, rests = fmt_pct(rate.value), rests_on(rate, rate_key, lang)
        else:
            step = DASH
            rests = {"new_leads": "leads", "isal": "isal", "sal": "sal_as_isql"}[stage]
            rests = _r(f"rests.{rests}", lang)
        label = t(f"diagnosis.labels.stages.{stage}", lang)
        label = label[:1].upper() + label[1:]
        if lang == "en":  # a citation title starts a Japanese cell as it is written
            rests = rests[:1].upper() + rests[1:]
        rows.append(
            (
                label,
                _flow_cell(required, field),
                _flow_cell(reachable, field),
                _capacity_cell(plan, stage),
                step,
                rests,
            )
        )
    columns = (
        Column(_r("kpi_stage", lang)),
        Column(_r("kpi_required", lang)),
        Column(_r("kpi_expected", lang)),
        Column(_r("kpi_capacity", lang)),
        Column(_r("kpi_step_rate", lang)),
        Column(_r("kpi_source", lang)),
    )
    d = plan.deals_per_year
    line = _r(
        "deals_line",
        lang,
        goal=_deals(d.goal),
        reachable=_deals(d.reachable_now),
        capacity=_deals(d.capacity),
        promised=_deals(d.promised_1y),
    )
    return (Table(columns, tuple(rows)), Paragraph(line))
