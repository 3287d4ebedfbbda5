"""A hostile workbook is refused in the server process before a parsing worker starts
(issue 15: four abusers re-uploading one slowed everyone else through the workers they
started), while a zip whose directory is too big to read there is left to the worker."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from engine.core.errors import LimitError
from engine.leads import worker
from engine.leads.load import private_connection
from engine.leads.xlsx import EARLY_CHECK_MAX_MEMBERS, zip_member_count

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "corpus"))
from make_hostile import dimension_bomb_xlsx  # noqa: E402


def _no_worker(*args, **kwargs):
    raise AssertionError("a worker was started")


def test_dimension_bomb_is_refused_without_a_worker(tmp_path, monkeypatch):
    """Test that the 1.9 KB sheet claiming A1:XFD1048576 is refused with the dimension
    error and no worker process is started."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(dimension_bomb_xlsx())
    monkeypatch.setattr(worker, "_run_worker", _no_worker)
    with pytest.raises(LimitError) as caught:
        worker.read_leads_isolated(path, private_connection())
    assert caught.value.code == "ingest.xlsx_dimension"
    assert caught.value.params["ref"] == "A1:XFD1048576"


def test_member_count_is_read_from_the_zip_end_record(tmp_path):
    """Test that the member count comes from the end record: the sample workbook's 10,
    a zip of 1,001 members, and none for a file that is no zip."""
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(EARLY_CHECK_MAX_MEMBERS + 1):
            zf.writestr(f"m{i}.txt", "")
    assert zip_member_count(ROOT / "sample_data" / "leads.xlsx") == 10
    assert zip_member_count(many) == 1001
    assert zip_member_count(ROOT / "sample_data" / "lists.yaml") is None


def test_a_zip_with_many_members_goes_to_the_worker(tmp_path, monkeypatch):
    """Test that a zip declaring more members than the early check reads in the server
    is not opened there: the worker is asked (and its answer comes back)."""
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(EARLY_CHECK_MAX_MEMBERS + 1):
            zf.writestr(f"m{i}.txt", "")
    asked = []

    def fake_worker(job, limits, progress):
        asked.append(job["path"])
        return {"error": {"kind": "InputError", "code": "ingest.not_a_table", "params": {}}}

    monkeypatch.setattr(worker, "_run_worker", fake_worker)
    with pytest.raises(Exception) as caught:
        worker.read_leads_isolated(many, private_connection())
    assert asked == [str(many.resolve())]
    assert caught.value.code == "ingest.not_a_table"
