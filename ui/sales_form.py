"""The sales page's inputs: four phase ratings and the team's numbers.

A slider always has a value, so an untouched one counts as answered at the value it
shows (the chart and the diagnosis use that same value). A number the user did not
type stays empty, its placeholder naming the value the diagnosis assumes, so nothing
looks typed that nobody typed. Ranges are checked here, in the user's language, rather
than by the widget (whose own message is English).
"""

from __future__ import annotations

import math

import streamlit as st

from engine.core.vocab import PHASES
from engine.diagnosis.rules import benchmarks
from ui.components import show_error
from ui.i18n import tr

STYLES = ("route", "high_volume", "long_cycle", "other")
NUMBERS = {
    # key: (min, max, step)
    "headcount": (0, 10_000, 1),
    "inside_sales_headcount": (0, 10_000, 1),
    "opportunities_per_rep_month": (0.0, 1_000.0, 0.5),
    "sales_cycle_months": (1, 60, 1),
}


def slider_value(rating: float) -> int:
    """A rating (a team mean such as 3.7) as the nearest whole slider step 1..5, halves up."""
    return min(5, max(1, math.floor(rating + 0.5)))


def _assumed(key: str):
    default = benchmarks().fact_defaults.get(f"sales.{key}")
    return None if default is None else default.value


def seed(sales: dict, base: dict) -> None:
    """Seed the widgets from the sales inputs (else the questionnaire's answers); untouched
    ratings are written into ``sales`` at the value their slider shows."""
    ss = st.session_state
    ratings = {**(base.get("ratings") or {}), **(sales.get("ratings") or {})}
    for phase in PHASES:
        ss.setdefault(f"rating_{phase}", slider_value(ratings.get(phase, 3)))
    if not sales.get("ratings"):
        ss["sales"] = {**sales, "ratings": {p: int(ss[f"rating_{p}"]) for p in PHASES}}
    for key, (_lo, _hi, step) in NUMBERS.items():
        value = sales.get(key, base.get(key))
        ss.setdefault(f"sales_{key}", None if value is None else type(step)(value))
    style = sales.get("style", base.get("style"))
    ss.setdefault("sales_style", style if style in STYLES else None)


def save_ratings() -> None:
    sales = dict(st.session_state["sales"])
    sales["ratings"] = {p: int(st.session_state[f"rating_{p}"]) for p in PHASES}
    # The user's own ratings now: the team's spread and head count no longer describe them.
    sales.pop("rating_spread", None)
    sales.pop("raters", None)
    st.session_state["sales"] = sales


def _save(key: str) -> None:
    ss = st.session_state
    value = ss[f"sales_{key}"]
    errors = dict(ss.get("sales_errors_shown") or {})
    errors.pop(key, None)
    sales = dict(ss["sales"])
    if key in NUMBERS and value is not None:
        lo, hi, _step = NUMBERS[key]
        if not lo <= value <= hi:
            errors[key] = (lo, hi, value)
            ss["sales_errors_shown"] = errors
            return
    if value is None:
        sales.pop(key, None)
    else:
        sales[key] = value
    ss["sales"] = sales
    ss["sales_errors_shown"] = errors


def ratings_panel() -> None:
    """The four phase sliders with what each level means."""
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
            on_change=save_ratings,
        )
        st.caption(tr(f"app.sales.scale.{phase}"))


def _placeholder(key: str) -> str:
    assumed = _assumed(key)
    if assumed is None:
        return tr("journey.not_entered")
    return tr("journey.assumed_value", value=f"{assumed:g}")


def team_panel() -> None:
    """Head counts, capacity per rep, sales cycle and style; empty until typed."""
    st.subheader(tr("app.sales.team_title"))
    errors = st.session_state.get("sales_errors_shown") or {}
    for key, (_lo, _hi, step) in NUMBERS.items():
        label = tr(f"app.sales.fields.{key}")
        st.number_input(
            label,
            step=step,
            key=f"sales_{key}",
            on_change=_save,
            args=(key,),
            placeholder=_placeholder(key),
        )
        if key in errors:
            lo, hi, value = errors[key]
            show_error(
                "journey.number_range",
                label=label,
                low=f"{lo:g}",
                high=f"{hi:g}",
                value=f"{value:g}",
            )
    style_default = tr(f"app.styles.{_assumed('style') or 'other'}")
    st.selectbox(
        tr("app.sales.fields.style"),
        STYLES,
        index=None,
        format_func=lambda s: tr(f"app.styles.{s}"),
        key="sales_style",
        on_change=_save,
        args=("style",),
        placeholder=tr("journey.assumed_value", value=style_default),
    )
    sales = st.session_state["sales"]
    if sales.get("headcount") is not None and sales.get("opportunities_per_rep_month") is not None:
        capacity = sales["headcount"] * sales["opportunities_per_rep_month"]
        st.metric(tr("app.sales.capacity_metric"), f"{capacity:,.0f}")
    else:
        st.metric(tr("app.sales.capacity_metric"), "—")
        st.caption(tr("journey.conclusion.goal_no_capacity"))
