"""Profiler benchmark: the engine beside the Polars peer on the same million-row lists.

For each list (UTF-8 CSV, CP932 CSV, Marketo TSV; generated once under bench/data/,
git-ignored) it runs, RUNS rounds, pair by pair (A B A B ...):

- A: the whole process ``python -m engine profile LIST --lists LISTS --format json``;
- B: the Polars peer ``../shared/peers/polars_profile.py LIST LISTS`` (it reads no TSV: skipped);
- C: the same profile timed inside one process (``engine.leads.cli.run``), split by stage;

and prints each pair's ratio, the medians, A against DuckDB's bare ``count(*)`` scan of the
list (median of RUNS), A against C (the cost of starting the process and importing), and
the peak RSS of A. Targets (issues 11 and 14): A ≤ 1.0× B on the UTF-8 and CP932 lists,
A ≤ 5× the bare scan, A within 0.25 s of C, peak RSS ≤ 600 MB. Medians of pairs, not best
runs: other work on a shared machine slows both sides of a pair alike.

DuckDB cannot read CP932, so the CP932 list's bare scan is that of its UTF-8 twin (same
generator, same seed): the scan DuckDB would do if it could.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
LISTS = ROOT / "sample_data" / "lists.yaml"
PEER = ROOT.parent / "shared" / "peers" / "polars_profile.py"
if not PEER.exists():
    PEER = Path("/work/shared/peers/polars_profile.py")
ROWS = 1_000_000
RUNS = 5
PEER_RATIO, SCAN_RATIO, STARTUP_S, PEAK_RSS_MB = 1.0, 5.0, 0.25, 600

# (label, file, generator format, encoding, UTF-8 twin for the bare scan, peer reads it)
CASES = [
    ("UTF-8 CSV (Eight)", "profile_1m_eight_utf8.csv", "eight", "utf-8", None, True),
    ("CP932 CSV (Eight)", "profile_1m_eight_cp932.csv", "eight", "cp932", "profile_1m_eight_utf8.csv", True),
    ("UTF-8 TSV (Marketo)", "profile_1m_marketo_utf8.tsv", "marketo", "utf-8", None, False),
]  # fmt: skip


def _generate(path: Path, fmt: str, encoding: str) -> None:
    if path.exists():
        return
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"  generating {path.name} ({ROWS:,} rows, {encoding}) ...", flush=True)
    tmp = path.with_name(path.name + ".part")
    subprocess.run(
        [sys.executable, "-m", "bench.gen_leads", "--rows", str(ROWS), "--format", fmt]
        + ["--encoding", encoding, "--seed", "7", "--out", str(tmp)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    tmp.rename(path)


def bare_scan(path: Path) -> float:
    """Median of RUNS: DuckDB's own ``SELECT count(*) FROM read_csv(path)`` (its sniffer,
    all VARCHAR)."""
    con = duckdb.connect()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        con.execute("SELECT count(*) FROM read_csv(?, all_varchar = true)", [str(path)]).fetchone()
        times.append(time.perf_counter() - start)
    con.close()
    return statistics.median(times)


def timed_process(argv: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stdout) of one child process (its own rusage, from
    wait4; the output goes through temp files so nothing else waits on the child)."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise RuntimeError(err.read().decode(errors="replace").strip()[-300:])
        return wall, usage.ru_maxrss / 1024, out.read().decode()


STAGES = (
    ("read", "engine.leads.leadset", "read_leads"),
    ("features", "engine.leads.features", "build_features"),
    ("classify", "engine.leads.classify", "classify"),
    ("summary", "engine.leads.summary", "summarize"),
)


def _child(path: str) -> None:
    """In the child: the CLI's code path timed inside the process, and by stage."""
    import importlib

    from engine.leads.cli import run

    stages: dict[str, float] = {}
    for label, module_name, name in STAGES:
        module = importlib.import_module(module_name)
        step = getattr(module, name)

        def timed(*a, _step=step, _label=label, **kw):
            begin = time.perf_counter()
            try:
                return _step(*a, **kw)
            finally:
                stages[_label] = stages.get(_label, 0.0) + time.perf_counter() - begin

        setattr(module, name, timed)
    args = argparse.Namespace(leads=path, lists=str(LISTS), mapping=None, format="json", lang="ja")
    start = time.perf_counter()
    run(args)
    print(json.dumps({"seconds": time.perf_counter() - start, "stages": stages}))


