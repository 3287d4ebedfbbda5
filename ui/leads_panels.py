"""The lead-list page's read-only panels (composition, details) and the notes every
page that shows a list's counts shares: the rows missing after a reload, a small or
partial list and the choice of which target figure the diagnosis uses."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.leads.models import ProfileSummary
from engine.reports import charts
from ui.components import draw_chart
from ui.i18n import lang, tr
from ui.state import corrections_count, rows_missing

# Below this many rows a list says little about the whole lead base.
SMALL_LIST_ROWS = 50
# A list holding less than this share of the lead count the user stated is partial.
PARTIAL_SHARE = 0.5


def _whole(value) -> str:
    return f"{int(value):,}"


def rows_missing_note() -> None:
    """After a reload the list's counts are kept, its rows are not: say so once."""
    if not rows_missing():
        return
    profile = st.session_state["profile_snapshot"]
    text = tr(
        "journey.rows_missing",
        rows=_whole(profile["rows"]),
        target=_whole(profile["categories"].get("target", 0)),
    )
    if corrections_count():
        text += " " + tr("journey.rows_missing_corrections", corrections=corrections_count())
    st.info(text, icon=":material/cloud_off:")


def small_list_reason(summary: ProfileSummary | None, facts) -> str | None:
    """``"small"`` (under 50 rows), ``"partial"`` (under half the stated lead count) or None."""
    if summary is None:
        return None
    rows = summary.rows
    stated = None if facts is None else facts.marketing.leads_total
    if stated and "marketing.leads_total" not in facts.assumed and rows < stated * PARTIAL_SHARE:
        return "partial"
    if rows < SMALL_LIST_ROWS:
        return "small"
    return None


def _choose_source() -> None:
    st.session_state["target_source"] = st.session_state["target_source_choice"]


def target_choice(summary: ProfileSummary | None, facts) -> None:
    """For a small or partial list: say so and let the user pick the figure the
    diagnosis uses (the list's target count, or the count they stated)."""
    reason = small_list_reason(summary, facts)
    if reason is None:
        if st.session_state.get("target_source") != "profile":
            st.session_state["target_source"] = "profile"
        return
    stated = facts.marketing.leads_total if facts is not None else None
    st.warning(
        tr(f"journey.small_list.{reason}", rows=_whole(summary.rows), stated=_whole(stated or 0)),
        icon=":material/info:",
    )
    if facts is None or (facts.marketing.target_leads is None and not stated):
        return
    target = summary.target_leads
    st.session_state["target_source_choice"] = st.session_state.get("target_source", "profile")
    st.radio(
        tr("journey.small_list.choose"),
        ["profile", "facts"],
        format_func=lambda s: tr(f"journey.small_list.use_{s}", target=_whole(target)),
        key="target_source_choice",
        on_change=_choose_source,
    )


def composition(profile) -> None:
    """Rows, target leads, their share and the category counts (whole numbers)."""
    categories = dict(profile["categories"] if isinstance(profile, dict) else profile.categories)
    rows = int(profile["rows"] if isinstance(profile, dict) else profile.rows)
    targets = int(categories.get("target", 0))
    st.subheader(tr("app.leads.composition_title"))
    with st.container(horizontal=True, key="lead_metrics"):
        st.metric(tr("app.leads.total_rows"), _whole(rows), width="content")
        st.metric(tr("app.leads.target_leads"), _whole(targets), width="content")
        share = targets / rows if rows else 0
        st.metric(tr("app.leads.target_share"), f"{share:.0%}", width="content")
        st.metric(tr("app.leads.not_target"), _whole(rows - targets), width="content")
    left, right = st.columns([3, 2])
    with left:
        draw_chart(charts.composition_chart(categories, lang()))
    with right:
        table = pd.DataFrame(
            [
                {
                    tr("app.leads.category_table"): r["label"],
                    tr("app.leads.count"): int(r["value"]),
                    tr("app.leads.share"): f"{r['share']:.1%}",
                }
                for r in charts.composition_data(categories, lang())
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch", key="category_counts")


def _lead_age(profile) -> None:
    st.subheader(tr("app.leads.lead_age_title"))
    lead_age = profile.lead_age
    if charts.lead_age_data(lead_age, lang()) and lead_age.source:
        draw_chart(charts.lead_age_chart(lead_age, lang()))
        if lead_age.median_months is not None:
            st.caption(
                tr(
                    "app.leads.lead_age_median",
                    months=f"{float(lead_age.median_months):.1f}",
                    column=", ".join(lead_age.source),
                )
            )
    else:
        st.caption(tr("app.leads.lead_age_none"))


def details(profile) -> None:
    """Stages, lead age, completeness and the companies with most leads."""
    left, right = st.columns(2)
    with left:
        st.subheader(tr("app.leads.waterfall_title"))
        if any(profile.stages.values()):
            chart = charts.waterfall_chart(dict(profile.stages), None, lang())
            draw_chart(chart)
        else:  # a card export has no stage column: no chart of zeros
            st.caption(tr("journey.no_stages"))
    with right:
        _lead_age(profile)
    left, right = st.columns(2)
    with left:
        st.subheader(tr("app.leads.completeness_title"))
        if profile.completeness:
            table = pd.DataFrame(
                {
                    "field": [tr(f"app.fields.{f}") for f in profile.completeness],
                    "share": [float(v) for v in profile.completeness.values()],
                }
            )
            st.dataframe(
                table,
                hide_index=True,
                width="stretch",
                key="completeness",
                column_config={
                    "field": st.column_config.TextColumn(tr("journey.field")),
                    "share": st.column_config.ProgressColumn(
                        tr("journey.filled"), min_value=0.0, max_value=1.0, format="percent"
                    ),
                },
            )
    with right:
        st.subheader(tr("app.leads.top_accounts_title"))
        if profile.top_accounts:
            table = pd.DataFrame(
                [
                    {
                        tr("app.leads.company"): a.company or "—",
                        tr("app.leads.leads"): int(a.leads),
                        tr("app.leads.targets"): int(a.targets),
                    }
                    for a in profile.top_accounts[:10]
                ]
            )
            st.dataframe(table, hide_index=True, width="stretch", key="top_accounts")
