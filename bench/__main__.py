"""Run every benchmark module listed here, in order; each prints its own figures."""

import importlib
import sys

MODULES = ["bench.profile_bench", "bench.ingest_bench", "bench.app_bench"]

failed = False
for name in MODULES:
    try:
        mod = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        print(f"[{name}] not available: {exc}")
        continue
    failed |= bool(mod.main())
sys.exit(1 if failed else 0)
