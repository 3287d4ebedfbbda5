"""Read a lead list (CRM, MA or business-card export) into a DuckDB table of text columns.

Handles what real exports look like: UTF-8 with or without BOM and CP932 (Shift_JIS as
Windows writes it), comma or tab separated, description rows above the header (Japanese
Salesforce reports), report footers below the data, blank lines, quoted cells with line
breaks, ragged rows, NUL bytes, and ``.xlsx`` (first sheet). The encoding and layout are
detected, never asked.

Reading is done by DuckDB on a connection that may open only the one file it needs
(:func:`locked_connection`); a CP932 file is first transcoded to a private UTF-8 temp file
in chunks, so memory stays bounded for a million rows.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import mmap
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from engine.core.errors import InputError, LimitError
from engine.core.sql import quote_ident

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
READ_MEMORY_LIMIT = "1GB"
READ_THREADS = 2

SAMPLE_BYTES = 256 * 1024
CHUNK_BYTES = 8 * 1024 * 1024
SHM_DIR = "/dev/shm"
# Bodies larger than this are transcoded by two processes at once.
PARALLEL_TRANSCODE_BYTES = 16 * 1024 * 1024
HEADER_SEARCH_ROWS = 50
DELIMITERS = (",", "\t", ";", "|")

STAGE_CHECKING = "ingest.progress.checking"
STAGE_TRANSCODING = "ingest.progress.transcoding"
STAGE_READING = "ingest.progress.reading"
STAGE_LOADING = "ingest.progress.loading"
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


# --------------------------------------------------------------------------------------
# DuckDB lockdown


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


# --------------------------------------------------------------------------------------
# Header and footer recognition

_HEADER_WORDS = {
    # e-mail
    "email", "emailaddress", "mail", "mailaddress", "email1", "email2", "email(1)",
    "メール", "メールアドレス", "eメール", "eメールアドレス", "電子メール", "メールアドレス1",
    # company
    "company", "companyname", "company/account", "account", "accountname", "organization",
    "会社名", "会社名/取引先", "取引先", "取引先名", "企業名", "会社", "法人名", "所属",
    "associatedcompany", "primaryassociatedcompanyid",
    # person
    "lastname", "firstname", "fullname", "name", "contactname", "姓", "名", "氏名", "名前",
    "名前(姓)", "名前(名)", "姓カナ", "名カナ", "フリガナ", "ふりがな", "担当者名", "leadowner",
    "contactowner", "リード所有者", "所有者", "名刺所有者",
    # role
    "title", "jobtitle", "役職", "部署", "部署名", "department", "役職名", "肩書",
    # phone
    "phone", "phonenumber", "mobile", "mobilephone", "mainphone", "tel", "電話", "電話番号",
    "携帯", "携帯電話", "携帯番号", "tel1", "tel会社", "tel部門", "tel直通", "fax", "faxnumber",
    # stage / source / dates
    "status", "leadstatus", "状況", "リード状況", "リードのステータス", "lifecyclestage",
    "leadsource", "リードソース", "リードのソース", "originalsource", "lastactivity",
    "lastactivitydate", "最終活動日", "createdate", "作成日", "名刺交換日", "recordid",
    "リードid", "名刺id", "退職者フラグ", "住所", "address", "郵便番号", "url", "url1",
    "都道府県", "state", "country", "国", "業種", "industry", "評価", "rating",
    "従業員数", "employees", "e-mail",
}  # fmt: skip

_FOOTER_RE = re.compile(
    r"^\s*(?:"
    r"(?:grand\s+totals?|totals?|総計|合計)\s*[(（].*[)）]"
    r"|confidential\s+information.*"
    r"|機密情報.*"
    r"|copyright\s*(?:\(c\)|©).*"
    r")\s*$",
    re.IGNORECASE,
)


def _norm_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s_\-・.:：]+", "", text.replace("e-mail", "email"))


_HEADER_KEYS = {_norm_header(w) for w in _HEADER_WORDS}


def _header_score(cells: list[str]) -> int:
    return sum(1 for c in cells if c and _norm_header(c) in _HEADER_KEYS)


def is_footer_line(text: str) -> bool:
    """True for report footer lines such as ``Grand Totals (5700 records)``."""
    return bool(_FOOTER_RE.match(text or ""))


def _unique_headers(raw: list[str]) -> tuple[list[str], list[str], int]:
    """Header names as column names: stripped, blanks named by position, repeated names
    (case-insensitively, as DuckDB compares them) made unique as ``Email (2)``."""
    names: list[str] = []
    seen: set[str] = {"_row"}
    repeated: list[str] = []
    blank = 0
    for i, cell in enumerate(raw, start=1):
        name = (cell or "").replace("\x00", "").replace("\ufeff", "").strip()
        if not name:
            blank += 1
            name = f"column_{i}"
        base, n = name, 1
        while name.lower() in seen:
            n += 1
            name = f"{base} ({n})"
        if n > 1:
            repeated.append(name)
        seen.add(name.lower())
        names.append(name)
    return names, repeated, blank


# --------------------------------------------------------------------------------------
# Byte-level checks


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BINARY_MAGICS = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
    b"Rar!",
    b"BZh",
    b"\xfd7zXZ",
    b"\x7fELF",
    b"MZ",
    b"SQLite format 3",
    b"PAR1",
    b"\x28\xb5\x2f\xfd",
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26, 27))


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if any(head.startswith(m) for m in _BINARY_MAGICS):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(head) // 20)


def _sniff_encoding(path: Path) -> tuple[str, bool, bool, bool]:
    """The encoding as far as the start of the file tells: ``(encoding, has_nul, broken,
    verified)``. Only the sample is decoded here; a UTF-8 file longer than the sample is
    ``verified=False`` and DuckDB validates the rest while reading it (an invalid byte
    there makes :func:`_detect_encoding` decide over the whole file, as before)."""
    with path.open("rb") as fh:
        raw = fh.read(SAMPLE_BYTES)
        at_end = not fh.read(1)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", False, False, True
    encoding = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    has_nul = _file_has_nul(path)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(raw, final=at_end)
    except UnicodeDecodeError as exc:
        if not exc.object[: exc.start].isascii():
            return encoding, has_nul, True, True
        return "cp932", has_nul, False, True
    return encoding, has_nul, False, at_end


def _detect_encoding(path: Path, size: int, progress: Progress | None) -> tuple[str, bool, bool]:
    """The file's encoding, whether it holds NUL bytes, and whether it is UTF-8 with a
    few broken bytes. UTF-8 is checked over the whole file (fast, chunked); a file that
    fails before any non-ASCII text validated is taken as CP932 (verified while
    transcoding). One that fails after valid multi-byte UTF-8 text is UTF-8 with damage
    (e.g. cut in the middle of a character), not CP932: decoding it as CP932 would turn
    every Japanese character into wrong ones without an error."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", False, False
        else:
            encoding = "utf-8"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        has_nul = _file_has_nul(path)
        seen_multibyte = False
        done = 0
        while True:
            chunk = fh.read(CHUNK_BYTES)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                seen_multibyte = seen_multibyte or not exc.object[: exc.start].isascii()
                if seen_multibyte:
                    return encoding, has_nul, True
                return "cp932", has_nul, False
            if not chunk:
                break
            seen_multibyte = seen_multibyte or not chunk.isascii()
            done += len(chunk)
            if progress and size:
                progress(0.3 * done / size, STAGE_CHECKING)
    return encoding, has_nul, False


