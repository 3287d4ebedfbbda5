"""The bad-input corpus: each file, read the way the app reads an upload (in a separate
worker process, then profiled), ends exactly as ``tests/corpus/expected.yaml`` says —
read with its row count, or refused with the expected error and a message in Japanese
and English. Nothing else is ever raised. Also: the hosted upload limits are configured."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from engine.core.errors import InputError, LimitError
from engine.core.i18n import t

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402

EXPECTED: dict[str, dict] = yaml.safe_load((CORPUS / "expected.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def large_files(tmp_path_factory) -> Path:
    """The large corpus files, made once for this module."""
    folder = tmp_path_factory.mktemp("corpus-large")
    make_corpus.write_large(folder)
    return folder


def _path(name: str, large_files: Path) -> Path:
    return CORPUS / "files" / name if name in make_corpus.SMALL else large_files / name


def test_corpus_is_complete_and_reproducible(tmp_path):
    """Test that the corpus has at least 30 files, each with an expected outcome, and
    that the committed files are exactly what the generator makes."""
    names = set(make_corpus.SMALL) | set(make_corpus.LARGE) | set(make_corpus.OVERSIZE)
    assert len(names) >= 30
    assert sorted(names ^ set(EXPECTED)) == []
    make_corpus.write_small(tmp_path)
    for name in make_corpus.SMALL:
        assert (tmp_path / name).read_bytes() == (CORPUS / "files" / name).read_bytes(), name


def _both_languages(code: str, params: dict) -> None:
    for lang in ("ja", "en"):
        text = t(code, lang, **params)
        assert text != code, f"no {lang} text for {code}"
        assert "Traceback" not in text and "{" not in text, (code, lang, text)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_has_its_expected_outcome(name, large_files):
    """Test that one corpus file, read in the worker and profiled, is read with the
    expected row count or refused with the expected error, in ja and en."""
    from engine.leads.leadset import LeadSet

    expected = EXPECTED[name]
    path = _path(name, large_files)
    leadset = None
    try:
        leadset = LeadSet.open(path, isolated=True)
        profile = leadset.profile()
    except InputError as exc:
        assert expected["outcome"] == "error", f"{name}: refused with {exc.code}"
        assert exc.code == expected["code"], name
        assert isinstance(exc, LimitError) is bool(expected.get("limit")), name
        _both_languages(exc.code, exc.params)
        return
    finally:
        if leadset is not None:
            leadset.close()
    assert expected["outcome"] == "read", f"{name}: read, expected {expected.get('code')}"
    ingest = leadset.ingest
    assert ingest.rows == expected["rows"], name
    assert profile.rows == expected["rows"], name
    assert sum(profile.categories.values()) == profile.rows
    assert sum(profile.stages.values()) == profile.categories["target"]
    note_codes = [code for code, _ in ingest.notes]
    assert set(expected.get("notes", [])) <= set(note_codes), (name, note_codes)
    for code, params in ingest.notes:
        _both_languages(code, params)
    assert set(expected.get("headers", [])) <= set(ingest.headers), (name, ingest.headers)


def test_hostile_header_and_formula_cells_come_through_as_text(tmp_path):
    """Test that SQL in a header and formulas in cells are kept as plain text values."""
    from engine.leads.leadset import LeadSet

    with LeadSet.open(CORPUS / "files" / "formula_cells.csv", isolated=True) as leads:
        frame = leads.cleaned_targets()
        companies = set(frame["会社名"])
    assert "=cmd|' /C calc'!A0" in companies
    assert '=HYPERLINK("http://evil.example","click")' in companies
    with LeadSet.open(CORPUS / "files" / "hostile_headers.csv", isolated=True) as leads:
        values = leads.cleaned_targets()['x""; DROP TABLE leads;--'].tolist()
    assert sorted(values) == ["Acme", "Bobby Tables Inc."]


def test_hosted_config_sets_upload_limit_and_safe_defaults():
    """Test that .streamlit/config.toml holds the hosted defaults: an upload limit no
    larger than the engine's, XSRF on, usage stats off, error details hidden, minimal
    toolbar, headless, Streamlit's agent API off."""
    from engine.leads.ingest import MAX_FILE_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    server = config["server"]
    assert 0 < server["maxUploadSize"] <= MAX_FILE_BYTES / 1024 / 1024
    assert server["enableXsrfProtection"] is True
    assert server["headless"] is True
    assert server["enableAgentApi"] is False
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "minimal"
