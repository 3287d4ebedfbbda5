"""Plan: the monthly funnel numbers the goal needs and today's inflow gives, and the sales
team's capacity against them."""

from __future__ import annotations

from engine.core.i18n import t
from engine.diagnosis.inputs import Resolved
from engine.diagnosis.model import Capacity, Kpis, RateUsed
from engine.diagnosis.signals import RATE_PATHS, Measures


def kpis(m: Measures, res: Resolved, lang: str, inside_sales: bool) -> Kpis:
    """Rates with their sources, the monthly numbers the goal requires and today's inflow
    is expected to give (ISQL stands where SAL does when inside sales is placed)."""
    used = {}
    for key, path in RATE_PATHS.items():
        bench_rate = res.bench.rates[key]
        own = res.facts.get(path) is not None
        used[key] = RateUsed(
            value=m.rates[key],
            from_company=own,
            label=bench_rate.label(lang),
            source=t("diagnosis.labels.own_figure", lang) if own else bench_rate.citation(lang),
            range=None if own else bench_rate.range,
            reliability=None if own else bench_rate.reliability,
            year=None if own else bench_rate.year,
        )
    rates = m.rates
    required = expected = None
    if m.deals is not None:
        won = m.deals / 12
        sql = won / rates["win_rate"]
        sal = sql / rates["sal_to_sql"]
        mql = sal / rates["mql_to_sal"]
        required = {"new_leads": mql / rates["lead_to_mql"], "mql": mql, "sal": sal}
        required.update(sql=sql, won=won)
        if inside_sales:
            # inside sales hands ISQLs to sales, who accept them: ISQL stands where SAL did
            required["isql"] = sal
    if m.inflow is not None:
        mql = m.inflow * rates["lead_to_mql"]
        sal = mql * rates["mql_to_sal"]
        sql = sal * rates["sal_to_sql"]
        expected = {"new_leads": float(m.inflow), "mql": mql, "sal": sal, "sql": sql}
        expected["won"] = sql * rates["win_rate"]
        if inside_sales:
            expected["isql"] = sal
    return Kpis(
        target_leads=m.target_leads,
        rates=used,
        inside_sales=inside_sales,
        required=required,
        expected=expected,
    )


def capacity(m: Measures, exceeded: bool) -> Capacity:
    """Opportunities a month the goal needs vs the team's headcount × opportunities per rep."""
    return Capacity(
        needed_opportunities_per_month=float(m.needed_opps) if m.needed_opps is not None else None,
        capacity_per_month=float(m.capacity) if m.capacity is not None else None,
        headcount=m.headcount,
        opportunities_per_rep_month=m.per_rep,
        win_rate=m.win_rate,
        exceeded=exceeded,
    )


def rates_source(k: Kpis) -> str:
    """The sources of the rates used, each once, in funnel order."""
    sources: list[str] = []
    for rate in k.rates.values():
        if rate.source not in sources:
            sources.append(rate.source)
    return " / ".join(sources)
