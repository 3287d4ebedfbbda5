"""Who may open the admin page: the operator, proven by OIDC or by a password.

* ``[auth]`` in ``.streamlit/secrets.toml`` (an OIDC provider): ``st.login``; the signed-in
  email must be listed in ``[admin] allowed_emails`` (anyone can own an account at a
  public identity provider, so signing in alone proves nothing).
* otherwise ``[admin] password_hash`` (``python -m engine.store.submissions hash-password``).
* neither: the admin page is disabled.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.core.errors import ConfigError
from engine.store.submissions import verify_password
from ui.components import show_error
from ui.i18n import tr
from ui.throttles import login_throttle, minutes_left

SESSION_KEY = "admin_authenticated"


def _section(name: str) -> dict[str, Any]:
    try:
        if name not in st.secrets:
            return {}
        value = st.secrets[name]
    except Exception:  # no secrets.toml at all: the same as an empty one
        return {}
    return dict(value) if hasattr(value, "keys") else {}


def auth_mode() -> str:
    """``"oidc"``, ``"password"`` or ``"disabled"``, from what the secrets configure."""
    if _section("auth"):
        return "oidc"
    if _section("admin").get("password_hash"):
        return "password"
    return "disabled"


def _oidc_provider(auth: dict[str, Any]) -> str | None:
    """The provider name for ``st.login``: ``[admin] oidc_provider``, else the first
    ``[auth.<name>]`` subsection, else None (provider settings directly under ``[auth]``)."""
    named = _section("admin").get("oidc_provider")
    if named:
        return str(named)
    subsections = [k for k, v in auth.items() if hasattr(v, "keys")]
    return subsections[0] if subsections else None


def _user_email() -> str:
    try:
        return str(st.user.get("email") or "")
    except Exception:
        return ""


def _require_oidc() -> bool:
    allowed = {str(e).strip().lower() for e in _section("admin").get("allowed_emails") or []}
    if not st.user.is_logged_in:
        st.write(tr("hosting.admin.login_intro"))
        if st.button(tr("hosting.admin.login_button"), key="admin_login"):
            st.login(_oidc_provider(_section("auth")))
        return False
    if not allowed:
        show_error("hosting.admin.no_allowed_emails")
    elif _user_email().lower() not in allowed:
        show_error("hosting.admin.not_allowed", email=_user_email())
    else:
        if st.sidebar.button(tr("hosting.admin.logout_button"), key="admin_logout"):
            st.logout()
        return True
    if st.button(tr("hosting.admin.logout_button"), key="admin_logout"):
        st.logout()
    return False


def _require_password() -> bool:
    if st.session_state.get(SESSION_KEY):
        if st.sidebar.button(tr("hosting.admin.logout_button"), key="admin_logout"):
            st.session_state[SESSION_KEY] = False
            st.rerun()
        return True
    encoded = _section("admin")["password_hash"]
    st.write(tr("hosting.admin.login_intro"))
    with st.form("admin_login_form"):
        password = st.text_input(
            tr("hosting.admin.password"), type="password", key="admin_password"
        )
        submitted = st.form_submit_button(tr("hosting.admin.password_submit"))
    if not submitted:
        return False
    throttle = login_throttle()
    if wait := minutes_left(throttle):
        show_error("hosting.admin.password_locked", minutes=wait)
        return False
    try:
        ok = verify_password(password, encoded)
    except ConfigError as exc:
        show_error(exc)
        return False
    if not ok:
        throttle.record()
        show_error("hosting.admin.password_wrong")
        return False
    throttle.reset()
    st.session_state[SESSION_KEY] = True
    st.rerun()
    return True


def require_operator() -> bool:
    """Draw whatever login the configuration needs; True once the operator is in."""
    mode = auth_mode()
    if mode == "oidc":
        return _require_oidc()
    if mode == "password":
        return _require_password()
    st.info(tr("hosting.admin.disabled"))
    return False
