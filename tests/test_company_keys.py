"""The company-key machinery around the key itself: the NFKC gate file (written for one
Python's Unicode version, recomputed on another), and installing the SQL functions on a
connection more than once."""

from __future__ import annotations

import unicodedata

import duckdb
import pytest

from engine.leads import companies


@pytest.fixture
def gate_file(tmp_path, monkeypatch):
    """The gate file at a temporary path, the cached gate forgotten before and after."""
    path = tmp_path / "nfkc_gate.txt"
    monkeypatch.setattr(companies, "GATE_FILE", path)
    companies.nfkc_gate.cache_clear()
    yield path
    companies.nfkc_gate.cache_clear()


def test_written_gate_names_the_unicode_version_and_is_read_back(gate_file):
    """Test that write_nfkc_gate writes this Python's Unicode version, then the gate, and
    that nfkc_gate reads that gate."""
    companies.write_nfkc_gate()
    version, gate = gate_file.read_text("utf-8").split("\n", 1)
    assert version == unicodedata.unidata_version
    assert gate == companies.compute_nfkc_gate() + "\n"
    assert companies.nfkc_gate() == companies.compute_nfkc_gate()


@pytest.mark.parametrize("content", [None, "9.9.9\n[\\x{41}]\n", "no newline"])
def test_gate_of_another_version_or_missing_is_computed(gate_file, content):
    """Test that a missing gate file, one of another Unicode version or a malformed one
    gives the computed gate (never a stale one)."""
    if content is not None:
        gate_file.write_text(content, encoding="utf-8")
    assert companies.nfkc_gate() == companies.compute_nfkc_gate()


def test_gate_holds_exactly_the_characters_nfkc_may_change():
    """Test that the gate matches full-width letters, ㈱, half-width kana and combining
    marks, and not plain kana, kanji or ASCII."""
    con = duckdb.connect()
    try:
        gate = companies.nfkc_gate()
        for text, changes in [
            ("Ａ", True),
            ("㈱", True),
            ("ｶ", True),
            ("\u3099", True),  # combining voiced mark
            ("\u00a0", True),  # no-break space, the first character NFKC changes
            ("カ", False),
            ("会社", False),
            ("A", False),
            ("\u009f", False),  # the last control character before the gate starts
        ]:
            hit = con.execute("SELECT regexp_matches(?, ?)", [text, gate]).fetchone()[0]
            assert hit is changes, text
    finally:
        con.close()


def test_install_twice_and_uninstall_twice_are_harmless():
    """Test that the SQL functions can be installed again on the same connection and
    removed when they are already gone."""
    con = duckdb.connect()
    try:
        companies.install(con)
        companies.install(con)
        key = con.execute("SELECT company_key('㈱ＡＢＣ商事')").fetchone()[0]
        assert key == "abc商事"
        assert con.execute("SELECT senryoku_nfkc('ﾃｽﾄ')").fetchone()[0] == "テスト"
        assert con.execute("SELECT senryoku_nfkc('plain')").fetchone()[0] == "plain"
        companies.uninstall(con)
        companies.uninstall(con)
    finally:
        con.close()


def test_nfkc_folds_width_and_enclosed_forms():
    """Test that nfkc (used for list entries and header names) folds full-width letters,
    half-width kana and ㈱ as a spreadsheet user would read them."""
    assert companies.nfkc("ＡＢＣ　ｶﾞｲﾄﾞ㈱") == "ABC ガイド(株)"


def test_legal_form_with_an_apostrophe_is_quoted_in_sql(monkeypatch):
    """Test that a legal form holding a quote (an operator's edit of the data file) is
    passed to SQL as a literal, not breaking or changing the macro."""
    companies._patterns.cache_clear()
    monkeypatch.setattr(companies, "legal_forms", lambda: (("株式会社",), ("o'kaisha", "co")))
    try:
        assert companies.company_key("Sample O'Kaisha") == "sample"
        assert companies.company_key("Sample Co") == "sample"
    finally:
        companies._patterns.cache_clear()
