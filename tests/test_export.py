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


def test_list_with_engine_column_names_reviews_and_downloads(tmp_path):
    """Test that a list whose headers are the engine's own column names (reason, category,
    _row, _reason ...) shows in the review table and downloads with every column whole."""
    from engine.leads.leadset import LeadSet

    path = tmp_path / "leads.csv"
    path.write_text(
        "メール,会社名,姓,reason,category,_row,Reason (2),_reason,_reason_value\n"
        "a@example.co.jp,株式会社A,山田,展示会,見込み,x1,r2,u1,v1\n"
        "b@example.co.jp,株式会社B,佐藤,紹介,既存,x2,r3,u2,v2\n",
        encoding="utf-8",
    )
    with LeadSet.open(path) as leads:
        leads.profile()
        review = leads.rows("target")
        targets = leads.cleaned_targets()
    assert list(review.columns) == [
        "_row", "category", "reason",
        "メール", "会社名", "姓", "reason (3)", "category (2)", "_row (2)", "Reason (2)",
        "_reason", "_reason_value",
    ]  # fmt: skip
    assert review["_row"].tolist() == [1, 2]
    assert review["category"].tolist() == ["target", "target"]
    assert review["reason (3)"].tolist() == ["展示会", "紹介"]
    assert review["category (2)"].tolist() == ["見込み", "既存"]
    assert review["_reason"].tolist() == ["u1", "u2"]
    assert list(targets.columns)[3:6] == ["reason", "category", "_row (2)"]
    assert targets["reason"].tolist() == ["展示会", "紹介"]
    text = csv_bytes(targets).decode("utf-8-sig")
    assert (
        text.splitlines()[0]
        == "メール,会社名,姓,reason,category,_row (2),Reason (2),_reason,_reason_value"
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(targets)))
    assert [c.value for c in book.active[1]][3:5] == ["reason", "category"]
