"""Charts shared by the pages (Altair) and the HTML reports (the same data as SVG or CSS bars).

Each chart has a ``*_data`` (or ``*_rows``) function returning plain rows (label, value,
highlight), so the page and the printed report always show the same numbers. The functions
take the engine's typed models (``Diagnosis``, ``LeadProfile`` or ``ProfileSummary``,
``TeamResult``); a dict from outside is validated into one where it enters.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from engine.core.i18n import t
from engine.core.vocab import CATEGORIES, INSIDE_SALES_STAGES, PHASES, WATERFALL_STAGES
from engine.team.models import ROLES, TeamResult

if TYPE_CHECKING:  # the models only type the signatures; Altair loads when a chart is drawn
    import altair as alt

    from engine.diagnosis.diagnose import Diagnosis
    from engine.diagnosis.model import RoadmapItem
    from engine.diagnosis.plan import Flow, Plan
    from engine.leads.models import ProfileSummary
    from engine.leads.profile import LeadAge, LeadProfile

ROADMAP_MONTHS = {"1m": 1, "3m": 3, "1y": 12, "2y": 24}

ACCENT = "#1f6feb"
MUTED = "#9aa4b2"
IS_COLOR = "#e8590c"


ROLE_COLORS = {
    "marketing": "#e4572e",
    "inside_sales": "#f3a712",
    "sales": "#29335c",
    "management": "#669bbc",
}


# ---- data ----


def composition_data(categories: dict[str, int], lang: str = "ja") -> list[dict]:
    """One row per category in the profile's order: target first, then what is not."""
    total = sum(int(categories.get(c, 0)) for c in CATEGORIES) or 1
    return [
        {
            "key": c,
            "label": t(f"app.categories.{c}", lang),
            "value": int(categories.get(c, 0)),
            "share": int(categories.get(c, 0)) / total,
            "highlight": c == "target",
        }
        for c in CATEGORIES
    ]


def waterfall_data(
    stages: dict[str, int], placement: str | None = None, lang: str = "ja"
) -> list[dict]:
    """MQL → ISAL → ISQL → SAL → SQL; the inside-sales stages flagged when inside
    sales is placed (any placement but ``not_yet``)."""
    is_placed = bool(placement) and placement != "not_yet"
    return [
        {
            "key": s,
            "label": t(f"app.stages.{s}", lang),
            "value": int(stages.get(s, 0) or 0),
            "highlight": is_placed and s in INSIDE_SALES_STAGES,
        }
        for s in WATERFALL_STAGES
    ]


def _monthly_count(value: float) -> float:
    """A monthly count as the texts and the KPI table write it (``fmt_count``): whole,
    rounded up, from 10 on, else one decimal, so a bar's label and the sentence agree."""
    v = float(value)
    return math.ceil(v - 1e-9) if v >= 10 else round(v, 1)


def flow_stages(flow: Flow | None, placed: bool) -> dict[str, float] | None:
    """A plan's monthly flow by the list's stage names; with inside sales placed the
    ISQLs it hands over stand where SAL does (the plan counts them as one step)."""
    if flow is None:
        return None
    out = {"mql": flow.mql, "sal": flow.sal, "sql": flow.sql}
    if placed:
        out["isql"] = flow.sal
    return out


def placement_waterfall(
    diagnosis: Diagnosis, profile: LeadProfile | ProfileSummary | None = None, lang: str = "ja"
) -> dict:
    """The waterfall the results page and the report draw the inside-sales placement on:
    the monthly numbers the goal needs at each stage (from the plan), else the numbers
    today's inflow reaches, else the uploaded list's stage counts. Returns
    ``{"rows": [...], "title": str}``; stages the source does not give are left out."""
    placement = diagnosis.inside_sales.placement
    plan = diagnosis.plan
    placed = plan.headcount.basis != "not_placed"
    for kind, title in (("required", "waterfall_required"), ("reachable", "waterfall_expected")):
        numbers = flow_stages(getattr(plan.per_month, kind), placed)
        if numbers:
            rows = [r for r in waterfall_data(numbers, placement, lang) if r["key"] in numbers]
            for r in rows:
                r["value"] = _monthly_count(numbers[r["key"]])
            return {"rows": rows, "title": t(f"app.charts.{title}", lang)}
    stages = profile.stages if profile is not None else {}
    if any(stages.get(s) for s in WATERFALL_STAGES):
        return {
            "rows": waterfall_data(stages, placement, lang),
            "title": t("app.charts.waterfall", lang),
        }
    return {"rows": [], "title": ""}


