"""Text that DuckDB cannot read itself, rewritten as a private UTF-8 copy of the data rows.

CP932 (and UTF-16, NUL bytes, broken UTF-8) is decoded in chunks, so memory stays bounded for
a million rows. Clean CP932 goes through the system's ``iconv`` (about twice as fast as
Python's codec) when it decodes every CP932 sequence exactly as Python does; a large body is
cut in two on a line feed and both halves are decoded at the same time.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

from engine.core.errors import InputError
from engine.leads.intake import SAMPLE_BYTES, STAGE_TRANSCODING, Progress
from engine.leads.sniff import CHUNK_BYTES, codec_name
from engine.leads.workdirs import remove_later

# Bodies larger than this are transcoded by two processes at once.
PARALLEL_TRANSCODE_BYTES = 16 * 1024 * 1024


def write_utf8_body(
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
    decoder = codecs.getincrementaldecoder(codec_name(encoding))(errors=errors)
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


def data_start_byte(path: Path, lines: int) -> int:
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
        remove_later(part)


def transcode_body(
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
        write_utf8_body(src, encoding, skip_chars, dest, size, progress, errors)
