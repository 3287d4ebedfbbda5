"""The admin check's configuration reading, at the values mutation testing found unpinned."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ui import admin_auth

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "admin.py")


@pytest.mark.parametrize(
    ("secrets", "mode"),
    [
        ({}, "disabled"),
        ({"admin": {}}, "disabled"),
        ({"admin": {"password_hash": ""}}, "disabled"),
        ({"admin": {"password_hash": "pbkdf2$1$salt$hash"}}, "password"),
        ({"auth": {"google": {"client_id": "x"}}}, "oidc"),
        # a top-level key that is not a table configures nothing (and does not crash)
        ({"auth": "google", "admin": {"password_hash": "pbkdf2$1$salt$hash"}}, "password"),
        ({"auth": "google"}, "disabled"),
    ],
)
def test_auth_mode_follows_the_secrets(monkeypatch, secrets, mode):
    """Test that the admin page's mode is read from the secrets' [auth] and [admin] tables."""
    monkeypatch.setattr(st, "secrets", secrets)
    assert admin_auth.auth_mode() == mode


def test_disabled_page_says_how_to_enable_it():
    """Test that without secrets the admin page shows the operator how to enable it."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = "en"
    at.run()
    assert [i.value for i in at.info] == [
        "The admin page is disabled. The operator sets [auth] (OIDC) or [admin] password_hash"
        " in .streamlit/secrets.toml (see docs/hosting.md)."
    ]
