"""The server process's throttles (engine.store.throttle), one of each, shared by all sessions."""

from __future__ import annotations

import math

import streamlit as st

from engine.store.throttle import Throttle, login_failures, new_team_rounds


@st.cache_resource(show_spinner=False)
def login_throttle() -> Throttle:
    """Wrong admin passwords."""
    return login_failures()


@st.cache_resource(show_spinner=False)
def round_throttle() -> Throttle:
    """Team rounds started."""
    return new_team_rounds()


def minutes_left(throttle: Throttle) -> int:
    """Whole minutes until ``throttle`` allows its event again (0: now)."""
    return math.ceil(throttle.retry_after() / 60)
