"""The hosted server's housekeeping thread."""

from __future__ import annotations

import threading

from ui import housekeeping


def test_housekeeping_removes_stale_work_dirs_at_start(monkeypatch):
    """Test that the housekeeping thread sweeps the work directories a crashed process
    left as soon as it starts (not only after its first minute)."""
    swept = threading.Event()
    monkeypatch.setattr(housekeeping, "remove_stale_work_dirs", lambda: swept.set())
    housekeeping.start_memory_housekeeping.clear()
    stop = housekeeping.start_memory_housekeeping()
    try:
        assert swept.wait(5)
    finally:
        stop.set()
        housekeeping.start_memory_housekeeping.clear()
