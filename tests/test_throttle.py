"""Throttles of what anyone on a public link can repeat (engine.store.throttle)."""

from __future__ import annotations

from engine.store.throttle import Throttle, login_failures, new_team_rounds


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _at(throttle: Throttle, clock: FakeClock, *times: float) -> None:
    for t in times:
        clock.now = t
        throttle.record()


def test_fifth_event_in_the_window_pauses_for_the_pause():
    """Test that the max-th event within the window pauses the event for exactly the
    pause, and the count starts again afterwards."""
    clock = FakeClock()
    throttle = Throttle(max_events=5, window_seconds=600, pause_seconds=300, clock=clock)
    _at(throttle, clock, 0, 60, 120, 180)
    assert throttle.retry_after() == 0
    _at(throttle, clock, 240)
    assert throttle.retry_after() == 300
    clock.now = 539
    assert throttle.retry_after() == 1
    clock.now = 540
    assert throttle.retry_after() == 0
    _at(throttle, clock, 541)
    assert throttle.retry_after() == 0


def test_events_older_than_the_window_do_not_count_and_reset_forgets():
    """Test that only events within the window count, and reset() forgets them."""
    clock = FakeClock()
    throttle = Throttle(max_events=5, window_seconds=600, pause_seconds=300, clock=clock)
    _at(throttle, clock, 0, 200, 400, 600, 700)  # at 700 the one at 0 is too old
    assert throttle.retry_after() == 0
    _at(throttle, clock, 750)  # 200 ... 750: five within ten minutes
    assert throttle.retry_after() == 300

    fresh = Throttle(max_events=5, window_seconds=600, pause_seconds=300, clock=clock)
    _at(fresh, clock, 2000, 2001, 2002, 2003)
    fresh.reset()
    _at(fresh, clock, 2004)
    assert fresh.retry_after() == 0


def test_the_servers_throttles():
    """Test the figures the hosting docs promise: 5 wrong passwords in 10 minutes pause
    for 5 minutes; 30 new team rounds in 10 minutes pause for 5 minutes."""
    login = login_failures()
    assert (login.max_events, login.window_seconds, login.pause_seconds) == (5, 600, 300)
    rounds = new_team_rounds()
    assert (rounds.max_events, rounds.window_seconds, rounds.pause_seconds) == (30, 600, 300)
