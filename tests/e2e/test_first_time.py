"""A first-time user's journey in a real browser: what they see, in Japanese and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine.core.i18n import t
from engine.leads.leadset import LeadSet
from engine.leads.lists import load_lists
from engine.leads.mapping import FIELDS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "salesforce_leads_ja.csv"
HUBSPOT = ROOT / "sample_data" / "hubspot_contacts.csv"
LISTS = ROOT / "sample_data" / "lists.yaml"
LOCALES = {"ja": "ja-JP", "en": "en-US"}
# two cores shared by several servers: a rerun can take seconds
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def sample_target() -> int:
    """The sample list's target leads with the sample lists (what the sample button shows)."""
    with LeadSet.open(SAMPLE) as leadset:
        return leadset.profile(load_lists(LISTS)).categories["target"]


def _page(browser, lang: str, width: int = 1280, height: int = 900) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale=LOCALES[lang])
    context.set_default_timeout(30_000)
    return context.new_page()


def _metric_value(page: Page, label: str):
    metric = page.get_by_test_id("stMetric").filter(has_text=label).first
    return metric.get_by_test_id("stMetricValue")


def _sample(page: Page, app_url: str, lang: str) -> None:
    page.goto(app_url)
    page.get_by_role("button", name=t("app.sample.button", lang)).click()
    heading = page.get_by_role("heading", name=t("app.results.title", lang))
    expect(heading).to_be_visible(timeout=90_000)  # the worker's first start is the slow part
    expect(page).to_have_url(re.compile(r"/results\?.*j="))


def _idle(page: Page) -> None:
    """Wait until the app's run has finished (Streamlit's running indicator is gone)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def _nav(page: Page, key: str, lang: str) -> None:
    """Go to a step through the step indicator, as a person would, and wait for it."""
    number = {"questionnaire": 1, "leads": 2, "sales": 3, "results": 4}[key]
    title = t(f"app.nav.{key}", lang)
    _idle(page)
    page.locator(".st-key-step_indicator").get_by_role("link", name=f"{number}. {title}").click()
    heading = t({"leads": "app.leads.title"}.get(key, f"app.{key}.title"), lang)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    _idle(page)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_reload_on_every_page_gives_the_same_result(app_url, browser, sample_target, lang):
    """Test that after the sample journey a reload of each page keeps the answers, the
    sliders, the list's counts and the same diagnosis, and says the rows are not kept."""
    page = _page(browser, lang)
    try:
        _sample(page, app_url, lang)
        card = page.locator(".st-key-conclusion")
        # the heading can be drawn before the card: wait for the card's figure, then read it
        expect(card).to_contain_text(f"{sample_target:,}")
        _idle(page)
        before = card.text_content()
        page.reload()
        expect(card).to_have_text(before)
        expect(_metric_value(page, t("app.results.target_leads", lang))).to_have_text(
            f"{sample_target:,}"
        )

        _nav(page, "questionnaire", lang)
        expect(page.locator(".st-key-q_leads_total input")).to_have_value("300")
        page.reload()
        expect(page.locator(".st-key-q_leads_total input")).to_have_value("300")

        _nav(page, "sales", lang)
        closing = page.locator(".st-key-rating_closing").get_by_role("slider")
        expect(closing).to_have_value("5")
        page.reload()
        expect(closing).to_have_value("5")

        _nav(page, "leads", lang)
        page.reload()
        note = t("journey.rows_missing", lang, rows="300", target=f"{sample_target:,}")
        expect(page.get_by_text(note[:40], exact=False)).to_be_visible()

        _nav(page, "results", lang)
        expect(card).to_have_text(before)
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_answer_is_on_a_phones_first_screen(app_url, browser, sample_target, lang):
    """Test that at 390×844 the conclusion card — placement, first step, target leads with
    its verdict, the goal — is in the first screen and "improve accuracy" is not before it."""
    page = _page(browser, lang, 390, 844)
    try:
        _sample(page, app_url, lang)
        card = page.locator(".st-key-conclusion")
        expect(card).to_be_in_viewport(ratio=1.0)
        for key in ("placement", "first_step", "target_leads", "goal"):
            expect(card).to_contain_text(t(f"journey.conclusion.{key}", lang))
        expect(card).to_contain_text(t("app.placements.qualify_before_sales", lang))
        verdict = t("journey.verdict.insufficient", lang)
        expect(card).to_contain_text(
            t("journey.conclusion.target_value", lang, count=f"{sample_target:,}", verdict=verdict)
        )
        box = card.bounding_box()
        assert box["y"] + box["height"] <= 844
        sharpen = page.get_by_text(t("app.results.sharpen_title", lang))
        if sharpen.count():
            assert sharpen.first.bounding_box()["y"] > box["y"] + box["height"]
    finally:
        page.context.close()


