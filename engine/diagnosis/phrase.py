"""Phrase: the numbers as the texts quote them (``{placeholder}`` values) and the sentences
of ``rules.yaml`` whose conditions hold, filled in."""

from __future__ import annotations

import math
from typing import Any

from engine.core.i18n import t
from engine.diagnosis.decide import Decision
from engine.diagnosis.fmt import fmt_count, fmt_fte, fmt_number, fmt_pct
from engine.diagnosis.model import Alert, InitiativeAdvice, RoadmapItem
from engine.diagnosis.plan import Plan, rates_source
from engine.diagnosis.rules import KPI_NAMES, Rules, fill, placeholders, sentences
from engine.diagnosis.signals import Measures, holds


def values(m: Measures, d: Decision, p: Plan, r: Rules, bench: Any, lang: str) -> dict[str, Any]:
    """Every placeholder the texts may quote, formatted from the measures and the plan;
    None where the number is unknown (a sentence quoting it is then left out)."""
    th = r.thresholds
    ae_rate = bench.rates["ae_per_sdr"]
    f = m.funnel
    dpy = p.deals_per_year
    lead_gen_per_month = math.ceil((p.target_leads_1y - m.target_leads) / 12)
    out: dict[str, Any] = {
        "target_leads": fmt_number(m.target_leads),
        "workable_min": fmt_number(th.lead_base_workable),
        "comfortable_min": fmt_number(th.lead_base_comfortable),
        "gap_to_workable": _positive(th.lead_base_workable - m.target_leads),
        "gap_to_comfortable": _positive(th.lead_base_comfortable - m.target_leads),
        "sales_cycle_months": fmt_number(m.cycle),
        "long_cycle_months": fmt_number(th.long_cycle_months),
        "inside_sales_headcount": fmt_number(m.is_headcount),
        "rates_source": rates_source(p, lang),
        "target_goal_1y": fmt_number(p.target_leads_1y),
        "target_goal_2y": fmt_number(p.target_leads_2y),
        "style": t(f"diagnosis.labels.styles.{m.style}", lang),
        "ae_per_sdr": fmt_number(ae_rate.value),
        "ae_source": ae_rate.citation(lang),
        "leads_total": _opt(m.leads_total),
        "headcount": _opt(m.headcount),
        "monthly_new_leads": _opt(m.inflow),
        "new_deals_per_year": _opt(m.deals),
        "opportunities_per_rep_month": _opt(m.per_rep),
        "win_rate_pct": fmt_pct(m.win_rate),
        "needed_opportunities": _opt_count(f.needed_opps),
        "capacity": _opt(f.capacity_opps),
        "lead_gen_per_month": _positive(lead_gen_per_month),
        "scoring_missing": None if m.scoring_ready else _scoring_missing(m, lang),
        "spread_phases": _spread_text(m.disagreeing, lang) if m.disagreeing else None,
        "reachable_now": _opt_deals(dpy.reachable_now),
        "reach_share": (
            fmt_pct(dpy.reachable_now / dpy.goal)
            if dpy.reachable_now is not None and dpy.goal
            else None
        ),
        "needed_headcount": _opt(p.needed_headcount),
        "promised_1y": _opt_deals(dpy.promised_1y),
        "lag_months": fmt_number(p.lag_months),
        "ramp_pct": fmt_pct(p.ramp_3m_share),
        "partners": _positive(m.partners),
        "strongest_phase": (
            t(f"diagnosis.labels.phases.{m.strongest}", lang) if m.strongest else None
        ),
        "sla_days": fmt_number(bench.plan.sla_follow_up_business_days.value),
        "sla_source": bench.plan.sla_follow_up_business_days.citation(lang),
    }
    out.update(_headcount_values(p, bench, lang))
    sep = t("diagnosis.labels.list_separator", lang)
    out["lead_sources"] = (
        sep.join(t(f"diagnosis.labels.lead_sources.{x}", lang) for x in m.lead_sources) or None
    )
    out["ma_tool"] = t(f"diagnosis.labels.ma_tools.{m.ma_tool}", lang) if m.ma_tool else None
    for phase, v in m.ratings.items():
        out[phase] = fmt_number(v)
    for n, i in zip(("first", "second", "third"), d.order, strict=True):
        out[f"{n}_initiative"] = t(f"diagnosis.labels.initiatives.{i}", lang)
    if f.required is not None:
        for key in ("leads", "mql", "sal", "sql", "won"):
            name = "new_leads" if key == "leads" else key
            out[f"need_{name}"] = fmt_count(getattr(f.required, key))
    if f.reachable is not None:
        for key in ("mql", "sql"):
            out[f"exp_{key}"] = fmt_count(getattr(f.reachable, key))
    if m.rows is not None:
        out.update(
            rows=fmt_number(m.rows),
            profiled_target_leads=fmt_number(m.target_leads),
            non_targets=fmt_number(m.non_targets),
            non_target_pct=fmt_pct(m.non_targets / m.rows) if m.rows else None,
            stated_target_leads=_opt(m.stated),
            gap_pct=(
                fmt_pct(float(m.gap)) if m.gap is not None else ("—" if m.perception_gap else None)
            ),
        )
    return out


