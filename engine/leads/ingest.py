"""Read a lead list (CRM, MA or business-card export) into a DuckDB table of text columns.

Handles what real exports look like: UTF-8 with or without BOM and CP932 (Shift_JIS as
Windows writes it), comma or tab separated, description rows above the header (Japanese
Salesforce reports), report footers below the data, blank lines, quoted cells with line
breaks, ragged rows, NUL bytes, and ``.xlsx`` (first sheet). The encoding and layout are
detected, never asked.

This module is the read's public surface and runs its steps in order:
:mod:`~engine.leads.sniff` (what the bytes are), :mod:`~engine.leads.layout` (where the table
is), :mod:`~engine.leads.transcode` or :mod:`~engine.leads.xlsx` (a private UTF-8 copy when
DuckDB cannot read the file itself), :mod:`~engine.leads.load` (DuckDB parses it on a
connection that may open only that one file), :mod:`~engine.leads.workdirs` (the copy goes).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb

from engine.core.errors import InputError, LimitError
from engine.core.sql import quote_ident
from engine.leads import workdirs
from engine.leads.intake import (
    APP_LIMITS,
    DEFAULT_LIMITS,
    MAX_FILE_BYTES,
    STAGE_CHECKING,
    STAGE_DONE,
    STAGE_READING,
    IngestLimits,
    IngestResult,
    Progress,
)
from engine.leads.layout import Layout, detect_layout, unique_headers
from engine.leads.load import NotUtf8, load_table
from engine.leads.sniff import (
    codec_name,
    detect_encoding,
    file_kind,
    looks_binary,
    read_sample,
    sniff_encoding,
)
from engine.leads.transcode import data_start_byte, transcode_body, write_utf8_body
from engine.leads.xlsx import xlsx_to_csv

__all__ = [
    "APP_LIMITS",
    "DEFAULT_LIMITS",
    "MAX_FILE_BYTES",
    "IngestLimits",
    "IngestResult",
    "Progress",
    "read_leads",
]


def read_leads(
    path: str | os.PathLike,
    con: duckdb.DuckDBPyConnection,
    table: str = "raw_leads",
    progress: Progress | None = None,
    *,
    limits: IngestLimits | None = None,
    work_dir: str | os.PathLike | None = None,
    keep: Callable[[list[str]], Iterable[str]] | None = None,
) -> IngestResult:
    """Read a lead list (CSV/TSV in UTF-8, UTF-8 BOM or CP932, or the first sheet of an
    .xlsx) into ``table`` of ``con``: ``_row`` BIGINT (1-based, file order) and one VARCHAR
    column per header. Raises InputError (unusable file) or LimitError (over a limit)
    with a message the user can act on. ``progress(fraction, stage_code)`` is optional.
    The private UTF-8 copy of a transcoded file goes into a new directory under
    ``work_dir`` (default: :func:`engine.leads.workdirs.work_parent`), removed when the
    read ends. ``keep(headers)`` names the columns worth keeping (the first one is kept
    anyway): the others are parsed, never stored, and the result's headers are the kept
    ones."""
    limits = limits or DEFAULT_LIMITS
    path = Path(path)
    progress = _monotonic(progress)
    size = _checked_size(path, limits)
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if progress:
        progress(0.0, STAGE_CHECKING)
    parent = work_dir or workdirs.work_parent(size)
    workdir = Path(tempfile.mkdtemp(prefix=workdirs.INGEST_DIR_PREFIX, dir=parent))
    try:
        kind = file_kind(path, head)
        if kind == "ole":
            raise InputError("ingest.old_excel")
        if kind == "xlsx":
            body = workdir / "sheet.csv"
            notes = xlsx_to_csv(path, body, limits, progress)
            result = _read_text(body, con, table, progress, limits, workdir, keep, forced="utf-8")
            result.notes = notes + result.notes
            result.encoding, result.delimiter = "utf-8", ""
        else:
            utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            if not utf16 and looks_binary(head):
                raise InputError("ingest.not_a_table")
            result = _read_text(path, con, table, progress, limits, workdir, keep)
        if progress:
            progress(1.0, STAGE_DONE)
        return result
    finally:
        workdirs.remove_later(workdir)


def _checked_size(path: Path, limits: IngestLimits) -> int:
    """The file's size, once it is known to be a regular, non-empty file within the limit."""
    try:
        size = path.stat().st_size
        is_file = path.is_file()
    except OSError:
        raise InputError("ingest.file_not_found", path=path.name) from None
    if not is_file:
        raise InputError("ingest.file_not_found", path=path.name)
    if size > limits.max_file_bytes:
        raise LimitError(
            "ingest.too_large",
            size_mb=round(size / 1024 / 1024, 1),
            max_mb=round(limits.max_file_bytes / 1024 / 1024),
        )
    if size == 0:
        raise InputError("ingest.empty_file")
    return size


