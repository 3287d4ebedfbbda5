"""Throttles of what anyone on a public link can repeat (engine.store.throttle, ui.throttles):
counted per client, in the operator store (DuckDB and PostgreSQL), shared by replicas."""

from __future__ import annotations

import pytest

from engine.store.db import Store
from engine.store.throttle import Throttle, login_failures, new_team_rounds
from ui.throttles import client_from

A, B = "203.0.113.9", "198.51.100.7"


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.start = self.now = now

    def __call__(self) -> float:
        return self.now

    def at(self, seconds: float) -> FakeClock:
        self.now = self.start + seconds
        return self


def _throttle(clock: FakeClock) -> Throttle:
    return Throttle("test", max_events=5, window_seconds=600, pause_seconds=300, clock=clock)


def _record(throttle: Throttle, store: Store, client: str, *times: float) -> None:
    for t in times:
        throttle.clock.at(t)
        throttle.record(store, client)


def test_fifth_event_in_the_window_pauses_that_client_for_the_pause(store):
    """Test that a client's 5th event within 10 minutes pauses that client for exactly 5
    minutes, another client not at all, and the count starts again afterwards."""
    clock = FakeClock()
    throttle = _throttle(clock)
    _record(throttle, store, A, 0, 60, 120, 180)
    assert throttle.retry_after(store, A) == 0
    _record(throttle, store, A, 240)
    assert throttle.retry_after(store, A) == 300
    assert throttle.retry_after(store, B) == 0
    clock.at(539)
    assert throttle.retry_after(store, A) == 1
    clock.at(540)
    assert throttle.retry_after(store, A) == 0
    _record(throttle, store, A, 541)
    assert throttle.retry_after(store, A) == 0


def test_events_older_than_the_window_do_not_count_and_reset_forgets(store):
    """Test that only a client's events within the window count, and reset() forgets them."""
    clock = FakeClock()
    throttle = _throttle(clock)
    _record(throttle, store, A, 0, 200, 400, 600, 700)  # at 700 the one at 0 is too old
    assert throttle.retry_after(store, A) == 0
    _record(throttle, store, A, 750)  # 200 ... 750: five within ten minutes
    assert throttle.retry_after(store, A) == 300

    _record(throttle, store, B, 2000, 2001, 2002, 2003)
    throttle.reset(store, B)
    _record(throttle, store, B, 2004)
    assert throttle.retry_after(store, B) == 0


def test_other_clients_events_never_add_up(store):
    """Test that four events from each of 50 addresses pause none of them."""
    clock = FakeClock()
    throttle = _throttle(clock)
    for i in range(50):
        _record(throttle, store, f"192.0.2.{i}", 1, 2, 3, 4)
    assert all(throttle.retry_after(store, f"192.0.2.{i}") == 0 for i in range(50))


def test_two_replicas_on_one_store_share_the_count(store):
    """Test that three events on one replica and two on another pause the client on both
    for the five minutes from the fifth (each replica has its own Throttle and store
    handle, as each process has)."""
    clock = FakeClock()
    replica_1, replica_2 = _throttle(clock), _throttle(clock)
    other = Store(store.url)
    _record(replica_1, store, A, 0, 1, 2)
    _record(replica_2, other, A, 3, 4)
    clock.at(10)
    assert replica_1.retry_after(store, A) == 294
    assert replica_2.retry_after(other, A) == 294


def test_store_keeps_no_address_and_forgets_expired_rows(store):
    """Test that no client address is stored in the clear, and events past the window and
    pauses past their end are deleted by later events."""
    clock = FakeClock()
    throttle = _throttle(clock)
    _record(throttle, store, A, 0, 1, 2, 3, 4)  # paused until 304
    _record(throttle, store, B, 5)
    rows = store.query("SELECT client FROM throttle_events") + store.query(
        "SELECT client FROM throttle_pauses"
    )
    assert rows and all(A not in r["client"] and B not in r["client"] for r in rows)
    _record(throttle, store, "192.0.2.1", 1000)
    assert store.query("SELECT count(*) AS n FROM throttle_events")[0]["n"] == 1
    assert store.query("SELECT count(*) AS n FROM throttle_pauses")[0]["n"] == 0


def test_the_servers_throttles():
    """Test the figures the hosting docs promise: 5 wrong passwords in 10 minutes pause
    for 5 minutes; 30 new team rounds in 10 minutes pause for 5 minutes."""
    login = login_failures()
    assert (login.max_events, login.window_seconds, login.pause_seconds) == (5, 600, 300)
    rounds = new_team_rounds()
    assert (rounds.max_events, rounds.window_seconds, rounds.pause_seconds) == (30, 600, 300)


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        (None, A, set(), A),  # through the local nginx: the address it forwards
        (None, f"10.9.9.9, {A}", set(), A),  # appended by an outer hop: the last one
        (None, None, set(), "local"),  # a direct local connection (the operator's shell)
        ("192.0.2.50", A, set(), "192.0.2.50"),  # a direct client naming someone else
        ("192.0.2.50", None, set(), "192.0.2.50"),
        ("10.0.0.2", A, {"10.0.0.2"}, A),  # a proxy on another host, listed as trusted
        ("10.0.0.2", None, {"10.0.0.2"}, "10.0.0.2"),
    ],
)
def test_client_is_the_forwarded_address_only_from_a_trusted_proxy(
    peer, forwarded, trusted, client
):
    """Test that X-Forwarded-For is believed only from loopback or a listed proxy."""
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    assert client_from(peer, headers, trusted) == client