def _bar_labels(page: Page) -> list[str]:
    chart = page.get_by_test_id("stVegaLiteChart").filter(
        has=page.locator("[aria-label*='Title text']")
    )
    return [
        label
        for label in chart.locator("[aria-label]").evaluate_all(
            "els => els.map(e => e.getAttribute('aria-label'))"
        )
        if "label:" in label
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_untouched_slider_is_answered_and_charted_as_shown(app_url, browser, lang):
    """Test that sliders left alone count as answered at the value they show and the
    results chart draws that value (3), not 0; a moved slider is drawn where it was put."""
    page = _page(browser, lang)
    try:
        page.goto(app_url)
        for key, value in (("q_leads_total", "3000"), ("q_target_leads", "1200")):
            box = page.locator(f".st-key-{key} input")
            box.fill(value)
            box.press("Enter")
            expect(box).to_have_value(value)
        # 2 typed + the 4 rating sliders, untouched, answered at 3
        expect(page.get_by_text(t("app.questionnaire.answered", lang, answered=6, total=14)))
        _nav(page, "results", lang)
        closing = t("app.phases.closing", lang)
        rating = t("app.charts.rating", lang)
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
        page.wait_for_function(
            "t => [...document.querySelectorAll('[aria-label]')]"
            ".some(e => e.getAttribute('aria-label').startsWith(t))",
            arg=f"{rating}: 3; label: {closing}",
        )
        assert not any(label.startswith(f"{rating}: 0;") for label in _bar_labels(page))

        _nav(page, "sales", lang)
        slider = page.locator(".st-key-rating_closing").get_by_role("slider")
        expect(slider).to_have_value("3")
        slider.focus()
        slider.press("End")
        expect(slider).to_have_value("5")
        _nav(page, "results", lang)
        page.wait_for_function(
            "t => [...document.querySelectorAll('[aria-label]')]"
            ".some(e => e.getAttribute('aria-label').startsWith(t))",
            arg=f"{rating}: 5; label: {closing}",
        )
    finally:
        page.context.close()


def _upload(page: Page, path: Path) -> None:
    page.locator("[class*='st-key-leads_file'] input[type=file]").set_input_files(path)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_second_file_gets_its_own_mapping_named_in_the_users_language(app_url, browser, lang):
    """Test that after a second file the mapping shows that file's headers (never
    "Choose an option"), each field named in the user's language with an example value."""
    page = _page(browser, lang)
    try:
        page.goto(f"{app_url}/leads")
        _upload(page, SAMPLE)
        expect(_metric_value(page, t("app.leads.total_rows", lang))).to_have_text("300")
        with LeadSet.open(HUBSPOT) as hubspot:
            target = hubspot.profile().categories["target"]
            email_header = hubspot.mapping.get("email")
        _upload(page, HUBSPOT)
        expect(_metric_value(page, t("app.leads.target_leads", lang))).to_have_text(f"{target:,}")
        page.get_by_text(t("app.leads.mapping_title", lang), exact=True).click()
        email = page.locator("[class*='st-key-map_email_']")
        expect(email).to_contain_text(t("journey.mapping_fields.email", lang))
        example = t("journey.header_example", lang, header=email_header, example="@")
        prefix, suffix = (re.escape(part) for part in example.split("@"))
        expect(email.get_by_role("combobox")).to_have_value(re.compile(f"{prefix}.+@.+{suffix}"))
        expect(page.get_by_text("Choose an option")).to_have_count(0)
        labels = page.locator("[class*='st-key-map_'] label").all_inner_texts()
        assert len(labels) == len(FIELDS)
        assert not set(labels) & set(FIELDS), labels
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_loaded_lists_fill_the_text_boxes(app_url, browser, lang):
    """Test that a lists YAML loaded on the lead page shows its domains and companies in
    the text boxes, and applying the form keeps them."""
    lists = load_lists(LISTS)
    page = _page(browser, lang)
    try:
        page.goto(f"{app_url}/leads")
        page.get_by_text(t("app.leads.lists_title", lang), exact=True).click()
        page.locator(".st-key-yaml_lists_file input[type=file]").set_input_files(LISTS)
        expect(page.get_by_text(t("journey.lists_loaded", lang))).to_be_visible()
        competitors = page.locator(".st-key-lists_competitors textarea")
        expect(competitors).to_have_value(lists.lines("competitors"))
        expect(page.locator(".st-key-lists_own textarea")).to_have_value(lists.lines("own"))
        page.get_by_role("button", name=t("app.leads.lists_apply", lang)).click()
        expect(page.get_by_text(t("app.leads.lists_applied", lang))).to_be_visible()
        expect(competitors).to_have_value(lists.lines("competitors"))
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_failed_upload_clears_the_previous_result(app_url, browser, tmp_path, lang):
    """Test that a file that cannot be read removes the previous list's counts and ends
    in a final error status, never "reading…"."""
    broken = tmp_path / "no_person.csv"
    broken.write_text("foo,bar\n1,2\n", encoding="utf-8")
    page = _page(browser, lang)
    try:
        page.goto(f"{app_url}/leads")
        _upload(page, SAMPLE)
        rows = _metric_value(page, t("app.leads.total_rows", lang))
        expect(rows).to_have_text("300")
        _upload(page, broken)
        expect(page.get_by_text(t("journey.upload_failed", lang))).to_be_visible()
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        expect(page.get_by_text(t("app.leads.reading", lang))).to_have_count(0)
        expect(
            page.get_by_text(t("profile.no_identifier", lang, headers="foo, bar")[:20], exact=False)
        ).to_be_visible()
    finally:
        page.context.close()


def test_japanese_lead_page_shows_no_field_keys_or_none(app_url, browser):
    """Test that the Japanese lead page names fields in Japanese and shows no "None" cell
    or English placeholder."""
    page = _page(browser, "ja")
    try:
        page.goto(f"{app_url}/leads")
        _upload(page, SAMPLE)
        expect(_metric_value(page, "総行数")).to_have_text("300")
        page.get_by_text("列の対応", exact=True).click()
        expect(page.locator("[class*='st-key-map_retired_flag_']")).to_contain_text("退職者フラグ")
        main = page.get_by_test_id("stMain")
        text = main.inner_text()
        for word in ("None", "Choose an option", "retired_flag", "exchange_date", "0.000000"):
            assert word not in text, word
        expect(page.get_by_role("gridcell", name="None", exact=True)).to_have_count(0)
    finally:
        page.context.close()
