"""The real app server and browser settings shared by browser tests and the load test.

Plain module (no pytest): ``bench/loadtest.py`` and ``bench/app_bench.py`` use it too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
    extra_args: list[str] | None = None,
    log_path: Path | None = None,
):
    """Start ``streamlit run app.py`` on a free port; return (process, base_url).
    The server's output goes to ``log_path`` when given, else to ``proc.stdout``."""
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *(extra_args or []),
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=log_path.open("wb") if log_path else subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            out = log_path.read_bytes() if log_path else proc.stdout.read()
            raise RuntimeError(out.decode(errors="replace"))
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not become healthy in time")


def stop_app(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


# ---- helpers for driving the page (named dimensions, as Streamlit's own e2e tests do) ----

# The glide-data-grid behind st.dataframe / st.data_editor: header and rows are 35 px high.
GRID_ROW_HEIGHT = 35


def click_on_cell(
    page,
    grid,
    row: int,
    column: int,
    *,
    column_width: int = 60,
    row_height: int = GRID_ROW_HEIGHT,
    double_click: bool = False,
) -> None:
    """Click the cell at ``row`` (0 is the header, 1 the first data row) and ``column``
    (0-based, each ``column_width`` px wide) of a data grid (a Playwright locator of the
    element holding it), like Streamlit's own ``click_on_cell``."""
    box = grid.bounding_box()
    x = box["x"] + column_width * column + column_width / 2
    y = box["y"] + row_height * row + row_height / 2
    if double_click:
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)


def wait_for_app(page) -> None:
    """Wait until the app has finished its run (no running indicator)."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')"""
        """ && document.querySelector('[data-testid="stMain"]')""",
        timeout=60_000,
    )
