"""Reading lead lists: every export style, bad inputs, limits and the DuckDB lockdown."""

from __future__ import annotations

import csv
import io
import os
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bench.gen_leads import write_list, write_xlsx
from engine.core.errors import InputError, LimitError
from engine.core.i18n import t
from engine.core.sql import quote_ident
from engine.leads import ingest, transcode, workdirs
from engine.leads.ingest import IngestLimits, IngestResult, read_leads
from engine.leads.intake import SAMPLE_BYTES
from engine.leads.load import locked_connection, private_connection

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


@pytest.fixture
def con():
    c = locked_connection()
    yield c
    c.close()


def rows_of(con, table="raw_leads"):
    sql = f'SELECT * FROM {quote_ident(table)} ORDER BY "_row"'  # noqa: S608
    return con.execute(sql).fetchall()


def column(con, name, table="raw_leads"):
    sql = f'SELECT {quote_ident(name)} FROM {quote_ident(table)} ORDER BY "_row"'  # noqa: S608
    return [r[0] for r in con.execute(sql).fetchall()]


def expect_error(exc_type, code, fn):
    """Run fn, check the error type and code, and that both languages have its text."""
    with pytest.raises(exc_type) as info:
        fn()
    assert info.value.code == code
    for lang in ("ja", "en"):
        assert t(code, lang) != code
        assert "{" not in info.value.message(lang)
    return info.value


# --- every export style ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, rows, encoding, delimiter, first_headers",
    [
        ("salesforce_leads_ja.csv", 300, "cp932", ",", ["リード 所有者", "姓", "名"]),
        ("salesforce_leads_en.csv", 200, "utf-8", ",", ["Lead Owner", "First Name"]),
        ("hubspot_contacts.csv", 300, "utf-8-sig", ",", ["Record ID", "First Name"]),
        ("marketo_leads.tsv", 200, "utf-8", "\t", ["名前(名)", "名前(姓)", "メールアドレス"]),
        ("sansan_cards.csv", 250, "cp932", ",", ["会社名", "部署", "役職"]),
        ("eight_cards.csv", 300, "cp932", ",", ["会社名", "部署名", "役職", "姓", "名", "e-mail"]),
        ("leads.xlsx", 200, "utf-8", "", ["リード 所有者", "姓", "名"]),
    ],
)
def test_sample_exports_are_read_exactly(con, name, rows, encoding, delimiter, first_headers):
    """Test that each committed sample export is read with its exact row count, encoding,
    delimiter and headers, rows numbered 1..n in file order."""
    result = read_leads(SAMPLES / name, con)
    assert isinstance(result, IngestResult)
    assert (result.rows, result.encoding, result.delimiter) == (rows, encoding, delimiter)
    assert result.headers[: len(first_headers)] == first_headers
    cols = [r[0] for r in con.execute("DESCRIBE raw_leads").fetchall()]
    assert cols == ["_row", *result.headers]
    n, lo, hi = con.execute('SELECT count(*), min("_row"), max("_row") FROM raw_leads').fetchone()
    assert (n, lo, hi) == (rows, 1, rows)


def test_salesforce_japanese_report_skips_description_rows_and_footers(con):
    """Test that a Japanese Salesforce report (CP932) loses its description rows and
    footers, keeps blank-line-separated rows and multi-line cells."""
    result = read_leads(FIXTURES / "sf_report_ja.csv", con)
    assert result.rows == 3
    assert result.encoding == "cp932"
    assert result.headers == [
        "姓",
        "名",
        "会社名 / 取引先",
        "メール",
        "電話",
        "リード 状況",
        "説明",
    ]
    assert column(con, "姓") == ["佐藤", "鈴木", "髙橋"]
    assert column(con, "説明")[0] == "展示会で名刺交換\r\n資料送付済み"
    assert column(con, "会社名 / 取引先")[1] == "㈱テスト商事"
    codes = dict(result.notes)
    assert codes["ingest.note.description_rows"] == {"count": 2}
    assert codes["ingest.note.footer_rows"] == {"count": 3}


def test_sample_salesforce_report_has_no_footer_rows(con):
    """Test that no footer text of the sample report ends up as a lead."""
    read_leads(SAMPLES / "salesforce_leads_ja.csv", con)
    firsts = column(con, "リード 所有者")
    assert not [v for v in firsts if v and ("Grand Totals" in v or "Copyright" in v)]
    assert None not in column(con, "姓")


def test_same_list_in_utf8_and_cp932_reads_identically(tmp_path, con):
    """Test that one list exported as UTF-8 and as CP932 gives the same table."""
    write_list(tmp_path / "u.csv", "salesforce_ja", 120, seed=3, encoding="utf-8")
    write_list(tmp_path / "s.csv", "salesforce_ja", 120, seed=3, encoding="cp932")
    a = read_leads(tmp_path / "u.csv", con, table="u")
    b = read_leads(tmp_path / "s.csv", con, table="s")
    assert (a.encoding, b.encoding) == ("utf-8", "cp932")
    assert a.headers == b.headers and a.rows == b.rows == 120
    assert rows_of(con, "u") == rows_of(con, "s")


