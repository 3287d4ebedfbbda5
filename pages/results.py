"""Step 4: the diagnosis — lead base, sales strength, inside-sales placement,
initiatives, warnings, capacity, roadmap; downloads and a share link."""

from __future__ import annotations

import streamlit as st

from engine.core.errors import SenryokuError
from engine.diagnosis import share
from engine.reports import charts
from engine.reports import html as report_html
from engine.reports import markdown as report_md
from ui.components import show_error
from ui.consent import render_consent
from ui.i18n import lang, tr
from ui.peer import render_peer
from ui.state import (
    current_diagnosis,
    current_facts,
    current_lists,
    current_profile,
    current_questionnaire,
    ensure_routed,
)

ensure_routed()


def _get(obj, key, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _ratings(facts) -> dict:
    ratings = _get(_get(facts, "sales"), "ratings")
    if hasattr(ratings, "model_dump"):
        ratings = ratings.model_dump()
    return {k: v for k, v in dict(ratings or {}).items() if v is not None}


def _lead_base(diagnosis, profile) -> None:
    st.subheader(tr("app.results.lead_base_title"))
    target = _get(diagnosis, "target_leads")
    source = _get(diagnosis, "target_leads_source")
    lead_base = _get(diagnosis, "lead_base")
    with st.container(horizontal=True, key="results_metrics"):
        st.metric(
            tr("app.results.target_leads"),
            "—" if target is None else f"{int(target):,}",
            help=tr(
                "app.results.source_profile" if source == "profile" else "app.results.source_facts"
            ),
            width="content",
        )
        st.metric(
            tr("app.results.lead_base"),
            tr(f"app.lead_base.{lead_base}") if lead_base else "—",
            width="content",
        )
        if profile is not None:
            st.metric(
                tr("app.leads.total_rows"), f"{int(_get(profile, 'rows', 0)):,}", width="content"
            )
    st.caption(
        tr("app.results.source_profile" if source == "profile" else "app.results.source_facts")
    )
    reason = _get(diagnosis, "lead_base_reason")
    if reason:
        st.write(reason)
    if profile is not None:
        st.altair_chart(
            charts.composition_chart(dict(_get(profile, "categories") or {}), lang()),
            width="stretch",
        )


def _sales(facts) -> None:
    ratings = _ratings(facts)
    if not ratings:
        return
    st.subheader(tr("app.results.sales_title"))
    st.altair_chart(charts.sales_profile_chart(ratings, lang()), width="stretch")


def _placement(diagnosis, profile) -> None:
    inside = _get(diagnosis, "inside_sales")
    placement = _get(inside, "placement")
    st.subheader(tr("app.results.placement_title"))
    if placement:
        st.markdown(f"**{tr(f'app.placements.{placement}')}**")
    for reason in _get(inside, "reasons") or []:
        st.markdown(f"- {reason}")
    chart = charts.placement_chart(diagnosis, profile, lang())
    if chart is not None:
        st.altair_chart(chart, width="stretch")


def _initiatives(diagnosis) -> None:
    st.subheader(tr("app.results.initiatives_title"))
    items = sorted(_get(diagnosis, "initiatives") or [], key=lambda i: _get(i, "rank", 9))
    for item in items:
        iid = _get(item, "id")
        line = tr(
            "app.results.initiative_line",
            rank=_get(item, "rank"),
            name=tr(f"app.initiatives.{iid}"),
            months=_get(item, "months_to_impact"),
        )
        with st.container(border=True, key=f"initiative_{iid}"):
            st.markdown(f"**{line}**")
            for reason in _get(item, "reasons") or []:
                st.markdown(f"- {reason}")


def _warnings(diagnosis) -> None:
    st.subheader(tr("app.results.warnings_title"))
    warnings = _get(diagnosis, "warnings") or []
    if not warnings:
        st.success(tr("app.results.no_warnings"))
    for warning in warnings:
        st.warning(_get(warning, "text") or _get(warning, "id"), icon=":material/warning:")


def _capacity(diagnosis) -> None:
    capacity = _get(diagnosis, "capacity")
    rows = charts.capacity_data(capacity, lang()) if capacity else []
    if not rows:
        return
    st.subheader(tr("app.results.capacity_title"))
    st.altair_chart(charts.capacity_chart(capacity, lang()), width="stretch")


def _roadmap(diagnosis) -> None:
    roadmap = _get(diagnosis, "roadmap") or {}
    if hasattr(roadmap, "model_dump"):
        roadmap = roadmap.model_dump()
    st.subheader(tr("app.results.roadmap_title"))
    st.altair_chart(charts.roadmap_chart(roadmap, lang()), width="stretch")
    cols = st.columns(4)
    for col, row in zip(cols, charts.roadmap_data(roadmap, lang()), strict=True):
        with col:
            st.markdown(f"**{row['label']}**")
            for goal in row["goals"]:
                st.markdown(f"- {goal}")


def _downloads(diagnosis, facts, profile) -> bool:
    """The reports and the saved inputs; False when the inputs cannot be carried
    (said once here, so the share link is left out without a second error)."""
    st.subheader(tr("app.results.downloads_title"))
    current = lang()
    lists = current_lists()
    ss = st.session_state
    try:
        inputs = share.inputs_to_json(
            ss["questionnaire_id"],
            ss["answers"],
            ss["sales"],
            lists.model_dump() if lists is not None else {},
            len(ss["overrides"]),
        )
    except SenryokuError as exc:  # inputs the saved-inputs format cannot carry
        st.error(exc.message(current))
        inputs = None

    # Built now (a few ms), not on click: a deferred download is fetched after the run and
    # was seen to 404 under load when Streamlit's media cleanup came first.
    html_report = report_html.to_html(diagnosis, facts, current, profile)
    md_report = report_md.to_markdown(diagnosis, facts, current)

    with st.container(horizontal=True):
        st.download_button(
            tr("app.results.report_html"),
            html_report,
            file_name="senryoku_report.html",
            mime="text/html",
            key="download_report_html",
            on_click="ignore",
        )
        st.download_button(
            tr("app.results.report_md"),
            md_report,
            file_name="senryoku_report.md",
            mime="text/markdown",
            key="download_report_md",
            on_click="ignore",
        )
        if inputs is not None:
            st.download_button(
                tr("app.results.inputs_json"),
                inputs,
                file_name="inputs.json",
                mime="application/json",
                key="download_inputs",
                on_click="ignore",
            )
    return inputs is not None


def _share_link() -> None:
    ss = st.session_state
    try:
        token = share.encode(ss["questionnaire_id"], ss["answers"], ss["sales"])
    except SenryokuError as exc:
        st.error(exc.message(lang()))
        return
    try:
        base = st.context.url
    except Exception:  # no browser context (AppTest)
        base = None
    base = (base or "").split("?")[0]
    st.subheader(tr("app.share.title"))
    st.caption(tr("app.share.help"))
    st.code(f"{base}?s={token}", language=None, wrap_lines=True)


def _extras(facts, diagnosis, profile) -> None:
    """The peer comparison and the consent to contribute (the hosting panels)."""
    try:
        render_peer(facts, diagnosis, lang())
    except Exception as exc:  # a side panel must not take the result down
        show_error(exc)
    try:
        render_consent(facts, diagnosis, profile, lang())
    except Exception as exc:
        show_error(exc)


st.header(tr("app.results.title"))
if current_questionnaire() is None:
    st.warning(tr("app.questionnaire.unavailable"))
    st.stop()
if not st.session_state["answers"]:
    st.info(tr("app.results.need_questionnaire"))
    st.page_link(
        "pages/questionnaire.py",
        label=tr("app.results.go_questionnaire"),
        icon=":material/edit_note:",
    )
    st.stop()

try:
    facts = current_facts()
    profile = current_profile()
    diagnosis = current_diagnosis(facts, profile, lang())
except SenryokuError as exc:
    st.error(exc.message(lang()))
    st.caption(tr("app.results.fix_inputs"))
    with st.container(horizontal=True):
        st.page_link(
            "pages/questionnaire.py",
            label=tr("app.results.go_questionnaire"),
            icon=":material/edit_note:",
        )
        st.page_link(
            "pages/sales.py", label=tr("app.results.go_sales"), icon=":material/handshake:"
        )
    st.stop()

sharpen = list(_get(diagnosis, "sharpen") or [])
if not sharpen:
    if profile is None:
        sharpen.append(tr("app.results.sharpen_leads"))
    if not _ratings(facts):
        sharpen.append(tr("app.results.sharpen_sales"))
if sharpen:
    with st.container(border=True, key="sharpen"):
        st.markdown(f"**{tr('app.results.sharpen_title')}**")
        for line in sharpen:
            st.markdown(f"- {line}")

_lead_base(diagnosis, profile)
_sales(facts)
_placement(diagnosis, profile)
_initiatives(diagnosis)
_warnings(diagnosis)
_capacity(diagnosis)
_roadmap(diagnosis)
assumptions = _get(diagnosis, "assumptions") or []
if assumptions:
    with st.expander(tr("app.results.assumptions_title", count=len(assumptions))):
        for item in assumptions:
            source = _get(item, "source")
            st.markdown(f"- {_get(item, 'reason')}" + (f" ({source})" if source else ""))
if _downloads(diagnosis, facts, profile):
    _share_link()
_extras(facts, diagnosis, profile)
