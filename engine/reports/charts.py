"""Charts shared by the pages (Altair) and the HTML report (the same data as SVG bars).

Each chart has a ``*_data`` function returning plain rows (label, value, highlight), so
the page and the printed report always show the same numbers.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from engine.core.i18n import t
from engine.core.vocab import CATEGORIES, INSIDE_SALES_STAGES, PHASES, WATERFALL_STAGES

ROADMAP_MONTHS = {"1m": 1, "3m": 3, "1y": 12, "2y": 24}

ACCENT = "#1f6feb"
MUTED = "#9aa4b2"
IS_COLOR = "#e8590c"


def field(obj: Any, key: str, default: Any = None) -> Any:
    """A field of a pydantic model or a dict (the engine hands either)."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


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


def placement_waterfall(diagnosis: Any, profile: Any = None, lang: str = "ja") -> dict:
    """The waterfall the results page and the report draw the inside-sales placement on:
    the monthly numbers the goal needs at each stage (from the diagnosis KPIs), else the
    numbers expected from today's inflow, else the uploaded list's stage counts. Returns
    ``{"rows": [...], "title": str}``; stages the source does not give are left out."""
    placement = field(field(diagnosis, "inside_sales"), "placement")
    kpis = field(diagnosis, "kpis")
    for kind, title in (("required", "waterfall_required"), ("expected", "waterfall_expected")):
        numbers = field(kpis, kind)
        if numbers:
            rows = [
                r
                for r in waterfall_data(numbers, placement, lang)
                if r["key"] in numbers and numbers[r["key"]] is not None
            ]
            for r in rows:
                r["value"] = round(float(numbers[r["key"]]), 1)
            return {"rows": rows, "title": t(f"app.charts.{title}", lang)}
    stages = field(profile, "stages") or {}
    if any(stages.get(s) for s in WATERFALL_STAGES):
        return {
            "rows": waterfall_data(stages, placement, lang),
            "title": t("app.charts.waterfall", lang),
        }
    return {"rows": [], "title": ""}


def sales_profile_data(ratings: dict[str, int], lang: str = "ja") -> list[dict]:
    """The four funnel phases with their 1–5 rating; the strongest flagged."""
    values = {p: int(ratings.get(p, 0) or 0) for p in PHASES}
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


def capacity_data(capacity: Any, lang: str = "ja") -> list[dict]:
    """Opportunities per month the team can handle vs what the goal needs."""
    have = field(capacity, "capacity_per_month")
    need = field(capacity, "needed_opportunities_per_month")
    rows = []
    if have is not None:
        rows.append(
            {
                "key": "capacity",
                "label": t("app.charts.capacity_have", lang),
                "value": float(have),
                "highlight": False,
            }
        )
    if need is not None:
        over = have is not None and float(need) > float(have)
        rows.append(
            {
                "key": "needed",
                "label": t("app.charts.capacity_need", lang),
                "value": float(need),
                "highlight": over,
            }
        )
    return rows


def lead_age_data(lead_age: Any, lang: str = "ja") -> list[dict]:
    """Target leads by months since the last touch, in the profile's bucket order."""
    buckets = field(lead_age, "buckets") or {}
    if isinstance(buckets, list):
        items = [(field(b, "label") or field(b, "bucket"), field(b, "count", 0)) for b in buckets]
    else:
        items = list(buckets.items())
    return [
        {"key": str(k), "label": str(k), "value": int(v or 0), "highlight": False} for k, v in items
    ]


def roadmap_data(roadmap: dict[str, list[str]], lang: str = "ja") -> list[dict]:
    """One row per horizon (1m, 3m, 1y, 2y) with its month and goals."""
    return [
        {
            "key": h,
            "label": t(f"app.horizons.{h}", lang),
            "month": m,
            # roadmap items are {text, kpi} objects; older callers hand plain strings
            "goals": [field(g, "text", g) for g in (roadmap or {}).get(h, [])],
        }
        for h, m in ROADMAP_MONTHS.items()
    ]


# ---- Altair ----


def _bars(
    rows: list[dict],
    title: str,
    x_title: str,
    color: str = ACCENT,
    domain: tuple[float, float] | None = None,
) -> alt.Chart:
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


def sales_profile_chart(ratings: dict[str, int], lang: str = "ja") -> alt.Chart:
    """The sales team's strength per funnel phase (1 weak .. 5 strong)."""
    return _bars(
        sales_profile_data(ratings, lang),
        t("app.charts.sales_profile", lang),
        t("app.charts.rating", lang),
        domain=(0, 5),
    )


def placement_chart(diagnosis: Any, profile: Any = None, lang: str = "ja") -> alt.Chart | None:
    """The inside-sales placement on the waterfall (see :func:`placement_waterfall`)."""
    data = placement_waterfall(diagnosis, profile, lang)
    if not data["rows"]:
        return None
    return _bars(data["rows"], data["title"], t("app.charts.leads", lang), color=IS_COLOR)


def capacity_chart(capacity: Any, lang: str = "ja") -> alt.Chart:
    """Monthly opportunities the team can work vs what the yearly goal needs."""
    return _bars(
        capacity_data(capacity, lang),
        t("app.charts.capacity", lang),
        t("app.charts.per_month", lang),
        color="#c92a2a",
    )


def lead_age_chart(lead_age: Any, lang: str = "ja") -> alt.Chart:
    """Target leads by months since their last touch."""
    return _bars(
        lead_age_data(lead_age, lang),
        t("app.charts.lead_age", lang),
        t("app.charts.leads", lang),
    )


def roadmap_chart(roadmap: dict[str, list[str]], lang: str = "ja") -> alt.Chart:
    """The roadmap as a timeline: one mark per horizon, labelled with its goal count."""
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
