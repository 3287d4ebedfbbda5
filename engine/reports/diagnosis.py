"""The diagnosis as one :class:`~engine.reports.structure.Report`, built once from the
:class:`Diagnosis` (and the lead list's counts, when a list was used) and rendered by the
Markdown and the HTML flavours.

Order: headline numbers, warnings, inside-sales placement with reasons, initiatives ranked
with reasons and months to impact, roadmap, monthly KPIs with the rates and their sources,
assumptions with sources, and what would sharpen the result. The charts sit in the section
whose numbers they draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.core.i18n import t
from engine.diagnosis.diagnose import Diagnosis, fmt_count, fmt_number, fmt_pct
from engine.leads.models import ProfileSummary
from engine.reports import charts
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

STAGE_ORDER = ("new_leads", "mql", "isql", "sal", "sql", "won")


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
    first = d.initiatives[0]
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
    target = w.r(
        "target_leads_value",
        value=fmt_number(d.target_leads),
        source=w.label("target_sources", d.target_leads_source),
        lead_base=w.label("lead_bases", d.lead_base),
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
    visuals: list[Chart | Metrics] = []
    if profile is not None and profile.rows:
        metrics.append(
            Metric(t("app.leads.total_rows", w.lang), fmt_number(profile.rows), "", "total-rows")
        )
        visuals.append(
            _bars(
                charts.composition_data(profile.categories, w.lang),
                t("app.charts.composition", w.lang),
            )
        )
    visuals.append(
        _bars(charts.sales_profile_data(sp.ratings, w.lang), t("app.charts.sales_profile", w.lang))
    )
    items = (
        Item(target, w.r("target_leads")),
        Item(w.label("placements", d.inside_sales.placement), w.r("placement")),
        Item(first_text, w.r("first_initiative")),
        Item(strength, w.r("sales_strength")),
    )
    return Section(
        w.r("headline"),
        (Metrics(tuple(metrics)), Bullets(items), Paragraph(d.lead_base_reason), *visuals),
    )


def _placement(d: Diagnosis, profile: LeadProfile | ProfileSummary | None, w: _Words) -> Section:
    waterfall = charts.placement_waterfall(d, profile, w.lang)
    blocks: list = [_bullets(d.inside_sales.reasons)]
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
    k = d.kpis
    if not k.required and not k.expected:
        return Section(w.r("kpis_title"), (Paragraph(w.r("kpis_none")),))
    columns = [Column(w.r("kpi_stage"))]
    columns += [Column(w.r("kpi_required"))] if k.required else []
    columns += [Column(w.r("kpi_expected"))] if k.expected else []
    rows = []
    for stage in STAGE_ORDER:
        values = [numbers.get(stage) for numbers in (k.required, k.expected) if numbers]
        if any(v is not None for v in values):
            cells = [fmt_count(v) if v is not None else "—" for v in values]
            rows.append((w.label("stages", stage), *cells))
    blocks: list = [Table(tuple(columns), tuple(rows))]
    cap = d.capacity
    if cap.needed_opportunities_per_month is not None and cap.capacity_per_month is not None:
        line = w.r(
            "capacity_line",
            needed=fmt_count(cap.needed_opportunities_per_month),
            capacity=fmt_number(cap.capacity_per_month),
        )
        blocks.append(Paragraph(line))
        blocks.append(
            _bars(charts.capacity_data(cap, w.lang), t("app.charts.capacity", w.lang), "#c92a2a")
        )
    rates = []
    for rate in k.rates.values():
        source = rate.source
        if rate.range:
            source += f" ({rate.range}; {rate.reliability})"
        rates.append((rate.label, fmt_pct(rate.value), source))
    columns = (Column(w.r("kpi_rate")), Column("%"), Column(w.r("kpi_source")))
    blocks.append(Table(columns, tuple(rates)))
    return Section(w.r("kpis_title"), tuple(blocks))


def _assumptions(d: Diagnosis, w: _Words) -> Section:
    if not d.assumptions:
        return Section(w.r("assumptions_title"), (Paragraph(w.r("assumptions_none")),))
    items = []
    for a in d.assumptions:
        text = f"{_show(a.path, a.value, w.lang)} — {a.reason}"
        if a.source:
            text += f" ({a.source})"
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
