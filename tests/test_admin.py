"""The admin page (AppTest): only the operator gets in; list, export and delete work."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import engine.store.db
from engine.store.submissions import Contact, hash_password, list_submissions, save_submission
from ui import admin_auth, throttles

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "admin.py")
PASSWORD_HASH = hash_password("operator-pw", iterations=1000)
FACTS = {
    "company": {"industry": "it"},
    "sales": {"ratings": {"appointment": 3, "relationship": 3, "opportunity": 3, "closing": 3}},
}


@pytest.fixture
def shared_store(tmp_path, monkeypatch):
    """The page's ``open_store()`` returns this test's own DuckDB store, with two
    submissions (the backends themselves are covered in test_submissions.py)."""
    store = engine.store.db.Store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(engine.store.db, "_stores", {"": store})
    for company, leads in (("Alpha <b>KK</b>", 1200), ("=cmd|' /C calc'!A0", 3400)):
        contract = {"target_leads": leads, "lead_base": "workable", "inside_sales": {}}
        contact = Contact.from_form(company, "担当 太郎", f"{leads}@prospect.example")
        save_submission(store, FACTS, contract, None, contact, consent=True)
    return store


def _page(secrets=None, user=None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = "en"
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    return at.run()


def _texts(at) -> str:
    parts = [
        e.value
        for kind in ("markdown", "info", "error", "success", "warning")
        for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def test_admin_is_disabled_without_secrets(shared_store):
    """Test that without OIDC or a password hash the page says admin is disabled and
    shows no submission."""
    at = _page()
    assert not at.exception
    assert "disabled" in _texts(at)
    assert not at.dataframe
    assert "1200@prospect.example" not in _texts(at)


def test_password_login_lists_exports_and_deletes(shared_store):
    """Test that a wrong password is refused, the right one lists both submissions with
    both exports, and a delete removes exactly the confirmed one."""
    at = _page({"admin": {"password_hash": PASSWORD_HASH}})
    assert not at.dataframe
    at.text_input(key="admin_password").input("guess")
    at.button[0].click().run()
    assert "Wrong password" in _texts(at)
    assert not at.dataframe

    at.text_input(key="admin_password").input("operator-pw")
    at.button[0].click().run()
    assert not at.exception
    assert "Submitted diagnoses: 2" in _texts(at)
    table = at.dataframe[0].value
    assert sorted(table["Target leads"].tolist()) == [1200, 3400]
    assert len(at.get("download_button")) == 2

    victim = next(s for s in list_submissions(shared_store) if s["target_leads"] == 1200)
    at.selectbox(key="admin_delete_pick").select(victim["id"]).run()
    at.button(key="admin_delete").click().run()
    assert "cannot be undone" in _texts(at)
    assert len(list_submissions(shared_store)) == 2
    at.button(key="admin_delete_yes").click().run()
    assert not at.exception
    assert [s["target_leads"] for s in list_submissions(shared_store)] == [3400]
    assert "Deleted." in _texts(at)
    assert "Submitted diagnoses: 1" in _texts(at)


def _as_client(monkeypatch, address: str) -> None:
    """Make the pages see their browser at ``address`` (what the proxy forwards)."""
    monkeypatch.setattr(throttles, "client_address", lambda: address)


def _login(at, password: str) -> None:
    at.text_input(key="admin_password").input(password)
    at.button[0].click().run()


def test_five_wrong_passwords_pause_that_client_only(shared_store, monkeypatch):
    """Test that after five wrong passwords from one address even the right one is not
    checked from that address (the page says for how long, also in a new session), while
    the operator on another address logs in; once the pause is over the right password
    opens the page for the first address too."""
    checked = []
    real_verify = admin_auth.verify_password

    def counting_verify(password, encoded):
        checked.append(password)
        return real_verify(password, encoded)

    monkeypatch.setattr(admin_auth, "verify_password", counting_verify)
    _as_client(monkeypatch, "203.0.113.9")
    at = _page({"admin": {"password_hash": PASSWORD_HASH}})
    for i in range(5):
        _login(at, f"guess-{i}")
        assert "Wrong password" in _texts(at)
    again = _page({"admin": {"password_hash": PASSWORD_HASH}})
    _login(again, "operator-pw")
    assert "login is paused. Try again in 5 min." in _texts(again)
    assert not again.dataframe and "1200@prospect.example" not in _texts(again)
    assert len(checked) == 5

    _as_client(monkeypatch, "198.51.100.7")  # the operator, elsewhere
    operator = _page({"admin": {"password_hash": PASSWORD_HASH}})
    _login(operator, "operator-pw")
    assert "Submitted diagnoses: 2" in _texts(operator)

    _as_client(monkeypatch, "203.0.113.9")
    throttle = throttles.login_throttle()
    started = throttle.clock()
    throttle.clock = lambda: started + 301  # the five minutes have passed
    _login(again, "operator-pw")
    assert "Submitted diagnoses: 2" in _texts(again)


def test_malformed_password_hash_is_reported(shared_store):
    """Test that a malformed hash in secrets tells the operator to regenerate it."""
    at = _page({"admin": {"password_hash": "plaintext-password"}})
    at.text_input(key="admin_password").input("plaintext-password")
    at.button[0].click().run()
    assert "hash-password" in _texts(at)
    assert not at.dataframe


OIDC = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    },
    "admin": {"allowed_emails": ["Ops@Operator.example"]},
}


@pytest.mark.parametrize(
    ("user", "sees_table", "says"),
    [
        ({"is_logged_in": False}, False, "Log in as the operator"),
        ({"is_logged_in": True, "email": "someone@gmail.example"}, False, "not an operator"),
        ({"is_logged_in": True, "email": "ops@operator.example"}, True, "Submitted diagnoses: 2"),
    ],
)
def test_oidc_admits_only_listed_operator(shared_store, user, sees_table, says):
    """Test that with OIDC configured only a signed-in, listed operator sees submissions."""
    at = _page(OIDC, user)
    assert not at.exception
    assert says in _texts(at)
    assert bool(at.dataframe) is sees_table
