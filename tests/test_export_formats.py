"""Details of the downloads a user opens in Excel: CRLF line ends, formula-looking header
names, numbers kept as numbers, links kept as text, the sheet's name."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from engine.leads.export import csv_bytes, neutralize, xlsx_bytes

FRAME = pd.DataFrame(
    {
        "=会社名": ["株式会社サンプル", "https://evil.example/", "+81"],
        "件数": [3, -1, 0],
        "比率": [0.5, float("nan"), -2.5],
    }
)


def test_csv_has_crlf_lines_and_neutral_header():
    """Test that the CSV is BOM + CRLF lines, the formula-like header quoted with ', and
    numbers (even negative) left as numbers."""
    data = csv_bytes(FRAME)
    assert (
        data
        == (
            "\ufeff'=会社名,件数,比率\r\n"
            "株式会社サンプル,3,0.5\r\n"
            "https://evil.example/,-1,\r\n"
            "'+81,0,-2.5\r\n"
        ).encode()
    )


def test_neutralize_leaves_numbers_and_the_input_alone():
    """Test that numeric columns keep their values and type and the input frame is not changed."""
    out = neutralize(FRAME)
    assert list(out.columns) == ["'=会社名", "件数", "比率"]
    assert out["件数"].tolist() == [3, -1, 0]
    assert out["件数"].dtype == FRAME["件数"].dtype
    assert list(FRAME.columns)[0] == "=会社名"
    assert out["'=会社名"].tolist() == ["株式会社サンプル", "https://evil.example/", "'+81"]


def test_xlsx_numbers_links_and_sheet_name():
    """Test that the XLSX sheet is named 'leads', numbers are numbers, a missing number is
    an empty cell, a URL is plain text (no link) and the header is neutralised."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(FRAME)))
    assert wb.sheetnames == ["leads"]
    ws = wb["leads"]
    assert list(ws.iter_rows(values_only=True)) == [
        ("'=会社名", "件数", "比率"),
        ("株式会社サンプル", 3, 0.5),
        ("https://evil.example/", -1, None),
        ("'+81", 0, -2.5),
    ]
    assert ws["A3"].hyperlink is None and ws["A3"].data_type == "s"
    assert ws["B3"].data_type == "n"


def test_xlsx_sheet_name_is_cut_to_excels_31_characters():
    """Test that a long sheet name is cut to the 31 characters Excel allows."""
    name = "リード一覧" * 10
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(FRAME.head(1), sheet_name=name)))
    assert wb.sheetnames == [name[:31]]
