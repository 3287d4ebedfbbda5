"""Shared fixtures. Tests needing a real service start it themselves.

Hypothesis runs reproducibly (derandomised: the same examples every run, whatever ran
before) under any truthy ``CI``; ``make fuzz`` (``HYPOTHESIS_PROFILE=fuzz``) explores with
fresh seeds and ten times the examples."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The app's operator store (engine.store.db reads the path once, at import): the tests'
# AppTests write to a store of their own, never to .senryoku/ in the checkout.
if "SENRYOKU_STORE_PATH" not in os.environ:
    _STORE_DIR = tempfile.mkdtemp(prefix="senryoku-test-store-")
    atexit.register(shutil.rmtree, _STORE_DIR, True)
    os.environ["SENRYOKU_STORE_PATH"] = str(Path(_STORE_DIR) / "store.duckdb")

from tests.postgres_server import postgres_server  # noqa: E402

FUZZ_FACTOR = 10


def under_ci() -> bool:
    """Whether ``CI`` is set to a truthy value (``1``, ``true``, ``yes``…), as CI services do."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
# mutation runs (scripts/mutate.py): CI's fixed examples, a quarter as many, so a mutant
# costs seconds; a score under it is a lower bound of the score under CI's profile
settings.register_profile("mutate", derandomize=True, database=None, max_examples=25, deadline=None)
settings.register_profile("fuzz", max_examples=100 * FUZZ_FACTOR, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if under_ci() else "default"))


def pytest_collection_modifyitems(items):
    """Under the fuzz profile, tests that pin their own ``max_examples`` (which a profile
    cannot override) run ``FUZZ_FACTOR`` times as many."""
    if settings.get_current_profile_name() != "fuzz":
        return
    for item in items:
        test = getattr(item, "obj", None)
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is not None:
            test._hypothesis_internal_use_settings = settings(
                own, max_examples=own.max_examples * FUZZ_FACTOR
            )


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Every test starts with the server process's throttles (ui.throttles) at zero, as
    a fresh server would."""
    from ui import throttles

    throttles.login_throttle.clear()
    throttles.round_throttle.clear()
    yield
    throttles.login_throttle.clear()
    throttles.round_throttle.clear()


@pytest.fixture(scope="session")
def postgres_url():
    """URL of a real PostgreSQL server started for this test session."""
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["duckdb", "postgres"])
def store(request, tmp_path):
    """An empty operator store on each backend: an embedded DuckDB file, then PostgreSQL."""
    from engine.store.db import Store

    if request.param == "duckdb":
        s = Store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    else:
        import psycopg

        url = request.getfixturevalue("postgres_url")
        dbname = f"t_{abs(hash(request.node.nodeid)) % 10**10}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            conn.execute(f'CREATE DATABASE "{dbname}"')
        s = Store(url.rsplit("/", 1)[0] + "/" + dbname)
    yield s
    s.close()


ADMIN_FACTS = {
    "company": {"industry": "it"},
    "sales": {"ratings": {"appointment": 3, "relationship": 3, "opportunity": 3, "closing": 3}},
}


@pytest.fixture
def admin_store(tmp_path, monkeypatch):
    """The admin page's store: this test's own DuckDB file, holding one consented submission."""
    import engine.store.db
    from engine.store.submissions import Contact, save_submission

    store = engine.store.db.Store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(engine.store.db, "_stores", {"": store})
    contract = {"target_leads": 1200, "lead_base": "workable", "inside_sales": {}}
    contact = Contact.from_form("Alpha KK", "担当 太郎", "ops@prospect.example")
    save_submission(store, ADMIN_FACTS, contract, None, contact, consent=True)
    yield store
    store.close()
