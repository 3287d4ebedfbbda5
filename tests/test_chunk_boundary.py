"""Decoding across read chunks: a UTF-8 file longer than the sniffed start, whose first
multi-byte character straddles a chunk boundary after a pure-ASCII stretch, is still
UTF-8 (its one bad byte replaced), never taken for CP932."""

from __future__ import annotations

import duckdb
import pytest

from engine.leads import ingest
from engine.leads import sniff as reading  # the one reference to internal names

CHUNK = 4096  # the read chunk in this test (8 MB in the engine), to keep the file small


@pytest.fixture
def small_chunks(monkeypatch):
    """The whole-file encoding check reads CHUNK bytes at a time."""
    monkeypatch.setattr(reading, "CHUNK_BYTES", CHUNK)
    return reading.SAMPLE_BYTES


def _ascii_rows(count: int) -> list[bytes]:
    return [b"user%06d@ascii.example,Ascii Co,plain\n" % i for i in range(count)]


def _file_with_split_character(sample_bytes: int, offset_in_char: int) -> tuple[bytes, int]:
    """Header and ASCII rows past the sniffed start, then a row whose 株 (3 UTF-8 bytes)
    is cut by a chunk boundary after ``offset_in_char`` of its bytes, more ASCII rows,
    and one row with a byte that is not UTF-8 (0xFF). Returns the bytes and the row
    number (1-based) of the 株 row."""
    head = b"Email,Company,Notes\n" + b"".join(_ascii_rows(sample_bytes // 36 + 10))
    prefix = b"kabu@split.example,"
    boundary = (len(head) + len(prefix)) // CHUNK * CHUNK + CHUNK
    pad = boundary - offset_in_char - len(head) - len(prefix)
    split_row = prefix + b"x" * pad + "株式会社,split\n".encode()
    body = head + split_row + b"".join(_ascii_rows(50)) + b"bad@byte.example,Bad\xff Co,x\n"
    assert body[boundary - offset_in_char : boundary - offset_in_char + 3] == "株".encode()
    assert body[: boundary - offset_in_char].isascii()
    rows_before = head.count(b"\n") - 1
    return body, rows_before + 1


@pytest.mark.parametrize("offset_in_char", [1, 2])
def test_character_cut_by_a_chunk_boundary_stays_utf8(tmp_path, small_chunks, offset_in_char):
    """Test that a 株 cut by a read-chunk boundary after only ASCII is decoded whole: the
    file is UTF-8 with one bad byte (replaced, the user told), every row kept."""
    data, kabu_row = _file_with_split_character(small_chunks, offset_in_char)
    assert len(data) > small_chunks + 2 * CHUNK
    path = tmp_path / "long.csv"
    path.write_bytes(data)
    con = duckdb.connect()
    try:
        result = ingest.read_leads(path, con)
        assert (result.encoding, result.rows) == ("utf-8", data.count(b"\n") - 1)
        assert "ingest.note.invalid_bytes" in dict(result.notes)
        company = con.execute(
            'SELECT "Company" FROM raw_leads WHERE "_row" = ?', [kabu_row]
        ).fetchone()[0]
        assert company.endswith("株式会社")
        bad = con.execute('SELECT "Company" FROM raw_leads ORDER BY "_row" DESC LIMIT 1')
        assert bad.fetchone()[0] == "Bad\ufffd Co"
    finally:
        con.close()


def test_cp932_after_a_long_ascii_stretch_is_cp932(tmp_path, small_chunks):
    """Test that CP932 text first met beyond the sniffed start, across a chunk boundary,
    is read as CP932 with its Japanese intact."""
    head = b"Email,Company,Notes\n" + b"".join(_ascii_rows(small_chunks // 36 + 10))
    body = head + "sato@cp.example,株式会社テスト,済\n".encode("cp932")
    path = tmp_path / "cp932.csv"
    path.write_bytes(body)
    con = duckdb.connect()
    try:
        result = ingest.read_leads(path, con)
        assert (result.encoding, result.rows) == ("cp932", head.count(b"\n"))
        last = con.execute('SELECT "Company" FROM raw_leads ORDER BY "_row" DESC LIMIT 1')
        assert last.fetchone()[0] == "株式会社テスト"
    finally:
        con.close()
