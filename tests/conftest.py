"""Shared fixtures. Tests needing a real service start it themselves."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.postgres_server import postgres_server  # noqa: E402


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
