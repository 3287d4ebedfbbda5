"""Downloads of a cleaned list: CSV (UTF-8 with BOM, opens in Excel) and XLSX.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) get a leading ``'`` so they stay text.
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralize_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralize(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` where every text cell (and column name) that starts like a
    formula is prefixed with ``'``."""
    out = df.copy()
    out.columns = [_neutralize_cell(str(c)) for c in out.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            out.isetitem(i, col.map(_neutralize_cell, na_action="ignore").astype(object))
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The table as CSV: UTF-8 with BOM, CRLF line ends, formula cells neutralised."""
    text = neutralize(df).to_csv(index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def xlsx_bytes(df: pd.DataFrame, sheet_name: str = "leads") -> bytes:
    """The table as an .xlsx workbook; strings are written as strings (never formulas,
    numbers or links) and formula-looking cells are neutralised as in the CSV."""
    import xlsxwriter

    data = neutralize(df)
    buf = io.BytesIO()
    # The options are a second guard: every string goes through write_string, which never
    # converts, so no test can tell them apart (mutmut: equivalent).
    # pragma: no mutate start
    workbook = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    # pragma: no mutate end
    sheet = workbook.add_worksheet(sheet_name[:31])
    for j, name in enumerate(data.columns):
        sheet.write_string(0, j, str(name))
    for i, row in enumerate(data.itertuples(index=False, name=None), start=1):
        for j, value in enumerate(row):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if isinstance(value, str):
                sheet.write_string(i, j, value)
            else:
                sheet.write(i, j, value)
    workbook.close()
    return buf.getvalue()
