"""Step 2 (optional): upload a lead list and see how many real target leads it holds."""

from __future__ import annotations

import streamlit as st

from engine.core.errors import SenryokuError
from engine.leads.models import ProfileSummary
from ui import leads_forms as forms
from ui import leads_panels as panels
from ui.components import page_link, privacy_note, show_error
from ui.i18n import tr
from ui.leads_review import downloads, review
from ui.state import current_facts, current_profile, ensure_routed

ensure_routed()


def _next() -> None:
    page_link("pages/sales.py", label=tr("app.leads.next"), icon=":material/arrow_forward:")


def leads_page() -> None:
    st.header(tr("app.leads.title"))
    st.caption(tr("app.leads.intro"))
    privacy_note()
    uploaded = st.file_uploader(
        tr("app.leads.upload_label"),
        type=["csv", "tsv", "txt", "xlsx"],
        help=tr("app.leads.upload_help"),
        key=forms.uploader_key(),
    )
    if uploaded is not None and st.session_state.get("leads_file_id") != uploaded.file_id:
        forms.read_upload(uploaded)
    leadset = st.session_state.get("leadset")
    if leadset is None:
        panels.rows_missing_note()
        forms.lists_editor()
        _next()
        return
    if st.button(tr("app.leads.remove"), key="leads_remove"):
        forms.remove_list()
        st.rerun()
    try:
        with st.spinner():
            profile = current_profile()
        facts = current_facts()
    except SenryokuError as exc:
        show_error(exc)
        return
    panels.target_choice(ProfileSummary.from_data(profile), facts)
    forms.mapping_editor(leadset, profile)
    forms.lists_editor()
    panels.composition(profile)
    panels.details(profile)
    review(leadset, profile)
    downloads(leadset)
    _next()


leads_page()
