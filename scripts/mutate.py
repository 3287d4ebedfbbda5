"""Mutation testing of the decision code: ``make mutate [MODULES="engine/leads/classify.py …"]``.
``scripts/mutate.py --survivors [modules]`` re-runs only the mutants that survived last
time, or have not run yet (after adding tests that should kill them, or editing the
module). ``--children N`` runs N mutants at once (default 1: the machine this runs on is
usually shared with benchmarks). ``--sample K`` runs only every K-th mutant not run yet (a
first estimate on a busy machine; the table then counts only the mutants that ran).
``--report`` only prints the table of the last runs.

Runs mutmut (configured in pyproject.toml ``[tool.mutmut]``: the modules to mutate are its
``only_mutate``, the tests its ``pytest_add_cli_args_test_selection``) one module at a time
and prints each module's score: killed mutants over all mutants run. A mutant no test
reaches counts as surviving. Exits 1 when a module scores under the goal.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.85
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
NOT_RUN = {"skipped", "not checked", "check was interrupted by user"}


def modules() -> list[str]:
    """The modules mutmut mutates, in the order pyproject.toml lists them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return list(config["tool"]["mutmut"]["only_mutate"])


def dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def statuses() -> dict[str, str]:
    """Every mutant mutmut knows, by name, with its status."""
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pairs = (line.strip().rsplit(": ", 1) for line in out.splitlines() if ": " in line)
    return {name: status for name, status in pairs}


def score(module: str, by_name: dict[str, str]) -> tuple[Counter[str], float]:
    prefix = dotted(module) + "."
    counts = Counter(s for name, s in by_name.items() if name.startswith(prefix))
    run = sum(n for s, n in counts.items() if s not in NOT_RUN)
    killed = sum(n for s, n in counts.items() if s in KILLED)
    return counts, (killed / run if run else 0.0)


def _option(argv: list[str], name: str, default: str) -> str:
    """The value after ``name`` in ``argv`` (both removed), else ``default``."""
    if name not in argv:
        return default
    at = argv.index(name)
    value = argv[at + 1]
    del argv[at : at + 2]
    return value


def _names(module: str, survivors_only: bool, sample: int) -> list[str]:
    """The mutants to run: the whole module; or with ``--survivors`` those that survived or
    have not run yet; or with ``--sample K`` every K-th of those not run yet (in name order,
    so each function is sampled)."""
    if not survivors_only and not sample:
        return [dotted(module) + ".*"]
    prefix = dotted(module) + "."
    mine = sorted((n, s) for n, s in statuses().items() if n.startswith(prefix))
    pending = [n for n, s in mine if s == "not checked"][:: sample or 1]
    return [n for n, s in mine if survivors_only and s == "survived"] + pending


def main(argv: list[str]) -> int:
    survivors_only, report_only = "--survivors" in argv, "--report" in argv
    argv = [a for a in argv if a not in ("--survivors", "--report")]
    children = _option(argv, "--children", "1")
    sample = int(_option(argv, "--sample", "0"))
    chosen = argv or modules()
    unknown = sorted(set(chosen) - set(modules()))
    if unknown:
        print(f"not in [tool.mutmut] only_mutate: {', '.join(unknown)}", file=sys.stderr)
        return 2
    for module in [] if report_only else chosen:
        names = _names(module, survivors_only, sample)
        if not names:
            continue
        print(f"== mutating {module} ({len(names)} names)", flush=True)
        # CI's fixed examples, a quarter as many (tests/conftest.py): the same examples for
        # every mutant, so a score is repeatable, and a lower bound of the score under CI
        env = os.environ | {"HYPOTHESIS_PROFILE": "mutate"}
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", children, *names],
            cwd=ROOT,
            check=False,
            env=env,
        )
    by_name = statuses()
    failed = False
    print(f"\n{'module':40} {'score':>6}  mutants")
    for module in chosen:
        counts, ratio = score(module, by_name)
        failed |= ratio < GOAL
        detail = ", ".join(f"{s} {n}" for s, n in counts.most_common())
        print(f"{module:40} {ratio:6.1%}  {detail}")
    print(f"(goal {GOAL:.0%}; list survivors: .venv/bin/mutmut results)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
