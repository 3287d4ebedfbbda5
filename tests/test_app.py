"""AppTest of every page: the journey's widgets, the numbers shown, no exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.charts import CATEGORIES
from engine.leadset import LeadSet
from engine.lists import Lists

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "salesforce_leads_ja.csv"


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def sample_profile():
    """The engine's own profile of the sample export (what the page must show)."""
    with LeadSet.open(SAMPLE) as leadset:
        return leadset.profile(Lists())


def test_app_starts_in_japanese_and_switches_to_english():
    """Test that the first page is the questionnaire in Japanese and one switch makes it English."""
    at = _app()
    assert at.header[0].value == "1. 質問票"
    assert [p.label for p in at.get("page_link")][:4] == [
        "▶ 1. 質問票",
        "2. リードリスト",
        "3. 営業ファネル",
        "4. 診断結果",
    ]
    at.button_group(key="lang_switch").set_value("en").run()
    assert not at.exception
    assert at.header[0].value == "1. Questionnaire"
    assert at.session_state["lang"] == "en"


def test_sales_page_keeps_ratings_across_pages():
    """Test that slider moves land in the canonical sales state and survive a page switch."""
    at = _app()
    at.switch_page("pages/sales.py").run()
    at.slider(key="rating_closing").set_value(5).run()
    at.slider(key="rating_appointment").set_value(2).run()
    at.number_input(key="sales_headcount").set_value(8).run()
    at.number_input(key="sales_opportunities_per_rep_month").set_value(4.0).run()
    assert not at.exception
    sales = at.session_state["sales"]
    assert sales["ratings"] == {"appointment": 2, "relationship": 3, "opportunity": 3, "closing": 5}
    assert sales["headcount"] == 8
    assert _metrics(at)["チームで対応できる商談数 / 月"] == "32"
    at.switch_page("pages/questionnaire.py").run()
    at.switch_page("pages/sales.py").run()
    assert at.slider(key="rating_closing").value == 5
    assert at.number_input(key="sales_headcount").value == 8


def test_lead_page_upload_shows_the_engine_counts(sample_profile):
    """Test that uploading the CP932 Salesforce export shows the engine's row and target counts."""
    at = _app()
    at.switch_page("pages/leads.py").run()
    at.file_uploader(key="leads_file").upload(SAMPLE.name, SAMPLE.read_bytes(), "text/csv").run()
    assert not at.exception and not at.error
    metrics = _metrics(at)
    target = sample_profile.categories["target"]
    assert metrics["総行数"] == f"{sample_profile.rows:,}"
    assert metrics["ターゲットリード"] == f"{target:,}"
    assert metrics["ターゲット以外"] == f"{sample_profile.rows - target:,}"
    counts = at.dataframe[0].value
    assert list(counts["件数"]) == [sample_profile.categories[c] for c in CATEGORIES]


def test_adding_a_company_to_the_partner_list_recounts(sample_profile):
    """Test that adding a target row's company to the partner list moves its rows out of target."""
    at = _app()
    at.switch_page("pages/leads.py").run()
    at.file_uploader(key="leads_file").upload(SAMPLE.name, SAMPLE.read_bytes(), "text/csv").run()
    leadset = at.session_state["leadset"]
    company_col = leadset.mapping["company"]
    company = str(leadset.rows("target", limit=1)[company_col].iloc[0])
    expected = leadset.profile(Lists().add("partners", company=company))
    at.text_input(key="add_value").set_value(company)
    at.selectbox(key="add_kind").set_value("partners")
    at.button[[b.label for b in at.button].index("追加して再集計")].click().run()
    assert not at.exception
    metrics = _metrics(at)
    assert expected.categories["partner"] > 0
    assert metrics["ターゲットリード"] == f"{expected.categories['target']:,}"
    assert int(metrics["ターゲットリード"].replace(",", "")) < sample_profile.categories["target"]


def test_broken_share_link_says_so():
    """Test that a damaged share link shows a clear message instead of failing."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["s"] = "not-a-token"
    at.run()
    assert not at.exception
    assert any("共有リンクを読み取れませんでした" in e.value for e in at.error)
