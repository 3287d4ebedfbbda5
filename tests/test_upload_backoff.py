"""Failed uploads in a row make the next one wait (issue 15: a script re-sending a file the
app refuses kept the server busy for everyone); a person's first retry never waits."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.leads.intake import failed_upload_wait

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "salesforce_leads_ja.csv"


def test_waits_grow_after_the_second_failure_and_stop_at_half_a_minute():
    """Test the waits: none after 0 or 1 failures, then 2, 4, 8, 16 and at most 30 s."""
    assert [failed_upload_wait(n) for n in range(9)] == [0, 0, 2, 4, 8, 16, 30, 30, 30]


def test_failed_uploads_slow_the_next_and_a_good_one_resets(monkeypatch):
    """Test that after two unreadable files the third upload waits 2 s (said on the page,
    in Japanese), and a readable file afterwards starts the count again."""
    import time

    slept: list[float] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:  # the app's waits are recorded, AppTest's own polls run
        if seconds >= 1:
            slept.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/leads.py").run()
    uploader = lambda: at.file_uploader(key="leads_file")  # noqa: E731
    for i in range(3):
        uploader().upload(f"broken{i}.csv", b"\x00\x01\x02" * 50, "text/csv").run()
        assert at.error, "an unreadable file ends in an error"
    assert slept == [2.0]
    assert any("2 秒待って" in c.value for c in at.caption)
    assert at.session_state["upload_failures"] == 3
    uploader().upload(SAMPLE.name, SAMPLE.read_bytes(), "text/csv").run()
    assert slept == [2.0, 4.0]
    assert not at.exception
    assert at.session_state["upload_failures"] == 0
    uploader().upload("broken.csv", b"\x00\x01\x02" * 50, "text/csv").run()
    assert slept == [2.0, 4.0]


@pytest.fixture(autouse=True)
def _quiet_streamlit():
    import streamlit.logger

    streamlit.logger.set_log_level("error")