def _headcount_values(p: Plan, bench: Any, lang: str) -> dict[str, str]:
    h = p.headcount
    return {
        "is_recommended": fmt_number(h.recommended),
        "is_workload_fte": fmt_fte(h.workload_fte),
        "is_mql_per_month": fmt_count(h.mql_per_month),
        "is_mql_per_rep_month": fmt_number(round(h.mql_per_rep_month)),
        "is_source": bench.inside_sales_workload.calls_per_day.citation(lang),
    }


def _opt_deals(value: float | None) -> str | None:
    return None if value is None else fmt_number(round(value, 1))


def kpi_text(name: str, value: float) -> str:
    """A roadmap KPI as its text quotes it."""
    if name == "target_leads":
        return fmt_number(value)
    return fmt_count(value)


def _opt(value: Any) -> str | None:
    return None if value is None else fmt_number(value)


def _opt_count(value: Any) -> str | None:
    return None if value is None else fmt_count(float(value))


def _positive(value: int) -> str | None:
    return fmt_number(value) if value > 0 else None


def _scoring_missing(m: Measures, lang: str) -> str:
    parts = []
    if m.lead_base != "comfortable":
        parts.append(
            t("diagnosis.scoring_missing.volume", lang, target_leads=fmt_number(m.target_leads))
        )
    if not m.ma_in_use:
        parts.append(t("diagnosis.scoring_missing.ma", lang))
    if not m.mql_agreed:
        parts.append(t("diagnosis.scoring_missing.mql_definition", lang))
    return t("diagnosis.labels.list_separator", lang).join(parts)


def _spread_text(disagreeing: list[tuple[str, float]], lang: str) -> str:
    sep = t("diagnosis.labels.list_separator", lang)
    return sep.join(
        t(
            "diagnosis.labels.phase_spread",
            lang,
            phase=t(f"diagnosis.labels.phases.{p}", lang),
            spread=fmt_number(s),
        )
        for p, s in disagreeing
    )


def placement_reasons(d: Decision, r: Rules, vals: dict, lang: str) -> list[str]:
    """Why inside sales goes where it goes: the placement's reasons, then the common ones."""
    out = sentences(d.placement_rule.reasons, d.predicates, vals, lang)
    return out + sentences(r.inside_sales.common_reasons, d.predicates, vals, lang)


def initiatives(d: Decision, r: Rules, vals: dict, lang: str) -> list[InitiativeAdvice]:
    """The three initiatives in the decided order, each with its reasons."""
    out = []
    for rank, i in enumerate(d.order, start=1):
        spec = r.initiatives[i]
        local = {**vals, "months": fmt_number(spec.months_to_impact)}
        out.append(
            InitiativeAdvice(
                id=i,
                rank=rank,
                months_to_impact=spec.months_to_impact,
                reasons=sentences(spec.reasons, d.predicates, local, lang),
            )
        )
    return out


def alerts(d: Decision, r: Rules, vals: dict, lang: str) -> list[Alert]:
    """The warnings whose conditions hold and whose numbers are known."""
    return [
        Alert(id=w.id, text=text)
        for w in r.warnings
        if holds(w.when, d.predicates) and (text := fill(w(lang), vals)) is not None
    ]


def roadmap(d: Decision, p: Plan, r: Rules, vals: dict, lang: str) -> dict[str, list[RoadmapItem]]:
    """Each horizon's goals, each quoting its horizon's KPIs from the plan as {kpi_<name>}."""
    out: dict[str, list[RoadmapItem]] = {}
    for horizon, items in r.roadmap.items():
        kpis = p.kpis.get(horizon, {})
        local = {**vals, **{f"kpi_{k}": kpi_text(k, v) for k, v in kpis.items()}}
        goals = []
        for item in items:
            if not holds(item.when, d.predicates):
                continue
            text = fill(item(lang), local)
            if text is None:
                continue
            quoted = {n[4:] for n in placeholders(item(lang)) if n.startswith("kpi_")}
            kpi = {k: kpis[k] for k in KPI_NAMES if k in quoted and k in kpis}
            goals.append(RoadmapItem(text=text, kpi=kpi))
        out[horizon] = goals
    return out


def lead_base_reason(m: Measures, d: Decision, r: Rules, vals: dict, lang: str) -> str:
    """The lead-base reading, with the notes that apply (e.g. 1,000 needs strong sales)."""
    parts = [fill(r.lead_base[m.lead_base](lang), vals) or ""]
    parts += sentences(r.lead_base_notes, d.predicates, vals, lang)
    return (" " if lang == "en" else "").join(p for p in parts if p)
