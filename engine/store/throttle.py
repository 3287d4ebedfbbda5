"""Throttles for what anyone on a public link can make the server do over and over.

Each :class:`Throttle` counts one kind of event **per client** (the address the reverse
proxy forwards, see ``ui/throttles.py``) **in the operator store**, so every replica on
the same store sees the same count and only the client who repeats the event is paused:
after ``max_events`` within ``window_seconds``, that client's event is refused for
``pause_seconds``.

* wrong operator passwords (:func:`login_failures`): 5 in 10 minutes pause that client's
  checks for 5 minutes (each check costs ~0.5 s of CPU: guessing stays slow and cannot tie
  up the server; the operator on another address is never locked out);
* new team rounds (:func:`new_team_rounds`): 30 in 10 minutes pause that client's round
  creation for 5 minutes (every round is a row in the operator's store).

The store keeps a client only as a hash of (kind, address), and only while it counts:
events older than the window and pauses that have ended are deleted as new events come.
Times are wall-clock seconds, the one clock replicas share.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from engine.store.db import Store

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS throttle_events (
        kind TEXT NOT NULL,
        client TEXT NOT NULL,
        seen_at DOUBLE PRECISION NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS throttle_pauses (
        kind TEXT NOT NULL,
        client TEXT NOT NULL,
        until_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (kind, client)
    )""",
)


class Throttle:
    """Counts one kind of event per client in a sliding window, in the operator store."""

    def __init__(
        self,
        kind: str,
        max_events: int,
        window_seconds: float,
        pause_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.kind = kind
        self.max_events = max_events
        self.window_seconds = window_seconds
        self.pause_seconds = pause_seconds
        self.clock = clock

    def _client(self, client: str) -> str:
        # an address is personal data: the store only ever sees this digest
        return hashlib.sha256(f"{self.kind}\0{client}".encode()).hexdigest()[:32]

    def retry_after(self, store: Store, client: str) -> float:
        """Seconds until ``client`` may do the event again (0: now)."""
        store.ensure_schema("throttle", SCHEMA)
        rows = store.query(
            "SELECT until_at FROM throttle_pauses WHERE kind = ? AND client = ?",
            (self.kind, self._client(client)),
        )
        return max(0.0, rows[0]["until_at"] - self.clock()) if rows else 0.0

    def record(self, store: Store, client: str) -> None:
        """``client`` did the event once; its ``max_events``-th within the window starts
        its pause."""
        store.ensure_schema("throttle", SCHEMA)
        now, key = self.clock(), self._client(client)
        since = now - self.window_seconds
        store.execute(
            "DELETE FROM throttle_events WHERE kind = ? AND seen_at <= ?", (self.kind, since)
        )
        store.execute(
            "DELETE FROM throttle_pauses WHERE kind = ? AND until_at <= ?", (self.kind, now)
        )
        store.execute(
            "INSERT INTO throttle_events (kind, client, seen_at) VALUES (?, ?, ?)",
            (self.kind, key, now),
        )
        (row,) = store.query(
            "SELECT count(*) AS n FROM throttle_events WHERE kind = ? AND client = ? AND seen_at > ?",
            (self.kind, key, since),
        )
        if row["n"] >= self.max_events:
            self.reset(store, client)
            store.execute(
                "DELETE FROM throttle_pauses WHERE kind = ? AND client = ?", (self.kind, key)
            )
            store.execute(
                "INSERT INTO throttle_pauses (kind, client, until_at) VALUES (?, ?, ?)",
                (self.kind, key, now + self.pause_seconds),
            )

    def reset(self, store: Store, client: str) -> None:
        """Forget ``client``'s events counted so far (a right password after wrong ones)."""
        store.ensure_schema("throttle", SCHEMA)
        store.execute(
            "DELETE FROM throttle_events WHERE kind = ? AND client = ?",
            (self.kind, self._client(client)),
        )


def login_failures() -> Throttle:
    """The throttle of wrong operator passwords."""
    return Throttle("admin_login", max_events=5, window_seconds=600, pause_seconds=300)


def new_team_rounds() -> Throttle:
    """The throttle of team rounds started."""
    return Throttle("team_round", max_events=30, window_seconds=600, pause_seconds=300)