def _file_has_nul(path: Path) -> bool:
    with path.open("rb") as fh:
        try:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                return mm.find(b"\x00") >= 0
        except (ValueError, OSError):  # empty or not mappable
            while chunk := fh.read(CHUNK_BYTES):
                if b"\x00" in chunk:
                    return True
            return False


def _codec(encoding: str) -> str:
    return "utf-16" if encoding == "utf-16" else encoding


def _read_sample(path: Path, encoding: str, errors: str = "strict") -> tuple[str, bool]:
    """The decoded start of the file (NULs removed) and whether it is the whole file."""
    with path.open("rb") as fh:
        raw = fh.read(SAMPLE_BYTES)
        at_end = not fh.read(1)
    decoder = codecs.getincrementaldecoder(_codec(encoding))(errors=errors)
    try:
        text = decoder.decode(raw, final=at_end)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("ingest.undecodable", line=line) from None
    return text.replace("\x00", ""), at_end


# --------------------------------------------------------------------------------------
# Layout detection on a decoded sample

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> list[str]:
    return _LINE_RE.findall(text)


def _parse_rows(lines: list[str], delimiter: str, limit: int) -> list[tuple[list[str], int]]:
    """Rows parsed with ``delimiter`` and, for each, the number of physical lines consumed
    up to and including it."""
    reader = csv.reader(iter(lines), delimiter=delimiter, quotechar='"', strict=False)
    rows: list[tuple[list[str], int]] = []
    try:
        for row in reader:
            rows.append((row, reader.line_num))
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def _is_blank(row: list[str]) -> bool:
    return all(not c.strip() for c in row)


@dataclass
class _Layout:
    delimiter: str
    header: list[str]
    data_start_line: int  # physical lines before the first data row
    data_start_chars: int  # characters before the first data row
    description_rows: int
    width: int  # columns to read
    ragged: bool
    bytes_per_row: float  # average in the sample, to estimate progress
    # DuckDB's ``skip`` counts the lines above the data as we do (one kind of line break
    # in the sample, no quoted line break above the data), so it can read the file
    # itself without a copy.
    plain_top: bool = True
    # DuckDB's parallel reader starts each thread at a line break it guesses is a row
    # boundary; only for plainly quoted text (every line of the sample has balanced
    # quotes, one kind of line break) is that as exact as reading on one thread.
    parallel_safe: bool = False


