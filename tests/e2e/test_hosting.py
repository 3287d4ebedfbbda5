"""Safe to host on a public link, checked in a real browser against a real server:
user text renders as text, two sessions never see each other's rows, uploaded emails
never reach the server log, and no page caches uploads globally."""

from __future__ import annotations

import ast
import base64
import re
import threading
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from engine.core.i18n import t
from tests.e2e.server import ROOT, start_app, stop_app

XSS = "<img src=x onerror=alert(1)>"
UPLOADER = ".st-key-leads_file [data-testid=stFileUploaderDropzoneInput]"
LABELS = {
    "ja": {"total": "総行数", "privacy": "アップロードした行はこのセッションのメモリ内にだけ"},
    "en": {"total": "Total rows", "privacy": "Uploaded rows stay only in this session's memory"},
}


def _lead_csv(path: Path, prefix: str, rows: int, company: str | None = None) -> Path:
    """A small UTF-8 lead list whose emails all carry ``prefix`` (to trace them)."""
    lines = ["会社名,氏名,メールアドレス,電話番号"]
    for i in range(rows):
        name = company or f"{prefix.capitalize()}{i} 株式会社"
        lines.append(f'"{name}",担当 {i},{prefix}.{i}@{prefix}-corp.example,03-0000-{i:04d}')
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A Streamlit server for this module whose output is captured line by line."""
    store = tmp_path_factory.mktemp("hosting-store") / "store.duckdb"
    proc, url = start_app({"SENRYOKU_STORE_PATH": str(store)})
    log: list[str] = []

    def drain() -> None:
        for line in iter(proc.stdout.readline, b""):
            log.append(line.decode("utf-8", errors="replace"))

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    yield url, log
    stop_app(proc)
    reader.join(timeout=10)


def _upload(page, url: str, path: Path, lang: str) -> None:
    page.goto(f"{url}/leads")
    page.locator(UPLOADER).set_input_files(str(path))
    page.get_by_test_id("stMetric").filter(has_text=LABELS[lang]["total"]).wait_for(timeout=60_000)


def _total_rows(page, lang: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text=LABELS[lang]["total"])
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


@pytest.mark.browser
def test_hostile_company_names_render_as_literal_text(server, browser, tmp_path):
    """Test that a company named <img src=x onerror=alert(1)> shows literally in the
    tables, fires no dialog and puts no img[src=x] into the page."""
    url, _ = server
    ctx = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        _upload(page, url, _lead_csv(tmp_path / "xss.csv", "xss", 3, company=XSS), "en")
        assert _total_rows(page, "en") == "3"
        cells = page.locator("[role=gridcell]").filter(has_text=XSS)
        cells.first.wait_for(state="attached")
        assert XSS in cells.first.text_content()
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("img[src='x']").count() == 0
        assert dialogs == []
    finally:
        ctx.close()


@pytest.mark.browser
def test_two_sessions_see_only_their_own_rows_and_logs_hold_no_email(server, browser, tmp_path):
    """Test that two users uploading at once (7 and 13 rows) each see only their own count
    and companies, each sees the privacy notice in their language, and no uploaded
    email appears in the server's output."""
    url, log = server
    files = {
        "ja": _lead_csv(tmp_path / "alpha.csv", "alpha", 7),
        "en": _lead_csv(tmp_path / "bravo.csv", "bravo", 13),
    }
    locales = {"ja": "ja-JP", "en": "en-US"}
    contexts = {lang: browser.new_context(locale=locales[lang]) for lang in files}
    try:
        pages = {}
        for lang, ctx in contexts.items():
            ctx.set_default_timeout(60_000)
            pages[lang] = ctx.new_page()
            pages[lang].goto(f"{url}/leads")
        # Both uploads are in flight before either is checked.
        for lang, page in pages.items():
            page.locator(UPLOADER).set_input_files(str(files[lang]))
        for lang, page in pages.items():
            page.get_by_test_id("stMetric").filter(has_text=LABELS[lang]["total"]).wait_for()
        assert _total_rows(pages["ja"], "ja") == "7"
        assert _total_rows(pages["en"], "en") == "13"
        for lang, page in pages.items():
            assert LABELS[lang]["privacy"] in page.get_by_test_id("stAlert").first.inner_text()
            page.locator("[role=gridcell]").filter(has_text="corp.example").first.wait_for(
                state="attached"
            )
            cells = " ".join(page.locator("[role=gridcell]").all_text_contents())
            mine, theirs = ("Alpha", "Bravo") if lang == "ja" else ("Bravo", "Alpha")
            assert mine in cells and theirs not in cells
        # Reloading a session starts empty: nothing of the other session leaks in.
        pages["ja"].reload()
        pages["ja"].locator(UPLOADER).wait_for(state="attached")
        assert (
            pages["ja"].get_by_test_id("stMetric").filter(has_text=LABELS["ja"]["total"]).count()
            == 0
        )
    finally:
        for ctx in contexts.values():
            ctx.close()
    output = "".join(log)
    leaked = re.findall(r"[\w.+-]+@(?:alpha|bravo|xss)-corp\.example", output)
    assert leaked == []