def sales_profile_data(ratings: dict[str, float], lang: str = "ja") -> list[dict]:
    """The four funnel phases with their 1–5 rating (a team's mean keeps its decimal); the
    strongest flagged."""
    values = {p: float(ratings.get(p, 0) or 0) for p in PHASES}
    top = max(values.values()) if values else 0
    return [
        {
            "key": p,
            "label": t(f"app.phases.{p}", lang),
            "value": values[p],
            "highlight": values[p] == top and top > 0,
        }
        for p in PHASES
    ]


def capacity_data(plan: Plan | None, lang: str = "ja") -> list[dict]:
    """Opportunities per month the team can handle vs what the goal needs (the plan's
    required SQL a month)."""
    if plan is None:
        return []
    have = plan.capacity_per_month
    need = plan.per_month.required.sql if plan.per_month.required is not None else None
    rows = []
    if have is not None:
        rows.append(
            {
                "key": "capacity",
                "label": t("app.charts.capacity_have", lang),
                "value": _monthly_count(have),
                "highlight": False,
            }
        )
    if need is not None:
        over = plan.capacity_exceeded
        rows.append(
            {
                "key": "needed",
                "label": t("app.charts.capacity_need", lang),
                "value": _monthly_count(need),
                "highlight": over,
            }
        )
    return rows


def lead_age_data(lead_age: LeadAge | None, lang: str = "ja") -> list[dict]:
    """Target leads by months since the last touch, in the profile's bucket order."""
    buckets = lead_age.buckets if lead_age is not None else {}
    return [
        # the bucket named in the reader's language ("3か月未満", not "<3m")
        {
            "key": k,
            "label": t(f"app.age_buckets.{k}", lang),
            "value": int(v or 0),
            "highlight": False,
        }
        for k, v in buckets.items()
    ]


def roadmap_data(roadmap: dict[str, list[RoadmapItem]], lang: str = "ja") -> list[dict]:
    """One row per horizon (1m, 3m, 1y, 2y) with its month and goals."""
    return [
        {
            "key": h,
            "label": t(f"app.horizons.{h}", lang),
            "month": m,
            "goals": [item.text for item in (roadmap or {}).get(h, [])],
        }
        for h, m in ROADMAP_MONTHS.items()
    ]


def team_chart_rows(result: TeamResult, lang: str = "ja") -> list[dict]:
    """One row per (phase, role) with the role's mean: the data of :func:`team_chart` and
    of the team report's bars."""
    return [
        {
            "phase": t(f"team.phase.{phase}", lang),
            "phase_order": p_index,
            "role": t(f"team.role.{role}", lang),
            "role_order": r_index,
            "mean": round(result.role_means[role][phase], 2),
            "color": ROLE_COLORS[role],
        }
        for p_index, phase in enumerate(PHASES)
        for r_index, role in enumerate(ROLES)
        if role in result.role_means
    ]


# ---- Altair ----


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec as the page draws it: not validated against the schema
    on the way (about 30 ms a chart, five charts a results-page rerun; every chart is
    validated by tests/test_chart_specs.py instead), and without Altair's default theme
    (its fixed 300-pixel view: the page sizes charts, as Streamlit's own conversion
    leaves it out too)."""
    spec = chart.to_dict(validate=False)
    if spec.get("config") == {"view": {"continuousWidth": 300, "continuousHeight": 300}}:
        del spec["config"]
    return spec


def _altair():
    """Altair, with its validation of every object as it is built switched off (each
    channel, mark and layer was validated again as the chart grew); the whole spec of
    every chart is validated by tests/test_chart_specs.py."""
    import altair as alt

    alt.utils.schemapi.disable_debug_mode()
    return alt


def _bars(
    rows: list[dict],
    title: str,
    x_title: str,
    color: str = ACCENT,
    domain: tuple[float, float] | None = None,
) -> alt.Chart:
    import pandas as pd

    alt = _altair()

    df = pd.DataFrame(rows or [{"label": "", "value": 0, "highlight": False}])
    order = list(df["label"])
    scale = alt.Scale(domain=list(domain)) if domain else alt.Undefined
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(
            "label:N", sort=order, title=None, axis=alt.Axis(labelLimit=160, labelOverlap=False)
        ),
        x=alt.X("value:Q", title=x_title, scale=scale, axis=alt.Axis(tickCount=5)),
    )
    bars = base.mark_bar().encode(
        color=alt.condition(alt.datum.highlight, alt.value(color), alt.value(MUTED)),
        tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("value:Q", title=x_title)],
    )
    text = base.mark_text(align="left", dx=3).encode(text=alt.Text("value:Q", format=",.4~f"))
    return (bars + text).properties(height=alt.Step(28))


def composition_chart(categories: dict[str, int], lang: str = "ja") -> alt.Chart:
    """Target leads vs each other category (rows of the uploaded list)."""
    return _bars(
        composition_data(categories, lang),
        t("app.charts.composition", lang),
        t("app.charts.rows", lang),
    )


def waterfall_chart(
    stages: dict[str, int], placement: str | None = None, lang: str = "ja"
) -> alt.Chart:
    """The stage waterfall of target leads, inside-sales stages in their own colour."""
    return _bars(
        waterfall_data(stages, placement, lang),
        t("app.charts.waterfall", lang),
        t("app.charts.leads", lang),
        color=IS_COLOR,
    )


def sales_profile_chart(ratings: dict[str, float], lang: str = "ja") -> alt.Chart:
    """The sales team's strength per funnel phase (1 weak .. 5 strong)."""
    return _bars(
        sales_profile_data(ratings, lang),
        t("app.charts.sales_profile", lang),
        t("app.charts.rating", lang),
        domain=(0, 5),
    )


