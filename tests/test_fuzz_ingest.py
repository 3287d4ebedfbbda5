"""Property-based fuzzing of ingest: whatever a stranger uploads is either read into a
table whose row count matches, or refused with the engine's own error and a message in
both languages. Nothing else is ever raised."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core.errors import InputError, LimitError
from engine.core.sql import quote_ident
from engine.leads import ingest, load

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)

# Characters that make CSV hard: separators, quotes, every newline style, NUL, BOMs,
# Japanese text, formula starters, markup.
CELL_CHARS = st.sampled_from(
    list(",;\t|\"'\r\n\x00\ufeff =+-@<>&") + list("abcxyz@.019") + list("株式会社メール太郎ｶﾅ😀")
)
CELL = st.text(CELL_CHARS, max_size=12)
HEADER_WORDS = st.sampled_from(
    ["会社名", "メールアドレス", "Email", "Company", "氏名", "電話番号", "状況", "", 'x"; DROP']
)


def _read(data: bytes, suffix: str):
    """Read ``data`` as an uploaded file named ``upload<suffix>``; return the result or
    the engine error, after checking the contract either way."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        con = load.locked_connection(allowed_paths=[path], allowed_directories=[folder])
        try:
            result = ingest.read_leads(path, con)
        except (InputError, LimitError) as exc:
            for lang in ("ja", "en"):
                text = exc.message(lang)
                assert text and text != exc.code, (exc.code, lang)
                assert "Traceback" not in text
            return exc
        try:
            table = quote_ident(result.table)
            count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        finally:
            con.close()
        assert count == result.rows
        assert len(result.headers) == len(set(result.headers))
        return result


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_are_read_or_refused(data):
    """Test that arbitrary bytes named .csv are read or refused with InputError/LimitError."""
    _read(data, ".csv")


@FUZZ
@given(
    header=st.lists(HEADER_WORDS, min_size=1, max_size=6),
    rows=st.lists(st.lists(CELL, max_size=8), max_size=25),
    delimiter=st.sampled_from([",", "\t", ";"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
)
def test_csv_like_text_is_read_or_refused(header, rows, delimiter, newline, encoding):
    """Test that CSV-like text in any newline style and encoding, with quotes, NULs and
    ragged rows, is read or refused with the engine's own errors."""
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    data = newline.join(lines).encode(encoding, errors="replace")
    _read(data, ".csv")


@FUZZ
@given(
    names=st.lists(
        st.sampled_from(
            ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "x.txt"]
        ),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    body=st.binary(max_size=600),
)
def test_arbitrary_zip_named_xlsx_is_read_or_refused(names, body):
    """Test that a zip with arbitrary parts named .xlsx is read or refused cleanly."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            zf.writestr(name, body)
    _read(buf.getvalue(), ".xlsx")