def _monotonic(progress: Progress | None) -> Progress | None:
    """``progress`` that never goes back (a second reading pass restarts its stages)."""
    if progress is None:
        return None
    seen = [0.0]

    def report(fraction: float, stage: str) -> None:
        seen[0] = max(seen[0], fraction)
        progress(seen[0], stage)

    return report


def _read_text(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    table: str,
    progress: Progress | None,
    limits: IngestLimits,
    workdir: Path,
    keep: Callable[[list[str]], Iterable[str]] | None,
    forced: str | None = None,
) -> IngestResult:
    size = path.stat().st_size
    sniffed = (forced, False, False, True) if forced else sniff_encoding(path)
    args = (path, con, table, progress, limits, workdir, keep, size)
    try:
        return _read_text_as(*args, *sniffed)
    except NotUtf8:
        return _read_text_as(*args, *detect_encoding(path, size, progress), True)


def _read_text_as(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    table: str,
    progress: Progress | None,
    limits: IngestLimits,
    workdir: Path,
    keep: Callable[[list[str]], Iterable[str]] | None,
    size: int,
    encoding: str,
    has_nul: bool,
    broken: bool,
    verified: bool,
) -> IngestResult:
    """Read the text file as ``encoding``. ``verified`` says whether the whole file is
    known to decode; if not (UTF-8 beyond the sample), raises NotUtf8 when it does not."""
    errors = "replace" if broken else "strict"
    text, complete = read_sample(path, encoding, errors)
    # The codecs drop a BOM, so offsets in ``text`` match what write_utf8_body decodes.
    if not text.strip():
        raise InputError("ingest.empty_file")
    layout = detect_layout(text, complete, limits)
    headers, repeated, blank = unique_headers(layout.header)
    headers += [f"column_{i}" for i in range(len(headers) + 1, layout.width + 1)]
    headers, repeated2, _ = unique_headers(headers)

    utf8 = encoding in ("utf-8", "utf-8-sig")
    # DuckDB skips the lines above the data itself when it counts them as we do; a
    # header on the first line is skipped as one line whatever it holds.
    top_ok = layout.plain_top or (layout.data_start_line == 1 and not layout.description_rows)
    direct = utf8 and not has_nul and not broken and top_ok
    if not direct and not verified:
        raise NotUtf8
    if direct:
        source, skip = path, layout.data_start_line
    else:
        source, skip = workdir / "body.csv", 0
        _write_body(path, encoding, layout, source, size, progress, errors, limits, has_nul)
    notes = _layout_notes(layout, broken, has_nul, bool(repeated or repeated2), repeated, blank)
    if progress:
        progress(0.6, STAGE_READING)

    kept = headers
    if keep is not None:
        wanted = {headers[0], *keep(headers)}
        kept = [h for h in headers if h in wanted]
    rows, more_notes = load_table(source, skip, layout, headers, con, table, limits, verified, kept)
    if rows == 0:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")
        raise InputError("ingest.header_only")
    return IngestResult(
        table=table,
        encoding=encoding,
        delimiter=layout.delimiter,
        headers=kept,
        rows=rows,
        notes=notes + more_notes,
        file_headers=headers if kept != headers else None,
    )


def _write_body(
    path: Path,
    encoding: str,
    layout: Layout,
    dest: Path,
    size: int,
    progress: Progress | None,
    errors: str,
    limits: IngestLimits,
    has_nul: bool,
) -> None:
    """The data rows of ``path`` (below the header) as UTF-8 in ``dest``."""
    if encoding == "utf-16":
        write_utf8_body(path, encoding, layout.data_start_chars, dest, size, progress, errors)
        return
    transcode_body(
        path,
        codec_name(encoding),
        data_start_byte(path, layout.data_start_line),
        layout.data_start_chars,
        dest,
        size,
        progress,
        errors,
        workers=limits.threads,
        has_nul=has_nul,
    )


def _layout_notes(
    layout: Layout,
    broken: bool,
    has_nul: bool,
    any_repeated: bool,
    repeated: list[str],
    blank: int,
) -> list[tuple[str, dict]]:
    """What is worth telling the user about how the file looked."""
    notes: list[tuple[str, dict]] = []
    if broken:
        notes.append(("ingest.note.invalid_bytes", {}))
    if has_nul:
        notes.append(("ingest.note.nul_removed", {}))
    if layout.description_rows:
        notes.append(("ingest.note.description_rows", {"count": layout.description_rows}))
    if any_repeated:
        notes.append(("ingest.note.repeated_headers", {"names": ", ".join(repeated)}))
    if blank:
        notes.append(("ingest.note.blank_headers", {"count": blank}))
    if layout.ragged:
        notes.append(("ingest.note.ragged_rows", {}))
    return notes