def placement_chart(
    diagnosis: Diagnosis, profile: LeadProfile | ProfileSummary | None = None, lang: str = "ja"
) -> alt.Chart | None:
    """The inside-sales placement on the waterfall (see :func:`placement_waterfall`)."""
    data = placement_waterfall(diagnosis, profile, lang)
    if not data["rows"]:
        return None
    return _bars(data["rows"], data["title"], t("app.charts.leads", lang), color=IS_COLOR)


def capacity_chart(plan: Plan | None, lang: str = "ja") -> alt.Chart:
    """Monthly opportunities the team can work vs what the yearly goal needs."""
    return _bars(
        capacity_data(plan, lang),
        t("app.charts.capacity", lang),
        t("app.charts.per_month", lang),
        color="#c92a2a",
    )


def lead_age_chart(lead_age: LeadAge | None, lang: str = "ja") -> alt.Chart:
    """Target leads by months since their last touch."""
    return _bars(
        lead_age_data(lead_age, lang),
        t("app.charts.lead_age", lang),
        t("app.charts.leads", lang),
    )


def roadmap_chart(roadmap: dict[str, list[str]], lang: str = "ja") -> alt.Chart:
    """The roadmap as a timeline: one mark per horizon, labelled with its goal count."""
    import pandas as pd

    alt = _altair()

    rows = [
        {"label": r["label"], "month": r["month"], "goals": len(r["goals"])}
        for r in roadmap_data(roadmap, lang)
    ]
    df = pd.DataFrame(rows)
    scale = alt.Scale(type="sqrt", domain=[0, 25])
    x = alt.X("month:Q", scale=scale, title=t("app.charts.months", lang))
    line = alt.Chart(df).mark_rule(color=MUTED).encode(x=alt.X("min(month):Q", scale=scale))
    line = line.encode(x2="max(month):Q")
    points = (
        alt.Chart(df)
        .mark_circle(size=180, color=ACCENT)
        .encode(x=x, tooltip=["label:N", "goals:Q"])
    )
    labels = alt.Chart(df).mark_text(dy=-16, fontWeight="bold").encode(x=x, text="label:N")
    return (line + points + labels).properties(title=t("app.charts.roadmap", lang), height=90)


def team_chart(result: TeamResult, lang: str = "ja") -> alt.Chart:
    """Grouped bars: each phase with one bar per role side by side (marketing's view next
    to sales'), the 2-point disagreement visible at a glance."""
    import pandas as pd

    alt = _altair()

    rows = team_chart_rows(result, lang)
    data = pd.DataFrame(rows, columns=["phase", "phase_order", "role", "role_order", "mean"])
    phase_labels = [t(f"team.phase.{p}", lang) for p in PHASES]
    roles = [r for r in ROLES if r in result.role_means]
    role_labels = [t(f"team.role.{r}", lang) for r in roles]
    return (
        alt.Chart(data, title=t("team.chart.title", lang))
        .mark_bar()
        .encode(
            x=alt.X("phase:N", sort=phase_labels, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("role:N", sort=role_labels),
            y=alt.Y(
                "mean:Q",
                title=t("team.chart.axis_rating", lang),
                scale=alt.Scale(domain=[0, 5]),
            ),
            color=alt.Color(
                "role:N",
                sort=role_labels,
                title=t("team.chart.legend_role", lang),
                scale=alt.Scale(domain=role_labels, range=[ROLE_COLORS[r] for r in roles]),
            ),
            tooltip=[
                alt.Tooltip("phase:N", title=t("team.chart.axis_phase", lang)),
                alt.Tooltip("role:N", title=t("team.chart.legend_role", lang)),
                alt.Tooltip("mean:Q", title=t("team.chart.axis_rating", lang), format=".1f"),
            ],
        )
        .properties(height=300)
    )
