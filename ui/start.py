"""The two ways to skip typing on the first page: the sample data and saved inputs."""

from __future__ import annotations

import streamlit as st

from engine.core.errors import SenryokuError
from engine.diagnosis import share
from engine.leads.lists import lists_from_data
from ui.components import show_error
from ui.i18n import tr
from ui.leads import progress_callback
from ui.state import SAMPLE_ANSWERS, apply_inputs, current_profile, load_sample, switch_page


def _load_inputs(uploaded) -> bool:
    try:
        data = share.inputs_from_json(uploaded.getvalue())
        lists = lists_from_data(data["lists"]) if data["lists"] else None
    except SenryokuError as exc:
        show_error(exc)
        return False
    apply_inputs(data["questionnaire_id"], data["answers"], data["sales"], lists)
    return True


def _sample() -> None:
    with st.status(tr("app.sample.loading"), expanded=True) as status:
        bar = st.progress(0.0)
        try:
            load_sample(progress=progress_callback(bar))
            current_profile()  # its counts go into the next page's URL
        except SenryokuError as exc:
            status.update(state="error")
            show_error(exc)
            return
        status.update(state="complete")
    switch_page("pages/results.py")


def start_panel() -> None:
    """The sample-data button and the saved-inputs upload."""
    if st.button(
        tr("app.sample.button"),
        type="primary",
        icon=":material/science:",
        help=tr("app.sample.help"),
        key="sample_button",
        disabled=not SAMPLE_ANSWERS.exists(),
    ):
        _sample()
    with st.expander(tr("app.inputs.upload_label")):
        uploaded = st.file_uploader(
            tr("app.inputs.upload_label"),
            type=["json"],
            help=tr("app.inputs.upload_help"),
            key="inputs_file",
            label_visibility="collapsed",
        )
        if uploaded is not None and st.session_state.get("inputs_file_id") != uploaded.file_id:
            st.session_state["inputs_file_id"] = uploaded.file_id
            if _load_inputs(uploaded):
                st.session_state["inputs_loaded"] = True
                st.rerun()
        if st.session_state.pop("inputs_loaded", False):
            st.success(tr("app.inputs.loaded"))
