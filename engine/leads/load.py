"""DuckDB's side of a read: the locked connection and the one statement that parses a file.

:func:`locked_connection` is the only kind of connection that may hold an upload: it opens
no file but the allow-listed ones, loads no extension, never spills to disk and locks its
settings. :func:`load_table` parses the prepared UTF-8 text (the upload itself, or its
transcoded copy) into the table, numbers the rows in file order, cuts over-long cells and
drops report footers.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import duckdb

from engine.core.errors import InputError, LimitError
from engine.core.sql import quote_ident
from engine.leads.intake import IngestLimits
from engine.leads.layout import Layout, is_footer_line


class NotUtf8(Exception):
    """DuckDB met a byte sequence that is not UTF-8 after the sample said UTF-8."""


def private_connection(
    memory_limit: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection fit to hold an upload: it loads no extension and
    never spills to disk. Its file access stays open until :func:`lock_connection` (which
    :func:`read_leads` applies, allowing only the one file it reads)."""
    config: dict = {
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "allow_community_extensions": False,
        # No spilling: personal data must not land in a shared temp directory.
        "temp_directory": "",
    }
    if memory_limit:
        config["memory_limit"] = memory_limit
    if threads:
        config["threads"] = threads
    return duckdb.connect(":memory:", config=config)


def lock_connection(
    con: duckdb.DuckDBPyConnection,
    allowed_paths: Iterable[str | os.PathLike] | None = None,
    allowed_directories: Iterable[str | os.PathLike] | None = None,
) -> None:
    """Switch off all file access of ``con`` except ``allowed_paths`` (and files under
    ``allowed_directories``) and lock its settings for good (``SET`` is refused after)."""
    paths = [str(Path(p).resolve()) for p in allowed_paths or []]
    dirs = [str(Path(d).resolve()) + os.sep for d in allowed_directories or []]
    # Allow-lists must be set before external access is switched off.
    if paths:
        con.execute("SET allowed_paths = ?", [paths])
    if dirs:
        con.execute("SET allowed_directories = ?", [dirs])
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def is_locked(con: duckdb.DuckDBPyConnection) -> bool:
    """True when ``con``'s settings can no longer change or it has no file access."""
    external, locked = con.execute(
        "SELECT current_setting('enable_external_access'), current_setting('lock_configuration')"
    ).fetchall()[0]
    return bool(locked) or not bool(external)


