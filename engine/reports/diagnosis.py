"""The diagnosis as one :class:`~engine.reports.structure.Report`, built once from the
:class:`Diagnosis` (and the lead list's counts, when a list was used) and rendered by the
Markdown and the HTML flavours.

Order, the same in every flavour: the answer first (the conclusion: inside-sales placement,
first initiative, target leads with their verdict, the goal's feasibility from the plan),
then the reasons (warnings, the list's composition when a list was used, the placement
with the sales team's strength, initiatives ranked, roadmap, monthly KPIs with what each
rate rests on), then how to refine (assumptions with sources, what would sharpen the
result). The charts sit in the section whose numbers they draw; every number of the KPI
section is the plan's (:mod:`engine.reports.kpis`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.core.i18n import t
from engine.core.vocab import CATEGORIES, STAGES
from engine.diagnosis.diagnose import Diagnosis, fmt_count, fmt_number, fmt_pct
from engine.leads.models import ProfileSummary
from engine.reports import charts
from engine.reports.kpis import goal_feasibility, kpi_blocks
from engine.reports.structure import (
    Bullets,
    Chart,
    Column,
    Item,
    Metric,
    Metrics,
    Paragraph,
    Report,
    Section,
    Table,
)

if TYPE_CHECKING:
    from engine.leads.profile import LeadProfile


class _Words:
    """The report's texts in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def r(self, key: str, **params: Any) -> str:
        return t(f"diagnosis.report.{key}", self.lang, **params)

    def label(self, kind: str, key: str) -> str:
        text = t(f"diagnosis.labels.{kind}.{key}", self.lang)
        return text[:1].upper() + text[1:]


def _bullets(texts: list[str]) -> Bullets:
    return Bullets(tuple(Item(text) for text in texts))


def _bars(rows: list[dict], title: str = "", color: str = charts.ACCENT) -> Chart:
    return Chart("bars", tuple(rows), title, color)


def _headline(d: Diagnosis, profile: LeadProfile | ProfileSummary | None, w: _Words) -> Section:
    """The answer: placement, first initiative, target leads with the verdict, the goal."""
    first = min(d.initiatives, key=lambda i: i.rank)
    target = w.r(
        "target_leads_value",
        value=fmt_number(d.target_leads),
        source=t(f"diagnosis.labels.target_sources.{d.target_leads_source}", w.lang),
        lead_base=t(f"diagnosis.labels.lead_bases.{d.lead_base}", w.lang),
    )
    first_text = w.r(
        "first_initiative_value",
        initiative=w.label("initiatives", first.id),
        months=first.months_to_impact,
    )
    metrics = [
        Metric(
            w.r("target_leads"),
            fmt_number(d.target_leads),
            w.label("target_sources", d.target_leads_source),
            "target-leads",
        ),
        Metric(t("app.results.lead_base", w.lang), w.label("lead_bases", d.lead_base)),
    ]
    if profile is not None and profile.rows:
        metrics.append(
            Metric(t("app.leads.total_rows", w.lang), fmt_number(profile.rows), "", "total-rows")
        )
    goal = goal_feasibility(d.plan, w.lang) or w.r("goal_unknown")
    items = (
        Item(w.label("placements", d.inside_sales.placement), w.r("placement")),
        Item(first_text, w.r("first_initiative")),
        Item(target, w.r("target_leads")),
        Item(goal, w.r("goal")),
    )
    return Section(
        w.r("headline"), (Metrics(tuple(metrics)), Bullets(items), Paragraph(d.lead_base_reason))
    )


def _composition(profile: LeadProfile | ProfileSummary, w: _Words) -> Section:
    """The list's rows by category (counts and shares) and the target rows by stage."""
    counts = {c: int(profile.categories.get(c, 0) or 0) for c in CATEGORIES}
    total = sum(counts.values())
    share = (lambda n: fmt_pct(n / total)) if total else (lambda n: "—")
    rows = [(t(f"app.categories.{c}", w.lang), fmt_number(n), share(n)) for c, n in counts.items()]
    rows.append((w.r("total"), fmt_number(total), share(total)))
    columns = (Column(w.r("category")), Column(w.r("rows")), Column(w.r("share")))
    blocks: list = [
        Paragraph(
            w.r(
                "composition_lead",
                rows=fmt_number(total),
                target=fmt_number(counts["target"]),
                share=share(counts["target"]),
            )
        ),
        Table(columns, tuple(rows)),
        _bars(charts.composition_data(counts, w.lang), t("app.charts.composition", w.lang)),
    ]
    stages = {s: int(profile.stages.get(s, 0) or 0) for s in STAGES}
    if any(stages.values()):
        stage_rows = tuple((t(f"app.stages.{s}", w.lang), fmt_number(n)) for s, n in stages.items())
        blocks.append(Paragraph(w.r("stages_lead")))
        blocks.append(Table((Column(w.r("kpi_stage")), Column(w.r("rows"))), stage_rows))
    return Section(w.r("composition_title"), tuple(blocks))


def _strength(d: Diagnosis, w: _Words) -> str:
    sp = d.sales_profile
    strength = t("diagnosis.labels.list_separator", w.lang).join(
        f"{w.label('phases', p)} {fmt_number(v)}" for p, v in sp.ratings.items()
    )
    if sp.strongest_phase:
        strength += f" — {w.r('strongest', phase=w.label('phases', sp.strongest_phase))}"
    else:
        strength += f" — {w.r('no_strongest')}"
    if sp.closing_heavy:
        strength += f" ({w.r('closing_heavy')})"
    return strength


