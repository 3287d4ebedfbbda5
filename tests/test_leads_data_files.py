"""The leads sub-system's data files: each read through its model, and a broken edit
refused with a ConfigError that names the file and the field."""

from __future__ import annotations

import shutil

import pytest

from engine.core.errors import ConfigError
from engine.leads import companies, mapping, reference

LOADERS = [
    reference.column_aliases,
    reference.legal_forms_file,
    reference.stage_values,
    reference.free_mail_domains,
    mapping.aliases,
    companies.legal_forms,
    companies._patterns,
]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A copy of engine/leads/data the test may break; the cached readers start afresh."""
    folder = tmp_path / "data"
    shutil.copytree(reference.DATA_DIR, folder)
    monkeypatch.setattr(reference, "DATA_DIR", folder)
    for loader in LOADERS:
        loader.cache_clear()
    yield folder
    for loader in LOADERS:
        loader.cache_clear()


def test_shipped_data_files_load():
    """Test that the shipped files load with the values the profile relies on."""
    assert "gmail.com" in reference.free_mail_domains()
    assert reference.stage_values()["opennotcontacted"] == "lead"
    assert "株式会社" in reference.legal_forms_file().japanese
    assert mapping.aliases()["email"][0] == "メール"


@pytest.mark.parametrize(
    ("file", "old", "new", "load", "field"),
    [
        ("columns.yaml", "email: [", "emial: [", reference.column_aliases, "emial"),
        ("columns.yaml", "title: [役職", "title: [1", reference.column_aliases, "title.0"),
        ("stages.yaml", "mql:", "marketing:", reference.stage_values, "marketing"),
        (
            "free_mail.yaml",
            "  - gmail.com",
            "  - gmail com",
            reference.free_mail_domains,
            "domains.0",
        ),
        ("legal_forms.yaml", "\njapanese:", "\njapanse:", reference.legal_forms_file, "japanese"),
    ],
    ids=["columns-field", "columns-alias", "stages", "free-mail", "legal-forms"],
)
def test_broken_data_file_edit_names_file_and_field(data_dir, file, old, new, load, field):
    """Test that an edit that breaks a data file is a ConfigError naming the file and the
    field, in both languages."""
    path = data_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load()
    assert info.value.params["file"] == file
    assert info.value.params["field"] == field
    for lang in ("ja", "en"):
        message = info.value.message(lang)
        assert file in message and field in message
