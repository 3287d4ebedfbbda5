"""Ingest benchmark: a million-row lead list read in-process and through the worker.

    python -m bench.ingest_bench [--rows 1000000]

Generates the lists once under bench/data/ (seeded, reused on later runs) and prints
rows, file size, seconds, rows per second and peak memory of each read.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from bench.gen_leads import write_list
from engine.leads.ingest import read_leads
from engine.leads.load import private_connection
from engine.leads.worker import WorkerLimits, read_leads_isolated

DATA = Path(__file__).resolve().parent / "data"
CASES = [
    ("salesforce_ja", "cp932", "leads_{rows}_sf_ja_cp932.csv"),
    ("marketo", "utf-8", "leads_{rows}_marketo_utf8.tsv"),
]


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns 0 when every read gave the expected row count."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args(argv if argv is not None else [])
    failed = False
    for fmt, encoding, name in CASES:
        path = DATA / name.format(rows=args.rows)
        if not path.exists():
            t0 = time.perf_counter()
            write_list(path, fmt, args.rows, seed=1, encoding=encoding)
            print(f"[ingest] generated {path.name} in {time.perf_counter() - t0:.1f}s")
        size_mb = path.stat().st_size / 1024 / 1024
        for mode in ("in-process", "worker"):
            con = private_connection(memory_limit="2GB")
            t0 = time.perf_counter()
            if mode == "worker":
                result = read_leads_isolated(path, con, limits=WorkerLimits(seconds=600))
                peak = _peak_mb(resource.RUSAGE_CHILDREN)
            else:
                result = read_leads(path, con)
                peak = _peak_mb(resource.RUSAGE_SELF)
            secs = time.perf_counter() - t0
            con.close()
            ok = result.rows == args.rows
            failed |= not ok
            print(
                f"[ingest] {path.name} ({result.encoding}, {size_mb:.0f} MB) {mode}: "
                f"{result.rows:,} rows in {secs:.1f}s = {result.rows / secs:,.0f} rows/s, "
                f"peak RSS so far {peak:.0f} MB{'' if ok else '  ROW COUNT WRONG'}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
