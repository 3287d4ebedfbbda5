"""Process-wide housekeeping for a hosted server: give the memory of ended sessions back.

Streamlit's session objects reference each other in cycles, so an ended session (and the
upload it held) is freed only by a full garbage collection, which an idle server rarely
runs; and glibc keeps freed pages unless asked to trim. One daemon thread per process
does both every minute, so uploads do not outlive their session in memory. It also removes
work directories (private copies of uploads) that a crashed process left in /dev/shm or
the temp directory, at start and then every minute.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading

import streamlit as st

from engine.leads.workdirs import remove_stale_work_dirs

INTERVAL_SECONDS = 60.0


def _trim() -> None:
    gc.collect()
    name = ctypes.util.find_library("c")
    if name:
        try:
            ctypes.CDLL(name).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc
            pass


@st.cache_resource(show_spinner=False)
def start_memory_housekeeping() -> threading.Event:
    """Start the housekeeping thread once per process; returns its stop event."""
    stop = threading.Event()

    def loop() -> None:
        remove_stale_work_dirs()
        while not stop.wait(INTERVAL_SECONDS):
            _trim()
            remove_stale_work_dirs()

    threading.Thread(target=loop, name="senryoku-housekeeping", daemon=True).start()
    return stop
