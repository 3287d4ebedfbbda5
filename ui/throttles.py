"""The app's throttles (engine.store.throttle), applied to the session's client.

Who the client is: behind the reverse proxy every connection comes from the proxy, so
the proxy's ``X-Forwarded-For`` names the browser's address. ``docs/nginx/senryoku.conf``
*sets* that header to ``$remote_addr`` (it never appends what the browser sent), and the
app believes it only when the connection itself comes from a trusted proxy — loopback,
or an address listed in ``SENRYOKU_TRUSTED_PROXIES`` (comma-separated) — so a browser
talking to the app directly cannot name someone else's address (to lock the operator
out) or a fresh one per guess (to dodge its own pause). Streamlit 1.67 exposes the
connection's peer as ``st.context.ip_address`` (None for loopback) and the WebSocket
request's headers as ``st.context.headers``.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping

import streamlit as st

from engine.core.errors import StoreError
from engine.store import db
from engine.store.throttle import Throttle, login_failures, new_team_rounds

log = logging.getLogger(__name__)
FORWARDED_HEADER = "X-Forwarded-For"
LOCAL_CLIENT = "local"


def trusted_proxies() -> set[str]:
    """Addresses besides loopback whose ``X-Forwarded-For`` the app believes."""
    raw = os.environ.get("SENRYOKU_TRUSTED_PROXIES", "")
    return {a.strip() for a in raw.split(",") if a.strip()}


def client_from(peer: str | None, headers: Mapping[str, str], trusted: set[str]) -> str:
    """The client's address from the connection's peer (None: loopback) and headers."""
    if peer is not None and peer not in trusted:
        return peer  # a direct connection: its own address, whatever headers it sends
    forwarded = (headers.get(FORWARDED_HEADER) or "").split(",")[-1].strip()
    return forwarded or peer or LOCAL_CLIENT


def client_address() -> str:
    """The address of the browser behind this session (see the module docstring)."""
    try:
        peer = st.context.ip_address
        headers = dict(st.context.headers or {})
    except Exception:  # no browser context (bare script run)
        return LOCAL_CLIENT
    if not isinstance(peer, str):  # AppTest's stand-in connection
        peer = None
    return client_from(peer, {k.title(): v for k, v in headers.items()}, trusted_proxies())


class SessionThrottle:
    """A throttle applied to this session's client in the operator store (looked up at
    each call, so tests that swap the store swap it here too). A
    store that cannot be reached counts nothing (fail open, logged): the page using
    the throttle reports the store's own error when it needs it."""

    def __init__(self, throttle: Throttle) -> None:
        self.throttle = throttle

    @property
    def clock(self):
        return self.throttle.clock

    @clock.setter
    def clock(self, clock) -> None:
        self.throttle.clock = clock

    def retry_after(self) -> float:
        """Seconds until this session's client may do the event again (0: now)."""
        try:
            return self.throttle.retry_after(db.open_store(), client_address())
        except StoreError as exc:
            log.warning("throttle %s not checked: %s", self.throttle.kind, exc.code)
            return 0.0

    def record(self) -> None:
        """This session's client did the event once."""
        try:
            self.throttle.record(db.open_store(), client_address())
        except StoreError as exc:
            log.warning("throttle %s not counted: %s", self.throttle.kind, exc.code)

    def reset(self) -> None:
        """Forget this session's client's events (a right password)."""
        try:
            self.throttle.reset(db.open_store(), client_address())
        except StoreError as exc:
            log.warning("throttle %s not reset: %s", self.throttle.kind, exc.code)


@st.cache_resource(show_spinner=False)
def login_throttle() -> SessionThrottle:
    """Wrong admin passwords, per client."""
    return SessionThrottle(login_failures())


@st.cache_resource(show_spinner=False)
def round_throttle() -> SessionThrottle:
    """Team rounds started, per client."""
    return SessionThrottle(new_team_rounds())


def minutes_left(throttle: SessionThrottle) -> int:
    """Whole minutes until this session's client may do the event again (0: now)."""
    return math.ceil(throttle.retry_after() / 60)
