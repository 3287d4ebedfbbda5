"""Footers of a Salesforce report exported in Japanese: 総計 / 合計 and the report's own
confidentiality and copyright lines are not leads."""

from __future__ import annotations

import duckdb
import pytest

from engine.leads.ingest import read_leads
from tests.test_fixed_counts import SAMPLES

SAMPLE = SAMPLES / "salesforce_leads_ja.csv"
ENGLISH_FOOTER = (
    '"Grand Totals (300 records)"\r\n\r\n'
    '"Confidential Information - Do Not Distribute"\r\n'
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
)


def _japanese_report(tmp_path, total_line: str) -> str:
    """The sample report (CP932, 2 description rows, 300 leads) with the footer a
    Japanese Salesforce writes: the total line, a blank line, 機密情報 and copyright."""
    text = SAMPLE.read_bytes().decode("cp932")
    assert text.endswith(ENGLISH_FOOTER)
    footer = (
        f'"{total_line}"\r\n\r\n"機密情報 - 配布禁止"\r\n'
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
    )
    path = tmp_path / "レポート.csv"
    path.write_bytes((text.removesuffix(ENGLISH_FOOTER) + footer).encode("cp932"))
    return path


@pytest.mark.parametrize(
    "total_line",
    ["総計 (300 レコード)", "総計（300 件）", "合計 (300 レコード)", "合計（300件のレコード）"],
)
def test_japanese_report_footers_are_dropped(tmp_path, total_line):
    """Test that a Japanese report's total line (総計/合計, either parentheses), 機密情報
    and copyright lines are dropped as 3 footer rows, leaving its 300 leads."""
    con = duckdb.connect()
    try:
        result = read_leads(_japanese_report(tmp_path, total_line), con)
        assert result.rows == 300
        assert dict(result.notes)["ingest.note.footer_rows"] == {"count": 3}
        last = con.execute(
            'SELECT "_row", "姓", "メール" FROM raw_leads ORDER BY "_row" DESC LIMIT 1'
        ).fetchone()
        assert last == (300, "髙橋", "yokotakahashi365@docomo.ne.jp")
    finally:
        con.close()
