"""A prospect's whole journey in a real browser (Debian Chromium via Playwright)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from engine.core.vocab import PHASES
from engine.diagnosis.diagnose import diagnose
from engine.diagnosis.questionnaire import available_questionnaires
from engine.diagnosis.share import decode
from engine.leads import export
from engine.leads.leadset import LeadSet
from engine.leads.lists import Lists, load_lists
from tests.e2e.server import click_on_cell

pytestmark = pytest.mark.browser
# two cores shared by several servers: a rerun can take seconds
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "salesforce_leads_ja.csv"
ANSWERS = {"leads_total": 300, "target_leads": 200, "sales_style": "route"}


def _metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).first


def _metric_value(page: Page, label: str):
    return _metric(page, label).get_by_test_id("stMetricValue")


def _type_number(page: Page, key: str, value: int) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(str(value))
    box.press("Enter")
    expect(box).to_have_value(str(value))


def test_prospect_journey_with_a_salesforce_export(app_url, page: Page, browser):
    """Test that answers, a CP932 upload, a reclassification and a slider move give the
    engine's numbers on screen, in the HTML report and through the share link."""
    with LeadSet.open(SAMPLE) as leadset:
        profile = leadset.profile(Lists())
        first_target = int(leadset.rows("target", limit=1)["_row"].iloc[0])
        corrected = leadset.profile(Lists(), {first_target: "partner"})
        cleaned = leadset.cleaned_targets()
    rows, target = profile.rows, profile.categories["target"]
    assert corrected.categories["target"] == target - 1

    # 1. questionnaire: type a few answers, the rest stays at the documented defaults
    page.goto(app_url)
    expect(page.get_by_role("heading", name="1. 質問票")).to_be_visible()
    _type_number(page, "q_leads_total", ANSWERS["leads_total"])
    _type_number(page, "q_target_leads", ANSWERS["target_leads"])
    expect(page.get_by_text("6 / 14 問に回答済み")).to_be_visible()  # both numbers landed
    page.locator(".st-key-q_sales_style").get_by_text("定期訪問型", exact=False).click()
    expect(page.get_by_text("7 / 14 問に回答済み")).to_be_visible()  # 3 typed + 4 sliders as shown

    # 2. lead list: the CP932 Salesforce report, counts as the engine counts them
    page.get_by_role("link", name="2. リードリスト").click()
    expect(page.get_by_text("保存されることはありません")).to_be_visible()
    page.locator(".st-key-leads_file input[type=file]").set_input_files(SAMPLE)
    expect(_metric_value(page, "総行数")).to_have_text(f"{rows:,}")
    expect(_metric_value(page, "ターゲットリード")).to_have_text(f"{target:,}")

    # reclassify the first target row as a partner in the review table
    editor = page.locator('[class*="st-key-review_editor_"]')
    editor.scroll_into_view_if_needed()
    expect(editor.locator("canvas").first).to_be_visible()
    option = page.get_by_role("option", name="パートナー")
    for _ in range(5):  # the canvas grid may still be laying out: open the cell editor again
        click_on_cell(page, editor, row=1, column=0, double_click=True)
        try:
            option.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    option.click()
    expect(_metric_value(page, "ターゲットリード")).to_have_text(f"{target - 1:,}")
    expect(page.get_by_text("手動で修正した行: 1")).to_be_visible()

    # the cleaned list: the engine's target rows in file order, the corrected row left out
    assert len(cleaned) == target - 1
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV（UTF-8 BOM 付き）").click()
    assert re.fullmatch(r"target_leads_[0-9a-f]{10}\.csv", info.value.suggested_filename)
    data = Path(info.value.path()).read_bytes()
    assert data == export.csv_bytes(cleaned) and data.startswith(codecs.BOM_UTF8)
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == list(cleaned.columns) and len(table) == 1 + target - 1
    with page.expect_download() as info:
        page.get_by_role("button", name="Excel（XLSX）").click()
    assert re.fullmatch(r"target_leads_[0-9a-f]{10}\.xlsx", info.value.suggested_filename)
    workbook = io.BytesIO(Path(info.value.path()).read_bytes())
    sheet = openpyxl.load_workbook(workbook, read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == list(cleaned.columns) and len(values) == 1 + target - 1
    assert [v if v is not None else "" for v in values[1]] == table[1]

    # 3. sales funnel: closing to 5, appointment and relationship to 1 (closing-heavy)
    page.get_by_role("link", name="3. 営業ファネル").click()
    sliders = page.get_by_role("slider")
    expect(sliders).to_have_count(4)
    for index, key in ((3, "End"), (0, "Home"), (1, "Home")):
        sliders.nth(index).focus()
        sliders.nth(index).press(key)
    expect(sliders.nth(3)).to_have_value("5")
    expect(sliders.nth(1)).to_have_value("1")
    expect(page.get_by_text("営業ファネルの入力を保存しました。")).to_be_visible()

    # 4. results: the engine's diagnosis of the same inputs
    questionnaire = available_questionnaires()["quick"]
    facts = questionnaire.to_facts(ANSWERS).with_values(
        {
            "sales.ratings.appointment": 1,
            "sales.ratings.relationship": 1,
            "sales.ratings.opportunity": 3,
            "sales.ratings.closing": 5,
        }
    )
    expected = diagnose(facts, corrected, "ja")
    page.get_by_role("link", name="4. 診断結果").click()
    expect(page.get_by_role("heading", name="4. 診断結果")).to_be_visible()
    expect(_metric_value(page, "ターゲットリード数")).to_have_text(f"{target - 1:,}")
    assert expected.inside_sales.placement == "qualify_before_sales"
    expect(page.get_by_text("営業の前で見極める", exact=False).first).to_be_visible()
    first = min(expected.initiatives, key=lambda i: i.rank).id
    first_name = {"lead_gen": "リード獲得", "content": "コンテンツ", "scoring": "スコアリング"}
    expect(page.locator(f".st-key-initiative_{first}")).to_contain_text(f"1位: {first_name[first]}")
    expect(page.get_by_text("インサイドセールスがいません", exact=False)).to_be_visible()

    # the HTML report carries the same numbers and prints on A4
    with page.expect_download() as info:
        page.get_by_role("button", name="レポート（HTML・A4 印刷用）").click()
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert f'id="target-leads">{target - 1:,}<' in html
    assert f'id="total-rows">{rows:,}<' in html
    assert "@page { size: A4" in html and "<svg" in html

    # the share link: answers and ratings only, the same advice in a fresh browser
    link = page.get_by_test_id("stCode").filter(has_text="?s=").inner_text().strip()
    assert re.match(r"^http://127\.0\.0\.1:\d+/results\?s=[A-Za-z0-9_-]+$", link), link
    shared = decode(link.split("?s=", 1)[1])
    # the quick questionnaire's rating sliders, untouched, are answered at the 3 they show;
    # the sales page's ratings (1, 1, 3, 5) are laid over them
    assert shared["answers"] == {**ANSWERS, **{f"rating_{p}": 3 for p in PHASES}}
    assert shared["sales"]["ratings"] == {
        "appointment": 1,
        "relationship": 1,
        "opportunity": 3,
        "closing": 5,
    }
    assert "@" not in link and "partner" not in str(shared)
    fresh = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    try:
        other = fresh.new_page()
        other.goto(link)
        expect(other.get_by_role("heading", name="4. 診断結果")).to_be_visible()
        without_list = diagnose(facts, None, "ja")
        expect(_metric_value(other, "ターゲットリード数")).to_have_text(
            f"{without_list.target_leads:,}"
        )
        expect(other.locator(f".st-key-initiative_{first}")).to_contain_text("1位")
        expect(other.get_by_text("営業の前で見極める", exact=False).first).to_be_visible()
    finally:
        fresh.close()


def test_sample_data_on_a_phone_then_english(app_url, browser):
    """Test that the sample-data button reaches the results on a 390×844 screen without
    horizontal overflow, and that one switch turns the page English."""
    with LeadSet.open(SAMPLE) as leadset:
        target = leadset.profile(load_lists(ROOT / "sample_data" / "lists.yaml")).categories[
            "target"
        ]
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    try:
        page = phone.new_page()
        page.goto(app_url)
        page.get_by_role("button", name="サンプルデータで試す").click()
        expect(page.get_by_role("heading", name="4. 診断結果")).to_be_visible()
        expect(_metric_value(page, "ターゲットリード数")).to_have_text(f"{target:,}")
        # the answer comes first: the conclusion's target-lead line is on the first screen
        answer = page.locator(".st-key-conclusion_target_leads")
        expect(answer).to_contain_text(f"{target:,} 件")
        expect(answer).to_be_in_viewport()
        widths = page.evaluate(
            """() => {
                const main = document.querySelector('[data-testid="stMain"]');
                return [document.documentElement.scrollWidth, main.scrollWidth, main.clientWidth];
            }"""
        )
        assert widths[0] <= 390 and widths[1] <= widths[2], widths

        page.locator(".st-key-lang_switch").get_by_text("English", exact=True).click()
        expect(page.get_by_role("heading", name="4. Results")).to_be_visible()
        expect(_metric_value(page, "Target leads")).to_have_text(f"{target:,}")
        expect(page.get_by_text("Qualify before sales", exact=False).first).to_be_visible()
    finally:
        phone.close()
