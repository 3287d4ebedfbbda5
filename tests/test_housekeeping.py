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


class _Session:
    def __init__(self, session_id: str) -> None:
        self.id = session_id
        self.shut_down = False

    def shutdown(self) -> None:
        self.shut_down = True


def test_expired_disconnected_sessions_are_shut_down_without_another_disconnect():
    """Test that a disconnected session past its reconnect time is shut down (its upload
    released) by the housekeeping round alone, while one still within it is kept."""
    import time

    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.session_manager import SessionInfo

    short = MemorySessionStorage(ttl_seconds=0.05)
    gone = _Session("gone")
    short.save(SessionInfo(client=None, session=gone))
    long = MemorySessionStorage(ttl_seconds=120)
    kept = _Session("kept")
    long.save(SessionInfo(client=None, session=kept))
    time.sleep(0.1)
    assert gone.shut_down is False  # Streamlit alone would keep it until a later write
    assert housekeeping.release_expired_sessions(short) == 1
    assert housekeeping.release_expired_sessions(long) == 0
    assert gone.shut_down is True and kept.shut_down is False
    assert short.list() == [] and [i.session for i in long.list()] == [kept]


def test_the_streamlit_internals_housekeeping_reaches_still_exist():
    """Test that this Streamlit still has the event loop and session store housekeeping
    reaches for (a renamed one would silently keep expired uploads in memory)."""
    import inspect

    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.runtime import Runtime
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    assert callable(Runtime._get_async_objs)
    assert "self._session_mgr =" in inspect.getsource(Runtime.__init__)
    assert "self._session_storage =" in inspect.getsource(WebsocketSessionManager.__init__)
    assert callable(MemorySessionStorage()._cache.expire)