def test_hubspot_bom_is_not_part_of_first_header(con):
    """Test that a UTF-8 BOM is recognised and not glued to the first header name."""
    result = read_leads(FIXTURES / "hubspot_bom.csv", con)
    assert result.encoding == "utf-8-sig"
    assert result.headers[0] == "Record ID"
    assert column(con, "Company Name") == ["Example Co., Ltd.", None]


def test_eight_export_keeps_one_row_per_card_exchange(con):
    """Test that Eight's CP932/CRLF export keeps repeated people as separate rows."""
    result = read_leads(FIXTURES / "eight_cards.csv", con)
    assert result.rows == 3
    assert result.headers[-1] == "'?'を含んだデータ"
    assert column(con, "e-mail")[:2] == ["ken.tanaka@sample-seisakusho.co.jp"] * 2
    assert column(con, "会社名") == ["株式会社サンプル製作所", "テスト商事株式会社", None]


def test_tab_separated_with_commas_in_cells(con):
    """Test that a tab-separated file is detected even when cells contain commas."""
    result = read_leads(FIXTURES / "marketo.tsv", con)
    assert result.delimiter == "\t"
    assert len(result.headers) == 7
    assert column(con, "企業名") == ["株式会社サンプル, 本社", "㈱テスト"]


def test_blank_lines_and_empty_rows_are_not_rows(tmp_path, con):
    """Test that blank lines and rows of empty fields are not counted."""
    p = tmp_path / "blank.csv"
    p.write_text("\n\nEmail,Company\n\na@x.co,X\n,,\n , \n\nb@y.co,Y\n\n\n", encoding="utf-8")
    result = read_leads(p, con)
    assert result.rows == 2
    assert rows_of(con) == [(1, "a@x.co", "X"), (2, "b@y.co", "Y")]


def test_embedded_newlines_and_quotes(tmp_path, con):
    """Test that quoted cells with line breaks, delimiters and doubled quotes are kept."""
    p = tmp_path / "q.csv"
    text = 'Email,Notes\na@x.co,"line 1\nline 2, with comma ""quoted"""\nb@y.co,plain\n'
    p.write_text(text, encoding="utf-8")
    result = read_leads(p, con)
    assert result.rows == 2
    assert column(con, "Notes") == ['line 1\nline 2, with comma "quoted"', "plain"]


def test_xlsx_first_sheet_with_dates_and_title_row(con):
    """Test that the first sheet of an .xlsx is read, the title row skipped, date cells
    written as ISO dates, and the user told other sheets were not read."""
    result = read_leads(SAMPLES / "leads.xlsx", con)
    assert result.rows == 200
    dates = column(con, "最終活動日")
    assert all(len(d) == 10 and d[4] == "-" for d in dates)
    codes = dict(result.notes)
    assert codes["ingest.note.first_sheet_only"] == {"sheet": "リード一覧", "count": 2}
    assert codes["ingest.note.description_rows"] == {"count": 1}


def test_xlsx_matches_the_same_rows_as_csv(tmp_path, con):
    """Test that the xlsx generator's rows read back equal to the CSV of the same seed."""
    write_xlsx(tmp_path / "l.xlsx", 30, seed=5)
    write_list(tmp_path / "l.csv", "salesforce_ja", 30, seed=5, encoding="utf-8")
    read_leads(tmp_path / "l.xlsx", con, table="x")
    read_leads(tmp_path / "l.csv", con, table="c")
    assert column(con, "メール", "x") == column(con, "メール", "c")
    assert column(con, "会社名 / 取引先", "x") == column(con, "会社名 / 取引先", "c")


def test_single_column_list_of_emails(tmp_path, con):
    """Test that a one-column list (just e-mail addresses) is a valid table."""
    p = tmp_path / "emails.csv"
    p.write_text("Email\na@x.co\nb@y.co\nc@z.co\n", encoding="utf-8")
    result = read_leads(p, con)
    assert (result.rows, result.headers) == (3, ["Email"])


def test_header_found_below_untitled_rows_without_known_words(tmp_path, con):
    """Test that without known header words the first row of the usual width is the header."""
    p = tmp_path / "x.csv"
    p.write_text('"exported 2026-10-01"\ncol a,col b,col c\n1,2,3\n4,5,6\n', encoding="utf-8")
    result = read_leads(p, con)
    assert result.headers == ["col a", "col b", "col c"]
    assert result.rows == 2


# --- odd but readable rows ---------------------------------------------------------------


def test_ragged_rows_are_padded_and_cut(con):
    """Test that short rows are padded with NULL and long rows cut to the header width."""
    result = read_leads(FIXTURES / "ragged.csv", con)
    assert result.rows == 3
    assert rows_of(con) == [
        (1, "a@x.co", "X", None),
        (2, "b@y.co", "Y", "03-1"),
        (3, "c@z.co", "Z", "03-2"),
    ]
    assert "ingest.note.ragged_rows" in dict(result.notes)


