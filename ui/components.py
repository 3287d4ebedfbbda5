"""Small pieces every page draws: the step indicator, the language switch, errors."""

from __future__ import annotations

import streamlit as st

from engine.core.errors import SenryokuError
from engine.core.i18n import LANGUAGES
from ui.i18n import lang, tr

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


def _set_language() -> None:
    choice = st.session_state.get("lang_switch")
    if choice in LANGUAGES:
        st.session_state["lang"] = choice


def language_switch() -> None:
    """One switch, top right, between Japanese and English."""
    st.session_state["lang_switch"] = lang()
    with st.container(horizontal=True, horizontal_alignment="right"):
        st.segmented_control(
            tr("app.language"),
            list(LANGUAGES),
            format_func=LANGUAGE_NAMES.get,
            key="lang_switch",
            on_change=_set_language,
            label_visibility="collapsed",
            required=True,
        )


def step_done(step: int) -> bool:
    """Whether a journey step holds input already (answers, list, sales)."""
    ss = st.session_state
    if step == 1:
        return bool(ss.get("answers"))
    if step == 2:
        return ss.get("leadset") is not None or ss.get("profile_snapshot") is not None
    if step == 3:
        return bool(ss.get("sales"))
    return False


def page_link(page, **kwargs) -> None:
    """``st.page_link`` whose target URL already carries the journey (``s``, ``j``), so a
    reload right after the click cannot land on a bare URL."""
    from ui.state import journey_params

    st.page_link(page, query_params=journey_params() or None, **kwargs)


def step_indicator(steps: list, current) -> None:
    """1 questionnaire → 2 lead list → 3 sales funnel → 4 results, as links; the
    current step marked, steps with input ticked."""
    with st.container(horizontal=True, gap="small", key="step_indicator"):
        for number, page in enumerate(steps, start=1):
            here = page.url_path == current.url_path
            mark = "▶ " if here else ""
            tick = " ✓" if step_done(number) else ""
            label = f"{mark}{number}. {page.title}{tick}"
            page_link(page, label=label, disabled=here)


def show_error(error: Exception | str, **params: object) -> None:
    """The one error display: a SenryokuError's message, a text code with its
    placeholders, or (any other exception) a line saying nothing was lost — never a
    traceback, always in the session's language."""
    if isinstance(error, SenryokuError):
        st.error(error.message(lang()), icon=":material/error:")
    elif isinstance(error, str):
        st.error(tr(error, **params), icon=":material/error:")
    else:
        st.error(tr("common.unexpected_error"), icon=":material/error:")


def privacy_note() -> None:
    """What happens to uploaded rows, said on every page that takes a list."""
    st.info(tr("app.leads.privacy"), icon=":material/lock:")


def draw_chart(altair_chart) -> None:
    """Draw an engine chart across the column (its spec built without re-validation)."""
    # imported here: every page imports this module, the first one has no chart
    from engine.reports.charts import vega_lite_spec

    st.vega_lite_chart(vega_lite_spec(altair_chart), width="stretch")
