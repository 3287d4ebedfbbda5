"""The worker's default limits, pinned: the app reads every upload in a child process of
at most 1536 MB of address space and 120 seconds (a tenfold limit would let one upload
take the host's memory)."""

from __future__ import annotations

import inspect
from pathlib import Path

from engine.leads import worker
from engine.leads.leadset import LeadSet
from engine.leads.worker import WorkerLimits, read_leads_isolated

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "salesforce_leads_ja.csv"
CHILD_RUNNER = "_run_worker"  # the one internal name: what starts the child with its job


def test_worker_default_limits_are_1536_mb_and_120_seconds():
    """Test that the default worker limits are 1536 MB and 120 s, also as the default of
    read_leads_isolated."""
    assert WorkerLimits() == WorkerLimits(memory_mb=1536, seconds=120)
    default = inspect.signature(read_leads_isolated).parameters["limits"].default
    assert (default.memory_mb, default.seconds) == (1536, 120)


def test_app_reads_run_under_the_default_memory_limit(monkeypatch):
    """Test that an isolated read (what the app does) hands the child a 1536 MB limit and
    still reads the sample's 300 leads."""
    started = []
    real = getattr(worker, CHILD_RUNNER)

    def recording(job, limits, progress):
        started.append((job["memory_mb"], limits.memory_mb, limits.seconds))
        return real(job, limits, progress)

    monkeypatch.setattr(worker, CHILD_RUNNER, recording)
    with LeadSet.open(SAMPLE, isolated=True) as leads:
        assert leads.ingest.rows == 300
    assert started == [(1536, 1536, 120)]