def test_nul_bytes_are_stripped(tmp_path, con):
    """Test that NUL bytes are removed rather than making the file unreadable."""
    p = tmp_path / "nul.csv"
    p.write_bytes("Email,会社名\na@x.co,サン\x00プル\n\x00b@y.co,テスト\n".encode("cp932"))
    result = read_leads(p, con)
    assert result.encoding == "cp932"
    assert rows_of(con) == [(1, "a@x.co", "サンプル"), (2, "b@y.co", "テスト")]
    assert "ingest.note.nul_removed" in dict(result.notes)


def test_utf8_file_cut_inside_a_character_stays_utf8(tmp_path, con):
    """Test that a UTF-8 file cut in the middle of a character is read as UTF-8 with the
    broken character replaced, not misread as CP932 mojibake."""
    p = tmp_path / "cut.csv"
    p.write_bytes("Email,会社名\na@x.co,サンプル\nb@y.co,テスト".encode() + "商".encode()[:2])
    result = read_leads(p, con)
    assert result.encoding == "utf-8"
    assert column(con, "会社名") == ["サンプル", "テスト\ufffd"]
    assert "ingest.note.invalid_bytes" in dict(result.notes)


def test_hostile_headers_and_formula_cells_are_kept_as_text(con):
    """Test that SQL-looking header names become plain column names, repeated names are
    made unique, and formula-looking cells stay exactly as text."""
    con.execute("CREATE TABLE leads AS SELECT 42 AS keep")
    result = read_leads(FIXTURES / "hostile_headers.csv", con)
    assert result.headers == [
        'x"; DROP TABLE leads;--',
        "Email",
        "email (2)",
        "column_4",
        "_row (2)",
        'a"b',
        "Company",
    ]
    assert con.execute("SELECT keep FROM leads").fetchone() == (42,)
    assert rows_of(con) == [
        (1, "1", '=HYPERLINK("http://example.com")', "+81-3-1234", "-5", "@SUM(A1)", "=1+1", "株式会社サンプル")
    ]  # fmt: skip


def test_hostile_table_name_is_quoted(con):
    """Test that the target table name is quoted, not executed."""
    name = 'x"; DROP TABLE t;--'
    con.execute("CREATE TABLE t AS SELECT 1 AS one")
    result = read_leads(FIXTURES / "hubspot_bom.csv", con, table=name)
    assert result.table == name
    assert con.execute("SELECT one FROM t").fetchone() == (1,)
    assert len(rows_of(con, name)) == 2


def test_long_cells_are_truncated_with_a_note(tmp_path, con):
    """Test that a cell over the length limit is cut, with a note naming the column."""
    p = tmp_path / "long.csv"
    p.write_text("Email,Notes\na@x.co," + "あ" * 50 + "\nb@y.co,short\n", encoding="utf-8")
    result = read_leads(p, con, limits=IngestLimits(max_cell_chars=20))
    assert column(con, "Notes") == ["あ" * 20, "short"]
    note = dict(result.notes)["ingest.note.cells_truncated"]
    assert note == {"count": 1, "max_chars": 20, "columns": "Notes"}


# --- unusable inputs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "ingest.empty_file"),
        (b"\xef\xbb\xbf", "ingest.empty_file"),
        (b"\r\n\r\n   \r\n", "ingest.empty_file"),
        (b",,,\n,,,\n", "ingest.empty_file"),
        (b"Email,Company\r\n", "ingest.header_only"),
        (
            b'Email,Company\n\n"Grand Totals (0 records)"\n\n'
            b'"Confidential Information - Do Not Distribute"\n',
            "ingest.header_only",
        ),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "ingest.not_a_table"),
        (bytes(range(256)) * 40, "ingest.not_a_table"),
        (b"Email,Company\n\x81\x20x,y\n", "ingest.undecodable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "ingest.old_excel"),
    ],
    ids=[
        "empty",
        "bom-only",
        "blank-lines",
        "only-separators",
        "header-only",
        "header-and-footers",
        "png",
        "binary",
        "undecodable",
        "xls",
    ],
)
def test_unusable_files_raise_input_error(tmp_path, con, content, code):
    """Test that an unusable file raises InputError with a clear, translated message."""
    p = tmp_path / "leads.csv"
    p.write_bytes(content)
    expect_error(InputError, code, lambda: read_leads(p, con))


def test_missing_file(tmp_path, con):
    """Test that a missing path raises InputError naming only the file."""
    err = expect_error(
        InputError, "ingest.file_not_found", lambda: read_leads(tmp_path / "no.csv", con)
    )
    assert err.params == {"path": "no.csv"}


def test_truncated_xlsx(tmp_path, con):
    """Test that an .xlsx cut in half is reported as damaged."""
    p = tmp_path / "cut.xlsx"
    p.write_bytes((SAMPLES / "leads.xlsx").read_bytes()[:12000])
    expect_error(InputError, "ingest.xlsx_corrupt", lambda: read_leads(p, con))


def test_zip_that_is_not_a_workbook(tmp_path, con):
    """Test that a zip (e.g. a .docx renamed) is refused as not a table."""
    p = tmp_path / "doc.csv"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    expect_error(InputError, "ingest.not_a_table", lambda: read_leads(p, con))


def _xlsx_with(tmp_path, name, sheet_xml: bytes, compress=zipfile.ZIP_DEFLATED) -> Path:
    """A real generated workbook with its first sheet's XML replaced."""
    base = tmp_path / "base.xlsx"
    write_xlsx(base, 5)
    out = tmp_path / name
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", compress) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            dst.writestr(info.filename, data)
    return out