def locked_connection(
    memory_limit: str = "1GB",
    threads: int = 2,
    allowed_paths: Iterable[str | os.PathLike] | None = None,
    allowed_directories: Iterable[str | os.PathLike] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that can touch no file except ``allowed_paths``
    (and files under ``allowed_directories``), loads no extension, and whose settings can
    no longer be changed (``SET`` is refused). Use it for anything holding an upload."""
    con = private_connection(memory_limit, threads)
    try:
        lock_connection(con, allowed_paths, allowed_directories)
    except BaseException:
        con.close()
        raise
    return con


# Characters a blank cell may hold: those Arrow's utf8_trim_whitespace removes.
_BLANK_CHARS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _blank_chars_sql() -> str:
    return "(" + " || ".join(f"chr({ord(c)})" for c in _BLANK_CHARS) + ")"


def load_table(
    source: Path,
    skip: int,
    layout: Layout,
    headers: list[str],
    con: duckdb.DuckDBPyConnection,
    table: str,
    limits: IngestLimits,
    verified: bool = True,
    kept: list[str] | None = None,
) -> tuple[int, list[tuple[str, dict]]]:
    """Parse ``source`` with DuckDB into ``table`` of ``con`` in one statement: rows
    numbered in file order, blank rows dropped; then over-long cells are cut and report
    footers at the end removed. ``kept`` (default: all) names the columns the table keeps,
    in file order, the first one always among them: a row is still dropped as blank only
    when every cell of the file is, and a footer is a first cell alone among the kept.
    When ``con`` can still be locked, it is locked to this one file and reads it itself;
    otherwise a private locked connection reads it and the table is copied over."""
    if is_locked(con):
        reader = locked_connection(limits.memory_limit, limits.threads, allowed_paths=[source])
        target = f"_ingest_{uuid.uuid4().hex}"
    else:
        lock_connection(con, allowed_paths=[source])
        reader, target = con, table
    done = False
    try:
        expected = int(source.stat().st_size / max(layout.bytes_per_row, 1.0))
        kept = kept or headers
        read = _create_table(
            reader, target, source, skip, layout, headers, kept, limits, verified, expected
        )
        notes: list[tuple[str, dict]] = []
        if read > limits.max_rows + 10:
            raise LimitError("ingest.too_many_rows", max=limits.max_rows)
        truncated = _truncate_cells(reader, target, kept, limits.max_cell_chars)
        rows = _drop_footer(reader, target, kept, read)
        if rows < read:
            notes.append(("ingest.note.footer_rows", {"count": read - rows}))
        if rows > limits.max_rows:
            raise LimitError("ingest.too_many_rows", max=limits.max_rows)
        if truncated:
            notes.append(
                (
                    "ingest.note.cells_truncated",
                    {
                        "count": sum(truncated.values()),
                        "max_chars": limits.max_cell_chars,
                        "columns": ", ".join(truncated),
                    },
                )
            )
        if reader is not con:
            _copy_table(reader, target, con, table)
        done = True
    except duckdb.OutOfMemoryException:
        raise LimitError("ingest.out_of_memory") from None
    finally:
        if reader is not con:
            reader.close()
        elif not done:
            with contextlib.suppress(duckdb.Error):
                con.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")
    return rows, notes


def _create_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: Path,
    skip: int,
    layout: Layout,
    headers: list[str],
    kept: list[str],
    limits: IngestLimits,
    verified: bool,
    expected_rows: int,
) -> int:
    """``CREATE TABLE table AS`` the parsed file's ``kept`` columns; returns the rows read.
    When the file may hold more rows than allowed, reading stops at ``max_rows + 11``."""
    cols = [f"c{i}" for i in range(len(headers))]
    wanted = set(kept)
    select = ", ".join(
        f"{c} AS {quote_ident(h)}" for c, h in zip(cols, headers, strict=True) if h in wanted
    )
    params = {
        "path": str(source.resolve()),
        "skip": skip,
        "delim": layout.delimiter,
        "maxline": limits.max_row_bytes,
        # DuckDB's default buffer is 16 lines of the longest allowed length: with our
        # 32 MB rows that is one buffer for the whole file, read by one thread. Two
        # longest lines per buffer keep every thread busy.
        "buffer": 2 * limits.max_row_bytes,
    }
    t = quote_ident(table)
    keep = _kept_rows_sql(cols)

    def numbered(parallel: bool) -> int:
        # row_number() OVER () keeps the reader's order (DuckDB runs it in file order,
        # on one thread).
        sql = (
            f"CREATE OR REPLACE TABLE {t} AS "  # noqa: S608
            f'SELECT row_number() OVER () AS "_row", {select} '
            f"FROM {_read_csv_sql(cols, parallel)} WHERE {keep} "
            f"LIMIT {int(limits.max_rows) + 11}"
        )
        return int(con.execute(sql, params).fetchall()[0][0])

    def parallel_then_numbered() -> int:
        # All threads parse and insert in file order (DuckDB keeps insertion order), so
        # the rowid is the position in the file; numbering after costs one column write
        # (of a column of zeros: updating a column of NULLs is 50 times slower).
        if len(wanted) < len(headers):
            return _kept_columns_then_blank_rows(con, t, cols, select, kept, params)
        sql = (
            f'CREATE OR REPLACE TABLE {t} AS SELECT CAST(0 AS BIGINT) AS "_row", '  # noqa: S608
            f"{select} FROM {_read_csv_sql(cols, True)} WHERE {keep}"
        )
        read = int(con.execute(sql, params).fetchall()[0][0])
        con.execute(f'UPDATE {t} SET "_row" = rowid + 1')  # noqa: S608
        return read

    # Far fewer rows expected than allowed: no need to stop early, read on all threads.
    bounded = expected_rows <= limits.max_rows
    try:
        if not layout.parallel_safe:
            return numbered(parallel=False)
        try:
            return parallel_then_numbered() if bounded else numbered(parallel=True)
        except (duckdb.OutOfMemoryException, duckdb.InterruptException):
            raise
        except duckdb.Error:
            # Past the sample the file may hold a quoted line break (which the parallel
            # reader refuses with null_padding) or stray quotes: read it on one thread.
            return numbered(parallel=False)
    except (duckdb.OutOfMemoryException, duckdb.InterruptException):
        # an interrupted read (the command line's deadline) is neither read again on one
        # thread nor a fault of the file
        raise
    except duckdb.Error as exc:
        text = str(exc).lower()
        if "maximum line size" in text:
            raise LimitError("ingest.row_too_long") from None
        if "invalid unicode" in text and not verified:
            raise NotUtf8 from None
        raise InputError("ingest.unreadable") from None


def _kept_columns_then_blank_rows(
    con: duckdb.DuckDBPyConnection,
    t: str,
    cols: list[str],
    select: str,
    kept: list[str],
    params: dict,
) -> int:
    """Read only the ``kept`` columns (``select``), every row; then drop the blank rows.
    Telling a blank row needs every cell of it, and building every cell's string is a
    third of the read: so only a row blank in all the kept columns is looked at again, in
    a second read of all columns, which most files (no such row) never need."""
    con.execute(
        f'CREATE OR REPLACE TABLE {t} AS SELECT CAST(0 AS BIGINT) AS "_row", '  # noqa: S608
        f"{select} FROM {_read_csv_sql(cols, True)}",
        params,
    )
    names = [quote_ident(h) for h in kept]
    # trimming a million cells costs most of a second: a visible first character settles
    # most rows first
    visible = " OR ".join(_starts_visible(c) for c in names)
    maybe_blank = f"NOT coalesce({visible}, false) AND {_blank_row_sql(names)}"
    if not con.execute(f"SELECT count(*) FROM {t} WHERE {maybe_blank}").fetchall()[0][0]:  # noqa: S608
        return int(con.execute(f'UPDATE {t} SET "_row" = rowid + 1').fetchall()[0][0])  # noqa: S608
    # rowid + 1 is the row's position among all rows read; the same position in a
    # numbered read of every column says whether the whole row is blank
    con.execute(
        f"DELETE FROM {t} WHERE {maybe_blank} AND rowid + 1 IN ("  # noqa: S608
        "SELECT position FROM (SELECT row_number() OVER () AS position, "
        f"{_blank_row_sql(cols)} AS blank FROM {_read_csv_sql(cols, False)}) "
        "WHERE blank)",
        params,
    )
    return int(
        con.execute(
            f"CREATE OR REPLACE TABLE {t} AS SELECT "  # noqa: S608
            f'row_number() OVER (ORDER BY rowid) AS "_row", * EXCLUDE ("_row") FROM {t}'
        ).fetchall()[0][0]
    )


def _read_csv_sql(cols: list[str], parallel: bool) -> str:
    """DuckDB's ``read_csv`` of the prepared file: our delimiter and layout, every column
    text, ragged rows padded (parameters ``$path $skip $delim $maxline $buffer``)."""
    col_types = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
    return (
        "read_csv($path, auto_detect = false, header = false,"
        " skip = $skip, delim = $delim, quote = '\"', escape = '\"',"
        " strict_mode = false, null_padding = true,"
        f" parallel = {'true' if parallel else 'false'},"
        f" max_line_size = $maxline, buffer_size = $buffer, columns = {col_types})"
    )


def _kept_rows_sql(cols: list[str]) -> str:
    """SQL: the row is kept unless every cell is empty or blank. Most rows start with a
    visible character (ASCII or CJK), which settles it without trimming every cell."""
    visible = " OR ".join(_starts_visible(c) for c in cols[:3])
    return f"({visible}) OR NOT ({_blank_row_sql(cols)})"


def _starts_visible(c: str) -> str:
    """SQL: ``c`` starts with a character that is no blank for certain: U+0021..U+0084
    or U+3001 and above (no character of _BLANK_CHARS is). A compare against the prefix
    DuckDB keeps inline in every string, so no character is decoded."""
    return f"(({c} >= '!' AND {c} < chr(133)) OR {c} >= chr(12289))"


def _blank_row_sql(cols: list[str]) -> str:
    """SQL: every one of ``cols`` (SQL expressions) is empty or blank."""
    ws = _blank_chars_sql()
    return " AND ".join(f"coalesce(trim({c}, {ws}), '') = ''" for c in cols)


def _truncate_cells(
    con: duckdb.DuckDBPyConnection, table: str, headers: list[str], max_chars: int
) -> Counter[str]:
    """Cut cells longer than ``max_chars`` characters; returns the count per column.
    A cell has at most as many characters as bytes, and DuckDB's column statistics hold
    each column's longest byte length (read without scanning the rows), so only columns
    whose statistics allow a long cell are looked at."""
    t = quote_ident(table)
    stats = ", ".join(f"stats({quote_ident(h)})" for h in headers)
    first = con.execute(f"SELECT {stats} FROM {t} LIMIT 1").fetchone()  # noqa: S608
    truncated: Counter[str] = Counter()
    if first is None:  # no rows
        return truncated
    for h, column_stats in zip(headers, first, strict=True):
        longest = column_stats.get("max_string_length") if isinstance(column_stats, dict) else None
        if isinstance(longest, int) and longest <= max_chars:
            continue
        c = quote_ident(h)
        count = con.execute(
            f"SELECT count(*) FROM {t} WHERE length({c}) > ?",  # noqa: S608
            [max_chars],
        ).fetchall()[0][0]
        if count:
            truncated[h] = int(count)
            con.execute(
                f"UPDATE {t} SET {c} = left({c}, ?) WHERE length({c}) > ?",  # noqa: S608
                [max_chars, max_chars],
            )
    return truncated


def _copy_table(
    src: duckdb.DuckDBPyConnection, name: str, dest: duckdb.DuckDBPyConnection, table: str
) -> None:
    """Stream table ``name`` of ``src`` into ``table`` of ``dest`` (which needs no file
    access), in row order."""
    import pyarrow as pa

    reader = src.sql(f'FROM {quote_ident(name)} ORDER BY "_row"').to_arrow_reader(100_000)  # noqa: S608
    view = f"_ingest_{uuid.uuid4().hex}"
    dest.register(view, pa.RecordBatchReader.from_batches(reader.schema, reader))
    try:
        dest.execute(f"CREATE OR REPLACE TABLE {quote_ident(table)} AS FROM {view}")  # noqa: S608
    finally:
        dest.unregister(view)


def _drop_footer(con: duckdb.DuckDBPyConnection, table: str, headers: list[str], rows: int) -> int:
    """Remove report footer lines (``Grand Totals (...)``, copyright ...) at the end of the
    table of ``rows`` rows (numbered 1..rows); returns the number of data rows left. Only
    the last rows are read (the row number's min/max per row group skips the rest)."""
    t = quote_ident(table)
    first = quote_ident(headers[0])
    others_null = " AND ".join(f"{quote_ident(h)} IS NULL" for h in headers[1:]) or "TRUE"
    tail = con.execute(
        f'SELECT "_row", {first}, ({others_null}) FROM {t} WHERE "_row" > ? '  # noqa: S608
        'ORDER BY "_row" DESC LIMIT 20',
        [rows - 20],
    ).fetchall()
    if not tail:
        return 0
    last = tail[0][0]
    cut = None
    for row, value, alone in tail:
        if not (alone and is_footer_line(value)):
            break
        cut = row
    if cut is None:
        return last
    con.execute(f'DELETE FROM {t} WHERE "_row" >= ?', [cut])  # noqa: S608
    return cut - 1
