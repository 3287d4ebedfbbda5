"""Process-wide housekeeping for a hosted server: give the memory of ended sessions back.

Streamlit's session objects reference each other in cycles, so an ended session (and the
upload it held) is freed only by a full garbage collection, which an idle server rarely
runs; and glibc keeps freed pages unless asked to trim. One daemon thread per process
does both every minute, so uploads do not outlive their session in memory. It also removes
work directories (private copies of uploads) that a crashed process left in /dev/shm or
the temp directory, at start and then every minute.

A session whose browser went away is kept ``server.disconnectedSessionTTL`` seconds for a
reconnect. Streamlit drops an expired one only when its session store is next written —
when another session disconnects — so an idle server kept the last visitor's upload
indefinitely. The same minute's round expires those sessions and shuts them down (on
Streamlit's event loop, the only thread that may touch its session store).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading

import streamlit as st

from engine.leads.workdirs import remove_stale_work_dirs

INTERVAL_SECONDS = 60.0
log = logging.getLogger(__name__)


def release_expired_sessions(storage) -> int:
    """Shut down the stored (disconnected) sessions whose reconnect time is over; returns
    how many. ``storage`` is Streamlit's MemorySessionStorage. Event-loop thread only."""
    cache = getattr(storage, "_cache", None)
    expire = getattr(cache, "expire", None)
    if expire is None:  # another storage: nothing known to release
        return 0
    released = 0
    for _session_id, info in expire():
        try:
            info.session.shutdown()
        except Exception:  # noqa: BLE001 - one odd session must not stop the others
            log.warning("an expired session did not shut down cleanly", exc_info=True)
        released += 1
    return released


def _release_on_event_loop() -> None:
    """Ask the running Streamlit server to release its expired sessions."""
    try:
        from streamlit.runtime import Runtime

        runtime = Runtime.instance()
        storage = runtime._session_mgr._session_storage  # noqa: SLF001 - no public API
        loop = runtime._get_async_objs().eventloop  # noqa: SLF001
    except Exception:  # no running server (AppTest, bare run) or a changed Streamlit
        return
    loop.call_soon_threadsafe(_release_and_trim, storage)


def _release_and_trim(storage) -> None:
    if release_expired_sessions(storage):
        _trim()  # the released sessions' uploads go back to the system now, not next minute


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
            _release_on_event_loop()
            _trim()
            remove_stale_work_dirs()

    threading.Thread(target=loop, name="senryoku-housekeeping", daemon=True).start()
    return stop
