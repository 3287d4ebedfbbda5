"""The diagnosis as a consultant's short Markdown report (Japanese or English).

Order: headline numbers, warnings, inside-sales placement with reasons, initiatives
ranked with reasons and months to impact, roadmap, monthly KPIs with the rates and their
sources, assumptions with sources, and what would sharpen the result.
"""

from __future__ import annotations

from typing import Any

from engine.core.i18n import t
from engine.diagnosis.diagnose import Diagnosis, diagnose, fmt_count, fmt_number, fmt_pct
from engine.diagnosis.facts import Facts

STAGE_ORDER = ("new_leads", "mql", "isql", "sal", "sql", "won")


def to_markdown(diagnosis: Diagnosis, facts: Facts | None = None, lang: str | None = None) -> str:
    """The report in ``lang`` (the diagnosis' language by default). When ``lang`` differs
    from the diagnosis' and the facts are given, the diagnosis is redone in ``lang`` so
    headings and reasons never mix languages."""
    lang = "en" if (lang or diagnosis.lang) == "en" else "ja"
    if lang != diagnosis.lang and facts is not None:
        diagnosis = diagnose(facts, diagnosis.profile, lang)

    def r(key: str, **params: Any) -> str:
        return t(f"diagnosis.report.{key}", lang, **params)

    def label(kind: str, key: str) -> str:
        text = t(f"diagnosis.labels.{kind}.{key}", lang)
        return text[:1].upper() + text[1:]

    d = diagnosis
    profile_note = (
        r("profile_note", rows=fmt_number(d.profile["rows"])) if d.profile is not None else ""
    )
    out = [f"# {r('title')}", "", r("intro", profile_note=profile_note), ""]

    # headline
    first = d.initiatives[0]
    sp = d.sales_profile
    strength = t("diagnosis.labels.list_separator", lang).join(
        f"{label('phases', p)} {fmt_number(v)}" for p, v in sp.ratings.items()
    )
    if sp.strongest_phase:
        strength += f" — {r('strongest', phase=label('phases', sp.strongest_phase))}"
    else:
        strength += f" — {r('no_strongest')}"
    if sp.closing_heavy:
        strength += f" ({r('closing_heavy')})"
    out += [
        f"## {r('headline')}",
        "",
        f"- **{r('target_leads')}**: "
        + r(
            "target_leads_value",
            value=fmt_number(d.target_leads),
            source=label("target_sources", d.target_leads_source),
            lead_base=label("lead_bases", d.lead_base),
        ),
        f"- **{r('placement')}**: {label('placements', d.inside_sales.placement)}",
        f"- **{r('first_initiative')}**: "
        + r(
            "first_initiative_value",
            initiative=label("initiatives", first.id),
            months=first.months_to_impact,
        ),
        f"- **{r('sales_strength')}**: {strength}",
        "",
        d.lead_base_reason,
        "",
    ]

    if d.warnings:
        out += [f"## {r('warnings')}", ""]
        for w in d.warnings:
            out.append(f"- **{label('warnings', w.id)}**: {w.text}")
        out.append("")

    out += [f"## {r('placement_title')}: {label('placements', d.inside_sales.placement)}", ""]
    out += [f"- {reason}" for reason in d.inside_sales.reasons] + [""]

    out += [f"## {r('initiatives_title')}", ""]
    for i in d.initiatives:
        out += [
            "### "
            + r(
                "initiative_heading",
                rank=i.rank,
                initiative=label("initiatives", i.id),
                months=i.months_to_impact,
            ),
            "",
        ]
        out += [f"- {reason}" for reason in i.reasons] + [""]

    out += [f"## {r('roadmap_title')}", ""]
    for horizon, goals in d.roadmap.items():
        out += [f"### {label('horizons', horizon)}", ""]
        out += [f"- {goal.text}" for goal in goals] + [""]

    out += _kpi_section(d, r, label)
    out += _assumptions_section(d, r, lang)

    if d.sharpen:
        out += [f"## {r('sharpen_title')}", ""]
        out += [f"- {s}" for s in d.sharpen] + [""]

    out += ["---", "", r("footer", version=d.rules_version), ""]
    return "\n".join(out)


def _kpi_section(d: Diagnosis, r, label) -> list[str]:
    k = d.kpis
    out = [f"## {r('kpis_title')}", ""]
    if not k.required and not k.expected:
        return out + [r("kpis_none"), ""]
    cols = [r("kpi_stage")]
    if k.required:
        cols.append(r("kpi_required"))
    if k.expected:
        cols.append(r("kpi_expected"))
    out += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for stage in STAGE_ORDER:
        row = [label("stages", stage)]
        present = False
        for numbers in (k.required, k.expected):
            if numbers:
                value = numbers.get(stage)
                present = present or value is not None
                row.append(fmt_count(value) if value is not None else "—")
        if present:
            out.append("| " + " | ".join(row) + " |")
    out.append("")
    if (
        d.capacity.needed_opportunities_per_month is not None
        and d.capacity.capacity_per_month is not None
    ):
        out += [
            r(
                "capacity_line",
                needed=fmt_count(d.capacity.needed_opportunities_per_month),
                capacity=fmt_number(d.capacity.capacity_per_month),
            ),
            "",
        ]
    out += [
        f"| {r('kpi_rate')} | % | {r('kpi_source')} |",
        "|---|---|---|",
    ]
    for rate in k.rates.values():
        source = rate.source
        if rate.range:
            source += f" ({rate.range}; {rate.reliability})"
        out.append(f"| {rate.label} | {fmt_pct(rate.value)} | {source} |")
    out.append("")
    return out


def _assumptions_section(d: Diagnosis, r, lang: str) -> list[str]:
    out = [f"## {r('assumptions_title')}", ""]
    if not d.assumptions:
        return out + [r("assumptions_none"), ""]
    for a in d.assumptions:
        name = t(f"diagnosis.labels.facts.{a.path}", lang)
        line = f"- **{name}** = {_show(a.path, a.value, lang)} — {a.reason}"
        if a.source:
            line += f" ({a.source})"
        out.append(line)
    out.append("")
    return out


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
