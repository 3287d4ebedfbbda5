"""Phrase: the numbers as the texts quote them (``{placeholder}`` values) and the sentences
of ``rules.yaml`` whose conditions hold, filled in."""

from __future__ import annotations

import math
from typing import Any

from engine.core.i18n import t
from engine.diagnosis.decide import Decision
from engine.diagnosis.fmt import fmt_count, fmt_number, fmt_pct
from engine.diagnosis.model import Alert, InitiativeAdvice, Kpis
from engine.diagnosis.plan import rates_source
from engine.diagnosis.rules import Rules, fill, sentences
from engine.diagnosis.signals import Measures, holds


def values(m: Measures, d: Decision, k: Kpis, r: Rules, bench: Any, lang: str) -> dict[str, Any]:
    """Every placeholder the texts may quote, formatted; None where the number is unknown."""
    th = r.thresholds
    ae_rate = bench.rates["ae_per_sdr"]
    out: dict[str, Any] = {
        "target_leads": fmt_number(m.target_leads),
        "workable_min": fmt_number(th.lead_base_workable),
        "comfortable_min": fmt_number(th.lead_base_comfortable),
        "gap_to_workable": _positive(th.lead_base_workable - m.target_leads),
        "gap_to_comfortable": _positive(th.lead_base_comfortable - m.target_leads),
        "sales_cycle_months": fmt_number(m.cycle),
        "long_cycle_months": fmt_number(th.long_cycle_months),
        "inside_sales_headcount": fmt_number(m.is_headcount),
        "rates_source": rates_source(k),
        "target_goal_1y": fmt_number(m.target_goal_1y),
        "target_goal_2y": fmt_number(max(th.lead_base_comfortable, m.target_leads)),
        "style": t(f"diagnosis.labels.styles.{m.style}", lang),
        "ae_per_sdr": fmt_number(ae_rate.value),
        "ae_source": ae_rate.citation(lang),
        "leads_total": _opt(m.leads_total),
        "headcount": _opt(m.headcount),
        "is_suggested": (
            fmt_number(max(1, math.ceil(m.headcount / ae_rate.value))) if m.headcount else None
        ),
        "monthly_new_leads": _opt(m.inflow),
        "new_deals_per_year": _opt(m.deals),
        "opportunities_per_rep_month": _opt(m.per_rep),
        "win_rate_pct": fmt_pct(m.win_rate),
        "needed_opportunities": _opt_count(m.needed_opps),
        "capacity": _opt(m.capacity),
        "lead_gen_per_month": _positive(m.lead_gen_per_month),
        "scoring_missing": None if m.scoring_ready else _scoring_missing(m, lang),
        "spread_phases": _spread_text(m.disagreeing, lang) if m.disagreeing else None,
    }
    for p, v in m.ratings.items():
        out[p] = fmt_number(v)
    for n, i in zip(("first", "second", "third"), d.order, strict=True):
        out[f"{n}_initiative"] = t(f"diagnosis.labels.initiatives.{i}", lang)
    if k.required:
        for key in ("new_leads", "mql", "sal", "sql", "won"):
            out[f"need_{key}"] = fmt_count(k.required[key])
    if k.expected:
        for key in ("mql", "sql"):
            out[f"exp_{key}"] = fmt_count(k.expected[key])
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
