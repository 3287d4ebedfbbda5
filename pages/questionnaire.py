"""Step 1: the questionnaire (quick or full), branching live; plus the way in for a
newcomer (sample data) and for a returning user (saved inputs)."""

from __future__ import annotations

import streamlit as st

from engine.core.errors import SenryokuError
from engine.diagnosis import share
from engine.leads.lists import lists_from_data
from ui.components import show_error
from ui.i18n import lang, tr
from ui.leads import progress_callback
from ui.questions import render_question
from ui.state import (
    SAMPLE_ANSWERS,
    apply_inputs,
    current_questionnaire,
    ensure_routed,
    forget_widgets,
    load_sample,
    questionnaires,
)

ensure_routed()


def _title(questionnaire) -> str:
    if hasattr(questionnaire, "title_text"):
        return questionnaire.title_text(lang())
    title = getattr(questionnaire, "title", None)
    if callable(title):
        return str(title(lang()))
    if isinstance(title, dict):
        return str(title.get(lang()) or title.get("ja") or questionnaire.id)
    return str(title or questionnaire.id)


def _choose_questionnaire() -> None:
    st.session_state["questionnaire_id"] = st.session_state["questionnaire_select"]


def _load_inputs(uploaded) -> None:
    try:
        data = share.inputs_from_json(uploaded.getvalue())
        lists = None
        if data["lists"]:
            lists = lists_from_data(data["lists"])
    except SenryokuError as exc:
        show_error(exc)
        return
    apply_inputs(data["questionnaire_id"], data["answers"], data["sales"], lists)
    st.session_state["inputs_loaded"] = True


def _start() -> None:
    """Sample data and saved inputs: the two ways to skip typing."""
    with st.container(horizontal=True, vertical_alignment="center"):
        sample = st.button(
            tr("app.sample.button"),
            type="primary",
            icon=":material/science:",
            help=tr("app.sample.help"),
            key="sample_button",
            disabled=not SAMPLE_ANSWERS.exists(),
        )
    if sample:
        with st.status(tr("app.sample.loading"), expanded=True) as status:
            bar = st.progress(0.0)
            try:
                load_sample(progress=progress_callback(bar))
            except SenryokuError as exc:
                status.update(state="error")
                show_error(exc)
                return
            status.update(state="complete")
        st.switch_page("pages/results.py")
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
            _load_inputs(uploaded)
            if st.session_state.get("inputs_loaded"):
                st.rerun()
        if st.session_state.pop("inputs_loaded", False):
            st.success(tr("app.inputs.loaded"))


st.header(tr("app.questionnaire.title"))
st.caption(tr("app.tagline"))
_start()

available = questionnaires()
questionnaire = current_questionnaire()
if questionnaire is None:
    st.warning(tr("app.questionnaire.unavailable"))
    st.stop()

st.caption(tr("app.questionnaire.intro"))
ids = list(available)
st.session_state["questionnaire_select"] = questionnaire.id
st.segmented_control(
    tr("app.questionnaire.select"),
    ids,
    format_func=lambda i: _title(available[i]),
    key="questionnaire_select",
    on_change=_choose_questionnaire,
    required=True,
)

description = getattr(questionnaire, "description", None)
if callable(description):
    st.caption(description(lang()))

answers = st.session_state["answers"]
visible = list(questionnaire.visible(answers))
for question in visible:
    render_question(question)

answered = sum(1 for q in visible if answers.get(str(q.id)) not in (None, "", []))
st.progress(
    answered / len(visible) if visible else 0.0,
    text=tr("app.questionnaire.answered", answered=answered, total=len(visible)),
)
with st.container(horizontal=True):
    st.page_link(
        "pages/leads.py", label=tr("app.questionnaire.next"), icon=":material/arrow_forward:"
    )
    if answers:
        st.page_link(
            "pages/results.py",
            label=tr("app.questionnaire.skip_to_results"),
            icon=":material/bar_chart:",
        )
    if answers and st.button(tr("app.questionnaire.start_over"), key="answers_reset"):
        st.session_state["answers"] = {}
        forget_widgets()
        st.rerun()
