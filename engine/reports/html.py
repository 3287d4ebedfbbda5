"""The HTML flavour of the reports: the diagnosis (a :class:`~engine.reports.structure.Report`)
and the team result (a :class:`~engine.reports.team.TeamReport`), each one self-contained
page that prints cleanly on A4.

Jinja2 templates (``engine/reports/templates``) with autoescape on: every value, the
user's text above all, is escaped by the template engine, never by hand. One stylesheet
(``report.css``) serves both reports. No external URL, script or font: the charts are
inline SVG (or CSS bars) drawn from the same data functions as the app's Altair charts
(:mod:`engine.reports.charts`), so the file can be mailed and opened anywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from engine.core.i18n import t
from engine.diagnosis.diagnose import diagnose
from engine.reports import charts
from engine.reports.diagnosis import build_report

if TYPE_CHECKING:
    from engine.diagnosis.diagnose import Diagnosis
    from engine.diagnosis.facts import Facts
    from engine.leads.models import ProfileSummary
    from engine.leads.profile import LeadProfile
    from engine.reports.structure import Report
    from engine.reports.team import TeamReport

TEMPLATES = Path(__file__).with_name("templates")
FONT = "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo',sans-serif"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def _num(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


@dataclass(frozen=True)
class _Bar:
    label: str
    value: str
    y: int
    text_y: str
    width: str
    value_x: str
    fill: str


@dataclass(frozen=True)
class BarsSvg:
    """The geometry of horizontal bars (label, value, highlight) drawn as inline SVG."""

    bars: tuple[_Bar, ...]
    width: int = 640
    height: int = 0
    label_x: int = 164
    bar_x: int = 170
    bar_height: int = 20


def bars_svg(rows: list[dict], color: str = charts.ACCENT, width: int = 640) -> BarsSvg:
    """Where each bar of ``rows`` (a ``charts.*_data`` result) goes, values printed."""
    bar_h, gap, label_w, value_w = 20, 8, 170, 70
    top = max((float(r["value"]) for r in rows), default=0.0) or 1.0
    span = width - label_w - value_w
    bars = []
    for i, row in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(0.0, float(row["value"]) / top * span)
        bars.append(
            _Bar(
                label=str(row["label"]),
                value=_num(row["value"]),
                y=y,
                text_y=f"{y + bar_h * 0.72:.1f}",
                width=f"{w:.1f}",
                value_x=f"{label_w + w + 4:.1f}",
                fill=color if row.get("highlight") else charts.MUTED,
            )
        )
    height = len(rows) * (bar_h + gap) + gap
    return BarsSvg(tuple(bars), width, height, label_w - 6, label_w, bar_h)


def timeline_svg(rows: list[dict] | tuple[dict, ...], width: int = 640) -> dict:
    """The 1m / 3m / 1y / 2y horizons (``charts.roadmap_data`` rows) on a time axis
    (square-root scale, so the first months get room), each labelled with its goal count."""
    left, right = 40, width - 40
    points = [
        {
            "x": f"{left + math.sqrt(row['month'] / 24) * (right - left):.1f}",
            "label": row["label"],
            "goals": len(row["goals"]),
        }
        for row in rows
    ]
    return {
        "width": width,
        "left": left,
        "right": right,
        "points": points,
        "color": charts.ACCENT,
        "line_color": charts.MUTED,
    }


def render_html(report: Report) -> str:
    """A report (:mod:`engine.reports.structure`) as one printable page: its text blocks,
    metric cards and charts as inline SVG."""
    return (
        _environment()
        .get_template("diagnosis.html.j2")
        .render(
            report=report,
            font=FONT,
            generated=t("app.report.generated", report.lang, date=date.today().isoformat()),
            privacy=t("app.report.footer", report.lang),
            svg_bars=lambda chart: bars_svg(list(chart.rows), chart.color or charts.ACCENT),
            svg_timeline=lambda chart: timeline_svg(chart.rows),
        )
    )


def to_html(
    diagnosis: Diagnosis,
    facts: Facts | None = None,
    lang: str = "ja",
    profile: LeadProfile | ProfileSummary | None = None,
) -> str:
    """The printable report of one diagnosis (and the lead list's counts, if any), in
    ``lang``: redone in ``lang`` from the facts when the diagnosis is in the other one."""
    lang = "en" if lang == "en" else "ja"
    if lang != diagnosis.lang and facts is not None:
        diagnosis = diagnose(facts, diagnosis.profile, lang)
    return render_html(build_report(diagnosis, profile))


def team_to_html(report: TeamReport) -> str:
    """The team report as one printable page: the result table, the role bars drawn in
    CSS, marketing vs sales and who answered."""
    return _environment().get_template("team.html.j2").render(report=report)
