"""Foundation checks: the engine stays UI-free, texts are complete in both languages,
the store works on both backends, the CLI never shows a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from engine.core.i18n import flatten

ROOT = Path(__file__).resolve().parent.parent


def test_engine_never_imports_streamlit():
    """Test that no module under engine/ imports streamlit."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "engine").rglob("*.py")
        if re.search(r"^\s*(import streamlit|from streamlit)", p.read_text("utf-8"), re.M)
    ]
    assert offenders == []


def test_every_text_exists_in_japanese_and_english():
    """Test that ja and en locales hold the same keys, none empty, same placeholders."""
    ja, en = flatten("ja"), flatten("en")
    assert sorted(set(ja) ^ set(en)) == []
    for key in ja:
        assert str(ja[key]).strip() and str(en[key]).strip(), key
        if isinstance(ja[key], str):
            ph = re.compile(r"\{(\w+)\}")
            assert set(ph.findall(ja[key])) == set(ph.findall(en[key])), key


def test_store_round_trip(store):
    """Test that the store keeps and returns rows with bound values on both backends."""
    store.ensure_schema("t", ["CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BIGINT)"])
    store.execute("INSERT INTO kv VALUES (?, ?)", ["x'); DROP TABLE kv;--", 3])
    rows = store.query("SELECT k, v FROM kv WHERE v = ?", [3])
    assert rows == [{"k": "x'); DROP TABLE kv;--", "v": 3}]


def test_cli_bad_usage_is_one_line_exit_2():
    """Test that a wrong CLI call exits 2 with one line on stderr and no traceback."""
    r = subprocess.run(
        [sys.executable, "-m", "engine", "--lang", "en", "nosuchcommand"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 2
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_cli_lang_is_accepted_after_the_command():
    """Test that --lang works after the subcommand and switches the error language."""
    r = subprocess.run(
        [sys.executable, "-m", "engine", "profile", "no-such-file.csv", "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 2
    assert "File not found" in r.stderr and "Traceback" not in r.stderr
