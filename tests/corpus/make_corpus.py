"""The bad-input corpus: files a stranger might upload, made deterministically.

Small files are committed under ``tests/corpus/files/``; ``python tests/corpus/make_corpus.py``
rewrites them. Large or slow ones (zip bomb, 10,000 columns, a 5 MB cell, a file over
the size limit) are made into a temporary folder at test time by :func:`write_large`.
Each file's expected outcome is in ``tests/corpus/expected.yaml``.
"""

from __future__ import annotations

import gzip
import io
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES_DIR = HERE / "files"
ZIP_DATE = (2024, 1, 1, 0, 0, 0)

HEADER = "会社名,氏名,メールアドレス,電話番号\r\n"
GOOD_ROWS = [
    "株式会社サンプル,山田 太郎,taro@sample.co.jp,03-1234-5678",
    "テスト商事株式会社,佐藤 花子,hanako@test-shoji.co.jp,06-2345-6789",
    "Example Inc.,John Smith,john@example.com,+1-555-0100",
]


def _csv(lines: list[str], newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


# -- xlsx built by hand, byte for byte the same on every run ------------------------------
def _zip(parts: dict[str, bytes], compresslevel: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compresslevel=compresslevel)
    return buf.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _cell(ref: str, value: str) -> str:
    if value.startswith("="):
        return f'<c r="{ref}"><f>{_esc(value[1:])}</f><v>0</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{_esc(value)}</t></is></c>'


def _sheet_xml(rows: list[list[str]]) -> bytes:
    body = "".join(
        f'<row r="{r + 1}">'
        + "".join(_cell(f"{_col(c)}{r + 1}", v) for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def _xlsx_parts(sheet: bytes, shared_strings: bytes | None = None) -> dict[str, bytes]:
    ss_type = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared_strings
        else ""
    )
    ss_rel = (
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        if shared_strings
        else ""
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            f"{ss_type}</Types>"
        ).encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            f"{ss_rel}</Relationships>"
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared_strings:
        parts["xl/sharedStrings.xml"] = shared_strings
    return parts


def _good_rows() -> list[list[str]]:
    return [HEADER.strip().split(",")] + [r.split(",") for r in GOOD_ROWS]


def good_xlsx() -> bytes:
    return _zip(_xlsx_parts(_sheet_xml(_good_rows())))


def _shared_string_sheet() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def xml_entity_bomb_xlsx() -> bytes:
    entities = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<!DOCTYPE sst [{entities}]>"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" '
        'uniqueCount="4"><si><t>会社名</t></si><si><t>メール</t></si>'
        "<si><t>&lol9;</t></si><si><t>bomb@example.com</t></si></sst>"
    ).encode()
    return _zip(_xlsx_parts(_shared_string_sheet(), shared))


def xxe_xlsx() -> bytes:
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" '
        'uniqueCount="4"><si><t>会社名</t></si><si><t>メール</t></si>'
        "<si><t>&xxe;</t></si><si><t>xxe@example.com</t></si></sst>"
    ).encode()
    return _zip(_xlsx_parts(_shared_string_sheet(), shared))


def formula_xlsx() -> bytes:
    rows = [
        ["会社名", "氏名", "メールアドレス"],
        ["=HYPERLINK(\"http://evil.example\",\"click\")", "山田 太郎", "taro@sample.co.jp"],
        ["=cmd|' /C calc'!A0", "佐藤 花子", "hanako@test-shoji.co.jp"],
        ["Plain KK", "=1+1", "plain@plain.example"],
    ]
    return _zip(_xlsx_parts(_sheet_xml(rows)))


