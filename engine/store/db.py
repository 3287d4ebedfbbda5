"""The operator store: aggregates only, never lead rows.

One module, two backends behind the same small API:

* an embedded DuckDB file (default; ``make run`` needs nothing else), and
* PostgreSQL when ``DATABASE_URL`` is set, so several app replicas share one store.

SQL is written once with ``?`` placeholders and portable types (TEXT, BIGINT,
DOUBLE PRECISION, BOOLEAN, TIMESTAMP); values are always bound. Feature modules
(submissions, team rounds) declare their tables with :meth:`Store.ensure_schema`.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from engine.core.errors import StoreError

DEFAULT_PATH = Path(os.environ.get("SENRYOKU_STORE_PATH", ".senryoku/store.duckdb"))
_PLACEHOLDER = re.compile(r"\?")


class Store:
    """A handle on the operator store. Thread-safe; cheap to share per process."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or ""
        self.backend = (
            "postgres" if self.url.startswith(("postgres://", "postgresql://")) else "duckdb"
        )
        self._lock = threading.Lock()
        self._schemas: set[str] = set()
        if self.backend == "duckdb":
            import duckdb

            path = Path(
                self.url.removeprefix("duckdb:///").removeprefix("duckdb://") or DEFAULT_PATH
            )
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._duck = duckdb.connect(str(path))
            except duckdb.Error as exc:
                raise StoreError("store.unavailable", detail=str(exc).splitlines()[0]) from exc

    # -- low level -----------------------------------------------------------------------
    def _pg(self):
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=5)
        except psycopg.Error as exc:
            raise StoreError("store.unavailable", detail=type(exc).__name__) from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement with bound values."""
        self.query(sql, params, fetch=False)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.execute(sql, row)

    def query(self, sql: str, params: Sequence[Any] = (), fetch: bool = True) -> list[dict]:
        """Run one statement; return rows as dicts (empty for statements without rows)."""
        if self.backend == "duckdb":
            import duckdb

            with self._lock:
                cur = self._duck.cursor()
                try:
                    cur.execute(sql, list(params))
                    if not fetch or cur.description is None:
                        return []
                    names = [d[0] for d in cur.description]
                    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
                except duckdb.Error as exc:
                    raise StoreError("store.failed", detail=str(exc).splitlines()[0]) from exc
                finally:
                    cur.close()
        import psycopg

        try:
            with self._pg() as conn, conn.cursor() as cur:
                cur.execute(_PLACEHOLDER.sub("%s", sql), list(params))
                if not fetch or cur.description is None:
                    return []
                names = [d.name for d in cur.description]
                return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        except psycopg.Error as exc:
            raise StoreError("store.failed", detail=type(exc).__name__) from exc

    def ensure_schema(self, name: str, statements: Sequence[str]) -> None:
        """Run idempotent DDL (``CREATE TABLE IF NOT EXISTS`` ...) once per process."""
        if name in self._schemas:
            return
        for stmt in statements:
            self.execute(stmt)
        self._schemas.add(name)

    def close(self) -> None:
        if self.backend == "duckdb":
            self._duck.close()


_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def open_store(url: str | None = None) -> Store:
    """The process-wide store for ``url`` (default: ``DATABASE_URL``, else the DuckDB file)."""
    key = url if url is not None else os.environ.get("DATABASE_URL", "")
    with _stores_lock:
        if key not in _stores:
            _stores[key] = Store(key or None)
        return _stores[key]