def _choose_delimiter(lines: list[str], complete: bool) -> str:
    body = lines if complete or len(lines) < 2 else lines[:-1]
    best, best_key = ",", (0.0, 0)
    for d in DELIMITERS:
        rows = [r for r, _ in _parse_rows(body, d, 400) if not _is_blank(r)]
        if not rows:
            continue
        counts = Counter(len(r) for r in rows)
        modal, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if modal < 2:
            continue
        key = (round(freq / len(rows), 2), modal)
        if key > best_key:
            best, best_key = d, key
    return best


def _detect_layout(text: str, complete: bool, limits: IngestLimits, delimiter=None) -> _Layout:
    lines = _lines(text)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut
    delimiter = delimiter or _choose_delimiter(lines, complete)
    parsed = _parse_rows(lines, delimiter, 2000)
    nonblank = [(r, n) for r, n in parsed if not _is_blank(r)]
    if not nonblank:
        raise InputError("ingest.empty_file")
    counts = Counter(len(r) for r, _ in nonblank)
    modal = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    if modal > limits.max_columns:
        raise LimitError("ingest.too_many_columns", columns=modal, max=limits.max_columns)

    candidates = nonblank[:HEADER_SEARCH_ROWS]
    chosen = None
    for idx, (row, _) in enumerate(candidates):
        if len(row) < max(1, modal // 2) and len(row) != modal:
            continue
        need = 1 if len(row) <= 2 else 2
        if _header_score(row) >= need:
            chosen = idx
            break
    if chosen is None:
        chosen = next(i for i, (r, _) in enumerate(nonblank) if len(r) == modal)
    header, consumed = nonblank[chosen]
    if len(header) > limits.max_columns:
        raise LimitError("ingest.too_many_columns", columns=len(header), max=limits.max_columns)
    data_rows = [r for r, n in parsed if n > consumed and not _is_blank(r)]
    width = len(header)
    if data_rows:
        width = max(width, Counter(len(r) for r in data_rows).most_common(1)[0][0])
    width = min(width, limits.max_columns)
    # Short rows are padded without loss; only rows cut to fit are worth telling.
    ragged = any(len(r) > width for r in data_rows)
    # DuckDB guesses the kind of line break from the start of what it reads.
    one_line_end = len({_line_end(x) for x in lines} - {""}) <= 1
    return _Layout(
        delimiter=delimiter,
        header=header,
        data_start_line=consumed,
        data_start_chars=sum(len(x) for x in lines[:consumed]),
        description_rows=chosen,
        width=width,
        ragged=ragged,
        bytes_per_row=_bytes_per_row(lines, consumed, len(data_rows)),
        plain_top=one_line_end and _plain_lines(lines[:consumed]),
        parallel_safe=one_line_end and _plain_lines(lines),
    )


def _line_end(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else line[-1:] if line[-1:] in "\r\n" else ""


def _plain_lines(lines: list[str]) -> bool:
    text = "".join(lines)
    return all(x.count('"') % 2 == 0 for x in lines) and "\r" not in text.replace("\r\n", "")


def _bytes_per_row(lines: list[str], consumed: int, rows: int) -> float:
    body = lines[consumed:]
    if not rows or not body:
        return 100.0
    return max(sum(len(x.encode("utf-8")) for x in body[:2000]) / min(rows, 2000), 1.0)


# --------------------------------------------------------------------------------------
# Transcoding


def _write_utf8_body(
    src: Path,
    encoding: str,
    skip_chars: int,
    dest: Path,
    size: int,
    progress: Progress | None,
    errors: str = "strict",
) -> None:
    """Decode ``src`` in chunks, drop the first ``skip_chars`` characters (description
    rows and header) and NUL bytes, and write UTF-8 to ``dest``."""
    decoder = codecs.getincrementaldecoder(_codec(encoding))(errors=errors)
    done = 0
    line = 1
    first = True
    with src.open("rb") as fin, dest.open("w", encoding="utf-8", newline="") as fout:
        while True:
            chunk = fin.read(CHUNK_BYTES)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                line += chunk[: max(exc.start, 0)].count(b"\n")
                raise InputError("ingest.undecodable", line=line) from None
            line += chunk.count(b"\n")
            # ``skip_chars`` counts characters of the sample, which has its NULs removed.
            if "\x00" in text:
                text = text.replace("\x00", "")
            if skip_chars:
                cut = min(skip_chars, len(text))
                text, skip_chars = text[cut:], skip_chars - cut
            if first and text:
                text, first = _keep_leading_bom(text), False
            fout.write(text)
            done += len(chunk)
            if progress and size:
                progress(0.3 + 0.3 * done / size, STAGE_TRANSCODING)
            if final:
                break


def _keep_leading_bom(text: str) -> str:
    """DuckDB drops a BOM at the very start of a file; a body whose first cell starts
    with U+FEFF gets an empty first line (skipped by the reader) so the cell stays whole."""
    return "\n" + text if text.startswith("\ufeff") else text


_BYTE_LINE_RE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _data_start_byte(path: Path, lines: int) -> int:
    """Byte offset after the first ``lines`` physical lines. Valid for UTF-8 and CP932,
    where CR and LF bytes are never part of a multi-byte character."""
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    return sum(len(x) for x in _BYTE_LINE_RE.findall(head)[:lines])


# Runs in ``python -I -S``: only the standard codecs, nothing from the project or venv.
_TRANSCODE_PART = """
import codecs, sys
src, start, end, dest, encoding, errors, chunk_bytes = sys.argv[1:8]
start, end, chunk_bytes = int(start), int(end), int(chunk_bytes)
decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
with open(src, "rb") as fin, open(dest, "wb") as fout:
    fin.seek(start)
    left = end - start
    while left > 0:
        chunk = fin.read(min(chunk_bytes, left))
        if not chunk:
            break
        left -= len(chunk)
        try:
            text = decoder.decode(chunk, final=left <= 0)
        except UnicodeDecodeError:
            sys.exit(3)
        if "\\x00" in text:
            text = text.replace("\\x00", "")
        fout.write(text.encode("utf-8"))
"""


def _transcode_range(
    src: Path,
    start: int,
    end: int,
    fout,
    encoding: str,
    errors: str,
    progress: Progress | None,
    size: int,
    start_of_body: bool = True,
) -> bool:
    """Decode bytes ``start:end`` of ``src`` and append them as UTF-8 to ``fout``;
    False when a byte sequence cannot be decoded."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    first = start_of_body
    with src.open("rb") as fin:
        fin.seek(start)
        left = end - start
        while left > 0:
            chunk = fin.read(min(CHUNK_BYTES, left))
            if not chunk:
                break
            left -= len(chunk)
            try:
                text = decoder.decode(chunk, final=left <= 0)
            except UnicodeDecodeError:
                return False
            if "\x00" in text:
                text = text.replace("\x00", "")
            if first and text:
                text, first = _keep_leading_bom(text), False
            fout.write(text.encode("utf-8"))
            if progress and size:
                done = end - start - left
                progress(0.3 + 0.3 * done / max(end - start, 1), STAGE_TRANSCODING)
    return True


def _split_point(path: Path, start: int, end: int) -> int:
    """The offset just after the first LF at or after the middle of ``start:end``
    (``end`` when there is none): a place where no character is cut in two."""
    mid = start + (end - start) // 2
    with path.open("rb") as fh:
        fh.seek(mid)
        pos = mid
        while chunk := fh.read(1024 * 1024):
            i = chunk.find(b"\n")
            if i >= 0:
                return min(pos + i + 1, end)
            pos += len(chunk)
    return end


def _cp932_probe() -> bytes:
    """Every one- and two-byte CP932 sequence Python decodes, one per line, except the
    five single bytes (0x80, 0xA0, 0xFD-0xFF) Python maps to U+0080 and private-use
    characters and iconv refuses."""
    singles = [bytes([b]) for b in [*range(0x20, 0x7F), *range(0xA1, 0xE0)]]
    candidates = [
        bytes([lead, trail])
        for lead in [*range(0x81, 0xA0), *range(0xE0, 0xFD)]
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]
    ]
    # a valid pair is one character; an invalid one decodes to two or more (escaped)
    lines = b"\n".join(candidates).decode("cp932", errors="surrogateescape").split("\n")
    pairs = [pair for pair, line in zip(candidates, lines, strict=True) if len(line) == 1]
    return b"\n".join(singles + pairs) + b"\n"


@cache
def _iconv_cp932() -> str | None:
    """The system's ``iconv`` when it decodes CP932 exactly as Python's codec (checked
    once on every sequence): glibc's does, about twice as fast; a byte it refuses makes
    the caller fall back to Python, which decodes or names the bad line."""
    exe = shutil.which("iconv")
    if not exe:
        return None
    probe = _cp932_probe()
    try:
        r = subprocess.run(
            [exe, "-f", "CP932", "-t", "UTF-8"], input=probe, capture_output=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return exe if r.returncode == 0 and r.stdout == probe.decode("cp932").encode("utf-8") else None


def _append_file(part: Path, fout) -> None:
    """Append ``part`` to the open file ``fout`` (a kernel copy where there is one)."""
    fout.flush()
    base = fout.tell()
    with part.open("rb") as fin:
        try:
            offset, left = base, part.stat().st_size
            while left > 0:
                n = os.copy_file_range(fin.fileno(), fout.fileno(), left, offset_dst=offset)
                if n == 0:
                    break
                offset, left = offset + n, left - n
            fout.seek(offset)
            return
        except (AttributeError, OSError):  # no kernel copy here: drop what it wrote
            fin.seek(0)
            fout.seek(base)
            fout.truncate()
        shutil.copyfileobj(fin, fout, CHUNK_BYTES)


def _iconv_body(exe: str, src: Path, start: int, split: int, size: int, dest: Path) -> bool:
    """Decode bytes ``start:size`` of the CP932 file ``src`` into ``dest`` with iconv, the
    part from ``split`` by a second iconv at the same time; False when either fails."""
    # a name of its own: the Python fallback writes its ".part2" while this is removed
    part = dest.with_name(dest.name + ".iconv2")
    procs: list[subprocess.Popen] = []
    argv = [exe, "-f", "CP932", "-t", "UTF-8"]
    try:
        with src.open("rb") as first, src.open("rb") as second, dest.open("wb") as out:
            first.seek(start)
            if split < size:
                second.seek(split)
                with part.open("wb") as out2:
                    procs.append(subprocess.Popen(argv, stdin=second, stdout=out2))
                head = subprocess.Popen(
                    ["head", "-c", str(split - start)], stdin=first, stdout=subprocess.PIPE
                )
                procs.append(head)
                procs.append(subprocess.Popen(argv, stdin=head.stdout, stdout=out))
                head.stdout.close()
            else:
                procs.append(subprocess.Popen(argv, stdin=first, stdout=out))
            ok = all(p.wait() == 0 for p in procs)
            if ok and split < size:
                _append_file(part, out)
        return ok
    except OSError:
        return False
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        _remove_later(part)


def _transcode_body(
    src: Path,
    encoding: str,
    start: int,
    skip_chars: int,
    dest: Path,
    size: int,
    progress: Progress | None,
    errors: str,
    workers: int,
    *,
    has_nul: bool,
) -> None:
    """Write the body of ``src`` (from byte ``start``, i.e. after its first ``skip_chars``
    characters) as UTF-8 to ``dest``, NULs dropped. A large body is cut in two on a line
    feed and the second half is decoded at the same time: by iconv for a clean CP932 file
    when iconv agrees with Python's codec, else by a child Python. On any undecodable
    byte (or a failed child) the file is decoded again in one pass, for the exact line
    to name in the error."""
    split = size
    if workers > 1 and size - start > PARALLEL_TRANSCODE_BYTES:
        split = _split_point(src, start, size)
    if encoding == "cp932" and errors == "strict" and not has_nul:
        exe = _iconv_cp932()
        if exe and _iconv_body(exe, src, start, split, size, dest):
            return
    part = dest.with_name(dest.name + ".part2")
    child = None
    if split < size:
        child = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _TRANSCODE_PART, str(src), str(split)]
            + [str(size), str(part), encoding, errors, str(CHUNK_BYTES)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ok = False
    try:
        with dest.open("wb") as fout:
            ok = _transcode_range(src, start, split, fout, encoding, errors, progress, size)
            if child is not None:
                ok = child.wait() == 0 and ok
                child = None
                if ok:
                    _append_file(part, fout)
    finally:
        if child is not None:
            child.kill()
            child.wait()
        part.unlink(missing_ok=True)
    if not ok:
        _write_utf8_body(src, encoding, skip_chars, dest, size, progress, errors)


# --------------------------------------------------------------------------------------
# XLSX


def _check_xlsx_container(path: Path, limits: IngestLimits) -> None:
    """Refuse zip bombs and XML with DTDs/entities before any XML parser sees the file."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError("ingest.xlsx_corrupt") from None
    with zf:
        try:
            infos = zf.infolist()
        except Exception:
            raise InputError("ingest.xlsx_corrupt") from None
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise InputError("ingest.not_a_table")
        total = sum(i.file_size for i in infos)
        if total > limits.max_xlsx_uncompressed_bytes:
            raise LimitError("ingest.zip_bomb")
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > limits.max_xlsx_ratio:
                raise LimitError("ingest.zip_bomb")
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with zf.open(info) as member:
                    prolog = member.read(64 * 1024)
            except Exception:
                raise InputError("ingest.xlsx_corrupt") from None
            if re.search(rb"<!\s*(DOCTYPE|ENTITY)", prolog, re.IGNORECASE):
                raise InputError("ingest.xml_entities")
            if re.search(rb"<\x00!\x00(D|E)\x00", prolog):  # UTF-16 XML
                raise InputError("ingest.xml_entities")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _xlsx_to_csv(
    path: Path, dest: Path, limits: IngestLimits, progress: Progress | None
) -> list[tuple[str, dict]]:
    """Write the first sheet of an .xlsx as UTF-8 CSV; returns notes."""
    _check_xlsx_container(path, limits)
    import defusedxml
    import openpyxl

    notes: list[tuple[str, dict]] = []
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (MemoryError, RecursionError):
        raise LimitError("ingest.out_of_memory") from None
    except Exception as exc:
        # openpyxl raises many types (KeyError, ValueError, TypeError ...) on broken files
        # and wraps the XML parser's refusal in a ValueError.
        if _caused_by(exc, defusedxml.DefusedXmlException):
            raise InputError("ingest.xml_entities") from None
        raise InputError("ingest.xlsx_corrupt") from None
    try:
        sheets = wb.worksheets
        if not sheets:
            raise InputError("ingest.empty_file")
        ws = sheets[0]
        if len(wb.sheetnames) > 1:
            notes.append(
                ("ingest.note.first_sheet_only", {"sheet": ws.title, "count": len(wb.sheetnames)})
            )
        expected = getattr(ws, "max_row", None) or 0
        written = 0
        with dest.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            try:
                for values in ws.iter_rows(values_only=True):
                    cells = [_cell_text(v) for v in values]
                    while cells and not cells[-1]:
                        cells.pop()
                    if len(cells) > limits.max_columns:
                        raise LimitError(
                            "ingest.too_many_columns", columns=len(cells), max=limits.max_columns
                        )
                    writer.writerow(cells)
                    written += 1
                    if written > limits.max_rows + HEADER_SEARCH_ROWS:
                        raise LimitError("ingest.too_many_rows", max=limits.max_rows)
                    if progress and written % 20000 == 0 and expected:
                        progress(0.6 * min(written / expected, 1.0), STAGE_TRANSCODING)
            except (InputError, LimitError):
                raise
            except (MemoryError, RecursionError):
                raise LimitError("ingest.out_of_memory") from None
            except Exception as exc:
                if _caused_by(exc, defusedxml.DefusedXmlException):
                    raise InputError("ingest.xml_entities") from None
                raise InputError("ingest.xlsx_corrupt") from None
    finally:
        with contextlib.suppress(Exception):
            wb.close()
    return notes


# --------------------------------------------------------------------------------------
# Reading


_CLEANUPS: list[threading.Thread] = []


def wait_for_cleanup() -> None:
    """Wait until every private copy :func:`read_leads` left for removal is gone (a
    process that ends with ``os._exit`` must call this first)."""
    while _CLEANUPS:
        _CLEANUPS.pop().join()


def _remove_later(path: Path) -> None:
    """Remove a file or directory on a thread of its own (freeing a large file's pages
    takes the kernel tens of milliseconds); the interpreter waits for it at exit, or
    :func:`wait_for_cleanup` does. Where no thread can be started (a process near its
    memory limit), it is removed at once."""

    def remove() -> None:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    thread = threading.Thread(target=remove, name="senryoku-cleanup")
    try:
        thread.start()
    except RuntimeError:
        remove()
    else:
        _CLEANUPS[:] = [*(t for t in _CLEANUPS if t.is_alive()), thread]


INGEST_DIR_PREFIX = "senryoku-ingest-"
WORKER_DIR_PREFIX = "senryoku-worker-"
WORK_DIR_PREFIXES = (INGEST_DIR_PREFIX, WORKER_DIR_PREFIX)
STALE_WORK_DIR_SECONDS = 3600


def remove_stale_work_dirs(
    places: Iterable[str | os.PathLike] | None = None,
    older_than: float = STALE_WORK_DIR_SECONDS,
) -> int:
    """Remove the work directories of reads and workers (``senryoku-ingest-*``,
    ``senryoku-worker-*``: private copies of uploads) that a crashed or killed process
    left in /dev/shm or the temp directory, untouched for ``older_than`` seconds (no read
    takes that long). Returns how many were removed."""
    if places is None:
        places = [SHM_DIR, tempfile.gettempdir()]
    cutoff = time.time() - older_than
    removed = 0
    for place in {Path(p) for p in places}:
        try:
            entries = list(place.iterdir())
        except OSError:
            continue
        for entry in entries:
            if not entry.name.startswith(WORK_DIR_PREFIXES):
                continue
            try:
                info = entry.lstat()  # a symlink is no work directory of ours
            except OSError:
                continue
            own = info.st_uid == os.getuid()
            if stat.S_ISDIR(info.st_mode) and own and info.st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed += not entry.exists()
    return removed


def work_parent(size: int) -> str | None:
    """Where the private copy of a transcoded upload goes: the RAM-backed /dev/shm when it
    has room (writing there is several times faster than to a disk, and the copy never
    reaches one), else the usual temp directory."""
    shm = Path(SHM_DIR)
    try:
        if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 4 * size:
            return str(shm)
    except OSError:
        pass
    return None


def _kind(path: Path, head: bytes) -> str:
    if head.startswith(_ZIP_MAGICS):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if path.suffix.lower() in (".xlsx", ".xlsm") and head:
        return "xlsx"
    return "text"


def read_leads(
    path: str | os.PathLike,
    con: duckdb.DuckDBPyConnection,
    table: str = "raw_leads",
    progress: Progress | None = None,
    *,
    limits: IngestLimits | None = None,
    work_dir: str | os.PathLike | None = None,
) -> IngestResult:
    """Read a lead list (CSV/TSV in UTF-8, UTF-8 BOM or CP932, or the first sheet of an
    .xlsx) into ``table`` of ``con``: ``_row`` BIGINT (1-based, file order) and one VARCHAR
    column per header. Raises InputError (unusable file) or LimitError (over a limit)
    with a message the user can act on. ``progress(fraction, stage_code)`` is optional.
    The private UTF-8 copy of a transcoded file goes into a new directory under
    ``work_dir`` (default: :func:`work_parent`), removed when the read ends."""
    limits = limits or DEFAULT_LIMITS
    path = Path(path)
    progress = _monotonic(progress)
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
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if progress:
        progress(0.0, STAGE_CHECKING)

    workdir = Path(tempfile.mkdtemp(prefix=INGEST_DIR_PREFIX, dir=work_dir or work_parent(size)))
    try:
        kind = _kind(path, head)
        if kind == "ole":
            raise InputError("ingest.old_excel")
        if kind == "xlsx":
            body = workdir / "sheet.csv"
            notes = _xlsx_to_csv(path, body, limits, progress)
            result = _read_text(body, con, table, progress, limits, workdir, forced="utf-8")
            result.notes = notes + result.notes
            result.encoding, result.delimiter = "utf-8", ""
        else:
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                pass
            elif _looks_binary(head):
                raise InputError("ingest.not_a_table")
            result = _read_text(path, con, table, progress, limits, workdir)
        if progress:
            progress(1.0, STAGE_DONE)
        return result
    finally:
        _remove_later(workdir)


class _NotUtf8(Exception):
    """DuckDB met a byte sequence that is not UTF-8 after the sample said UTF-8."""


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
    forced: str | None = None,
) -> IngestResult:
    size = path.stat().st_size
    if forced:
        sniffed = (forced, False, False, True)
    else:
        sniffed = _sniff_encoding(path)
    try:
        return _read_text_as(path, con, table, progress, limits, workdir, size, *sniffed)
    except _NotUtf8:
        detected = _detect_encoding(path, size, progress)
        return _read_text_as(path, con, table, progress, limits, workdir, size, *detected, True)


def _read_text_as(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    table: str,
    progress: Progress | None,
    limits: IngestLimits,
    workdir: Path,
    size: int,
    encoding: str,
    has_nul: bool,
    broken: bool,
    verified: bool,
) -> IngestResult:
    """Read the text file as ``encoding``. ``verified`` says whether the whole file is
    known to decode; if not (UTF-8 beyond the sample), raises _NotUtf8 when it does not."""
    notes: list[tuple[str, dict]] = []
    errors = "replace" if broken else "strict"
    text, complete = _read_sample(path, encoding, errors)
    # The codecs drop a BOM, so offsets in ``text`` match what _write_utf8_body decodes.
    if not text.strip():
        raise InputError("ingest.empty_file")
    layout = _detect_layout(text, complete, limits)
    headers, repeated, blank = _unique_headers(layout.header)
    headers += [f"column_{i}" for i in range(len(headers) + 1, layout.width + 1)]
    headers, repeated2, _ = _unique_headers(headers)

    utf8 = encoding in ("utf-8", "utf-8-sig")
    # DuckDB skips the lines above the data itself when it counts them as we do; a
    # header on the first line is skipped as one line whatever it holds.
    top_ok = layout.plain_top or (layout.data_start_line == 1 and not layout.description_rows)
    direct = utf8 and not has_nul and not broken and top_ok
    if not direct and not verified:
        raise _NotUtf8
    if direct:
        source, skip = path, layout.data_start_line
    else:
        source, skip = workdir / "body.csv", 0
        if encoding == "utf-16":
            _write_utf8_body(
                path, encoding, layout.data_start_chars, source, size, progress, errors
            )
        else:
            start = _data_start_byte(path, layout.data_start_line)
            _transcode_body(
                path,
                _codec(encoding),
                start,
                layout.data_start_chars,
                source,
                size,
                progress,
                errors,
                workers=limits.threads,
                has_nul=has_nul,
            )
    if broken:
        notes.append(("ingest.note.invalid_bytes", {}))
    if has_nul:
        notes.append(("ingest.note.nul_removed", {}))
    if layout.description_rows:
        notes.append(("ingest.note.description_rows", {"count": layout.description_rows}))
    if repeated or repeated2:
        notes.append(("ingest.note.repeated_headers", {"names": ", ".join(repeated)}))
    if blank:
        notes.append(("ingest.note.blank_headers", {"count": blank}))
    if layout.ragged:
        notes.append(("ingest.note.ragged_rows", {}))
    if progress:
        progress(0.6, STAGE_READING)

    rows, more_notes = _load(source, skip, layout, headers, con, table, limits, verified)
    notes += more_notes
    if rows == 0:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")
        raise InputError("ingest.header_only")
    return IngestResult(
        table=table,
        encoding=encoding,
        delimiter=layout.delimiter,
        headers=headers,
        rows=rows,
        notes=notes,
    )


# Characters a blank cell may hold: those Arrow's utf8_trim_whitespace removes.
_BLANK_CHARS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _blank_chars_sql() -> str:
    return "(" + " || ".join(f"chr({ord(c)})" for c in _BLANK_CHARS) + ")"


def _load(
    source: Path,
    skip: int,
    layout: _Layout,
    headers: list[str],
    con: duckdb.DuckDBPyConnection,
    table: str,
    limits: IngestLimits,
    verified: bool = True,
) -> tuple[int, list[tuple[str, dict]]]:
    """Parse ``source`` with DuckDB into ``table`` of ``con`` in one statement: rows
    numbered in file order, blank rows dropped; then over-long cells are cut and report
    footers at the end removed. When ``con`` can still be locked, it is locked to this
    one file and reads it itself; otherwise a private locked connection reads it and the
    table is copied over."""
    if is_locked(con):
        reader = locked_connection(limits.memory_limit, limits.threads, allowed_paths=[source])
        target = f"_ingest_{uuid.uuid4().hex}"
    else:
        lock_connection(con, allowed_paths=[source])
        reader, target = con, table
    done = False
    try:
        expected = int(source.stat().st_size / max(layout.bytes_per_row, 1.0))
        read = _create_table(
            reader, target, source, skip, layout, headers, limits, verified, expected
        )
        notes: list[tuple[str, dict]] = []
        if read > limits.max_rows + 10:
            raise LimitError("ingest.too_many_rows", max=limits.max_rows)
        truncated = _truncate_cells(reader, target, headers, limits.max_cell_chars)
        rows = _drop_footer(reader, target, headers, read)
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
    layout: _Layout,
    headers: list[str],
    limits: IngestLimits,
    verified: bool,
    expected_rows: int,
) -> int:
    """``CREATE TABLE table AS`` the parsed file; returns the rows read. When the file
    may hold more rows than allowed, reading stops at ``max_rows + 11``."""
    cols = [f"c{i}" for i in range(len(headers))]
    col_types = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
    ws = _blank_chars_sql()
    # A row is kept unless every cell is empty or blank. Most rows start with a visible
    # character (ASCII or CJK), which settles it without trimming every cell.
    visible = " OR ".join(
        f"unicode({c}) BETWEEN 33 AND 132 OR unicode({c}) > 12288" for c in cols[:3]
    )
    blank = " AND ".join(f"coalesce(trim({c}, {ws}), '') = ''" for c in cols)
    keep = f"({visible}) OR NOT ({blank})"
    select = ", ".join(f"{c} AS {quote_ident(h)}" for c, h in zip(cols, headers, strict=True))
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

    def source_sql(parallel: bool) -> str:
        return (
            "read_csv($path, auto_detect = false, header = false,"
            " skip = $skip, delim = $delim, quote = '\"', escape = '\"',"
            " strict_mode = false, null_padding = true,"
            f" parallel = {'true' if parallel else 'false'},"
            f" max_line_size = $maxline, buffer_size = $buffer, columns = {col_types})"
        )

    def numbered(parallel: bool) -> int:
        # row_number() OVER () keeps the reader's order (DuckDB runs it in file order,
        # on one thread).
        sql = (
            f"CREATE OR REPLACE TABLE {t} AS "  # noqa: S608
            f'SELECT row_number() OVER () AS "_row", {select} '
            f"FROM {source_sql(parallel)} WHERE {keep} LIMIT {int(limits.max_rows) + 11}"
        )
        return int(con.execute(sql, params).fetchall()[0][0])

    def parallel_then_numbered() -> int:
        # All threads parse and insert in file order (DuckDB keeps insertion order), so
        # the rowid is the position in the file; numbering after costs one column write
        # (of a column of zeros: updating a column of NULLs is 50 times slower).
        sql = (
            f'CREATE OR REPLACE TABLE {t} AS SELECT CAST(0 AS BIGINT) AS "_row", '  # noqa: S608
            f"{select} FROM {source_sql(True)} WHERE {keep}"
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
        except duckdb.OutOfMemoryException:
            raise
        except duckdb.Error:
            # Past the sample the file may hold a quoted line break (which the parallel
            # reader refuses with null_padding) or stray quotes: read it on one thread.
            return numbered(parallel=False)
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error as exc:
        text = str(exc).lower()
        if "maximum line size" in text:
            raise LimitError("ingest.row_too_long") from None
        if "invalid unicode" in text and not verified:
            raise _NotUtf8 from None
        raise InputError("ingest.unreadable") from None


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


csv.field_size_limit(2**31 - 1)
