"""Downloads: formula-looking cells neutralised; CSV (UTF-8 BOM) and XLSX round trips."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from engine.leads.export import csv_bytes, neutralize, xlsx_bytes

FRAME = pd.DataFrame(
    {
        "会社名": ["株式会社サンプル", '=HYPERLINK("http://x")', "@SUM(A1)", None],
        "電話": ["03-1234-5678", "+81 3 1234 5678", "-1", "\tTAB"],
        "郵便番号": ["0012345", "100-0001", "\rCR", "1e5"],
    }
)


def test_neutralize_prefixes_formula_starts_only():
    """Test that cells starting with = + - @ tab or CR get a leading quote, others not."""
    out = neutralize(FRAME)
    assert out["会社名"].tolist()[:3] == [
        "株式会社サンプル",
        '\'=HYPERLINK("http://x")',
        "'@SUM(A1)",
    ]
    assert pd.isna(out["会社名"][3])
    assert out["電話"].tolist() == ["03-1234-5678", "'+81 3 1234 5678", "'-1", "'\tTAB"]
    assert out["郵便番号"].tolist() == ["0012345", "100-0001", "'\rCR", "1e5"]
    assert FRAME["会社名"][1].startswith("=")  # the input is not changed


def test_csv_round_trip_utf8_bom():
    """Test that the CSV starts with a UTF-8 BOM and reads back as the neutralised text."""
    data = csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(FRAME.columns)
    assert back["会社名"].tolist() == [
        "株式会社サンプル",
        '\'=HYPERLINK("http://x")',
        "'@SUM(A1)",
        "",
    ]
    assert back["郵便番号"][0] == "0012345"
    assert back["電話"][2] == "'-1"


def test_xlsx_round_trip_strings_stay_strings():
    """Test that the XLSX holds text cells (no formulas, numbers or links) with the
    neutralised values."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(FRAME)))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("会社名", "電話", "郵便番号")
    assert rows[1] == ("株式会社サンプル", "03-1234-5678", "0012345")
    assert rows[2][0] == '\'=HYPERLINK("http://x")'
    assert rows[4] == (None, "'\tTAB", "1e5")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.value is None or cell.data_type == "s"