def test_zip_bomb_xlsx_is_refused_before_parsing(tmp_path, con):
    """Test that a sheet that would unpack to a huge size (high ratio) is refused."""
    body = b'<?xml version="1.0"?><worksheet><sheetData>' + b" " * (60 * 1024 * 1024)
    p = _xlsx_with(tmp_path, "bomb.xlsx", body + b"</sheetData></worksheet>")
    assert p.stat().st_size < 1024 * 1024
    expect_error(LimitError, "ingest.zip_bomb", lambda: read_leads(p, con))


def test_xlsx_over_total_uncompressed_limit(tmp_path, con):
    """Test that the declared total unpacked size is checked against the limit."""
    limits = IngestLimits(max_xlsx_uncompressed_bytes=10_000)
    expect_error(
        LimitError,
        "ingest.zip_bomb",
        lambda: read_leads(SAMPLES / "leads.xlsx", con, limits=limits),
    )


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def test_xml_entity_bomb_xlsx_is_refused(tmp_path, con):
    """Test that a sheet declaring XML entities (billion laughs) is refused."""
    sheet = BILLION_LAUGHS + (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    p = _xlsx_with(tmp_path, "lol.xlsx", sheet)
    expect_error(InputError, "ingest.xml_entities", lambda: read_leads(p, con))


def test_xml_entities_hidden_after_a_long_comment_are_still_refused(tmp_path, con):
    """Test that the XML parser itself refuses entities the quick prolog scan cannot see."""
    sheet = (
        b'<?xml version="1.0"?>\n<!--'
        + b"x" * (100 * 1024)
        + b"-->"
        + BILLION_LAUGHS.split(b"\n", 1)[1]
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    p = _xlsx_with(tmp_path, "lol2.xlsx", sheet)
    err = expect_error(InputError, "ingest.xml_entities", lambda: read_leads(p, con))
    assert isinstance(err, InputError)


# --- limits ------------------------------------------------------------------------------


def test_ten_thousand_columns_is_a_limit_error(tmp_path, con):
    """Test that a file with 10,000 columns is refused with the column limit."""
    p = tmp_path / "wide.csv"
    header = ",".join(f"field{i}" for i in range(10_000))
    p.write_text(header + "\n" + ",".join("x" * 10_000) + "\n", encoding="utf-8")
    err = expect_error(LimitError, "ingest.too_many_columns", lambda: read_leads(p, con))
    assert err.params == {"columns": 10_000, "max": 500}


def test_file_size_limit(tmp_path, con):
    """Test that a file over the size limit is refused before it is read."""
    p = tmp_path / "big.csv"
    p.write_bytes(b"Email\n" + b"a@x.co\n" * (1024 * 1024 * 3 // 2 // 7))
    limits = IngestLimits(max_file_bytes=1024 * 1024)
    err = expect_error(LimitError, "ingest.too_large", lambda: read_leads(p, con, limits=limits))
    assert err.params == {"size_mb": 1.5, "max_mb": 1}


def test_row_limit(tmp_path, con):
    """Test that more data rows than the limit raise LimitError, exactly at the limit not."""
    p = tmp_path / "rows.csv"
    p.write_text("Email\n" + "".join(f"u{i}@x.co\n" for i in range(50)), encoding="utf-8")
    assert read_leads(p, con, limits=IngestLimits(max_rows=50)).rows == 50
    expect_error(
        LimitError,
        "ingest.too_many_rows",
        lambda: read_leads(p, con, limits=IngestLimits(max_rows=49)),
    )


def test_progress_is_reported_in_order(con):
    """Test that progress goes from 0 to 1 without going back, with known stage texts."""
    seen = []
    read_leads(SAMPLES / "salesforce_leads_ja.csv", con, progress=lambda f, s: seen.append((f, s)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert seen[-1][1] == "ingest.progress.done"
    for _, stage in seen:
        assert t(stage, "ja") != stage and t(stage, "en") != stage


# --- DuckDB lockdown ---------------------------------------------------------------------


def test_locked_connection_reads_only_allowed_paths(tmp_path):
    """Test that a locked connection reads its allowed file and nothing else, cannot
    write files, install or load extensions, or change settings."""
    ok, other = tmp_path / "ok.csv", tmp_path / "other.csv"
    ok.write_text("a\n1\n", encoding="utf-8")
    other.write_text("a\n2\n", encoding="utf-8")
    c = locked_connection(allowed_paths=[ok])
    assert c.execute("SELECT * FROM read_csv(?)", [str(ok)]).fetchall() == [(1,)]
    refused = [
        ("SELECT * FROM read_csv(?)", [str(other)]),
        ("SELECT * FROM read_text(?)", ["/etc/passwd"]),
        (f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'", None),
        ("INSTALL httpfs", None),
        ("LOAD httpfs", None),
        ("SET enable_external_access = true", None),
        ("SET memory_limit = '8GB'", None),
        ("SET lock_configuration = false", None),
        (f"ATTACH '{tmp_path / 'x.db'}'", None),
    ]
    for sql, params in refused:
        with pytest.raises(duckdb.Error):
            c.execute(sql, params)
    assert not (tmp_path / "out.csv").exists()
    assert c.execute("SELECT current_setting('memory_limit')").fetchone()[0] != "8.0 GiB"
    c.close()


def test_read_leads_needs_no_file_access_on_the_callers_connection(con):
    """Test that a caller's connection with no file access at all still receives the table."""
    result = read_leads(SAMPLES / "salesforce_leads_ja.csv", con)
    assert result.rows == 300
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM read_csv(?)", [str(SAMPLES / "salesforce_leads_ja.csv")])


# --- property: any bytes -----------------------------------------------------------------


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=600),
        st.text(alphabet=st.sampled_from(list('ab,\t"\n\r =;|メール会社\x00')), max_size=300).map(
            lambda s: s.encode("utf-8")
        ),
        st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),
    ),
    suffix=st.sampled_from([".csv", ".xlsx", ".tsv"]),
)
def test_any_bytes_give_a_table_or_a_clear_error(tmp_path, data, suffix):
    """Test that any bytes either read as a table or raise InputError/LimitError."""
    p = tmp_path / f"upload{suffix}"
    p.write_bytes(data)
    c = duckdb.connect()
    try:
        result = read_leads(p, c)
    except (InputError, LimitError) as exc:
        assert t(exc.code, "en") != exc.code
    else:
        assert result.rows > 0
        assert c.execute("SELECT count(*) FROM raw_leads").fetchone()[0] == result.rows
    finally:
        c.close()


_cell = st.text(
    alphabet=st.sampled_from(list('abcXYZ0189 ,;\t"\n\r@.-=株式会社テストメール髙﨑')), max_size=12
)


def _utf8_before_failing(data: bytes) -> bool:
    """Whether ``data`` decodes as UTF-8 up to its end or up to a first bad byte that
    follows non-ASCII text: the engine then reads it as (damaged) UTF-8, by design."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return not data[: exc.start].isascii()
    return True


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_cell, min_size=4, max_size=4), min_size=1, max_size=25).filter(
        lambda rows: all(any(c.strip() for c in r) for r in rows)
    ),
    delimiter=st.sampled_from([",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
)
# CP932 bytes of 﨑ス (ED 95 83 58) are valid UTF-8 (핃X); 株 after them is not: read as
# UTF-8 with a few bad bytes, as designed (the flaky failure of issue 16).
@example(rows=[["﨑ス", "株", "a", "b"]], delimiter=",", encoding="cp932")
def test_written_table_reads_back_exactly(tmp_path, rows, delimiter, encoding):
    """Test that any table written by a CSV writer reads back cell for cell, except CP932
    bytes that read as UTF-8 up to a first bad byte (e.g. 﨑ス = ED 95 83 58 = 핃X): such
    a file is read as UTF-8, its bad bytes replaced, every row kept."""
    header = ["Email", "Company", "Last Name", "Notes"]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding)
    as_utf8 = encoding == "cp932" and not data.isascii() and _utf8_before_failing(data)
    p = tmp_path / "t.csv"
    p.write_bytes(data)
    c = duckdb.connect()
    try:
        result = read_leads(p, c)
        assert result.headers == header
        assert result.rows == len(rows)
        got = [[v or "" for v in r[1:]] for r in rows_of(c)]
        if as_utf8:
            assert result.encoding == "utf-8"
            text = io.StringIO(data.decode("utf-8", "replace"), newline="")
            assert got == list(csv.reader(text, delimiter=delimiter))[1:]
        else:
            assert got == rows
    finally:
        c.close()


def test_committed_samples_are_what_the_generator_writes(tmp_path):
    """Test that the committed CSV samples are reproduced byte for byte by the seeded
    generator, so they can be regenerated rather than hand-edited."""
    from bench.gen_leads import SAMPLES as SAMPLE_SPECS
    from bench.gen_leads import write_samples

    write_samples(tmp_path)
    for name, _, _ in SAMPLE_SPECS:
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name
        assert (SAMPLES / name).stat().st_size < 100 * 1024


def test_large_generated_list_has_only_its_planned_duplicates(tmp_path, con):
    """Test that a generated large list (unique mode) reads back with every row and a
    duplicate share near the planned 7%, not inflated by accidental address clashes."""
    write_list(tmp_path / "big.csv", "salesforce_ja", 5000, seed=9)
    result = read_leads(tmp_path / "big.csv", con)
    assert result.rows == 5000
    dup_rows = con.execute(
        'SELECT count(*) - count(DISTINCT "メール") FROM raw_leads WHERE "メール" IS NOT NULL'
    ).fetchone()[0]
    assert 0.02 * 5000 < dup_rows < 0.08 * 5000


# --- reading straight into the caller's connection -----------------------------------


def _big_utf8_list(rows: int = 6000) -> str:
    """A UTF-8 list larger than the encoding sample (256 KB), Japanese from the start."""
    lines = ["Email,会社名,メモ"]
    lines += [f"user{i}@example.co.jp,株式会社サンプル{i},備考{i}" for i in range(rows)]
    return "\n".join(lines) + "\n"


def test_open_connection_is_locked_to_the_one_file_it_read(tmp_path):
    """Test that read_leads, given a connection that can still read files, parses the
    list into it directly and leaves it able to read that one file only."""
    p, other = tmp_path / "leads.csv", tmp_path / "other.csv"
    p.write_text("Email,会社名\na@x.co,サンプル\n", encoding="utf-8")
    other.write_text("a\n1\n", encoding="utf-8")
    c = private_connection()
    try:
        assert read_leads(p, c).rows == 1
        assert rows_of(c) == [(1, "a@x.co", "サンプル")]
        for sql, params in [
            ("SELECT * FROM read_csv(?)", [str(other)]),
            ("SELECT * FROM read_text(?)", ["/etc/passwd"]),
            ("SET enable_external_access = true", None),
        ]:
            with pytest.raises(duckdb.Error):
                c.execute(sql, params)
    finally:
        c.close()


def test_utf8_damaged_after_the_sample_is_found_and_kept_utf8(tmp_path):
    """Test that a broken byte far after the start of a UTF-8 list (beyond the part read
    to guess the encoding) still gives UTF-8 with the character replaced and a note."""
    text = _big_utf8_list()
    assert len(text.encode()) > SAMPLE_BYTES
    p = tmp_path / "late.csv"
    p.write_bytes(text.encode() + "z@x.co,テスト".encode() + "商".encode()[:2] + b"\n")
    c = private_connection()
    try:
        result = read_leads(p, c)
        assert result.encoding == "utf-8" and result.rows == 6001
        assert column(c, "会社名")[-1] == "テスト\ufffd"
        assert column(c, "会社名")[0] == "株式会社サンプル0"
        assert "ingest.note.invalid_bytes" in dict(result.notes)
    finally:
        c.close()


def test_ascii_start_then_cp932_is_read_as_cp932(tmp_path, con):
    """Test that a list whose first 256 KB are plain ASCII and whose Japanese text comes
    later in CP932 is read as CP932, not refused as broken UTF-8."""
    head = "Email,Company\n" + "".join(f"user{i}@example.com,Example {i}\n" for i in range(12000))
    assert len(head) > SAMPLE_BYTES
    p = tmp_path / "late_cp932.csv"
    p.write_bytes(head.encode("ascii") + "last@example.com,株式会社テスト\n".encode("cp932"))
    result = read_leads(p, con)
    assert result.encoding == "cp932" and result.rows == 12001
    assert column(con, "Company")[-1] == "株式会社テスト"


def test_quoted_line_break_after_the_sample_is_read_whole(tmp_path):
    """Test that a quoted cell with a line break far into the file, next to short rows,
    is read as one cell (the parallel reader cannot, so the file is read again in one
    pass) and the row numbers stay in file order."""
    text = _big_utf8_list() + 'last@x.co,"二行の\n会社",メモ\nshort@x.co\n'
    p = tmp_path / "late_break.csv"
    p.write_text(text, encoding="utf-8")
    c = private_connection()
    try:
        result = read_leads(p, c)
        assert result.rows == 6002
        tail = rows_of(c)[-2:]
        assert tail == [
            (6001, "last@x.co", "二行の\n会社", "メモ"),
            (6002, "short@x.co", None, None),
        ]
    finally:
        c.close()


def test_utf8_report_with_description_rows_equals_its_cp932_twin(tmp_path):
    """Test that a Salesforce Japanese report in UTF-8 (read by DuckDB in place, skipping
    the description rows) gives the same table as the CP932 original (transcoded)."""
    src = SAMPLES / "salesforce_leads_ja.csv"
    p = tmp_path / "sf_utf8.csv"
    p.write_bytes(src.read_bytes().decode("cp932").encode("utf-8"))
    a, b = private_connection(), private_connection()
    try:
        ra, rb = read_leads(src, a), read_leads(p, b)
        assert (ra.rows, ra.headers, ra.notes) == (rb.rows, rb.headers, rb.notes)
        assert rb.encoding == "utf-8" and rb.rows == 300
        assert rows_of(a) == rows_of(b)
    finally:
        a.close()
        b.close()


def test_cp932_transcoded_in_two_parts_equals_one_pass(tmp_path, monkeypatch):
    """Test that a CP932 list cut in two and decoded by two processes gives the same
    table as one pass, and an undecodable byte in the second part names its line."""
    path = tmp_path / "big_cp932.csv"
    write_list(path, "salesforce_ja", 2000, seed=3)
    one, two = private_connection(), private_connection()
    try:
        r1 = read_leads(path, one)
        monkeypatch.setattr(transcode, "PARALLEL_TRANSCODE_BYTES", 1000)
        r2 = read_leads(path, two)
        assert r1 == r2 and r2.rows == 2000
        assert rows_of(one) == rows_of(two)
    finally:
        one.close()
        two.close()
    data = path.read_bytes()
    cut = data.rindex(b"\n", 0, len(data) - 1000)
    bad = tmp_path / "bad_cp932.csv"
    bad.write_bytes(data[:cut] + b"\n\x81\x0a" + data[cut + 1 :])
    err = expect_error(
        InputError, "ingest.undecodable", lambda: read_leads(bad, locked_connection())
    )
    assert err.params["line"] == data[:cut].count(b"\n") + 2


def test_cp932_by_iconv_equals_pythons_codec(tmp_path, monkeypatch):
    """Test that the iconv fast path (used for clean CP932 when this machine's iconv
    decodes every CP932 sequence as Python does, as glibc's does) gives the same table
    as Python's codec, in one part and in two; and that bytes iconv refuses (0x80, 0xA0,
    0xFD-0xFF alone) fall back to Python's codec, which maps them."""
    assert transcode._iconv_cp932() is not None  # Debian's glibc iconv agrees
    path = tmp_path / "list_cp932.csv"
    write_list(path, "sansan", 1500, seed=5)

    def table(parts_from: int, iconv: bool) -> list:
        monkeypatch.setattr(transcode, "PARALLEL_TRANSCODE_BYTES", parts_from)
        used = []
        real = transcode._iconv_body
        fake = lambda *a: used.append(real(*a)) or used[-1]  # noqa: E731
        monkeypatch.setattr(transcode, "_iconv_body", fake if iconv else lambda *a: False)
        con = private_connection()
        try:
            assert read_leads(path, con).rows == 1500
            assert used == ([True] if iconv else [])
            return rows_of(con)
        finally:
            con.close()
            monkeypatch.undo()

    python_one_pass = table(10**9, iconv=False)
    assert table(10**9, iconv=True) == python_one_pass
    assert table(1000, iconv=True) == python_one_pass
    assert table(1000, iconv=False) == python_one_pass

    odd = tmp_path / "odd_cp932.csv"
    odd.write_bytes("会社名,メール\r\n".encode("cp932") + b"A\x80B,a@example.co.jp\r\n")
    con = private_connection()
    try:
        read_leads(odd, con)
        assert con.execute('SELECT "会社名" FROM raw_leads').fetchone()[0] == "A\x80B"
    finally:
        con.close()


def test_app_reads_up_to_the_upload_limit_and_the_cli_up_to_one_gigabyte():
    """Test that the app's file limit is Streamlit's upload limit (config.toml) and the
    engine's default (the CLI) is 1 GB."""
    import tomllib

    with (ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        upload_mb = tomllib.load(fh)["server"]["maxUploadSize"]
    assert ingest.APP_LIMITS.max_file_bytes == upload_mb * 1024 * 1024
    assert ingest.DEFAULT_LIMITS.max_file_bytes == 1024 * 1024 * 1024


def test_append_file_without_kernel_copy_appends_once(tmp_path, monkeypatch):
    """Test that appending the second transcoded part falls back to a plain copy when the
    kernel copy fails part-way, without writing any byte twice."""
    part = tmp_path / "part2"
    part.write_bytes(b"b" * 5000)
    calls = []

    def failing_copy(src, dst, count, offset_src=None, offset_dst=None):
        if calls:
            raise OSError("no copy_file_range here")
        calls.append(count)
        os.pwrite(dst, b"b" * 1000, offset_dst)
        os.lseek(src, 1000, os.SEEK_SET)
        return 1000

    monkeypatch.setattr(transcode.os, "copy_file_range", failing_copy)
    dest = tmp_path / "body"
    with dest.open("wb") as out:
        out.write(b"a" * 300)
        transcode._append_file(part, out)
        out.write(b"c")
    assert dest.read_bytes() == b"a" * 300 + b"b" * 5000 + b"c"


@pytest.mark.parametrize("thread_starts", [True, False])
def test_transcoded_copy_is_removed_after_the_read(tmp_path, monkeypatch, thread_starts):
    """Test that the private UTF-8 copy of a CP932 upload (both parts) is gone once the
    cleanup that follows the read has finished, and the rows were read first; where no
    thread can be started, it is removed at once."""
    if not thread_starts:

        def no_thread(self):
            raise RuntimeError("can't start new thread")

        monkeypatch.setattr(threading.Thread, "start", no_thread)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(workdirs, "work_parent", lambda size: str(work))
    monkeypatch.setattr(transcode, "PARALLEL_TRANSCODE_BYTES", 1000)
    path = tmp_path / "list_cp932.csv"
    write_list(path, "sansan", 800, seed=3)
    con = private_connection()
    try:
        assert read_leads(path, con).rows == 800
        assert con.execute("SELECT count(*) FROM raw_leads").fetchone()[0] == 800
    finally:
        con.close()
    workdirs.wait_for_cleanup()
    assert list(work.iterdir()) == []


def test_wait_for_cleanup_returns_when_the_copy_is_gone(tmp_path, monkeypatch):
    """Test that the copy's removal runs after read_leads returns (it does not hold up the
    read) and that wait_for_cleanup (which the worker calls before os._exit) returns only
    once it is gone."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(workdirs, "work_parent", lambda size: str(work))
    release = threading.Event()
    real_rmtree = workdirs.shutil.rmtree

    def held_rmtree(path, **kw):
        release.wait(10)
        real_rmtree(path, **kw)

    monkeypatch.setattr(workdirs.shutil, "rmtree", held_rmtree)
    path = tmp_path / "list_cp932.csv"
    write_list(path, "eight", 300, seed=2, encoding="cp932")
    con = private_connection()
    try:
        result = read_leads(path, con)
        assert (result.encoding, result.rows) == ("cp932", 300)
    finally:
        con.close()
    (copy,) = work.iterdir()  # its removal is still pending
    assert (copy / "body.csv").stat().st_size > 0
    release.set()
    workdirs.wait_for_cleanup()
    assert list(work.iterdir()) == []


def test_stale_work_dirs_left_by_a_crash_are_removed(tmp_path):
    """Test that remove_stale_work_dirs removes a read's or worker's work directory (with
    its private copy) untouched for an hour, and keeps a fresh one, other directories, a
    file and a symlink with the same name, and what a symlink points to."""
    place = tmp_path / "shm"
    place.mkdir()
    hour_ago = time.time() - 3700

    def age(path: Path) -> None:
        os.utime(path, (hour_ago, hour_ago), follow_symlinks=False)

    stale = place / "senryoku-ingest-crashed"
    stale.mkdir()
    (stale / "body.csv").write_text("a@example.co.jp\n", encoding="utf-8")
    stale_worker = place / "senryoku-worker-killed"
    stale_worker.mkdir()
    fresh = place / "senryoku-ingest-reading"
    fresh.mkdir()
    other = place / "someone-elses"
    other.mkdir()
    a_file = place / "senryoku-ingest-file"
    a_file.write_text("x", encoding="utf-8")
    target = tmp_path / "kept"
    target.mkdir()
    link = place / "senryoku-worker-link"
    link.symlink_to(target, target_is_directory=True)
    for path in (stale, stale_worker, other, a_file, link, target):
        age(path)

    assert workdirs.remove_stale_work_dirs([place]) == 2
    assert sorted(p.name for p in place.iterdir()) == sorted(
        [fresh.name, other.name, a_file.name, link.name]
    )
    assert target.is_dir()
    assert workdirs.remove_stale_work_dirs([place, tmp_path / "missing"]) == 0


def _patched_xlsx(tmp_path: Path, name: str, member: str, old: bytes, new: bytes) -> Path:
    """A small real workbook with one member's text replaced."""
    import xlsxwriter

    plain = tmp_path / f"plain_{name}"
    wb = xlsxwriter.Workbook(str(plain))
    ws = wb.add_worksheet("leads")
    ws.write_row(0, 0, ["メール", "会社名", "姓"])
    ws.write_row(1, 0, ["a@example.co.jp", "株式会社A", "山田"])
    wb.close()
    out = tmp_path / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                assert old in data
                data = data.replace(old, new)
            dst.writestr(info, data)
    return out


def test_xlsx_declaring_a_huge_range_is_refused_before_parsing(tmp_path):
    """Test that a 2 KB sheet that claims A1:XFD1048576 is refused at once (no parser
    runs), with a message naming the range in ja and en; the same sheet with its true
    range reads."""
    bomb = _patched_xlsx(
        tmp_path, "bomb.xlsx", "xl/worksheets/sheet1.xml", b'ref="A1:C2"', b'ref="A1:XFD1048576"'
    )
    start = time.perf_counter()
    err = expect_error(
        LimitError, "ingest.xlsx_dimension", lambda: read_leads(bomb, duckdb.connect())
    )
    assert time.perf_counter() - start < 1.0
    assert err.params["ref"] == "A1:XFD1048576"
    assert "A1:XFD1048576" in err.message("en") and "CSV" in err.message("en")
    assert "A1:XFD1048576" in err.message("ja") and "500 列" in err.message("ja")
    wide = _patched_xlsx(
        tmp_path, "wide.xlsx", "xl/worksheets/sheet1.xml", b'ref="A1:C2"', b'ref="A1:SG2"'
    )  # column 501
    expect_error(LimitError, "ingest.xlsx_dimension", lambda: read_leads(wide, duckdb.connect()))
    fine = _patched_xlsx(
        tmp_path, "fine.xlsx", "xl/worksheets/sheet1.xml", b'ref="A1:C2"', b'ref="A1:SF2"'
    )  # column 500
    assert read_leads(fine, duckdb.connect()).rows == 1


def test_xlsx_with_too_many_shared_strings_is_refused_before_parsing(tmp_path):
    """Test that a workbook declaring more shared strings than the limit is refused
    before openpyxl loads them, with a message in ja and en."""
    many = _patched_xlsx(
        tmp_path,
        "strings.xlsx",
        "xl/sharedStrings.xml",
        b'uniqueCount="6"',
        b'uniqueCount="4000001"',
    )
    err = expect_error(
        LimitError, "ingest.xlsx_shared_strings", lambda: read_leads(many, duckdb.connect())
    )
    assert err.params == {"count": "4,000,001", "max": "4,000,000"}
    assert "4,000,001" in err.message("en") and "4,000,001" in err.message("ja")
    at_limit = _patched_xlsx(
        tmp_path, "ok.xlsx", "xl/sharedStrings.xml", b'uniqueCount="6"', b'uniqueCount="4000000"'
    )
    assert read_leads(at_limit, duckdb.connect()).rows == 1