def _placement(d: Diagnosis, profile: LeadProfile | ProfileSummary | None, w: _Words) -> Section:
    waterfall = charts.placement_waterfall(d, profile, w.lang)
    reasons = (Item(text) for text in d.inside_sales.reasons)
    blocks: list = [
        Bullets((Item(_strength(d, w), w.r("sales_strength")), *reasons)),
        _bars(
            charts.sales_profile_data(d.sales_profile.ratings, w.lang),
            t("app.charts.sales_profile", w.lang),
        ),
    ]
    if waterfall["rows"]:
        blocks.append(_bars(waterfall["rows"], waterfall["title"], charts.IS_COLOR))
    heading = f"{w.r('placement_title')}: {w.label('placements', d.inside_sales.placement)}"
    return Section(heading, tuple(blocks))


def _initiatives(d: Diagnosis, w: _Words) -> Section:
    return Section(
        w.r("initiatives_title"),
        sections=tuple(
            Section(
                w.r(
                    "initiative_heading",
                    rank=i.rank,
                    initiative=w.label("initiatives", i.id),
                    months=i.months_to_impact,
                ),
                (_bullets(i.reasons),),
                level=3,
            )
            for i in sorted(d.initiatives, key=lambda i: i.rank)
        ),
    )


def _roadmap(d: Diagnosis, w: _Words) -> Section:
    return Section(
        w.r("roadmap_title"),
        (Chart("timeline", tuple(charts.roadmap_data(d.roadmap, w.lang))),),
        tuple(
            Section(w.label("horizons", horizon), (_bullets([g.text for g in goals]),), level=3)
            for horizon, goals in d.roadmap.items()
        ),
    )


def _kpis(d: Diagnosis, w: _Words) -> Section:
    """The plan's monthly flow, capacity and rates (see :mod:`engine.reports.kpis`)."""
    blocks = list(kpi_blocks(d.plan, w.lang))
    p = d.plan
    if p.per_month.required is not None and p.capacity_per_month is not None:
        line = w.r(
            "capacity_line",
            needed=fmt_count(p.per_month.required.sql),
            capacity=fmt_count(p.capacity_per_month),
        )
        blocks.append(Paragraph(line))
        blocks.append(
            _bars(charts.capacity_data(p, w.lang), t("app.charts.capacity", w.lang), "#c92a2a")
        )
    return Section(w.r("kpis_title"), tuple(blocks))


def _assumptions(d: Diagnosis, w: _Words) -> Section:
    if not d.assumptions:
        return Section(w.r("assumptions_title"), (Paragraph(w.r("assumptions_none")),))
    items = []
    for a in d.assumptions:
        reason = a.reason
        if a.source:
            # the source inside the sentence it supports, before its full stop
            stop = reason[-1:] if reason[-1:] in ("。", ".") else ""
            reason = f"{reason.removesuffix(stop)} ({a.source}){stop}"
        text = f"{_show(a.path, a.value, w.lang)} — {reason}"
        items.append(Item(text, t(f"diagnosis.labels.facts.{a.path}", w.lang), " = "))
    return Section(w.r("assumptions_title"), (Bullets(tuple(items)),))


def build_report(
    diagnosis: Diagnosis, profile: LeadProfile | ProfileSummary | None = None
) -> Report:
    """The diagnosis report in the diagnosis' language. ``profile`` (the list's counts) adds
    the composition chart; without it the counts the diagnosis used are taken."""
    d = diagnosis
    w = _Words("en" if d.lang == "en" else "ja")
    if profile is None and d.profile is not None:
        profile = ProfileSummary.from_data(d.profile)
    profile_note = (
        w.r("profile_note", rows=fmt_number(d.profile["rows"])) if d.profile is not None else ""
    )
    sections = [_headline(d, profile, w)]
    if d.warnings:
        items = tuple(Item(x.text, w.label("warnings", x.id)) for x in d.warnings)
        sections.append(Section(w.r("warnings"), (Bullets(items),)))
    if profile is not None and profile.rows:
        sections.append(_composition(profile, w))
    sections += [
        _placement(d, profile, w),
        _initiatives(d, w),
        _roadmap(d, w),
        _kpis(d, w),
        _assumptions(d, w),
    ]
    if d.sharpen:
        sections.append(Section(w.r("sharpen_title"), (_bullets(d.sharpen),)))
    return Report(
        lang=w.lang,
        title=w.r("title"),
        intro=(Paragraph(w.r("intro", profile_note=profile_note)),),
        sections=tuple(sections),
        footer=(w.r("footer", version=d.rules_version),),
    )


def _show(path: str, value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return t(f"diagnosis.labels.{'yes' if value else 'no'}", lang)
    if path == "sales.style" and isinstance(value, str):
        return t(f"diagnosis.labels.styles.{value}", lang)
    if (
        isinstance(value, float)
        and 0 < value <= 1
        and (path.startswith("marketing.conversion_rates") or path == "sales.win_rate")
    ):
        return fmt_pct(value)
    if isinstance(value, int | float):
        return fmt_number(value)
    return str(value)