def zip_bomb_xlsx(uncompressed_mb: int = 300) -> bytes:
    """A well-formed sheet of ``uncompressed_mb`` MB that deflates to well under 1 MB."""
    buf = io.BytesIO()
    row = '<row><c t="inlineStr"><is><t>' + "A" * 4000 + "</t></is></c></row>"
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in _xlsx_parts(b"").items():
            if name == "xl/worksheets/sheet1.xml":
                continue
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row><c t="inlineStr"><is><t>Email</t></is></c></row>'
            )
            chunk = (row * 256).encode()
            for _ in range(uncompressed_mb * 1024 * 1024 // len(chunk)):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# -- the committed, small files ------------------------------------------------------------
SMALL: dict[str, Callable[[], bytes]] = {
    "empty.csv": lambda: b"",
    "blank_lines_only.csv": lambda: b"\r\n\r\n   \r\n\t\r\n",
    "header_only.csv": lambda: HEADER.encode(),
    "header_only_cp932.csv": lambda: HEADER.encode("cp932"),
    "png_renamed.csv": _png,
    "pdf_renamed.csv": lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n"
    + bytes(range(256)) * 4
    + b"\n%%EOF\n",
    "gzip_renamed.csv": lambda: gzip.compress(_csv([HEADER.strip(), *GOOD_ROWS]), mtime=0),
    "zip_renamed.csv": lambda: _zip({"leads.csv": _csv([HEADER.strip(), *GOOD_ROWS])}),
    "random_bytes.csv": lambda: bytes((i * 7919 + 13) % 256 for i in range(4096)),
    "text_renamed.xlsx": lambda: _csv([HEADER.strip(), *GOOD_ROWS]),
    "truncated.xlsx": lambda: good_xlsx()[: len(good_xlsx()) // 2],
    "xlsx_without_sheet.xlsx": lambda: _zip({"hello.txt": b"not a workbook"}),
    "xml_entity_bomb.xlsx": xml_entity_bomb_xlsx,
    "xxe_external_entity.xlsx": xxe_xlsx,
    "formula_cells.xlsx": formula_xlsx,
    "good_control.xlsx": good_xlsx,
    "good_control_cp932.csv": lambda: _csv([HEADER.strip(), *GOOD_ROWS], encoding="cp932"),
    "ragged_rows.csv": lambda: _csv(
        [
            HEADER.strip(),
            "株式会社A,山田,a@a-corp.co.jp",
            "株式会社B,佐藤,b@b-corp.co.jp,03-0000-0000,extra,more,fields",
            "株式会社C",
            GOOD_ROWS[0],
        ]
    ),
    "embedded_nul.csv": lambda: _csv(
        [HEADER.strip(), "株式会社\x00ヌル,山田\x00太郎,nul@nul.co.jp,03-1111-2222", *GOOD_ROWS]
    ),
    "mixed_encodings.csv": lambda: _csv([HEADER.strip(), GOOD_ROWS[0]])
    + _csv([GOOD_ROWS[1]], encoding="cp932")
    + _csv([GOOD_ROWS[2]]),
    "latin1.csv": lambda: _csv(
        ["Company,Name,Email", "Café Société,René Müller,rene@cafe.example"], encoding="latin-1"
    ),
    "hostile_headers.csv": lambda: _csv(
        [
            'x""; DROP TABLE leads;--,"Robert\'); DROP TABLE raw_leads;--",Email,"""quoted"""',
            "Bobby Tables Inc.,Robert,bobby@tables.example,1",
            "Acme,Alice,alice@acme.example,2",
        ]
    ),
    "html_script_names.csv": lambda: _csv(
        [
            "会社名,氏名,メールアドレス",
            "<img src=x onerror=alert(1)>,<script>alert('x')</script>,xss@xss.example",
            '"<a href=""javascript:alert(1)"">click</a>",**bold** [link](http://x),md@md.example',
            "{{7*7}},${7*7},tpl@tpl.example",
        ]
    ),
    "formula_cells.csv": lambda: _csv(
        [
            "会社名,氏名,メールアドレス,電話番号",
            '"=HYPERLINK(""http://evil.example"",""click"")",山田,f1@f.example,+81-3-1234',
            "=cmd|' /C calc'!A0,佐藤,f2@f.example,-1+2",
            "@SUM(1+1),鈴木,f3@f.example,=1+1",
        ]
    ),
    "only_footers.csv": lambda: _csv(
        [
            '"Grand Totals (0 records)"',
            '"Confidential Information - Do Not Distribute"',
            '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."',
        ]
    ),
    "utf16_le_bom.csv": lambda: "\ufeff".encode("utf-16-le")
    + _csv([HEADER.strip(), *GOOD_ROWS]).decode().encode("utf-16-le"),
    "utf16_be_no_bom.csv": lambda: _csv([HEADER.strip(), *GOOD_ROWS]).decode().encode(
        "utf-16-be"
    ),
    "one_column_email.csv": lambda: _csv(
        ["Email", "a@one.example", "b@one.example", "c@one.example", "d@one.example"]
    ),
    "one_column_no_identifier.csv": lambda: _csv(["メモ", "展示会で名刺交換", "電話済み"]),
    "duplicate_headers.csv": lambda: _csv(
        [
            "Email,Email,会社名,会社名",
            "a@dup.example,a2@dup.example,DupA,DupA2",
            "b@dup.example,,DupB,",
        ]
    ),
    "unbalanced_quotes.csv": lambda: _csv(
        [
            HEADER.strip(),
            '"株式会社クオート,山田,q1@quote.example,03-1',
            'テスト,"佐藤,q2@quote.example,03-2',
            *GOOD_ROWS,
        ]
    ),
    "mixed_newlines.csv": lambda: (
        HEADER.strip()
        + "\r\n"
        + GOOD_ROWS[0]
        + "\n"
        + GOOD_ROWS[1]
        + "\r"
        + GOOD_ROWS[2]
        + "\r\n"
    ).encode(),
    "newline_in_cell.csv": lambda: _csv(
        [
            HEADER.strip(),
            '"株式会社\n改行",山田,nl@nl.example,03-1',
            '"Multi\r\nLine Inc.","John\nSmith",ml@ml.example,03-2',
        ]
    ),
    "emoji.csv": lambda: _csv(
        [
            HEADER.strip(),
            "🚀ロケット株式会社,山田 😀,emoji@rocket.example,03-1",
            "👨‍👩‍👧 Family Inc.,🇯🇵 太郎,family@emoji.example,03-2",
        ]
    ),
    "control_chars.csv": lambda: _csv(
        [
            HEADER.strip(),
            "\x1b[31mRed KK\x1b[0m,\x07Bell,ctl@ctl.example,\x08\x0803",
            "Tab\tCorp,Form\x0cFeed,ff@ctl.example,03",
        ]
    ),
    "semicolon.csv": lambda: _csv(
        ["Company;Name;Email", "Acme;Alice;alice@acme.example", "Beta;Bob;bob@beta.example"]
    ),
    "tab_separated.tsv": lambda: _csv(
        ["会社名\t氏名\tメールアドレス", "株式会社タブ\t山田\ttab@tab.example"]
    ),
    "blank_header_names.csv": lambda: _csv(
        [",,メールアドレス,", "x,y,blank@blank.example,z", ",,blank2@blank.example,"]
    ),
    "description_rows_above_header.csv": lambda: _csv(
        [
            '"リード一覧 (2024/01/01 作成)"',
            '"条件: すべてのリード"',
            "",
            HEADER.strip(),
            *GOOD_ROWS,
        ],
        encoding="cp932",
    ),
    "json_renamed.csv": lambda: b'{"leads": [{"email": "json@json.example"}]}\n',
    "html_page.csv": lambda: (
        b"<!DOCTYPE html><html><head><title>Login</title></head><body>"
        b"<form><input name=email></form><script>alert(1)</script></body></html>\n"
    ),
    "numbers_only.csv": lambda: _csv(["1,2,3", "4,5,6", "7,8,9"]),
}


# -- large or slow files, made at test time ------------------------------------------------
def _many_columns() -> bytes:
    header = ["会社名", "メールアドレス"] + [f"col{i}" for i in range(9998)]
    rows = [header] + [
        [f"Wide{r} KK", f"wide{r}@wide.example"] + [str(i) for i in range(9998)] for r in range(3)
    ]
    return _csv([",".join(r) for r in rows])


def _huge_cell() -> bytes:
    return _csv([HEADER.strip(), "巨大,山田,huge@huge.example," + "9" * (5 * 1024 * 1024)])


def _long_line() -> bytes:
    return _csv(
        ["会社名,氏名,メールアドレス,メモ", "長い,山田,long@long.example," + "あ" * 400_000]
    )


LARGE: dict[str, Callable[[], bytes]] = {
    "zip_bomb.xlsx": zip_bomb_xlsx,
    "ten_thousand_columns.csv": _many_columns,
    "five_mb_single_cell.csv": _huge_cell,
    "very_long_line.csv": _long_line,
}

# Sparse: sized past the engine's upload limit without taking the disk space.
OVERSIZE = {"over_size_limit.csv": 2 * 1024**3}


def write_small(folder: Path = FILES_DIR) -> list[Path]:
    """Write the committed corpus files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in SMALL.items():
        path = folder / name
        path.write_bytes(make())
        out.append(path)
    return out


def write_large(folder: Path) -> list[Path]:
    """Write the large corpus files (and the sparse oversized one) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in LARGE.items():
        path = folder / name
        path.write_bytes(make())
        out.append(path)
    for name, size in OVERSIZE.items():
        path = folder / name
        with path.open("wb") as fh:
            fh.write(_csv([HEADER.strip(), *GOOD_ROWS]))
            fh.truncate(size)
        out.append(path)
    return out


if __name__ == "__main__":
    for p in write_small(Path(sys.argv[1]) if len(sys.argv) > 1 else FILES_DIR):
        print(p)
