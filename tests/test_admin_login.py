"""The admin page's login and logout (AppTest): which OIDC provider is asked, what a
signed-in non-operator is told, and that every way out logs out."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from engine.store.submissions import hash_password
from ui import admin_auth
from ui.admin_auth import SESSION_KEY

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "admin.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}
OPERATOR = {"is_logged_in": True, "email": "ops@operator.example"}


@pytest.fixture
def calls(monkeypatch):
    """st.login / st.logout calls, recorded instead of leaving for an identity provider."""
    seen: list[tuple] = []
    monkeypatch.setattr(streamlit, "login", lambda provider=None: seen.append(("login", provider)))
    monkeypatch.setattr(streamlit, "logout", lambda: seen.append(("logout",)))
    return seen


def _page(secrets: dict, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = "en"
    for key, value in secrets.items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception
    return at


def _texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in at.get(kind)]


@pytest.mark.parametrize(
    ("secrets", "provider"),
    [
        ({"auth": AUTH, "admin": {"allowed_emails": ["ops@operator.example"]}}, None),
        (
            {
                "auth": {**AUTH, "google": {"client_id": "g"}},
                "admin": {"allowed_emails": ["a@b.c"]},
            },
            "google",
        ),
        ({"auth": AUTH, "admin": {"allowed_emails": ["a@b.c"], "oidc_provider": "corp"}}, "corp"),
    ],
)
def test_login_button_asks_the_configured_provider(admin_store, calls, secrets, provider):
    """Test that a signed-out visitor is asked to log in and the button starts the login
    with the named provider, else the first [auth.<name>], else the [auth] settings."""
    at = _page(secrets, {"is_logged_in": False})
    assert "Log in as the operator." in _texts(at, "markdown")
    button = at.button(key="admin_login")
    assert button.label == "Log in"
    button.click().run()
    assert calls == [("login", provider)]
    assert not at.dataframe


@pytest.mark.parametrize(
    ("user", "allowed", "error"),
    [
        (
            {"is_logged_in": True, "email": "someone@gmail.example"},
            [" Ops@Operator.example "],
            "This account (someone@gmail.example) is not an operator.",
        ),
        ({"is_logged_in": True}, ["ops@operator.example"], "This account () is not an operator."),
        (
            OPERATOR,
            [],
            "OIDC is configured but [admin] allowed_emails is empty, so nobody can be an operator.",
        ),
    ],
)
def test_signed_in_non_operator_is_told_and_can_log_out(
    admin_store,
    calls,
    user,
    allowed,
    error,
):
    """Test that a signed-in account that is not listed (or no list at all) is told why,
    sees no submission, and its Log out button logs out."""
    at = _page({"auth": AUTH, "admin": {"allowed_emails": allowed}}, user)
    assert _texts(at, "error") == [error]
    assert not at.dataframe
    button = at.button(key="admin_logout")
    assert button.label == "Log out"
    button.click().run()
    assert calls == [("logout",)]


def test_listed_operator_gets_in_and_logs_out_from_the_sidebar(admin_store, calls):
    """Test that a listed operator (e-mail compared case- and space-insensitively) sees
    the submissions, with a Log out button in the sidebar that logs out."""
    at = _page({"auth": AUTH, "admin": {"allowed_emails": [" OPS@operator.example"]}}, OPERATOR)
    assert "Submitted diagnoses: 1" in _texts(at, "markdown")
    button = at.sidebar.button(key="admin_logout")
    assert button.label == "Log out"
    button.click().run()
    assert calls == [("logout",)]


def test_password_login_form_and_sidebar_logout(admin_store):
    """Test that the password form is labelled, opens the page for the password, and the
    sidebar's Log out closes it again."""
    at = _page({"admin": {"password_hash": hash_password("pw-1", iterations=1000)}})
    assert "Log in as the operator." in _texts(at, "markdown")
    field = at.text_input(key="admin_password")
    assert field.label == "Admin password"
    assert field.proto.type == TextInputProto.Type.PASSWORD  # typed characters are masked
    assert [b.label for b in at.button] == ["Log in"]
    field.input("pw-1")
    at.button[0].click().run()
    assert at.session_state[SESSION_KEY] is True
    assert "Submitted diagnoses: 1" in _texts(at, "markdown")
    logout = at.sidebar.button(key="admin_logout")
    assert logout.label == "Log out"
    logout.click().run()
    assert at.session_state[SESSION_KEY] is False
    assert not at.dataframe
    assert at.text_input(key="admin_password").label == "Admin password"


def test_unreadable_signed_in_email_is_empty(monkeypatch):
    """Test that when the signed-in user's e-mail cannot be read, it counts as empty (so
    it matches no operator) instead of failing the page."""

    class Unreadable:
        def get(self, key):
            raise RuntimeError("no user info")

    monkeypatch.setattr(streamlit, "user", Unreadable())
    assert admin_auth._user_email() == ""
