"""Step 4: the diagnosis — the answer first (the conclusion card), then lead base, sales
strength, placement, initiatives, warnings, capacity, roadmap; downloads and a share link."""

from __future__ import annotations

import streamlit as st

from engine.core.errors import SenryokuError
from engine.leads.models import ProfileSummary
from ui import results_panels as panels
from ui.components import page_link, show_error
from ui.consent import render_consent
from ui.i18n import lang, tr
from ui.leads_panels import rows_missing_note, target_choice
from ui.peer import render_peer
from ui.results_share import downloads, share_link
from ui.state import (
    current_diagnosis,
    current_facts,
    current_profile,
    current_questionnaire,
    diagnosis_profile,
    ensure_routed,
)

ensure_routed()


def _go_back() -> None:
    st.caption(tr("app.results.fix_inputs"))
    with st.container(horizontal=True):
        page_link(
            "pages/questionnaire.py",
            label=tr("app.results.go_questionnaire"),
            icon=":material/edit_note:",
        )
        page_link("pages/sales.py", label=tr("app.results.go_sales"), icon=":material/handshake:")


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


def _start_here() -> None:
    """No lead count yet (no answers, no list): say where to start, not an error."""
    st.info(tr("app.results.need_questionnaire"))
    page_link(
        "pages/questionnaire.py",
        label=tr("app.results.go_questionnaire"),
        icon=":material/edit_note:",
    )


def results_page() -> None:
    st.header(tr("app.results.title"))
    if current_questionnaire() is None:
        st.warning(tr("app.questionnaire.unavailable"))
        return
    if not st.session_state["answers"] and current_profile() is None:
        _start_here()
        return
    try:
        facts = current_facts()
        profile = current_profile()
        diagnosis = current_diagnosis(facts, profile, lang())
    except SenryokuError as exc:
        if exc.code == "diagnosis.no_lead_count":  # only ratings so far: where to start
            _start_here()
        else:
            show_error(exc)
            _go_back()
        return
    # the list's counts, typed once here for every panel, report and the store
    summary = None if profile is None else ProfileSummary.from_data(profile)
    used = diagnosis_profile(summary)
    panels.conclusion_card(diagnosis)
    rows_missing_note()
    target_choice(summary, facts)
    panels.lead_base(diagnosis, used)
    panels.sales(diagnosis)
    panels.placement(diagnosis, used)
    panels.initiatives(diagnosis)
    panels.warnings(diagnosis)
    panels.capacity(diagnosis)
    panels.roadmap(diagnosis)
    panels.assumptions(diagnosis)
    panels.improve_accuracy(diagnosis, used)
    if downloads(diagnosis, facts, used):
        share_link()
    _extras(facts, diagnosis, used)


results_page()
