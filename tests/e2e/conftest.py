"""Browser fixtures: a real `streamlit run` of the app on a free loopback port, driven by
Playwright through Debian's Chromium (never a downloaded browser).

A missing Chromium skips the browser tests only where it truly cannot be had: not under
CI (any truthy ``CI``) and not as root (``make system-deps`` installs it); there it fails.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import under_ci
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, ROOT, start_app, stop_app  # noqa: F401


def missing_chromium_fails() -> bool:
    """Whether a missing Chromium fails the browser tests rather than skipping them: under
    any truthy CI, and as root (where ``make system-deps`` installs it)."""
    return under_ci() or os.geteuid() == 0


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of the app served by a real Streamlit server for this test session."""
    store = tmp_path_factory.mktemp("store") / "store.duckdb"
    proc, url = start_app({"SENRYOKU_STORE_PATH": str(store)})
    yield url
    stop_app(proc)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright."""
    if not os.path.exists(CHROMIUM):
        if missing_chromium_fails():
            pytest.fail(f"Chromium missing at {CHROMIUM}: apt-get install -y chromium")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (as root: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    """A fresh browser context (its own cookies and session) per test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


def pytest_collection_modifyitems(items):
    """Every test under tests/e2e drives the real app in Chromium: mark it ``browser`` so
    ``-m "not browser"`` leaves them all out, not only the files that say so."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.browser)
