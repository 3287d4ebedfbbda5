"""Reading an upload in a worker process with memory and time limits."""

from __future__ import annotations

import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bench.gen_leads import write_list
from engine.core.errors import InputError, LimitError
from engine.core.i18n import t
from engine.leads import workdirs
from engine.leads.ingest import read_leads
from engine.leads.load import locked_connection
from engine.leads.worker import WorkerLimits, read_leads_isolated

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture
def con():
    c = locked_connection()
    yield c
    c.close()


def _private_copies(places: set[Path]) -> set[Path]:
    """The work directories of reads and workers in ``places``."""
    return {p for place in places for p in place.glob("senryoku-*") if p.is_dir()}


@pytest.fixture(autouse=True)
def no_private_copies(tmp_path, monkeypatch):
    """Every test here: no read or worker leaves its work directory (with the private
    UTF-8 copy of an upload) behind, even when the worker was killed. /dev/shm and the
    temp directory are replaced by directories of this test's own (other test runs on
    the machine use the real ones at the same time)."""
    shm, tmp = tmp_path / "shm", tmp_path / "tmp"
    shm.mkdir()
    tmp.mkdir()
    monkeypatch.setattr(workdirs, "SHM_DIR", str(shm))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield
    workdirs.wait_for_cleanup()
    assert _private_copies({shm, tmp}) == set()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Point the parent's temp files at an empty directory so leftovers are visible."""
    d = tmp_path / "parent-tmp"
    d.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(d))
    return d


@pytest.mark.parametrize(("name", "rows"), [("salesforce_leads_ja.csv", 300), ("leads.xlsx", 200)])
def test_isolated_read_equals_in_process_read(con, private_tmp, name, rows):
    """Test that the worker returns the same result and table as read_leads (a workbook
    too: the worker imports the workbook reader only for one), and its temp directory is
    gone afterwards."""
    path = SAMPLES / name
    seen = []
    iso = read_leads_isolated(path, con, table="iso", progress=lambda f, s: seen.append(s))
    direct = read_leads(path, con, table="direct")
    assert iso == replace(direct, table="iso")
    a = con.execute('SELECT * FROM iso ORDER BY "_row"').fetchall()
    b = con.execute('SELECT * FROM direct ORDER BY "_row"').fetchall()
    assert len(a) == rows and a == b
    assert "ingest.progress.done" in seen
    assert list(private_tmp.iterdir()) == []


def test_worker_input_error_reaches_the_parent_as_is(tmp_path, con, capfd):
    """Test that an unusable file gives the same InputError through the worker, and
    nothing of the worker's output reaches the terminal."""
    p = tmp_path / "empty.csv"
    p.write_bytes(b"Email,Company\r\n")
    with pytest.raises(InputError) as info:
        read_leads_isolated(p, con)
    assert info.value.code == "ingest.header_only"
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_worker_over_memory_limit_fails_cleanly(tmp_path, con, capfd, private_tmp):
    """Test that a worker exceeding a tiny memory limit ends with a clear LimitError,
    no traceback on the terminal, and the parent still works afterwards."""
    p = tmp_path / "leads.csv"
    write_list(p, "hubspot", 20_000, seed=2)
    with pytest.raises(LimitError) as info:
        read_leads_isolated(p, con, limits=WorkerLimits(memory_mb=200, seconds=60))
    assert info.value.code == "ingest.worker_memory"
    assert "200" in info.value.message("ja") and "200" in info.value.message("en")
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and err == ""
    assert list(private_tmp.iterdir()) == []
    assert read_leads(SAMPLES / "hubspot_contacts.csv", con).rows == 300


def test_worker_timeout_is_a_limit_error(tmp_path, con, private_tmp):
    """Test that a worker over its time limit is stopped with a clear LimitError and the
    parent can read the next file."""
    p = tmp_path / "leads.csv"
    write_list(p, "salesforce_ja", 20_000, seed=4)
    with pytest.raises(LimitError) as info:
        read_leads_isolated(p, con, limits=WorkerLimits(seconds=0.05))
    assert info.value.code == "ingest.worker_timeout"
    assert info.value.params == {"seconds": "0.05"}
    assert t("ingest.worker_timeout", "en", seconds="0.05") in info.value.message("en")
    assert list(private_tmp.iterdir()) == []
    assert read_leads_isolated(SAMPLES / "marketo_leads.tsv", con).rows == 200


