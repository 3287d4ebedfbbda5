"""The answer first: the results page's conclusion card, built from the diagnosis by one
small function so the card can later quote the diagnosis's funnel plan instead.

No streamlit here: ``conclusion(diagnosis, lang)`` returns plain lines that the page (and
a test) read; ``ui.results_panels.conclusion_card`` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.i18n import t
from engine.diagnosis.diagnose import Diagnosis, fmt_count


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
    plan = diagnosis.plan
    label = t("journey.conclusion.goal", lang)
    if plan.per_month.required is None:
        return Line("goal", label, t("journey.conclusion.goal_unknown", lang))
    needed, have = plan.per_month.required.sql, plan.capacity_per_month
    if have is None:
        value = t("journey.conclusion.goal_needed", lang, needed=fmt_count(needed))
        return Line("goal", label, value, t("journey.conclusion.goal_no_capacity", lang))
    key = "goal_short" if plan.capacity_exceeded else "goal_ok"
    value = t(f"journey.conclusion.{key}", lang)
    detail = t(
        "journey.conclusion.goal_detail", lang, needed=fmt_count(needed), have=fmt_count(have)
    )
    return Line("goal", label, value, detail)


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
