"""The diagnosis as one self-contained HTML page that prints cleanly on A4.

No external URL, script or font: the charts are inline SVG drawn from the same data
functions as the app's Altair charts (``engine.reports.charts``), and every text the user gave is
escaped, so the file can be mailed and opened anywhere.
"""

from __future__ import annotations

import math
from datetime import date
from html import escape
from typing import Any

from engine.core.i18n import t
from engine.reports import charts
from engine.reports.charts import field

FONT = "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo',sans-serif"

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: __FONT__; color: #1b1f24; margin: 0 auto; max-width: 186mm;
       font-size: 10.5pt; line-height: 1.55; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #d0d7de; padding-bottom: 1mm; }
.meta { color: #57606a; font-size: 9pt; }
.kpis { display: flex; flex-wrap: wrap; gap: 4mm; margin: 3mm 0; }
.kpi { border: 1px solid #d0d7de; border-radius: 2mm; padding: 2mm 4mm; min-width: 40mm; }
.kpi .label { color: #57606a; font-size: 8.5pt; }
.kpi .value { font-size: 16pt; font-weight: bold; }
.warning { border-left: 3px solid #c92a2a; background: #fff5f5; padding: 2mm 3mm; margin: 2mm 0; }
ol, ul { margin: 1mm 0 1mm 6mm; padding-left: 3mm; }
.roadmap { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; }
.roadmap div { border-top: 3px solid #1f6feb; padding-top: 1mm; }
section { break-inside: avoid; page-break-inside: avoid; }
svg { max-width: 100%; height: auto; }
footer { margin-top: 8mm; color: #57606a; font-size: 8.5pt; }
@media print { a { color: inherit; text-decoration: none; } }
""".replace("__FONT__", FONT)


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def bars_svg(rows: list[dict], color: str = charts.ACCENT, width: int = 640) -> str:
    """Horizontal bars (label, value, highlight) as inline SVG with values printed."""
    if not rows:
        return ""
    bar_h, gap, label_w, value_w = 20, 8, 170, 70
    height = len(rows) * (bar_h + gap) + gap
    top = max((float(r["value"]) for r in rows), default=0.0) or 1.0
    span = width - label_w - value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{escape(FONT)}" font-size="12">'
    ]
    for i, row in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(0.0, float(row["value"]) / top * span)
        fill = color if row.get("highlight") else charts.MUTED
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.72:.1f}" text-anchor="end">'
            f"{escape(str(row['label']))}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{fill}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.72:.1f}">'
            f"{escape(_num(row['value']))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def timeline_svg(roadmap: dict[str, list[str]], lang: str, width: int = 640) -> str:
    """The 1m / 3m / 1y / 2y horizons on a time axis (square-root scale, so the first
    months get room), each labelled with its number of goals."""
    rows = charts.roadmap_data(roadmap, lang)
    left, right, y = 40, width - 40, 40
    span = right - left
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="80" '
        f'viewBox="0 0 {width} 80" role="img" font-family="{escape(FONT)}" font-size="12">',
        f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="{charts.MUTED}" '
        'stroke-width="3"/>',
    ]
    for row in rows:
        x = left + math.sqrt(row["month"] / 24) * span
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y}" r="8" fill="{charts.ACCENT}"/>'
            f'<text x="{x:.1f}" y="{y - 14}" text-anchor="middle" font-weight="bold">'
            f"{escape(row['label'])}</text>"
            f'<text x="{x:.1f}" y="{y + 26}" text-anchor="middle">{len(row["goals"])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _text(value: Any) -> str:
    """A reason or goal as escaped text (the engine hands strings or {ja, en} dicts)."""
    return escape(str(value))


def to_html(diagnosis: Any, facts: Any = None, lang: str = "ja", profile: Any = None) -> str:
    """The printable report of one diagnosis (and the lead profile's counts, if any)."""

    def tt(key: str, **params: Any) -> str:
        return escape(t(key, lang, **params))

    target_leads = field(diagnosis, "target_leads")
    source = field(diagnosis, "target_leads_source")
    lead_base = field(diagnosis, "lead_base")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{tt('app.report.title')}</title><style>{CSS}</style></head><body>",
        f"<h1>{tt('app.report.title')}</h1>",
        f'<p class="meta">{tt("app.report.generated", date=date.today().isoformat())}</p>',
        f"<section><h2>{tt('app.results.lead_base_title')}</h2>",
        '<div class="kpis">',
        f'<div class="kpi"><div class="label">{tt("app.results.target_leads")}</div>'
        f'<div class="value" id="target-leads">{escape(_num(target_leads))}</div>'
        f'<div class="label">{tt("app.results.source_" + ("profile" if source == "profile" else "facts"))}</div></div>',
        f'<div class="kpi"><div class="label">{tt("app.results.lead_base")}</div>'
        f'<div class="value">{tt(f"app.lead_base.{lead_base}") if lead_base else "—"}</div></div>',
        "</div>",
    ]
    reason = field(diagnosis, "lead_base_reason")
    if reason:
        out.append(f"<p>{_text(reason)}</p>")
    categories = field(profile, "categories")
    if categories:
        rows = int(field(profile, "rows", 0) or 0)
        out.append(
            f'<p>{tt("app.leads.total_rows")}: <b id="total-rows">{rows:,}</b> · '
            f"{tt('app.leads.target_leads')}: <b>{int(categories.get('target', 0)):,}</b></p>"
        )
        out.append(bars_svg(charts.composition_data(categories, lang)))
    else:
        out.append(f"<p>{tt('app.report.no_profile')}</p>")
    out.append("</section>")

    ratings = field(field(facts, "sales"), "ratings")
    if hasattr(ratings, "model_dump"):
        ratings = ratings.model_dump()
    ratings = {k: v for k, v in dict(ratings or {}).items() if v is not None}
    if ratings:
        out.append(f"<section><h2>{tt('app.results.sales_title')}</h2>")
        out.append(bars_svg(charts.sales_profile_data(ratings, lang)))
        out.append("</section>")

    inside = field(diagnosis, "inside_sales")
    placement = field(inside, "placement")
    out.append(f"<section><h2>{tt('app.results.placement_title')}</h2>")
    if placement:
        out.append(f"<p><b>{tt(f'app.placements.{placement}')}</b></p>")
    out.append(_list(field(inside, "reasons") or [], "ul"))
    waterfall = charts.placement_waterfall(diagnosis, profile, lang)
    if waterfall["rows"]:
        out.append(f'<p class="meta">{escape(waterfall["title"])}</p>')
        out.append(bars_svg(waterfall["rows"], charts.IS_COLOR))
    out.append("</section>")

    out.append(f"<section><h2>{tt('app.results.initiatives_title')}</h2><ol>")
    for item in sorted(field(diagnosis, "initiatives") or [], key=lambda i: field(i, "rank", 9)):
        iid = field(item, "id")
        out.append(
            f"<li><b>{tt(f'app.initiatives.{iid}')}</b> — "
            f"{tt('app.results.initiative_line', rank=field(item, 'rank'), name=t(f'app.initiatives.{iid}', lang), months=field(item, 'months_to_impact'))}"
            f"{_list(field(item, 'reasons') or [], 'ul')}</li>"
        )
    out.append("</ol></section>")

    warnings = field(diagnosis, "warnings") or []
    out.append(f"<section><h2>{tt('app.results.warnings_title')}</h2>")
    if warnings:
        for w in warnings:
            out.append(f'<div class="warning">{_text(field(w, "text") or field(w, "id"))}</div>')
    else:
        out.append(f"<p>{tt('app.results.no_warnings')}</p>")
    out.append("</section>")

    capacity = field(diagnosis, "capacity")
    cap_rows = charts.capacity_data(capacity, lang) if capacity else []
    if cap_rows:
        out.append(f"<section><h2>{tt('app.results.capacity_title')}</h2>")
        out.append(bars_svg(cap_rows, "#c92a2a"))
        out.append("</section>")

    roadmap = field(diagnosis, "roadmap") or {}
    out.append(f"<section><h2>{tt('app.results.roadmap_title')}</h2>")
    out.append(timeline_svg(roadmap, lang))
    out.append('<div class="roadmap">')
    for row in charts.roadmap_data(roadmap, lang):
        out.append(f"<div><b>{escape(row['label'])}</b>{_list(row['goals'], 'ul')}</div>")
    out.append("</div></section>")

    assumptions = field(diagnosis, "assumptions") or []
    if assumptions:
        out.append(
            f"<section><h2>{tt('app.results.assumptions_title', count=len(assumptions))}</h2><ul>"
        )
        for item in assumptions:
            source = field(item, "source")
            tail = f" ({_text(source)})" if source else ""
            out.append(f"<li>{_text(field(item, 'reason'))}{tail}</li>")
        out.append("</ul></section>")
    else:
        assumed = field(diagnosis, "assumed") or []
        if assumed:
            fields = ", ".join(map(str, assumed))
            out.append(f'<p class="meta">{tt("app.results.assumed", fields=fields)}</p>')
    out.append(f"<footer>{tt('app.report.footer')}</footer></body></html>")
    return "\n".join(out)


def _list(items: list, tag: str) -> str:
    if not items:
        return ""
    return f"<{tag}>" + "".join(f"<li>{_text(i)}</li>" for i in items) + f"</{tag}>"