# -- hostile share links and third-party requests ------------------------------------------

CRASH = "This app has encountered an error"


def _hostile_token(raw: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw.encode(), 9)).decode().rstrip("=")


HOSTILE_LINKS = {
    "scale 99": _hostile_token('{"v":1,"q":"quick","a":{"rating_closing":99},"s":{}}'),
    "multi-choice as int": _hostile_token('{"v":1,"q":"full","a":{"lead_sources":3},"s":{}}'),
    "2,000 deep": _hostile_token('{"v":1,"q":"quick","a":' + "[" * 2000 + "]" * 2000 + ',"s":{}}'),
}


@pytest.mark.browser
@pytest.mark.parametrize("name", list(HOSTILE_LINKS))
@pytest.mark.parametrize("path", ["/", "/results"])
def test_crafted_share_link_shows_the_broken_link_message(server, browser, name, path):
    """Test that a crafted share link opened in a browser shows the one-line broken-link
    message and the page, never Streamlit's error screen."""
    url, _ = server
    ctx = browser.new_context(locale="ja-JP")
    ctx.set_default_timeout(30_000)
    try:
        page = ctx.new_page()
        page.goto(f"{url}{path}?s={HOSTILE_LINKS[name]}")
        alert = page.get_by_test_id("stAlertContentError")
        alert.first.wait_for()
        # the message itself (the alert also holds its icon, drawn from a ligature name)
        message = alert.first.get_by_test_id("stMarkdownContainer").inner_text()
        assert message == t("app.share.invalid", "ja")
        page.get_by_role("link", name="4. 診断結果").wait_for()
        assert CRASH not in page.content()
        assert page.get_by_test_id("stException").count() == 0
    finally:
        ctx.close()


@pytest.mark.browser
def test_browser_requests_nothing_from_any_other_host(server, browser, tmp_path):
    """Test that every page, the sample run, an upload and a share link make the browser
    request nothing but the app's own host (no icon or font from a third party)."""
    url, _ = server
    own = urlsplit(url).netloc
    ctx = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(60_000)
    requested: list[str] = []
    ctx.on("request", lambda request: requested.append(request.url))
    try:
        page = ctx.new_page()
        page.goto(url)
        page.get_by_role("button", name=t("app.sample.button", "ja")).click()
        page.get_by_test_id("stMetric").first.wait_for()
        for path in ("/sales", "/team", "/admin", "/questionnaire?s=not-a-token"):
            page.goto(url + path)
            page.get_by_test_id("stMain").wait_for()
            page.wait_for_load_state("networkidle")
        _upload(page, url, _lead_csv(tmp_path / "own.csv", "own", 4), "ja")
        page.wait_for_load_state("networkidle")
    finally:
        ctx.close()
    assert requested, "no request recorded"
    foreign = sorted({r for r in requested if urlsplit(r).netloc not in (own, "")})
    assert foreign == [], foreign
    assert any("/media/" in r and r.endswith(".png") for r in requested)  # the app's own icon


# -- no global cache on anything from an upload ----------------------------------------------

CACHE_DECORATORS = {"cache_data", "cache_resource", "cache", "lru_cache", "memo", "singleton"}
UPLOAD_WORDS = re.compile(
    r"upload|file|bytes|data|raw|rows|lead|profile|frame|df|path|content|buffer", re.I
)


def cached_functions_taking_uploads(source: str) -> list[str]:
    """Names of functions in ``source`` with a cache decorator and a parameter that
    could carry an upload (bytes, rows, a file, a lead set, a profile ...)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in CACHE_DECORATORS:
                params = [a.arg for a in node.args.args + node.args.kwonlyargs]
                if any(UPLOAD_WORDS.search(p) for p in params):
                    found.append(node.name)
    return found


def test_cache_detector_catches_a_cached_upload_reader():
    """Test that the cache check itself flags a cached function taking upload bytes."""
    source = "import streamlit as st\n@st.cache_data\ndef read(uploaded_bytes): ...\n"
    assert cached_functions_taking_uploads(source) == ["read"]
    assert cached_functions_taking_uploads("@st.cache_data\ndef rules(lang): ...\n") == []


def test_no_page_caches_uploads_globally():
    """Test that no function in pages/, ui/ or app.py is globally cached while taking
    upload bytes, rows, a file, a lead set or a profile."""
    sources = [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]
    offenders = {
        str(p.relative_to(ROOT)): names
        for p in sources
        if (names := cached_functions_taking_uploads(p.read_text("utf-8")))
    }
    assert offenders == {}
