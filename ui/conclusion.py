"""The answer first: the results page's conclusion card, built from the diagnosis by one
small function; the goal's line is the funnel plan's verdict, the same as the report's.

No streamlit here: ``conclusion(diagnosis, lang)`` returns plain lines that the page (and
a test) read; ``ui.results_panels.conclusion_card`` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.i18n import t
from engine.diagnosis.diagnose import Diagnosis
from engine.reports.kpis import goal_details, goal_verdict


@dataclass(frozen=True)
class Line:
    """One line of the card: a label and the answer to it."""

    key: str  # placement, first_step, target_leads, goal
    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class Card:
    """The conclusion: four short lines a person reads before anything else."""

    title: str
    lines: tuple[Line, ...]


def _goal(diagnosis: Diagnosis, lang: str) -> Line:
    """The goal's feasibility as the report judges it (inflow and capacity, one verdict)."""
    label = t("journey.conclusion.goal", lang)
    verdict = goal_verdict(diagnosis.plan)
    if verdict is None:
        return Line("goal", label, t("journey.conclusion.goal_unknown", lang))
    value = t(f"diagnosis.report.goal_verdicts.{verdict}", lang)
    return Line("goal", label, value, goal_details(diagnosis.plan, lang))


def conclusion(diagnosis: Diagnosis, lang: str) -> Card:
    """The inside-sales placement, the first initiative, the target-lead figure with its
    verdict and whether the goal fits the sales team's capacity."""
    first = min(diagnosis.initiatives, key=lambda i: i.rank, default=None)
    source = "profile" if diagnosis.target_leads_source == "profile" else "facts"
    lines = [
        Line(
            "placement",
            t("journey.conclusion.placement", lang),
            t(f"app.placements.{diagnosis.inside_sales.placement}", lang),
        ),
        Line(
            "first_step",
            t("journey.conclusion.first_step", lang),
            t(f"app.initiatives.{first.id}", lang) if first else "—",
            t("journey.conclusion.months", lang, months=first.months_to_impact) if first else "",
        ),
        Line(
            "target_leads",
            t("journey.conclusion.target_leads", lang),
            t(
                "journey.conclusion.target_value",
                lang,
                count=f"{diagnosis.target_leads:,}",
                verdict=t(f"journey.verdict.{diagnosis.lead_base}", lang),
            ),
            t(f"app.results.source_{source}", lang),
        ),
        _goal(diagnosis, lang),
    ]
    return Card(t("journey.conclusion.title", lang), tuple(lines))