def test_killed_worker_is_a_limit_error(con, private_tmp):
    """Test that a worker killed mid-parse (as the OOM killer would) ends in a LimitError
    and leaves no temp files or child process behind."""
    import signal

    import psutil

    def workers():
        return [
            c for c in psutil.Process().children() if "engine.leads.worker" in " ".join(c.cmdline())
        ]

    def kill_children(fraction, stage):
        for child in workers():
            child.send_signal(signal.SIGKILL)

    with pytest.raises(LimitError) as info:
        read_leads_isolated(SAMPLES / "sansan_cards.csv", con, progress=kill_children)
    assert info.value.code == "ingest.worker_memory"
    assert workers() == []
    assert list(private_tmp.iterdir()) == []


def test_app_upload_keeps_the_app_limit_and_the_cli_does_not(tmp_path, monkeypatch):
    """Test that LeadSet.open(isolated=True), the app's way, checks the app's file limit
    in the worker, while the in-process read (the CLI's way) accepts the same file."""
    from engine.leads import leadset
    from engine.leads.ingest import IngestLimits

    monkeypatch.setattr(leadset, "APP_LIMITS", IngestLimits(max_file_bytes=10 * 1024))
    path = SAMPLES / "marketo_leads.tsv"
    assert path.stat().st_size > 10 * 1024
    with pytest.raises(LimitError) as info:
        leadset.LeadSet.open(path, isolated=True)
    assert info.value.code == "ingest.too_large"
    assert info.value.params["max_mb"] == 0
    with leadset.LeadSet.open(path) as leads:
        assert leads.ingest.rows == 200
    with leadset.LeadSet.open(path, isolated=True, limits=IngestLimits()) as leads:
        assert leads.ingest.rows == 200


def test_worker_leaves_no_private_copy_of_a_cp932_upload(tmp_path, con):
    """Test that a CP932 upload (transcoded to a private UTF-8 copy by the worker, which
    ends with os._exit) leaves no copy behind (checked by no_private_copies)."""
    path = tmp_path / "cards_cp932.csv"
    write_list(path, "sansan", 3000, seed=8)
    result = read_leads_isolated(path, con, table="cards")
    assert result.encoding == "cp932" and result.rows == 3000


def test_parses_over_the_cap_wait_in_line_and_hear_their_place(monkeypatch):
    """Test that with one parsing slot a second upload waits until the first is read,
    hears "queued, position 1" through its progress callback, and then reads normally;
    a third hears position 2, then 1."""
    from engine.leads import worker

    monkeypatch.setattr(worker, "SLOTS", worker.ParserSlots(1))
    release = threading.Event()
    first_started = threading.Event()
    heard: dict[str, list] = {"second": [], "third": []}
    results: dict[str, int] = {}

    def hold(fraction, stage, **params):
        first_started.set()
        release.wait(30)

    def read(name, progress):
        c = locked_connection()
        try:
            results[name] = read_leads_isolated(
                SAMPLES / "hubspot_contacts.csv", c, progress=progress
            ).rows
        finally:
            c.close()

    def listener(name):
        return lambda fraction, stage, **params: heard[name].append((stage, params.get("position")))

    threads = [threading.Thread(target=read, args=("first", hold))]
    threads[0].start()
    assert first_started.wait(30)
    for name in ("second", "third"):
        threads.append(threading.Thread(target=read, args=(name, listener(name))))
        threads[-1].start()
        deadline = time.monotonic() + 10
        while not heard[name] and time.monotonic() < deadline:
            time.sleep(0.02)
    assert heard["second"] == [("ingest.progress.queued", 1)]
    assert heard["third"] == [("ingest.progress.queued", 2)]
    release.set()
    for th in threads:
        th.join(60)
    assert results == {"first": 300, "second": 300, "third": 300}
    assert ("ingest.progress.queued", 1) in heard["third"]
    assert heard["third"][-1][0] == "ingest.progress.done"


def test_queued_stage_reaches_a_two_argument_callback():
    """Test that a progress callback taking only (fraction, stage) hears the queued stage."""
    from engine.leads.worker import report_queued

    heard = []
    report_queued(lambda fraction, stage: heard.append((fraction, stage)), 3)
    assert heard == [(0.0, "ingest.progress.queued")]
