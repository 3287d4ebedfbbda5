"""The results page's downloads (reports, saved inputs) and its share link."""

from __future__ import annotations

import streamlit as st

from engine.core.errors import SenryokuError
from engine.diagnosis import share
from engine.reports import html as report_html
from engine.reports import markdown as report_md
from ui.components import show_error
from ui.i18n import lang, tr
from ui.state import corrections_count, current_lists


def _inputs_json() -> str | None:
    ss = st.session_state
    lists = current_lists()
    try:
        return share.inputs_to_json(
            ss["questionnaire_id"],
            ss["answers"],
            ss["sales"],
            lists.model_dump() if lists is not None else {},
            corrections_count(),
        )
    except SenryokuError as exc:  # inputs the saved-inputs format cannot carry
        show_error(exc)
        return None


def downloads(diagnosis, facts, profile) -> bool:
    """The reports and the saved inputs; False when the inputs cannot be carried
    (said once here, so the share link is left out without a second error)."""
    st.subheader(tr("app.results.downloads_title"))
    current = lang()
    inputs = _inputs_json()
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


def share_link() -> None:
    """A link with the answers and the sales inputs only (no list, no counts)."""
    ss = st.session_state
    try:
        token = share.encode(ss["questionnaire_id"], ss["answers"], ss["sales"])
    except SenryokuError as exc:
        show_error(exc)
        return
    try:
        base = st.context.url
    except Exception:  # no browser context (AppTest)
        base = None
    base = (base or "").split("?")[0]
    st.subheader(tr("app.share.title"))
    st.caption(tr("app.share.help"))
    st.code(f"{base}?s={token}", language=None, wrap_lines=True)
