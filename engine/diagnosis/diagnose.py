"""The diagnosis: facts (and optionally a lead-list profile) in, one explained
recommendation out — lead base, inside-sales placement, ranked initiatives, warnings and
a roadmap for 1 month, 3 months, 1 year and 2 years.

The decisions are data (``engine/diagnosis/rules.yaml``); this module computes the numbers the rules
turn on, applies them in order, and quotes the company's own numbers in every reason.
Defaults for facts left out come from ``engine/diagnosis/benchmarks.yaml`` and are listed as assumed.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.core.errors import InputError
from engine.core.i18n import t
from engine.core.vocab import HORIZONS, PHASES
from engine.diagnosis.facts import Facts
from engine.diagnosis.rules import (
    INITIATIVES,
    Benchmarks,
    benchmarks,
    fill,
    holds,
    rules,
    sentences,
)

RATE_PATHS = {
    "lead_to_mql": "marketing.conversion_rates.lead_to_mql",
    "mql_to_sal": "marketing.conversion_rates.mql_to_sal",
    "sal_to_sql": "marketing.conversion_rates.sal_to_sql",
    "win_rate": "sales.win_rate",
}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InsideSalesAdvice(_Out):
    """Where inside sales goes, and why."""

    placement: str
    reasons: list[str]


class InitiativeAdvice(_Out):
    """One of the three initiatives with its rank."""

    id: str
    rank: int
    months_to_impact: int
    reasons: list[str]


class Warning(_Out):
    """Something the company should know before acting."""

    id: str
    text: str


class RateUsed(_Out):
    """A conversion rate the numbers rest on: the company's own or a cited benchmark."""

    value: float
    from_company: bool
    label: str
    source: str
    range: str | None = None
    reliability: str | None = None
    year: int | None = None


class Kpis(_Out):
    """Monthly funnel numbers: needed for the goal and expected from today's inflow."""

    target_leads: int
    rates: dict[str, RateUsed]
    inside_sales: bool
    required: dict[str, float] | None = None  # new_leads, mql, isql, sal, sql, won per month
    expected: dict[str, float] | None = None


class Capacity(_Out):
    """Opportunities the goal needs per month vs what the sales team can handle."""

    needed_opportunities_per_month: float | None = None
    capacity_per_month: float | None = None
    headcount: int | None = None
    opportunities_per_rep_month: float | None = None
    win_rate: float
    exceeded: bool = False


class SalesProfile(_Out):
    """The sales team's strength by phase."""

    ratings: dict[str, float]
    strongest_phase: str
    closing_heavy: bool
    rating_spread: dict[str, float] | None = None
    raters: int | None = None


class Assumption(_Out):
    """A value the diagnosis used that the company did not give."""

    path: str
    value: Any
    reason: str
    source: str | None = None


class Diagnosis(_Out):
    """The one output model; pages, reports and the CLI render it."""

    target_leads: int
    target_leads_source: Literal["facts", "profile"]
    lead_base: Literal["insufficient", "workable", "comfortable"]
    inside_sales: InsideSalesAdvice
    initiatives: list[InitiativeAdvice]
    warnings: list[Warning]
    roadmap: dict[str, list[str]]
    assumed: list[str]
    # for reports and charts
    lang: str
    rules_version: int
    lead_base_reason: str
    kpis: Kpis
    capacity: Capacity
    sales_profile: SalesProfile
    sharpen: list[str]
    assumptions: list[Assumption]
    profile: dict[str, Any] | None = None

    def to_contract(self) -> dict[str, Any]:
        """Exactly the CLI JSON contract."""
        return {
            "target_leads": self.target_leads,
            "target_leads_source": self.target_leads_source,
            "lead_base": self.lead_base,
            "inside_sales": self.inside_sales.model_dump(),
            "initiatives": [i.model_dump() for i in self.initiatives],
            "warnings": [w.model_dump() for w in self.warnings],
            "roadmap": {k: list(v) for k, v in self.roadmap.items()},
            "assumed": list(self.assumed),
        }


# ---- formatting ---------------------------------------------------------------------------