def engine_argv(path: Path) -> list[str]:
    return [sys.executable, "-m", "engine", "profile", str(path), "--lists", str(LISTS)] + [
        "--format",
        "json",
    ]


def peer_argv(path: Path) -> list[str]:
    return [sys.executable, str(PEER), str(path), str(LISTS)]


def in_process_argv(path: Path) -> list[str]:
    return [sys.executable, "-m", "bench.profile_bench", "--child", str(path)]


def run_case(label: str, path: Path, scan_path: Path, peer: bool) -> bool:
    """Print one list's figures; True when a target was missed."""
    size_mb = path.stat().st_size / 1024 / 1024
    print(f"[{label}] {path.name}: {size_mb:.0f} MB", flush=True)
    scan = bare_scan(scan_path)
    engine_s, peer_s, rss, inner, stages = [], [], [], [], []
    for i in range(RUNS):
        wall, peak, out = timed_process(engine_argv(path))
        engine_s.append(wall)
        rss.append(peak)
        line = f"  pair {i + 1}: engine {wall:.2f} s ({peak:.0f} MB)"
        if peer and PEER.exists():
            p_wall, p_peak, p_out = timed_process(peer_argv(path))
            peer_s.append(p_wall)
            line += f", peer {p_wall:.2f} s ({p_peak:.0f} MB), ratio {wall / p_wall:.2f}x"
        child = json.loads(timed_process(in_process_argv(path))[2])
        inner.append(child["seconds"])
        stages.append(child["stages"])
        print(line + f"; in-process {child['seconds']:.2f} s", flush=True)
    summary = json.loads(out)
    return _print_medians(
        engine_s, peer_s, rss, inner, stages, scan, summary, p_out if peer_s else None
    )


def _print_medians(engine_s, peer_s, rss, inner, stages, scan, summary, peer_out) -> bool:
    med = statistics.median
    missed = False
    e = med(engine_s)
    checks = [
        (f"engine / bare count(*) {scan:.2f} s", e / scan, SCAN_RATIO, "x"),
        ("whole process - in-process", e - med(inner), STARTUP_S, " s"),
        ("peak RSS", max(rss), PEAK_RSS_MB, " MB"),
    ]
    if peer_s:
        ratios = [a / b for a, b in zip(engine_s, peer_s, strict=True)]
        checks.insert(0, ("engine / peer (median of pair ratios)", med(ratios), PEER_RATIO, "x"))
    print(f"  median: engine {e:.2f} s" + (f", peer {med(peer_s):.2f} s" if peer_s else "")
          + f", in-process {med(inner):.2f} s")  # fmt: skip
    split = {k: med([s.get(k, 0.0) for s in stages]) for k, _, _ in STAGES}
    print("    in-process split: " + ", ".join(f"{k} {v:.2f} s" for k, v in split.items()))
    for name, value, target, unit in checks:
        ok = value <= target
        missed |= not ok
        print(
            f"  {name}: {value:.2f}{unit} (target <= {target:g}{unit}) {'OK' if ok else 'MISSED'}"
        )
    print(f"  categories: {summary['categories']}")
    if peer_out:
        print(f"  peer categories: {json.loads(peer_out)['categories']}", flush=True)
    return missed


def main() -> bool:
    """Print the figures; True when a target was missed."""
    print(f"== profile benchmark (1M-row lead lists, {RUNS} pairs, medians) ==")
    if not PEER.exists():
        print(f"  Polars peer not found at {PEER}: engine only")
    missed = False
    for label, name, fmt, encoding, twin, peer in CASES:
        path = DATA / name
        scan_path = DATA / twin if twin else path
        try:
            _generate(path, fmt, encoding)
            if twin:
                _generate(scan_path, fmt, "utf-8")
            missed |= run_case(label, path, scan_path, peer)
        except (subprocess.CalledProcessError, OSError, RuntimeError) as exc:
            print(f"[{label}] failed: {exc}")
            missed = True
    return missed


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        sys.exit(1 if main() else 0)
