"""The results page's panels, drawn from the one Diagnosis model (and the profile's
counts): the conclusion card first, the detail below, "improve accuracy" last."""

from __future__ import annotations

import streamlit as st

from engine.diagnosis.diagnose import Diagnosis
from engine.reports import charts
from ui.components import draw_chart
from ui.conclusion import conclusion
from ui.i18n import lang, tr


def conclusion_card(diagnosis: Diagnosis) -> None:
    """The answer in four lines, readable on a phone's first screen."""
    card = conclusion(diagnosis, lang())
    with st.container(border=True, key="conclusion"):
        st.markdown(f"**{card.title}**")
        for line in card.lines:
            with st.container(key=f"conclusion_{line.key}", gap=None):
                st.caption(line.label)
                st.markdown(f"**{line.value}**")
                if line.detail:
                    st.caption(line.detail)


def lead_base(diagnosis: Diagnosis, profile) -> None:
    """The target-lead figure, its verdict and (with a list) the list's composition."""
    st.subheader(tr("app.results.lead_base_title"))
    source = "profile" if diagnosis.target_leads_source == "profile" else "facts"
    with st.container(horizontal=True, key="results_metrics"):
        st.metric(
            tr("app.results.target_leads"),
            f"{diagnosis.target_leads:,}",
            help=tr(f"app.results.source_{source}"),
            width="content",
        )
        st.metric(
            tr("app.results.lead_base"),
            tr(f"journey.verdict.{diagnosis.lead_base}"),
            help=tr(f"app.lead_base.{diagnosis.lead_base}"),
            width="content",
        )
        if profile is not None:
            st.metric(tr("app.leads.total_rows"), f"{profile.rows:,}", width="content")
    st.caption(tr(f"app.results.source_{source}"))
    if diagnosis.lead_base_reason:
        st.write(diagnosis.lead_base_reason)
    if profile is not None and source == "profile":
        categories = dict(profile.categories)
        draw_chart(charts.composition_chart(categories, lang()))


def sales(diagnosis: Diagnosis) -> None:
    """The ratings the diagnosis used — the user's, or the middle value it assumed (said
    so) — so the chart always equals what the sliders show."""
    ratings = dict(diagnosis.sales_profile.ratings)
    st.subheader(tr("app.results.sales_title"))
    draw_chart(charts.sales_profile_chart(ratings, lang()))
    assumed = [p for p in ratings if f"sales.ratings.{p}" in diagnosis.assumed]
    if assumed:
        names = tr("journey.list_sep").join(tr(f"app.phases.{p}") for p in assumed)
        st.caption(tr("journey.results.ratings_assumed", phases=names))


def placement(diagnosis: Diagnosis, profile) -> None:
    st.subheader(tr("app.results.placement_title"))
    st.markdown(f"**{tr(f'app.placements.{diagnosis.inside_sales.placement}')}**")
    for reason in diagnosis.inside_sales.reasons:
        st.markdown(f"- {reason}")
    chart = charts.placement_chart(diagnosis, profile, lang())
    if chart is not None:
        draw_chart(chart)
        rows = charts.placement_waterfall(diagnosis, profile, lang())["rows"]
        if any(r["highlight"] for r in rows):
            st.caption(tr("journey.results.is_stages"))


def initiatives(diagnosis: Diagnosis) -> None:
    st.subheader(tr("app.results.initiatives_title"))
    for item in sorted(diagnosis.initiatives, key=lambda i: i.rank):
        line = tr(
            "app.results.initiative_line",
            rank=item.rank,
            name=tr(f"app.initiatives.{item.id}"),
            months=item.months_to_impact,
        )
        with st.container(border=True, key=f"initiative_{item.id}"):
            st.markdown(f"**{line}**")
            for reason in item.reasons:
                st.markdown(f"- {reason}")


def warnings(diagnosis: Diagnosis) -> None:
    st.subheader(tr("app.results.warnings_title"))
    if not diagnosis.warnings:
        st.success(tr("app.results.no_warnings"))
    for warning in diagnosis.warnings:
        st.warning(warning.text or warning.id, icon=":material/warning:")


def capacity(diagnosis: Diagnosis) -> None:
    if not charts.capacity_data(diagnosis.plan, lang()):
        return
    st.subheader(tr("app.results.capacity_title"))
    draw_chart(charts.capacity_chart(diagnosis.plan, lang()))


def roadmap(diagnosis: Diagnosis) -> None:
    st.subheader(tr("app.results.roadmap_title"))
    draw_chart(charts.roadmap_chart(diagnosis.roadmap, lang()))
    cols = st.columns(4)
    for col, row in zip(cols, charts.roadmap_data(diagnosis.roadmap, lang()), strict=True):
        with col:
            st.markdown(f"**{row['label']}**")
            for goal in row["goals"]:
                st.markdown(f"- {goal}")


def assumptions(diagnosis: Diagnosis) -> None:
    if not diagnosis.assumptions:
        return
    with st.expander(tr("app.results.assumptions_title", count=len(diagnosis.assumptions))):
        for item in diagnosis.assumptions:
            source = f" ({item.source})" if item.source else ""
            st.markdown(f"- {item.reason}{source}")


def improve_accuracy(diagnosis: Diagnosis, profile) -> None:
    """What would sharpen the result, folded away below the answer."""
    lines = list(diagnosis.sharpen)
    if not lines and profile is None:
        lines.append(tr("app.results.sharpen_leads"))
    if not lines:
        return
    with st.expander(tr("app.results.sharpen_title"), icon=":material/tune:"):
        with st.container(key="sharpen"):
            for line in lines:
                st.markdown(f"- {line}")
