"""Step 3: where in the funnel the sales team is strong, and how much it can take."""

from __future__ import annotations

import math

import streamlit as st

from engine.core.errors import SenryokuError
from engine.core.vocab import PHASES
from engine.reports import charts
from ui.components import show_error
from ui.i18n import lang, tr
from ui.state import current_facts, ensure_routed

ensure_routed()

STYLES = ("route", "high_volume", "long_cycle", "other")
NUMBERS = {
    # key: (min, max, step, default)
    "headcount": (0, 10_000, 1, 5),
    "inside_sales_headcount": (0, 10_000, 1, 0),
    "opportunities_per_rep_month": (0.0, 1_000.0, 0.5, 4.0),
    "sales_cycle_months": (1, 60, 1, 3),
}


def _baseline() -> dict:
    """What the questionnaire already says about sales (or neutral defaults)."""
    try:
        facts = current_facts()
    except SenryokuError as exc:  # the sliders start from the defaults; the user learns why
        st.error(exc.message(lang()))
        return {}
    return {} if facts is None else facts.sales.model_dump(exclude_none=True)


def _slider_value(rating: float) -> int:
    """A rating (a team mean such as 3.7) as the nearest whole slider step 1..5, halves up."""
    return min(5, max(1, math.floor(rating + 0.5)))


def _seed(sales: dict, base: dict) -> None:
    ss = st.session_state
    ratings = {**(base.get("ratings") or {}), **(sales.get("ratings") or {})}
    for phase in PHASES:
        ss.setdefault(f"rating_{phase}", _slider_value(ratings.get(phase, 3)))
    for key, (_lo, _hi, _step, default) in NUMBERS.items():
        value = sales.get(key, base.get(key, default))
        ss.setdefault(f"sales_{key}", type(default)(value))
    style = sales.get("style", base.get("style", "other"))
    ss.setdefault("sales_style", style if style in STYLES else "other")


def _save_ratings() -> None:
    sales = dict(st.session_state["sales"])
    sales["ratings"] = {p: int(st.session_state[f"rating_{p}"]) for p in PHASES}
    # The user's own ratings now: the team's spread and head count no longer describe them.
    sales.pop("rating_spread", None)
    sales.pop("raters", None)
    st.session_state["sales"] = sales


def _save(key: str) -> None:
    sales = dict(st.session_state["sales"])
    sales[key] = st.session_state[f"sales_{key}"]
    st.session_state["sales"] = sales


st.header(tr("app.sales.title"))
st.caption(tr("app.sales.intro"))
_seed(st.session_state["sales"], _baseline())

left, right = st.columns([3, 2])
with left:
    st.subheader(tr("app.sales.ratings_title"))
    raters = st.session_state["sales"].get("raters")
    if raters:
        st.info(tr("app.sales.team_note", raters=raters), icon=":material/group:")
    for phase in PHASES:
        st.slider(
            tr(f"app.phases.{phase}"),
            min_value=1,
            max_value=5,
            step=1,
            key=f"rating_{phase}",
            on_change=_save_ratings,
        )
        st.caption(tr(f"app.sales.scale.{phase}"))

with right:
    st.subheader(tr("app.sales.team_title"))
    for key, (lo, hi, step, _default) in NUMBERS.items():
        st.number_input(
            tr(f"app.sales.fields.{key}"),
            min_value=lo,
            max_value=hi,
            step=step,
            key=f"sales_{key}",
            on_change=_save,
            args=(key,),
        )
    st.selectbox(
        tr("app.sales.fields.style"),
        STYLES,
        format_func=lambda s: tr(f"app.styles.{s}"),
        key="sales_style",
        on_change=_save,
        args=("style",),
    )
    capacity = (
        st.session_state["sales_headcount"] * st.session_state["sales_opportunities_per_rep_month"]
    )
    st.metric(tr("app.sales.capacity_metric"), f"{capacity:,.0f}")

ratings = {p: int(st.session_state[f"rating_{p}"]) for p in PHASES}
if st.session_state["sales"].get("raters"):
    # Team ratings in use: draw the team's means, which the diagnosis uses, not the rounded steps.
    ratings.update(st.session_state["sales"].get("ratings") or {})
try:
    st.altair_chart(charts.sales_profile_chart(ratings, lang()), width="stretch")
except Exception as exc:  # a chart must never take the page down
    show_error(exc)

if st.session_state["sales"]:
    st.success(tr("app.sales.saved"))
st.page_link("pages/results.py", label=tr("app.sales.to_results"), icon=":material/arrow_forward:")