def fmt_number(value: float | int) -> str:
    """``2500 -> "2,500"``, ``4.5 -> "4.5"``, ``5.0 -> "5"``."""
    if isinstance(value, Fraction):
        value = float(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def fmt_count(value: float) -> str:
    """A monthly count: rounded up from 10 on (you need at least that many), else one decimal."""
    if value >= 10:
        return f"{math.ceil(value - 1e-9):,}"
    return fmt_number(round(value, 1))


def fmt_pct(share: float) -> str:
    """``0.25 -> "25%"``, ``0.175 -> "17.5%"``."""
    return fmt_number(round(share * 100, 1)) + "%"


def _exact(value: float | int) -> Fraction:
    # decimal input (0.25, 0.3) compared exactly, so "30% exactly" is not "just over"
    return Fraction(str(value))


# ---- inputs -------------------------------------------------------------------------------


def profile_summary(profile: Any) -> dict[str, Any] | None:
    """The profile's summary dict (from a LeadProfile-like object or the dict itself)."""
    if profile is None:
        return None
    summary = profile.summary() if hasattr(profile, "summary") else profile
    if not isinstance(summary, dict):
        raise InputError("diagnosis.invalid_profile")
    rows = summary.get("rows")
    target = (summary.get("categories") or {}).get("target")
    if not _is_count(rows) or not _is_count(target) or target > rows:
        raise InputError("diagnosis.invalid_profile")
    return summary


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class _Resolved:
    """Facts with defaults applied, remembering which values were assumed."""

    def __init__(self, facts: Facts, bench: Benchmarks, lang: str) -> None:
        self.facts = facts
        self.bench = bench
        self.lang = lang
        self.assumptions: dict[str, Assumption] = {}
        for path in facts.assumed:
            self.assumptions[path] = Assumption(
                path=path,
                value=facts.get(path),
                reason=t("diagnosis.assumed_from_questionnaire", lang),
            )

    def get(self, path: str) -> Any:
        value = self.facts.get(path)
        if value is not None:
            return value
        default = self.bench.fact_defaults.get(path)
        if default is None:
            return None
        source = None
        if default.rate is not None:
            rate = self.bench.rates[default.rate]
            value = rate.value
            source = rate.citation(self.lang)
        elif default.derive == "target_share":
            total = self.facts.marketing.leads_total
            if total is None:
                return None
            rate = self.bench.rates["target_share"]
            value = round(total * rate.value)
            source = rate.citation(self.lang)
        else:
            value = default.value
        self.assumptions[path] = Assumption(
            path=path, value=value, reason=default.reason[self.lang], source=source
        )
        return value


# ---- the diagnosis ------------------------------------------------------------------------


def diagnose(facts: Facts | dict, profile: Any = None, lang: str = "ja") -> Diagnosis:
    """Diagnose one company. ``profile`` is a LeadProfile (or its summary dict); its target
    count replaces the stated one. Raises InputError when no lead count is known at all."""
    lang = "en" if lang == "en" else "ja"
    if not isinstance(facts, Facts):
        facts = Facts.from_dict(facts)
    r, bench = rules(), benchmarks()
    th = r.thresholds
    res = _Resolved(facts, bench, lang)
    summary = profile_summary(profile)

    # -- step 1: the lead base
    stated = facts.marketing.target_leads
    stated_is_own = stated is not None and "marketing.target_leads" not in facts.assumed
    if summary is not None:
        target_leads = int(summary["categories"]["target"])
        source: Literal["facts", "profile"] = "profile"
    else:
        target_leads = res.get("marketing.target_leads")
        source = "facts"
        if target_leads is None:
            raise InputError("diagnosis.no_lead_count")
    if target_leads < th.lead_base_workable:
        lead_base = "insufficient"
    elif target_leads < th.lead_base_comfortable:
        lead_base = "workable"
    else:
        lead_base = "comfortable"

    # -- step 2: sales strength
    ratings = {p: res.get(f"sales.ratings.{p}") for p in PHASES}
    top = max(ratings.values())
    closing_heavy = (
        ratings["closing"] == top
        and ratings["closing"] >= th.closing_heavy_closing_min
        and ratings["appointment"] <= th.closing_heavy_others_max
        and ratings["relationship"] <= th.closing_heavy_others_max
    )
    strongest = next(p for p in reversed(PHASES) if ratings[p] == top)
    style = res.get("sales.style")
    cycle = res.get("sales.sales_cycle_months")
    is_headcount = res.get("sales.inside_sales_headcount")
    ma_in_use = res.get("marketing.ma_in_use")
    mql_agreed = res.get("marketing.mql_definition_agreed")
    headcount = facts.sales.headcount
    per_rep = facts.sales.opportunities_per_rep_month
    deals = facts.goals.new_deals_per_year
    inflow = facts.marketing.monthly_new_leads
    win_rate = res.get("sales.win_rate")
    rates = {key: res.get(path) for key, path in RATE_PATHS.items()}

    # -- step 3: warnings' measurements
    non_targets = None
    needs_cleaning = False
    gap = None
    perception_gap = False
    if summary is not None:
        rows = int(summary["rows"])
        non_targets = rows - target_leads
        needs_cleaning = rows > 0 and Fraction(non_targets, rows) > _exact(
            th.list_non_target_share_max
        )
        if stated_is_own:
            if target_leads == 0:
                perception_gap = stated > 0
            else:
                gap = Fraction(abs(stated - target_leads), target_leads)
                perception_gap = gap > _exact(th.perception_gap_max)
    has_goal = deals is not None
    has_capacity = headcount is not None and per_rep is not None
    needed_opps = Fraction(deals) / 12 / _exact(win_rate) if has_goal else None
    capacity = _exact(headcount) * _exact(per_rep) if has_capacity else None
    capacity_exceeded = bool(has_goal and has_capacity and needed_opps > capacity)
    spread = facts.sales.rating_spread
    disagreeing = [
        (p, getattr(spread, p))
        for p in PHASES
        if spread is not None
        and getattr(spread, p) is not None
        and getattr(spread, p) >= th.rating_spread_min
    ]

    cycle_long = cycle >= th.long_cycle_months
    scoring_ready = lead_base == "comfortable" and bool(ma_in_use) and bool(mql_agreed)
    target_goal_1y = {
        "insufficient": th.lead_base_workable,
        "workable": th.lead_base_comfortable,
        "comfortable": target_leads,
    }[lead_base]
    lead_gen_per_month = math.ceil((target_goal_1y - target_leads) / 12)
    pred: dict[str, bool] = {
        "lead_base_insufficient": lead_base == "insufficient",
        "lead_base_workable": lead_base == "workable",
        "lead_base_comfortable": lead_base == "comfortable",
        "closing_heavy": closing_heavy,
        "cycle_long": cycle_long,
        "long_cycle": cycle_long or style == "long_cycle",
        "style_route": style == "route",
        "style_high_volume": style == "high_volume",
        "style_long_cycle": style == "long_cycle",
        "style_other": style == "other",
        "ma_in_use": bool(ma_in_use),
        "mql_definition_agreed": bool(mql_agreed),
        "scoring_ready": scoring_ready,
        "has_inside_sales": is_headcount > 0,
        "has_profile": summary is not None,
        "has_goal": has_goal,
        "has_inflow": inflow is not None,
        "has_capacity": has_capacity,
        "has_lead_gen_target": lead_gen_per_month > 0,
        "list_needs_cleaning": needs_cleaning,
        "perception_gap": perception_gap,
        "capacity_exceeded": capacity_exceeded,
        "rating_disagreement": bool(disagreeing),
    }

    # -- step 4: decisions, in the rules' order
    placement_rule = next(x for x in r.inside_sales.rules if holds(x.when, pred))
    placement = placement_rule.placement
    order = next(x for x in r.initiative_order if holds(x.when, pred)).order
    pred["inside_sales_placed"] = placement != "not_yet"
    for p in ("not_yet", "qualify_before_sales", "appointment_setting", "nurture_long_cycle"):
        pred[f"placement_{p}"] = placement == p
    for nth, initiative in zip(("first", "second", "third"), order, strict=True):
        for i in INITIATIVES:
            pred[f"{nth}_{i}"] = pred.get(f"{nth}_{i}", False) or i == initiative

    # -- step 5: numbers
    kpis = _kpis(target_leads, rates, res, bench, lang, deals, inflow, pred["inside_sales_placed"])
    ae_rate = bench.rates["ae_per_sdr"]
    values: dict[str, Any] = {
        "target_leads": fmt_number(target_leads),
        "workable_min": fmt_number(th.lead_base_workable),
        "comfortable_min": fmt_number(th.lead_base_comfortable),
        "gap_to_workable": _positive(th.lead_base_workable - target_leads),
        "gap_to_comfortable": _positive(th.lead_base_comfortable - target_leads),
        "sales_cycle_months": fmt_number(cycle),
        "long_cycle_months": fmt_number(th.long_cycle_months),
        "inside_sales_headcount": fmt_number(is_headcount),
        "rates_source": _rates_source(kpis, lang),
        "target_goal_1y": fmt_number(target_goal_1y),
        "target_goal_2y": fmt_number(max(th.lead_base_comfortable, target_leads)),
        "style": t(f"diagnosis.labels.styles.{style}", lang),
        "ae_per_sdr": fmt_number(ae_rate.value),
        "ae_source": ae_rate.citation(lang),
        "leads_total": _opt(facts.marketing.leads_total),
        "headcount": _opt(headcount),
        "is_suggested": (
            fmt_number(max(1, math.ceil(headcount / ae_rate.value))) if headcount else None
        ),
        "monthly_new_leads": _opt(inflow),
        "new_deals_per_year": _opt(deals),
        "opportunities_per_rep_month": _opt(per_rep),
        "win_rate_pct": fmt_pct(win_rate),
        "needed_opportunities": fmt_count(float(needed_opps)) if has_goal else None,
        "capacity": fmt_number(float(capacity)) if has_capacity else None,
        "lead_gen_per_month": fmt_number(lead_gen_per_month) if lead_gen_per_month > 0 else None,
        "scoring_missing": None
        if scoring_ready
        else _scoring_missing(lead_base, target_leads, ma_in_use, mql_agreed, lang),
        "spread_phases": _spread_text(disagreeing, lang) if disagreeing else None,
    }
    for p in PHASES:
        values[p] = fmt_number(ratings[p])
    for n, i in zip(("first", "second", "third"), order, strict=True):
        values[f"{n}_initiative"] = t(f"diagnosis.labels.initiatives.{i}", lang)
    if kpis.required:
        for k in ("new_leads", "mql", "sal", "sql", "won"):
            values[f"need_{k}"] = fmt_count(kpis.required[k])
    if kpis.expected:
        for k in ("mql", "sql"):
            values[f"exp_{k}"] = fmt_count(kpis.expected[k])
    if summary is not None:
        rows = int(summary["rows"])
        values.update(
            rows=fmt_number(rows),
            profiled_target_leads=fmt_number(target_leads),
            non_targets=fmt_number(non_targets),
            non_target_pct=fmt_pct(non_targets / rows) if rows else None,
            stated_target_leads=_opt(stated) if stated_is_own else None,
            gap_pct=fmt_pct(float(gap)) if gap is not None else ("—" if perception_gap else None),
        )

    # -- step 6: sentences
    is_reasons = sentences(placement_rule.reasons, pred, values, lang)
    is_reasons += sentences(r.inside_sales.common_reasons, pred, values, lang)
    initiatives = []
    for rank, i in enumerate(order, start=1):
        spec = r.initiatives[i]
        local = {**values, "months": fmt_number(spec.months_to_impact)}
        initiatives.append(
            InitiativeAdvice(
                id=i,
                rank=rank,
                months_to_impact=spec.months_to_impact,
                reasons=sentences(spec.reasons, pred, local, lang),
            )
        )
    warnings = [
        Warning(id=w.id, text=text)
        for w in r.warnings
        if holds(w.when, pred) and (text := fill(w.text(lang), values)) is not None
    ]
    roadmap = {h: sentences(items, pred, values, lang) for h, items in r.roadmap.items()}

    return Diagnosis(
        target_leads=target_leads,
        target_leads_source=source,
        lead_base=lead_base,
        inside_sales=InsideSalesAdvice(placement=placement, reasons=is_reasons),
        initiatives=initiatives,
        warnings=warnings,
        roadmap={h: roadmap[h] for h in HORIZONS},
        assumed=sorted(
            p
            for p in res.assumptions
            if not (p == "marketing.target_leads" and source == "profile")
        ),
        lang=lang,
        rules_version=r.version,
        lead_base_reason=fill(r.lead_base[lead_base].text(lang), values) or "",
        kpis=kpis,
        capacity=Capacity(
            needed_opportunities_per_month=float(needed_opps) if has_goal else None,
            capacity_per_month=float(capacity) if has_capacity else None,
            headcount=headcount,
            opportunities_per_rep_month=per_rep,
            win_rate=win_rate,
            exceeded=capacity_exceeded,
        ),
        sales_profile=SalesProfile(
            ratings={p: float(v) for p, v in ratings.items()},
            strongest_phase=strongest,
            closing_heavy=closing_heavy,
            rating_spread=(
                {p: float(v) for p in PHASES if (v := getattr(spread, p)) is not None}
                if spread is not None
                else None
            ),
            raters=facts.sales.raters,
        ),
        sharpen=_sharpen(facts, res, source, lang),
        assumptions=[
            a
            for p, a in sorted(res.assumptions.items())
            if not (p == "marketing.target_leads" and source == "profile")
        ],
        profile=summary,
    )


def _opt(value: float | int | None) -> str | None:
    return None if value is None else fmt_number(value)


def _positive(value: int) -> str | None:
    return fmt_number(value) if value > 0 else None


def _kpis(target_leads, rates, res, bench, lang, deals, inflow, inside_sales) -> Kpis:
    used = {}
    for key, path in RATE_PATHS.items():
        bench_rate = bench.rates[key]
        own = res.facts.get(path) is not None
        used[key] = RateUsed(
            value=rates[key],
            from_company=own,
            label=bench_rate.label[lang],
            source=t("diagnosis.labels.own_figure", lang) if own else bench_rate.citation(lang),
            range=None if own else bench_rate.range,
            reliability=None if own else bench_rate.reliability,
            year=None if own else bench_rate.year,
        )
    required = expected = None
    if deals is not None:
        won = deals / 12
        sql = won / rates["win_rate"]
        sal = sql / rates["sal_to_sql"]
        mql = sal / rates["mql_to_sal"]
        required = {
            "new_leads": mql / rates["lead_to_mql"],
            "mql": mql,
            "sal": sal,
            "sql": sql,
            "won": won,
        }
        if inside_sales:
            # inside sales hands ISQLs to sales, who accept them: ISQL stands where SAL did
            required["isql"] = sal
    if inflow is not None:
        mql = inflow * rates["lead_to_mql"]
        sal = mql * rates["mql_to_sal"]
        sql = sal * rates["sal_to_sql"]
        expected = {
            "new_leads": float(inflow),
            "mql": mql,
            "sal": sal,
            "sql": sql,
            "won": sql * rates["win_rate"],
        }
        if inside_sales:
            expected["isql"] = sal
    return Kpis(
        target_leads=target_leads,
        rates=used,
        inside_sales=inside_sales,
        required=required,
        expected=expected,
    )


def _rates_source(kpis: Kpis, lang: str) -> str:
    sources = []
    for rate in kpis.rates.values():
        if rate.source not in sources:
            sources.append(rate.source)
    return " / ".join(sources)


def _scoring_missing(lead_base, target_leads, ma_in_use, mql_agreed, lang) -> str:
    parts = []
    if lead_base != "comfortable":
        parts.append(
            t("diagnosis.scoring_missing.volume", lang, target_leads=fmt_number(target_leads))
        )
    if not ma_in_use:
        parts.append(t("diagnosis.scoring_missing.ma", lang))
    if not mql_agreed:
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


def _sharpen(facts: Facts, res: _Resolved, source: str, lang: str) -> list[str]:
    out = []
    if source == "facts":
        out.append(t("diagnosis.sharpen.upload_list", lang))
    if facts.goals.new_deals_per_year is None:
        out.append(t("diagnosis.sharpen.goal", lang))
    if facts.marketing.monthly_new_leads is None:
        out.append(t("diagnosis.sharpen.monthly_new_leads", lang))
    if facts.sales.headcount is None or facts.sales.opportunities_per_rep_month is None:
        out.append(t("diagnosis.sharpen.capacity", lang))
    if "sales.win_rate" in res.assumptions:
        out.append(t("diagnosis.sharpen.win_rate", lang))
    if "sales.sales_cycle_months" in res.assumptions:
        out.append(t("diagnosis.sharpen.sales_cycle", lang))
    if any(f"sales.ratings.{p}" in res.assumptions for p in PHASES):
        out.append(t("diagnosis.sharpen.ratings", lang))
    if (facts.sales.raters or 1) < 2:
        out.append(t("diagnosis.sharpen.team", lang))
    return out
