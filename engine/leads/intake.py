"""The terms of reading a lead list: its limits, its progress stages and what it returns.

Shared by every step of a read (:mod:`engine.leads.sniff`, :mod:`engine.leads.layout`,
:mod:`engine.leads.transcode`, :mod:`engine.leads.xlsx`, :mod:`engine.leads.load`) and by the
worker that runs a read in a child process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[float, str], None]

# The engine's limits. Tests and operators may pass their own IngestLimits.
MAX_FILE_BYTES = 1024 * 1024 * 1024
# What the app accepts: the same as Streamlit's upload limit (.streamlit/config.toml,
# server.maxUploadSize in MB), checked again by the engine.
APP_MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 500
MAX_CELL_CHARS = 32 * 1024
MAX_ROWS = 2_000_000
MAX_ROW_BYTES = 32 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024
MAX_XLSX_RATIO = 100
# openpyxl keeps every shared string of a workbook in memory (≈ 100 bytes each in Python):
# four million fit the worker's memory limit beside the read, and a million-row list of
# a few text columns stays below.
MAX_XLSX_SHARED_STRINGS = 4_000_000
READ_MEMORY_LIMIT = "1GB"
READ_THREADS = 2

# Seconds a session's next upload waits after so many failed uploads in a row: a person
# who fixes a file and tries again never waits for the first retry; a script that keeps
# sending files the app refuses is slowed down (its waits cost no CPU).
FAILED_UPLOAD_WAITS = (0.0, 0.0, 2.0, 4.0, 8.0, 16.0, 30.0)


def failed_upload_wait(failures: int) -> float:
    """How long the next upload waits after ``failures`` failed uploads in a row."""
    return FAILED_UPLOAD_WAITS[min(max(failures, 0), len(FAILED_UPLOAD_WAITS) - 1)]


SAMPLE_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 50

STAGE_CHECKING = "ingest.progress.checking"
STAGE_TRANSCODING = "ingest.progress.transcoding"
STAGE_READING = "ingest.progress.reading"
STAGE_DONE = "ingest.progress.done"


@dataclass(frozen=True)
class IngestLimits:
    """Limits checked while reading an upload (defaults are the module constants)."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_columns: int = MAX_COLUMNS
    max_cell_chars: int = MAX_CELL_CHARS
    max_rows: int = MAX_ROWS
    max_row_bytes: int = MAX_ROW_BYTES
    max_xlsx_uncompressed_bytes: int = MAX_XLSX_UNCOMPRESSED_BYTES
    max_xlsx_ratio: int = MAX_XLSX_RATIO
    max_xlsx_shared_strings: int = MAX_XLSX_SHARED_STRINGS
    memory_limit: str = READ_MEMORY_LIMIT
    threads: int = READ_THREADS


DEFAULT_LIMITS = IngestLimits()
# The limits of an upload through the app (LeadSet.open(..., isolated=True) uses them).
APP_LIMITS = IngestLimits(max_file_bytes=APP_MAX_FILE_BYTES)


@dataclass
class IngestResult:
    """What was read: the table name in the caller's connection and how the file looked."""

    table: str
    encoding: str  # "utf-8" | "utf-8-sig" | "cp932" | "utf-16"
    delimiter: str  # "," | "\t" | ";" | "|" | "" for xlsx
    headers: list[str]
    rows: int
    notes: list[tuple[str, dict]] = field(default_factory=list)
    # every header of the file when ``headers`` are only the kept ones (a narrow read)
    file_headers: list[str] | None = None
