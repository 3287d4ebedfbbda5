"""Throttles for what anyone on a public link can make the server do over and over.

One :class:`Throttle` per kind of event and server process, shared by all sessions: after
``max_events`` within ``window_seconds``, the event is refused for ``pause_seconds``.

* wrong operator passwords (:func:`login_failures`): 5 in 10 minutes pause the checks for
  5 minutes (each check costs ~0.5 s of CPU: guessing stays slow and cannot tie up the
  server);
* new team rounds (:func:`new_team_rounds`): 30 in 10 minutes pause round creation for
  5 minutes (every round is a row in the operator's store).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Throttle:
    """Counts events in a sliding window; thread-safe."""

    def __init__(
        self,
        max_events: int,
        window_seconds: float,
        pause_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_events = max_events
        self.window_seconds = window_seconds
        self.pause_seconds = pause_seconds
        self.clock = clock
        self._events: list[float] = []
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def retry_after(self) -> float:
        """Seconds until the event is allowed again (0: now)."""
        with self._lock:
            return max(0.0, self._paused_until - self.clock())

    def record(self) -> None:
        """One event happened; the ``max_events``-th within the window starts a pause."""
        now = self.clock()
        with self._lock:
            self._events = [t for t in self._events if now - t < self.window_seconds]
            self._events.append(now)
            if len(self._events) >= self.max_events:
                self._paused_until = now + self.pause_seconds
                self._events.clear()

    def reset(self) -> None:
        """Forget the events counted so far (a right password after wrong ones)."""
        with self._lock:
            self._events.clear()


def login_failures() -> Throttle:
    """A new throttle of wrong operator passwords."""
    return Throttle(max_events=5, window_seconds=600, pause_seconds=300)


def new_team_rounds() -> Throttle:
    """A new throttle of team rounds started."""
    return Throttle(max_events=30, window_seconds=600, pause_seconds=300)
