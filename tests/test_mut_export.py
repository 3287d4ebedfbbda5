"""The XLSX download at the limits mutation testing found unpinned."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from engine.leads.export import xlsx_bytes


def test_sheet_name_is_cut_to_excels_31_characters():
    """Test that a sheet name longer than Excel's 31 characters is cut to its first 31."""
    name = "ターゲットリード一覧_" + "x" * 40
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(pd.DataFrame({"a": [1]}), name)))
    assert wb.sheetnames == [name[:31]]
    assert len(wb.sheetnames[0]) == 31


def test_missing_and_text_cells():
    """Test that None and NaN leave the cell empty and every text cell is text, in place."""
    frame = pd.DataFrame({"名": ["=1+1", None, "12"], "数": [1.5, float("nan"), 7]})
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame)))["leads"]
    assert list(ws.iter_rows(values_only=True)) == [
        ("名", "数"),
        ("'=1+1", 1.5),
        (None, None),
        ("12", 7),
    ]
    assert ws["A4"].data_type == "s" and ws["B4"].data_type == "n"
