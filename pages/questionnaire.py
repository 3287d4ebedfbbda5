"""Step 1: the questionnaire (quick or full), branching live; plus the way in for a
newcomer (sample data) and for a returning user (saved inputs)."""

from __future__ import annotations

import streamlit as st

from ui.components import page_link
from ui.i18n import lang, tr
from ui.questions import render_question
from ui.start import start_panel
from ui.state import current_questionnaire, ensure_routed, questionnaires, set_answers

ensure_routed()


def _choose_questionnaire() -> None:
    st.session_state["questionnaire_id"] = st.session_state["questionnaire_select"]


def _navigation(answers: dict) -> None:
    with st.container(horizontal=True):
        page_link(
            "pages/leads.py", label=tr("app.questionnaire.next"), icon=":material/arrow_forward:"
        )
        page_link(
            "pages/results.py",
            label=tr("app.questionnaire.skip_to_results"),
            icon=":material/bar_chart:",
        )
        if answers and st.button(tr("app.questionnaire.start_over"), key="answers_reset"):
            set_answers({})
            st.rerun()


def questionnaire_page() -> None:
    st.header(tr("app.questionnaire.title"))
    st.caption(tr("app.tagline"))
    start_panel()
    available = questionnaires()
    questionnaire = current_questionnaire()
    if questionnaire is None:
        st.warning(tr("app.questionnaire.unavailable"))
        return
    st.caption(tr("app.questionnaire.intro"))
    st.session_state["questionnaire_select"] = questionnaire.id
    st.segmented_control(
        tr("app.questionnaire.select"),
        list(available),
        format_func=lambda i: available[i].title_text(lang()),
        key="questionnaire_select",
        on_change=_choose_questionnaire,
        required=True,
    )
    st.caption(questionnaire.description(lang()))
    visible = list(questionnaire.visible(st.session_state["answers"]))
    for question in visible:
        render_question(question)
    answers = st.session_state["answers"]
    answered = sum(1 for q in visible if answers.get(str(q.id)) not in (None, "", []))
    st.progress(
        answered / len(visible) if visible else 0.0,
        text=tr("app.questionnaire.answered", answered=answered, total=len(visible)),
    )
    _navigation(answers)


questionnaire_page()
