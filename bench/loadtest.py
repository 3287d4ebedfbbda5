"""Load test (``make loadtest``): concurrent browser sessions run the whole journey.

10 Playwright contexts (Debian Chromium) at once, three rounds. Each session: open the
app, load the sample answers, upload a 20,000-row lead list, open the sales page, the
results, and download the HTML report. Prints p50/p95 per step, the error count (must be
0) and the server's memory (RSS of the streamlit process) after the sessions ended
compared with its idle baseline (must return to within 20%).

Then the same rounds again with 4 more sessions beside them that keep uploading a hostile
xlsx (1.9 KB claiming A1:XFD1048576, see tests/corpus/make_hostile.py), and the normal
sessions' p50/p95 with and without them (goal: at most 1.3x slower: one abuser's uploads
must not slow everyone else down).

Not a timed test: it prints figures. ``python -m bench.loadtest --sessions 3 --rounds 1
--hostile 1`` for a quick look. ``--sizing`` instead measures what one upload of each
format costs the server process (RSS), the figures in docs/hosting.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import psutil

from bench.abuser import ProtocolSession
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, start_app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
STEPS = ("open", "sample", "upload_profile", "sales", "results", "report")
SLOWDOWN_GOAL = 1.3
# Sessions whose browser went away are dropped after this many seconds (Streamlit keeps
# them 120 s by default so a flaky connection can resume).
SESSION_TTL = 10
MEMORY_TOLERANCE = 0.20


def lead_file(rows: int) -> Path:
    """A realistic Salesforce (ja, CP932) export of ``rows`` leads, made once."""
    path = DATA / f"loadtest_leads_{rows}.csv"
    if not path.exists():
        try:
            from bench.gen_leads import write_list

            write_list(path, "salesforce_ja", rows)
        except ImportError:
            _fallback_leads(path, rows)
    return path


def _fallback_leads(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="cp932", newline="") as fh:
        fh.write("会社名,姓,名,メール,電話,状況\r\n")
        for i in range(rows):
            fh.write(
                f"株式会社負荷{i % 997},山田,{i},lead{i}@load{i % 997}.example,03-{i:08d},MQL\r\n"
            )


def hostile_file() -> Path:
    """The CPU-amplifying xlsx the hostile sessions upload, made once."""
    path = DATA / "loadtest_dimension_bomb.xlsx"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "tests" / "corpus"))
        from make_hostile import dimension_bomb_xlsx

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dimension_bomb_xlsx())
    return path


async def _until(awaitable, stop: asyncio.Event) -> bool:
    """Await ``awaitable`` unless ``stop`` is set first; True when it finished."""
    waiting = asyncio.ensure_future(awaitable)
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({waiting, stopped}, return_when=asyncio.FIRST_COMPLETED)
    for task in (waiting, stopped):
        task.cancel()
    return waiting.done() and not waiting.cancelled() and waiting.exception() is None


async def hostile_session(url: str, path: Path, stop: asyncio.Event, counts) -> None:
    """An abuser: in one session, upload the hostile file, wait for the app's refusal,
    remove the file and upload it again, until ``stop``. It speaks the app's protocol
    itself (:mod:`bench.abuser`: the same messages as the page's uploader, no browser),
    so what it costs this machine is the server's work. (Opening a new session for each
    upload would measure page loads, which the proxy's request limits are for.)"""
    session = ProtocolSession(url, "leads")
    try:
        await session.open()
        key = next(k for k in session.widgets if k.startswith("leads_file"))
        while not stop.is_set():
            upload = asyncio.ensure_future(session.upload(key, path))
            if not await _until(upload, stop):
                counts["abandoned"] += 1
                break
            counts["refused" if upload.result().errors else "not refused"] += 1
    except Exception:  # noqa: BLE001 - an abuser's failure is not the measurement
        counts["failed"] += 1
    finally:
        await session.close()


def start_server(workdir: Path) -> tuple[subprocess.Popen, str]:
    """The app on a free port, with a short TTL for disconnected sessions; its store and
    its log (``server.log``) in ``workdir``."""
    return start_app(
        {"SENRYOKU_STORE_PATH": str(workdir / "store.duckdb")},
        extra_args=["--server.disconnectedSessionTTL", str(SESSION_TTL)],
        log_path=workdir / "server.log",
    )


def cpu_seconds(server_pid: int | None) -> Counter[str]:
    """CPU seconds used so far, by who used them: the server, its upload workers, the
    sessions' browser, Playwright's driver, this client (the abusers included) and
    everything else. Ended processes count through their parent (a worker through the
    server, a page's renderer through Chromium's zygote)."""
    used: Counter[str] = Counter()
    me = os.getpid()
    for pid in psutil.pids():
        try:
            # a new Process each time: psutil's own cache keeps the name a process had
            # when first seen (a browser's renderer is forked under another name first)
            p = psutil.Process(pid)
            name, ppid, t = p.name(), p.ppid(), p.cpu_times()
            own, reaped = t.user + t.system, t.children_user + t.children_system
            if pid == server_pid:
                used["server"] += own
                used["workers"] += reaped
                continue
            if ppid == server_pid:
                group = "workers"
            elif "chrom" in name:
                group = "browser"
            elif name == "node":
                group = "driver"
            elif pid == me:
                group = "client"
            else:
                group = "other"
            used[group] += own + reaped
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return used


def rss_mb(proc: subprocess.Popen) -> float:
    return psutil.Process(proc.pid).memory_info().rss / 1024 / 1024


async def journey(browser, url: str, leads: Path, rows_text: str, times, errors) -> None:
    """One prospect's whole journey in its own browser context (its total time is
    recorded as ``journey``)."""
    from playwright.async_api import expect

    ctx = await browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(180_000)
    page = await ctx.new_page()
    failed_http: list[str] = []
    page.on(
        "response",
        lambda r: r.status >= 400 and failed_http.append(f"HTTP {r.status} {r.url.split('?')[0]}"),
    )
    step, started = "open", time.perf_counter()
    begun = started

    def done(name: str) -> None:
        nonlocal step, started
        times[name].append(time.perf_counter() - started)
        started = time.perf_counter()
        step = STEPS[min(STEPS.index(name) + 1, len(STEPS) - 1)]

    try:
        await page.goto(url)
        await page.locator(".st-key-sample_button button").first.wait_for()
        done("open")
        await page.locator(".st-key-sample_button button").first.click()
        await page.locator(".st-key-results_metrics").wait_for()
        done("sample")
        nav = page.get_by_test_id("stSidebarNav")
        await nav.get_by_text("Lead list", exact=True).click()
        await page.locator(
            ".st-key-leads_file [data-testid=stFileUploaderDropzoneInput]"
        ).set_input_files(str(leads))
        total = page.locator(".st-key-lead_metrics [data-testid=stMetric]").first
        await expect(total.get_by_test_id("stMetricValue")).to_have_text(rows_text, timeout=180_000)
        done("upload_profile")
        await nav.get_by_text("Sales funnel", exact=True).click()
        await page.get_by_test_id("stSlider").first.wait_for()
        done("sales")
        await nav.get_by_text("Results", exact=True).click()
        metrics = page.locator(".st-key-results_metrics")
        await expect(metrics).to_contain_text(rows_text, timeout=180_000)
        done("results")
        # A user clicks the report button on a page that has finished drawing.
        await page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for()
        async with page.expect_download() as info:
            await page.locator(".st-key-download_report_html button").click()
        download = await info.value
        await download.path()
        done("report")
        if await page.get_by_test_id("stException").count():
            raise RuntimeError("an exception is shown on the page")
        times["journey"].append(time.perf_counter() - begun)
    except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
        detail = f" ({'; '.join(failed_http[-2:])})" if failed_http else ""
        errors.append(f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}{detail}")
    finally:
        await ctx.close()


async def run_rounds(
    url: str,
    leads: Path,
    rows_text: str,
    sessions: int,
    rounds: int,
    proc=None,
    hostile: int = 0,
):
    """``rounds`` of ``sessions`` concurrent journeys; ``hostile`` abusers upload the
    hostile xlsx beside each round for as long as it lasts."""
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        for r in range(rounds):
            t0 = time.perf_counter()
            cpu0 = cpu_seconds(proc.pid if proc is not None else None)
            stop = asyncio.Event()
            abusers = [
                asyncio.ensure_future(hostile_session(url, hostile_file(), stop, counts))
                for _ in range(hostile)
            ]
            await asyncio.gather(
                *(journey(browser, url, leads, rows_text, times, errors) for _ in range(sessions))
            )
            stop.set()
            await asyncio.gather(*abusers)
            if hostile and (counts["failed"] or counts["not refused"] or not counts["refused"]):
                errors.append(
                    f"round {r + 1}: the abusers did not upload as planned {dict(counts)}"
                )
            rss = f", server RSS {rss_mb(proc):.0f} MB" if proc is not None else ""
            extra = f", hostile uploads {dict(counts)}" if hostile else ""
            wall = time.perf_counter() - t0
            cpu = cpu_seconds(proc.pid if proc is not None else None)
            cpu.subtract(cpu0)
            spent = ", ".join(f"{k} {v:.0f}" for k, v in cpu.most_common() if v >= 0.5)
            print(f"round {r + 1}/{rounds}: {wall:.1f} s{rss}{extra}", flush=True)
            print(
                f"  CPU s of {os.cpu_count() * wall:.0f} available: {spent}; "
                f"idle {os.cpu_count() * wall - sum(cpu.values()):.0f}",
                flush=True,
            )
        await browser.close()
    return times, errors


async def warm_up(url: str, leads: Path, rows_text: str) -> list[str]:
    times, errors = await run_rounds(url, leads, rows_text, 1, 1)
    return errors


def _pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


async def visit(url: str) -> None:
    """One short visit: open the app and leave."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        ctx = await browser.new_context()
        page = await ctx.new_page()
        await page.goto(url)
        await page.locator(".st-key-sample_button button").first.wait_for()
        await ctx.close()
        await browser.close()


def settle(proc: subprocess.Popen, url: str, target: float | None, wait: float) -> float:
    """RSS once the ended sessions are gone: wait past their reconnection TTL, then let
    one more visitor come and go. Streamlit drops expired disconnected sessions (and the
    uploads in their state) only when the next session disconnects; on a live server
    that is the next visitor. Then poll until within ``target`` or ``wait`` seconds."""
    time.sleep(SESSION_TTL + 5)
    asyncio.run(visit(url))
    deadline = time.time() + wait
    time.sleep(3)
    value = rss_mb(proc)
    while time.time() < deadline and target is not None and value > target:
        time.sleep(2)
        value = rss_mb(proc)
    return value


def print_steps(times: dict, args, leads: Path) -> None:
    """p50/p95/max per step of the normal sessions running alone."""
    print(
        f"\n{args.sessions} concurrent sessions x {args.rounds} rounds, "
        f"{args.rows:,}-row upload ({leads.stat().st_size / 1024 / 1024:.1f} MB, CP932)"
    )
    print(f"{'step':16} {'n':>4} {'p50 s':>8} {'p95 s':>8} {'max s':>8}")
    for step in STEPS:
        values = times.get(step, [])
        if values:
            print(
                f"{step:16} {len(values):4d} {_pct(values, 0.5):8.2f} "
                f"{_pct(values, 0.95):8.2f} {max(values):8.2f}"
            )
        else:
            print(f"{step:16} {0:4d} {'-':>8} {'-':>8} {'-':>8}")


def print_slowdown(alone: dict, loaded: dict, hostile: int) -> float | None:
    """The normal sessions' p50/p95 without and with the hostile ones; returns the worst
    p50/p95 ratio of the whole journey and of the upload step. Only completed journeys
    have times: the counts say how many (a journey that timed out is an error)."""
    print(f"\nnormal sessions alone vs beside {hostile} hostile uploaders")
    print(
        f"{'step':16} {'p50 s':>8} {'p50 s':>8} {'ratio':>6}   {'p95 s':>8} {'p95 s':>8} {'ratio':>6}"
    )
    worst = None
    for step in ("upload_profile", "journey"):
        a, b = alone.get(step), loaded.get(step)
        if not a or not b:
            print(f"{step:16} (no completed journeys to compare)")
            continue
        cells, ratios = [], []
        for q in (0.5, 0.95):
            x, y = _pct(a, q), _pct(b, q)
            ratios.append(y / x)
            cells.append(f"{x:8.2f} {y:8.2f} {y / x:5.2f}x")
        print(f"{step:16} {cells[0]}   {cells[1]}   (completed {len(a)} / {len(b)})")
        worst = max(ratios + ([worst] if worst is not None else []))
    if worst is not None:
        print(f"worst slowdown {worst:.2f}x (goal <= {SLOWDOWN_GOAL}x)")
    return worst


SIZING_FORMATS = {  # label: (gen_leads format, file name)
    "CSV CP932 (Salesforce ja)": ("salesforce_ja", "sizing_sf.csv"),
    "CSV UTF-8 (HubSpot)": ("hubspot", "sizing_hubspot.csv"),
    "TSV UTF-8 (Marketo)": ("marketo", "sizing_marketo.tsv"),
    "XLSX (Salesforce ja columns)": ("xlsx", "sizing_leads.xlsx"),
}


def sizing_file(fmt: str, name: str, rows: int) -> Path:
    """A ``rows``-row list in one export format, made once."""
    from bench.gen_leads import write_list, write_xlsx

    path = DATA / f"{rows}_{name}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(path, rows) if fmt == "xlsx" else write_list(path, fmt, rows)
    return path


async def upload_once(url: str, path: Path, rows_text: str, sampler) -> None:
    """One session uploads ``path``; ``sampler()`` is called while it waits."""
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        ctx = await browser.new_context(locale="en-US")
        page = await ctx.new_page()
        await page.goto(f"{url}/leads")
        uploader = page.locator(".st-key-leads_file [data-testid=stFileUploaderDropzoneInput]")
        sampler()
        await uploader.set_input_files(str(path))
        total = page.locator(".st-key-lead_metrics [data-testid=stMetric]").first
        poll = asyncio.ensure_future(_sample_forever(sampler))
        await expect(total.get_by_test_id("stMetricValue")).to_have_text(rows_text, timeout=300_000)
        await asyncio.sleep(3)
        sampler()
        poll.cancel()
        await ctx.close()
        await browser.close()


async def _sample_forever(sampler) -> None:
    while True:
        sampler()
        await asyncio.sleep(0.2)


def sizing(rows: int) -> None:
    """Per format: the server's RSS with one session open, its peak while that session's
    upload is read and profiled, and what stays while the session holds the list."""
    print(f"one {rows:,}-row upload per format, fresh server each (RSS of the app process)")
    print(f"{'format':32} {'file MB':>8} {'peak +MB':>9} {'held +MB':>9} {'held / file':>11}")
    for label, (fmt, name) in SIZING_FORMATS.items():
        path = sizing_file(fmt, name, rows)
        workdir = Path(tempfile.mkdtemp(prefix="senryoku-sizing-"))
        proc, url = start_server(workdir)
        try:
            asyncio.run(visit(url))
            samples: list[float] = []

            def sample(samples=samples, proc=proc) -> None:
                samples.append(rss_mb(proc))

            asyncio.run(upload_once(url, path, f"{rows:,}", sample))
            base, peak, held = samples[0], max(samples), samples[-1]
            size = path.stat().st_size / 1024 / 1024
            print(
                f"{label:32} {size:8.1f} {peak - base:9.0f} {held - base:9.0f} "
                f"{(held - base) / size:10.0f}x"
            )
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.loadtest")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--hostile", type=int, default=4, help="abusers beside the second run")
    ap.add_argument("--sizing", action="store_true", help="RSS cost of one upload per format")
    args = ap.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"loadtest: {CHROMIUM} missing (make system-deps)")
        return 1
    if args.sizing:
        sizing(args.rows)
        return 0

    leads = lead_file(args.rows)
    rows_text = f"{args.rows:,}"
    workdir = Path(tempfile.mkdtemp(prefix="senryoku-load-"))
    log_path = workdir / "server.log"
    proc, url = start_server(workdir)
    failed = False
    try:
        fresh = rss_mb(proc)
        warm_errors = asyncio.run(warm_up(url, leads, rows_text))
        baseline = settle(proc, url, None, 0)
        print(f"server RSS: fresh {fresh:.0f} MB; idle after one warm-up journey {baseline:.0f} MB")
        times, errors = asyncio.run(
            run_rounds(url, leads, rows_text, args.sessions, args.rounds, proc)
        )
        loaded: dict[str, list[float]] = {}
        if args.hostile:
            print(f"\nthe same with {args.hostile} sessions uploading a hostile xlsx beside them")
            loaded, hostile_errors = asyncio.run(
                run_rounds(url, leads, rows_text, args.sessions, args.rounds, proc, args.hostile)
            )
            errors += hostile_errors
        peak = rss_mb(proc)
        after = settle(proc, url, baseline * (1 + MEMORY_TOLERANCE), 90)
        log = log_path.read_text(errors="replace")
        server_errors = log.count("Traceback")

        print_steps(times, args, leads)
        slower = print_slowdown(times, loaded, args.hostile) if loaded else None
        total_errors = len(errors) + len(warm_errors) + server_errors
        print(
            f"errors: {total_errors} (journeys {len(errors)}, warm-up {len(warm_errors)}, "
            f"server tracebacks {server_errors})"
        )
        for e in (warm_errors + errors)[:10]:
            print(f"  - {e}")
        change = (after - baseline) / baseline
        print(
            f"server RSS: idle {baseline:.0f} MB, peak during rounds {peak:.0f} MB, "
            f"after sessions ended {after:.0f} MB ({change:+.0%}; must be within "
            f"{MEMORY_TOLERANCE:.0%})"
        )
        failed = total_errors > 0 or change > MEMORY_TOLERANCE
        if slower is not None and slower > SLOWDOWN_GOAL:
            print(f"goal missed: normal sessions {slower:.2f}x slower beside the hostile ones")
        print("loadtest:", "FAIL" if failed else "OK")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
