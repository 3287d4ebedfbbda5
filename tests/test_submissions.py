"""The operator store of consented submissions, on both backends (DuckDB file, PostgreSQL)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.core.errors import ConfigError, InputError
from engine.store.submissions import (
    Contact,
    delete_submission,
    export_csv,
    export_frame,
    export_xlsx,
    hash_password,
    list_submissions,
    peer_comparison,
    save_submission,
    verify_password,
)

ROOT = Path(__file__).resolve().parent.parent

FACTS = {
    "company": {"industry": "manufacturing", "employees": 300},
    "marketing": {"leads_total": 10000, "target_leads": 2500},
    "sales": {
        "style": "route",
        "headcount": 8,
        "ratings": {"appointment": 2, "relationship": 2, "opportunity": 3, "closing": 5},
    },
}
CONTRACT = {
    "target_leads": 2400,
    "target_leads_source": "profile",
    "lead_base": "workable",
    "inside_sales": {"placement": "qualify_before_sales", "reasons": ["..."]},
    "initiatives": [
        {"id": "content", "rank": 2, "months_to_impact": 6, "reasons": []},
        {"id": "lead_gen", "rank": 1, "months_to_impact": 2, "reasons": []},
    ],
    "warnings": [{"id": "marketing_sales_gap", "text": "..."}],
    "roadmap": {"1m": ["inventory"], "3m": [], "1y": [], "2y": []},
    "assumed": ["sales.win_rate"],
}
# A profile as the app holds it: counts plus the personal parts that must never be stored.
PROFILE = {
    "rows": 10,
    "encoding": "cp932",
    "columns": {"email": "メール", "company": "会社名"},
    "categories": {"target": 6, "duplicate": 2, "invalid": 1, "departed": 1},
    "stages": {"lead": 3, "mql": 2, "unknown": 1},
    "examples": {"target": [{"メール": "hanako.secret@lead-example.jp", "会社名": "秘密商事"}]},
    "top_accounts": [{"company": "秘密商事", "leads": 4, "targets": 3}],
}
CONTACT = Contact.from_form('=HYPERLINK("http://x")', "山田 太郎", "taro@prospect.example")


def store_rows(store) -> list[dict]:
    """Every stored column of every submission, exactly as the database holds it."""
    return store.query("SELECT * FROM submissions")


def _save(store, target_leads=2400, industry="manufacturing", **kw):
    facts = json.loads(json.dumps(FACTS))
    facts["company"]["industry"] = industry
    contract = {**CONTRACT, "target_leads": target_leads}
    return save_submission(store, facts, contract, kw.get("profile", PROFILE), CONTACT, True)


def test_save_refuses_without_consent(store):
    """Test that a submission without the consent box ticked is refused and nothing stored."""
    with pytest.raises(InputError) as err:
        save_submission(store, FACTS, CONTRACT, PROFILE, CONTACT, consent=False)
    assert err.value.code == "hosting.consent_required"
    assert "同意" in err.value.message("ja") and "agree" in err.value.message("en")
    assert list_submissions(store) == []


def test_stored_submission_keeps_aggregates_and_no_lead_data(store):
    """Test that a stored row holds facts, ratings, recommendation and counts, but no lead
    email, lead company, column name or top account from the profile."""
    sid = _save(store)
    [row] = store.query("SELECT * FROM submissions")
    raw = json.dumps(row, default=str, ensure_ascii=False)
    assert "hanako.secret@lead-example.jp" not in raw
    assert "秘密商事" not in raw and "メール" not in raw
    [s] = list_submissions(store)
    assert s["id"] == sid
    assert s["email"] == "taro@prospect.example"
    assert s["ratings"] == {"appointment": 2, "relationship": 2, "opportunity": 3, "closing": 5}
    assert s["recommendation"]["inside_sales"]["placement"] == "qualify_before_sales"
    assert s["facts"]["sales"]["headcount"] == 8
    assert s["profile"]["rows"] == 10
    assert s["profile"]["categories"]["target"] == 6
    assert s["profile"]["categories"]["competitor"] == 0
    assert s["profile"]["stages"]["mql"] == 2
    assert set(s["profile"]) == {"rows", "categories", "stages"}
    assert (s["industry"], s["target_leads"], s["lead_base"]) == ("manufacturing", 2400, "workable")


def test_contact_fields_are_validated():
    """Test that an empty name or a malformed email is refused with a message naming it."""
    with pytest.raises(InputError) as err:
        Contact.from_form("ACME", "Taro", "not-an-email")
    assert err.value.code == "hosting.contact_email_invalid"
    with pytest.raises(InputError) as err:
        Contact.from_form("ACME", "   ", "taro@example.com")
    assert err.value.code == "hosting.contact_name_invalid"
    assert Contact.from_form(" ACME\x00 ", "Taro", "taro@example.com").company == "ACME"


def test_delete_removes_only_that_submission(store):
    """Test that deleting one submission leaves the others and reports a second delete."""
    first, second = _save(store, 1000), _save(store, 2000)
    assert delete_submission(store, first) is True
    assert [s["id"] for s in list_submissions(store)] == [second]
    assert delete_submission(store, first) is False


def test_peer_comparison_needs_five_in_the_industry(store):
    """Test that peers show only from 5 comparable submissions, with the right quartiles
    and percentile, and that other industries are not counted."""
    for leads in (1000, 2000, 3000, 4000):
        _save(store, leads)
    _save(store, 99999, industry="retail")
    assert peer_comparison(store, "manufacturing", 2500) is None
    _save(store, 5000)
    peers = peer_comparison(store, "manufacturing", 2500)
    assert peers == {
        "n": 5,
        "median": 3000.0,
        "p25": 2000.0,
        "p75": 4000.0,
        "your_percentile": 40.0,
    }
    assert peer_comparison(store, "manufacturing", 3000)["your_percentile"] == 50.0
    assert peer_comparison(store, None, 2500)["n"] == 6
    assert peer_comparison(store, "retail", 2500) is None


def test_export_neutralises_formulas_and_holds_every_submission(store):
    """Test that CSV and XLSX exports hold each submission and a company typed as a
    formula is written as text, not as a formula."""
    _save(store, 1200)
    _save(store, 3400)
    frame = export_frame(store)
    assert sorted(frame["target_leads"].tolist()) == [1200, 3400]
    assert frame["first_initiative"].tolist() == ["lead_gen", "lead_gen"]
    text = export_csv(store).decode("utf-8-sig")
    assert "taro@prospect.example" in text and "=HYPERLINK" not in text.replace("'=HYPERLINK", "")
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(export_xlsx(store)))
    ws = wb.active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "taro@prospect.example" in values
    companies = [v for v in values if isinstance(v, str) and "HYPERLINK" in v]
    assert companies and all(not v.startswith("=") for v in companies)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_password_hash_round_trip():
    """Test that a hashed password verifies, a wrong one does not, and a malformed hash is
    a configuration error rather than a silent failure."""
    encoded = hash_password("correct horse", iterations=1000)
    assert encoded.startswith("pbkdf2_sha256$1000$")
    assert verify_password("correct horse", encoded) is True
    assert verify_password("correct hors", encoded) is False
    with pytest.raises(ConfigError):
        verify_password("x", "md5$abc")


def test_hash_password_cli_prints_secrets_line():
    """Test that the CLI reads a password from stdin and prints a verifiable secrets line."""
    r = subprocess.run(
        [sys.executable, "-m", "engine.store.submissions", "hash-password", "--iterations", "1000"],
        input="s3cret\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "[admin]"
    encoded = r.stdout.splitlines()[1].split('"')[1]
    assert verify_password("s3cret", encoded)


# -- the results page's opt-in and peer panels (AppTest) ---------------------------------


def _results_panels():
    """A results page reduced to the two panels this module feeds."""
    import streamlit as st

    from ui.consent import render_consent
    from ui.peer import render_peer

    facts = st.session_state["test_facts"]
    contract = st.session_state["test_contract"]
    render_peer(facts, contract, "en")
    render_consent(facts, contract, st.session_state["test_profile"], "en")


@pytest.fixture
def app_store(store, monkeypatch):
    """The app's ``open_store()`` returns the test's store (each backend in turn)."""
    import engine.store.db

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(engine.store.db, "_stores", {"": store})
    return store


def _panels_app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_results_panels, default_timeout=30)
    at.session_state["test_facts"] = FACTS
    at.session_state["test_contract"] = {**CONTRACT, "target_leads": 2500}
    at.session_state["test_profile"] = PROFILE
    return at.run()


def test_consent_form_sends_only_after_the_box_is_ticked(app_store):
    """Test that the send button is disabled until consent is ticked, and a send stores
    one submission with the typed contact and shows the confirmation."""
    at = _panels_app()
    assert not at.exception
    assert at.checkbox(key="consent_given").value is False
    assert at.button(key="consent_submit").disabled is True
    at.text_input(key="consent_company").input("見込み株式会社")
    at.text_input(key="consent_name").input("佐藤 花子")
    at.text_input(key="consent_email").input("not-an-email")
    at.checkbox(key="consent_given").check().run()
    assert at.button(key="consent_submit").disabled is False
    at.button(key="consent_submit").click().run()
    assert "valid email" in at.error[0].value
    assert list_submissions(app_store) == []
    at.text_input(key="consent_email").input("hanako@mikomi.example")
    at.button(key="consent_submit").click().run()
    assert not at.exception
    [s] = list_submissions(app_store)
    assert (s["company"], s["email"], s["target_leads"]) == (
        "見込み株式会社",
        "hanako@mikomi.example",
        2500,
    )
    assert "hanako.secret@lead-example.jp" not in json.dumps(s, default=str)
    assert "hanako@mikomi.example" in at.success[0].value


def test_peer_panel_appears_from_five_comparable_submissions(app_store):
    """Test that the peer panel is absent with 4 same-industry submissions and shows the
    median and percentile from the fifth on."""
    for leads in (1000, 2000, 3000, 4000):
        _save(app_store, leads)
    at = _panels_app()
    assert not at.metric
    _save(app_store, 5000)
    at = _panels_app()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values == {
        "Your target leads": "2,500",
        "Median": "3,000",
        "Middle 50%": "2,000 to 4,000 leads",
    }
    assert any("5 diagnoses" in c.value and "Manufacturing" in c.value for c in at.caption)
    assert any("40%" in m.value for m in at.markdown)


@pytest.fixture
def duckdb_app_store(tmp_path, monkeypatch):
    """The app's ``open_store()`` returns a fresh DuckDB store (one backend is enough for
    the whole-app journey; both are covered above)."""
    import engine.store.db

    store = engine.store.db.Store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(engine.store.db, "_stores", {"": store})
    return store


def test_results_page_sends_the_real_diagnosis_without_lead_rows(duckdb_app_store):
    """Test that, after the sample journey, the results page's opt-in stores the real
    diagnosis (lead base, placement, ratings) and the list's counts, but no email of
    the sample lead list."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.button(key="sample_button").click().run()
    at.switch_page("pages/results.py").run()
    assert not at.exception
    at.text_input(key="consent_company").input("見込み株式会社")
    at.text_input(key="consent_name").input("佐藤 花子")
    at.text_input(key="consent_email").input("hanako@mikomi.example")
    at.checkbox(key="consent_given").check().run()
    at.button(key="consent_submit").click().run()
    assert not at.exception
    [s] = list_submissions(duckdb_app_store)
    contract = s["recommendation"]
    assert s["lead_base"] == contract["lead_base"] in {"insufficient", "workable", "comfortable"}
    assert s["placement"] == contract["inside_sales"]["placement"]
    assert s["ratings"] == {"appointment": 2, "relationship": 2, "opportunity": 3, "closing": 5}
    profile = at.session_state["profile"]
    assert profile is not None
    assert s["profile"]["rows"] == profile.rows
    assert s["profile"]["categories"] == profile.categories
    assert s["target_leads"] == profile.categories["target"]
    sample = (ROOT / "sample_data" / "salesforce_leads_ja.csv").read_bytes().decode("cp932")
    emails = set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", sample))
    assert emails
    stored = json.dumps(store_rows(duckdb_app_store), default=str, ensure_ascii=False)
    assert [e for e in emails if e in stored] == []
