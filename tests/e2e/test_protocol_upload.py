"""The load test's abuser (bench/abuser.py) uploads through the app's own protocol, as the
page's uploader does: if it stopped reaching the upload path, ``make loadtest`` would
measure ten sessions beside four idle ones and call it a pass."""

from __future__ import annotations

import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench.abuser import ProtocolSession
from tests.e2e.server import ROOT

sys.path.insert(0, str(ROOT / "tests" / "corpus"))
from make_hostile import dimension_bomb_xlsx  # noqa: E402


async def _three_uploads(url: str, path) -> tuple[list[bool], list[float], list[list[str]]]:
    session = ProtocolSession(url, "leads")
    refused, seconds, texts = [], [], []
    try:
        await session.open()
        key = next(k for k in session.widgets if k.startswith("leads_file"))
        for _ in range(3):
            begin = time.perf_counter()
            run = await session.upload(key, path)
            seconds.append(time.perf_counter() - begin)
            refused.append(run.errors > 0)
            texts.append(run.texts)
    finally:
        await session.close()
    return refused, seconds, texts


def test_protocol_abuser_is_refused_and_slowed_like_a_browser(app_url, tmp_path):
    """Test that an upload sent over the protocol reaches the app's reading: the hostile
    workbook is refused each time, and only the third failure in a row says and waits its
    2 seconds."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(dimension_bomb_xlsx())
    # in a thread of its own: Playwright's sync API keeps an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        run = pool.submit(asyncio.run, _three_uploads(app_url, path))
        refused, seconds, texts = run.result(timeout=120)
    assert refused == [True, True, True]
    waits = [[t for t in run if "2 秒待ってから読み込みます" in t] for run in texts]
    assert [len(w) for w in waits] == [0, 0, 1]
    assert seconds[2] >= 2.0
