"""The admin password check (AppTest of the admin page): empty, whitespace-only and
non-ASCII passwords, each compared exactly as typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.core.errors import InputError
from engine.store.submissions import hash_password, verify_password
from ui.admin_auth import SESSION_KEY

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "admin.py")
OPERATOR_PW = "operator-pw"
UNICODE_PW = "戦力診断のパスワード🔑"
SPACED_PW = "  pw  "


def _log_in(password_hash: str, typed: str | None) -> AppTest:
    """The admin page with ``password_hash`` configured, after submitting ``typed``
    (None: the form submitted without typing anything)."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = "en"
    at.secrets["admin"] = {"password_hash": password_hash}
    at.run()
    if typed is not None:
        at.text_input(key="admin_password").input(typed)
    at.button[0].click().run()
    assert not at.exception
    return at


def _admitted(at: AppTest) -> bool:
    texts = "\n".join(str(e.value) for kind in ("markdown", "error") for e in at.get(kind))
    admitted = bool(at.session_state[SESSION_KEY]) if SESSION_KEY in at.session_state else False
    assert admitted == ("Submitted diagnoses: 1" in texts)
    assert admitted != ("Wrong password." in texts)
    return admitted


@pytest.mark.parametrize(
    ("configured", "typed", "admitted"),
    [
        (OPERATOR_PW, None, False),  # submitted with nothing typed
        (OPERATOR_PW, "", False),
        (OPERATOR_PW, " ", False),
        (OPERATOR_PW, "\u3000\t ", False),  # ideographic space, tab, space
        (OPERATOR_PW, f" {OPERATOR_PW} ", False),  # not trimmed: compared as typed
        (OPERATOR_PW, OPERATOR_PW, True),
        (SPACED_PW, "pw", False),
        (SPACED_PW, SPACED_PW, True),
        (UNICODE_PW, UNICODE_PW, True),
        (UNICODE_PW, UNICODE_PW[:-1], False),
        (UNICODE_PW, "戦力診断のﾊﾟｽﾜｰﾄﾞ🔑", False),  # half-width kana: another password
    ],
)
def test_admin_password_is_compared_exactly(admin_store, configured, typed, admitted):
    """Test that the admin page opens only for the configured password typed exactly:
    empty, whitespace-only, padded and look-alike passwords are refused."""
    at = _log_in(hash_password(configured, iterations=1000), typed)
    assert _admitted(at) is admitted


def test_empty_password_cannot_be_configured_or_matched():
    """Test that an empty admin password cannot be hashed, and that neither an empty nor
    a whitespace-only password matches a real hash."""
    with pytest.raises(InputError) as info:
        hash_password("")
    assert info.value.code == "hosting.password_empty"
    encoded = hash_password(OPERATOR_PW, iterations=1000)
    assert verify_password("", encoded) is False
    assert verify_password(None, encoded) is False
    assert verify_password("   ", encoded) is False
    assert verify_password(OPERATOR_PW, encoded) is True


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "en",
            "The [admin] password_hash in secrets is malformed. Make a new one with"
            " python -m engine hash-password.",
        ),
        (
            "ja",
            "secrets の [admin] password_hash の形式が正しくありません。"
            "python -m engine hash-password で作り直してください。",
        ),
    ],
)
def test_malformed_hash_is_reported_in_the_page_language(admin_store, lang, message):
    """Test that a malformed password hash tells the operator, in the page's language,
    how to make a new one, and lets nobody in."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = lang
    at.secrets["admin"] = {"password_hash": "plaintext-password"}
    at.run()
    at.text_input(key="admin_password").input("plaintext-password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [message]
    assert not at.dataframe
