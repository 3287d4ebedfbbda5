"""The first sheet of an .xlsx as UTF-8 CSV, after the container is checked.

An .xlsx is a zip of XML: a zip bomb, an XML entity bomb or a sheet that claims a million
columns can cost minutes of CPU and gigabytes before a parser says anything. The container
is checked first (sizes, compression ratios, DTDs and entities); only then does openpyxl,
through defusedxml, read the cells.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

from engine.core.errors import InputError, LimitError
from engine.leads.intake import HEADER_SEARCH_ROWS, STAGE_TRANSCODING, IngestLimits, Progress

# An .xlsx is a few dozen zip members; its central directory is read whole when the zip
# is opened, so a count far beyond that is left to the worker's limits.
EARLY_CHECK_MAX_MEMBERS = 1000
_EOCD = b"PK\x05\x06"


def zip_member_count(path: Path) -> int | None:
    """The member count the zip's end record declares (read from the file's last 64 KB),
    or None when there is none or it is a ZIP64 placeholder."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            fh.seek(max(size - 65_557, 0))
            tail = fh.read()
    except OSError:
        return None
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 12:
        return None
    count = int.from_bytes(tail[at + 10 : at + 12], "little")
    return None if count == 0xFFFF else count


def check_early(path: Path, limits: IngestLimits) -> None:
    """The container checks, where they are cheap enough to run in the server process
    before any parser is started: only for a zip that declares at most
    EARLY_CHECK_MAX_MEMBERS members (the checks then read a bounded head of each). A
    refused workbook then costs a few milliseconds instead of a worker's start."""
    count = zip_member_count(path)
    if count is not None and count <= EARLY_CHECK_MAX_MEMBERS:
        _check_xlsx_container(path, limits)


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
        _check_declared_size(zf, limits)
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


_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_REL_RE = re.compile(rb"<Relationship\b[^>]*>")
_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]{1,40})"')
_CELL_RE = re.compile(r"([A-Za-z]{1,3})(\d{1,7})$")
_SST_RE = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_COUNT_RE = re.compile(rb"\b(uniqueCount|count)=\"(\d+)\"")


def _check_declared_size(zf: zipfile.ZipFile, limits: IngestLimits) -> None:
    """Refuse a workbook whose first sheet declares a range (``<dimension ref=...>``)
    beyond the row or column limit, or whose shared strings are more than the limit,
    from what the files say at their start: parsing such a file would keep a worker
    busy for minutes (a 2 KB sheet claiming A1:XFD1048576) or fill its memory."""
    sheet = _first_sheet(zf)
    if sheet is not None:
        head = _head(zf, sheet)
        match = _DIMENSION_RE.search(head)
        ref = match.group(1).decode("ascii", "replace") if match else ""
        corner = _CELL_RE.search(ref.rsplit(":", 1)[-1])
        if corner:
            columns, rows = _column_number(corner.group(1)), int(corner.group(2))
            if columns > limits.max_columns or rows > limits.max_rows + HEADER_SEARCH_ROWS:
                raise LimitError(
                    "ingest.xlsx_dimension",
                    ref=ref,
                    max_rows=f"{limits.max_rows:,}",
                    max_columns=limits.max_columns,
                )
    if "xl/sharedStrings.xml" in zf.namelist():
        tag = _SST_RE.search(_head(zf, "xl/sharedStrings.xml"))
        counts = dict(_COUNT_RE.findall(tag.group(0))) if tag else {}
        declared = int(counts.get(b"uniqueCount") or counts.get(b"count") or 0)
        if declared > limits.max_xlsx_shared_strings:
            raise LimitError(
                "ingest.xlsx_shared_strings",
                count=f"{declared:,}",
                max=f"{limits.max_xlsx_shared_strings:,}",
            )


def _head(zf: zipfile.ZipFile, name: str, size: int = 64 * 1024) -> bytes:
    try:
        with zf.open(name) as member:
            return member.read(size)
    except Exception:
        raise InputError("ingest.xlsx_corrupt") from None


def _first_sheet(zf: zipfile.ZipFile) -> str | None:
    """The zip path of the workbook's first sheet (the one that is read)."""
    match = _SHEET_RE.search(_head(zf, "xl/workbook.xml", 1024 * 1024))
    names = set(zf.namelist())
    if match and "xl/_rels/workbook.xml.rels" in names:
        for rel in _REL_RE.findall(_head(zf, "xl/_rels/workbook.xml.rels", 1024 * 1024)):
            if f'Id="{match.group(1).decode()}"'.encode() in rel:
                target = re.search(rb'Target="([^"]+)"', rel)
                if target:
                    path = target.group(1).decode().lstrip("/")
                    path = path if path.startswith("xl/") else "xl/" + path
                    return path if path in names else None
    fallback = "xl/worksheets/sheet1.xml"
    return fallback if fallback in names else None


def _column_number(letters: str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


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


def _refusal(exc: BaseException, xml_refusal: type[BaseException]) -> Exception:
    """The engine's error for what openpyxl raised while opening or reading a sheet: it
    raises many types (KeyError, ValueError, TypeError ...) on broken files and wraps the
    XML parser's refusal of entities in a ValueError."""
    if isinstance(exc, MemoryError | RecursionError):
        return LimitError("ingest.out_of_memory")
    if _caused_by(exc, xml_refusal):
        return InputError("ingest.xml_entities")
    return InputError("ingest.xlsx_corrupt")


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def xlsx_to_csv(
    path: Path, dest: Path, limits: IngestLimits, progress: Progress | None
) -> list[tuple[str, dict]]:
    """Write the first sheet of an .xlsx as UTF-8 CSV; returns notes."""
    _check_xlsx_container(path, limits)
    import defusedxml
    import openpyxl

    notes: list[tuple[str, dict]] = []
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise _refusal(exc, defusedxml.DefusedXmlException) from None
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
            except Exception as exc:
                raise _refusal(exc, defusedxml.DefusedXmlException) from None
    finally:
        with contextlib.suppress(Exception):
            wb.close()
    return notes
