"""The printable HTML report and the saved-inputs JSON the results page offers."""

from __future__ import annotations

import json
import re

import pytest

from engine.core.errors import InputError
from engine.diagnosis import share
from engine.reports import html as report_html

DIAGNOSIS = {
    "target_leads": 2345,
    "target_leads_source": "profile",
    "lead_base": "workable",
    "inside_sales": {
        "placement": "qualify_before_sales",
        "reasons": ["<b>営業</b>はクロージング型"],
    },
    "initiatives": [
        {"id": "content", "rank": 2, "months_to_impact": 6, "reasons": ["c"]},
        {"id": "lead_gen", "rank": 1, "months_to_impact": 2, "reasons": ["l"]},
        {"id": "scoring", "rank": 3, "months_to_impact": 12, "reasons": ["s"]},
    ],
    "warnings": [{"id": "marketing_sales_gap", "text": "ギャップ <script>alert(1)</script>"}],
    "roadmap": {"1m": ["定義を合意", "リストを整理"], "3m": ["MQL 40"], "1y": [], "2y": ["x"]},
    "assumed": ["sales.win_rate"],
}
PROFILE = {
    "rows": 5000,
    "categories": {"target": 2345, "duplicate": 1000, "partner": 1655},
    "stages": {"mql": 300, "isal": 120, "isql": 60, "sal": 50, "sql": 30},
}


def test_html_report_is_self_contained_and_prints_on_a4():
    """Test that the report holds the numbers, inline SVG charts, A4 print CSS and no URL."""
    html = report_html.to_html(DIAGNOSIS, None, "ja", PROFILE)
    assert "@page { size: A4" in html
    assert html.count("<svg") >= 3  # composition, waterfall, timeline
    assert '<div class="value" id="target-leads">2,345</div>' in html
    assert '<b id="total-rows">5,000</b>' in html
    # no external resource: the only URL is the SVG namespace
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls == {"http://www.w3.org/2000/svg"}
    assert "<script" not in html and "&lt;script&gt;" in html
    # initiatives in rank order
    assert html.index("リード獲得") < html.index("コンテンツ") < html.index("スコアリング")


def test_html_report_in_english_without_profile():
    """Test that the English report says no list was used and keeps the estimate."""
    diagnosis = {**DIAGNOSIS, "target_leads_source": "facts", "target_leads": 800}
    html = report_html.to_html(diagnosis, None, "en", None)
    assert "No lead list was used" in html and ">800<" in html
    assert 'lang="en"' in html and "Lead generation" in html


def test_inputs_json_round_trips_without_rows():
    """Test that saved inputs load back to the same answers, sales and lists."""
    lists = {"own": {"domains": ["example.co.jp"], "companies": []}}
    text = share.inputs_to_json("quick", {"leads_total": 100}, {"headcount": 3}, lists, 4)
    doc = json.loads(text)
    assert doc["overrides_count"] == 4 and "rows" not in doc
    back = share.inputs_from_json(text.encode("utf-8"))
    assert back == {
        "questionnaire_id": "quick",
        "answers": {"leads_total": 100},
        "sales": {"headcount": 3},
        "lists": lists,
    }


@pytest.mark.parametrize("data", [b"\xff\xfe", b"[]", b'{"senryoku_inputs": 1, "answers": 3}'])
def test_inputs_json_rejects_foreign_files(data):
    """Test that a file that is not saved inputs gives the one clear error."""
    with pytest.raises(InputError) as err:
        share.inputs_from_json(data)
    assert err.value.code == "app.inputs.invalid"
