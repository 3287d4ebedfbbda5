"""Step 3: where in the funnel the sales team is strong, and how much it can take."""

from __future__ import annotations

import streamlit as st

from engine.core.errors import SenryokuError
from engine.core.vocab import PHASES
from engine.reports import charts
from ui.components import draw_chart, page_link, show_error
from ui.i18n import lang, tr
from ui.sales_form import ratings_panel, seed, team_panel
from ui.state import current_facts, ensure_routed

ensure_routed()


def _baseline() -> dict:
    """What the questionnaire already says about sales (or nothing)."""
    try:
        facts = current_facts()
    except SenryokuError as exc:  # the sliders start from the defaults; the user learns why
        show_error(exc)
        return {}
    return {} if facts is None else facts.sales.model_dump(exclude_none=True)


def sales_page() -> None:
    st.header(tr("app.sales.title"))
    st.caption(tr("app.sales.intro"))
    seed(st.session_state["sales"], _baseline())
    left, right = st.columns([3, 2])
    with left:
        ratings_panel()
    with right:
        team_panel()
    ratings = {p: int(st.session_state[f"rating_{p}"]) for p in PHASES}
    if st.session_state["sales"].get("raters"):
        # Team ratings in use: draw the team's means, which the diagnosis uses.
        ratings.update(st.session_state["sales"].get("ratings") or {})
    try:
        draw_chart(charts.sales_profile_chart(ratings, lang()))
    except Exception as exc:  # a chart must never take the page down
        show_error(exc)
    st.success(tr("app.sales.saved"))
    page_link("pages/results.py", label=tr("app.sales.to_results"), icon=":material/arrow_forward:")


sales_page()
