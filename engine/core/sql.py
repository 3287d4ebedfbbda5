"""SQL helpers shared by every DuckDB user in the engine.

User text never becomes SQL: values are bound with ``?`` and identifiers (column names
taken from uploaded headers) go through :func:`quote_ident`.
"""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB/PostgreSQL, doubling embedded double quotes."""
    if "\x00" in name:
        name = name.replace("\x00", "")
    return '"' + name.replace('"', '""') + '"'
