"""What kind of file an upload is and how its text is encoded, from its bytes.

A lead list is UTF-8 (with or without BOM), CP932 (Shift_JIS as Windows writes it), UTF-16
or an .xlsx; anything else (old Excel, PDF, images, archives) is refused before a parser
sees it. Only the start of a file is decoded here; DuckDB validates the rest of a UTF-8 file
while it reads it.
"""

from __future__ import annotations

import codecs
import mmap
from pathlib import Path

from engine.core.errors import InputError
from engine.leads.intake import SAMPLE_BYTES, STAGE_CHECKING, Progress

CHUNK_BYTES = 8 * 1024 * 1024

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


def looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if any(head.startswith(m) for m in _BINARY_MAGICS):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(head) // 20)


def sniff_encoding(path: Path) -> tuple[str, bool, bool, bool]:
    """The encoding as far as the start of the file tells: ``(encoding, has_nul, broken,
    verified)``. Only the sample is decoded here; a UTF-8 file longer than the sample is
    ``verified=False`` and DuckDB validates the rest while reading it (an invalid byte
    there makes :func:`detect_encoding` decide over the whole file, as before)."""
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


def detect_encoding(path: Path, size: int, progress: Progress | None) -> tuple[str, bool, bool]:
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


def codec_name(encoding: str) -> str:
    return "utf-16" if encoding == "utf-16" else encoding


def read_sample(path: Path, encoding: str, errors: str = "strict") -> tuple[str, bool]:
    """The decoded start of the file (NULs removed) and whether it is the whole file."""
    with path.open("rb") as fh:
        raw = fh.read(SAMPLE_BYTES)
        at_end = not fh.read(1)
    decoder = codecs.getincrementaldecoder(codec_name(encoding))(errors=errors)
    try:
        text = decoder.decode(raw, final=at_end)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("ingest.undecodable", line=line) from None
    return text.replace("\x00", ""), at_end


def file_kind(path: Path, head: bytes) -> str:
    if head.startswith(_ZIP_MAGICS):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if path.suffix.lower() in (".xlsx", ".xlsm") and head:
        return "xlsx"
    return "text"
