"""AppTest of every page: the journey's widgets, the numbers shown, no exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.core.errors import InputError
from engine.core.i18n import t
from engine.diagnosis import share
from engine.leads.leadset import LeadSet
from engine.leads.lists import Lists, load_lists
from engine.reports.charts import CATEGORIES

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


def _questionnaire_app(qid: str) -> AppTest:
    at = _app()
    at.button_group(key="questionnaire_select").set_value(qid).run()
    assert not at.exception
    return at


def test_full_questionnaire_branches_live_and_keeps_answers():
    """Test that answering ma_in_use=yes reveals its follow-ups, no hides them, and
    answers survive a trip to another page."""
    at = _questionnaire_app("full")
    assert "q_ma_tool" not in [w.key for w in at.radio]
    at.radio(key="q_ma_in_use").set_value(True).run()
    assert "q_ma_tool" in [w.key for w in at.radio]
    assert "q_mql_definition_agreed" in [w.key for w in at.radio]
    at.number_input(key="q_leads_total").set_value(5000).run()
    at.radio(key="q_ma_in_use").set_value(False).run()
    assert "q_ma_tool" not in [w.key for w in at.radio]
    answers = dict(at.session_state["answers"])
    shown = {k: answers.pop(k) for k in list(answers) if k.startswith("rating_")}
    assert answers == {"ma_in_use": False, "leads_total": 5000}
    assert shown and set(shown.values()) == {3}  # untouched sliders: answered as shown
    at.switch_page("pages/sales.py").run()
    at.switch_page("pages/questionnaire.py").run()
    assert at.number_input(key="q_leads_total").value == 5000
    assert at.radio(key="q_ma_in_use").value is False


def test_results_show_the_engine_diagnosis_and_a_share_link_restores_it():
    """Test that the results page shows the engine's numbers for the answers given, and
    that opening its share link in a new session shows the same."""
    from engine.diagnosis.diagnose import diagnose
    from engine.diagnosis.questionnaire import available_questionnaires
    from engine.diagnosis.share import decode

    at = _questionnaire_app("quick")
    at.number_input(key="q_leads_total").set_value(8000).run()
    at.number_input(key="q_target_leads").set_value(1500).run()
    at.switch_page("pages/sales.py").run()
    at.slider(key="rating_closing").set_value(5).run()
    at.slider(key="rating_appointment").set_value(1).run()
    at.slider(key="rating_relationship").set_value(2).run()
    at.switch_page("pages/results.py").run()
    assert not at.exception and not at.error
    facts = (
        available_questionnaires()["quick"]
        .to_facts({"leads_total": 8000, "target_leads": 1500})
        .with_values(
            {
                "sales.ratings.appointment": 1,
                "sales.ratings.relationship": 2,
                "sales.ratings.opportunity": 3,
                "sales.ratings.closing": 5,
            }
        )
    )
    expected = diagnose(facts, None, "ja")
    metrics = _metrics(at)
    assert metrics["ターゲットリード数"] == "1,500"
    assert metrics["リード基盤"] == "運用可能"  # the range is in the help, never cut off
    assert expected.lead_base == "workable"
    texts = " ".join(m.value for m in at.markdown)
    assert "営業の前で見極める" in texts  # qualify_before_sales for a closing-heavy team
    assert [w.value for w in at.warning] == [w.text for w in expected.warnings]
    link = next(c.value for c in at.code if "?s=" in c.value)
    token = link.split("?s=", 1)[1]
    assert decode(token)["sales"]["ratings"]["closing"] == 5

    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    fresh.query_params["s"] = token
    fresh.run()
    fresh.switch_page("pages/results.py").run()
    assert not fresh.exception
    assert _metrics(fresh)["ターゲットリード数"] == "1,500"
    assert [w.value for w in fresh.warning] == [w.text for w in expected.warnings]


def test_sample_button_walks_to_results_with_the_sample_list():
    """Test that 'try with sample data' loads the export, lists and answers and shows results."""
    at = _app()
    at.button(key="sample_button").click().run()
    assert not at.exception and not at.error
    assert at.header[0].value == "4. 診断結果"
    with LeadSet.open(SAMPLE) as leadset:
        expected = leadset.profile(load_lists(ROOT / "sample_data" / "lists.yaml"))
    metrics = _metrics(at)
    assert metrics["ターゲットリード数"] == f"{expected.categories['target']:,}"
    assert metrics["総行数"] == f"{expected.rows:,}"
    # the sample company believes all 300 records are targets: the data says otherwise
    gap = [w.value for w in at.warning if f"{expected.categories['target']} 件でした" in w.value]
    assert len(gap) == 1 and "300 件" in gap[0]


def test_saved_inputs_load_back_on_the_first_page():
    """Test that an inputs.json from the results page restores answers, sales and lists."""
    from engine.diagnosis.share import inputs_to_json

    doc = inputs_to_json(
        "quick",
        {"leads_total": 4000, "target_leads": 3200},
        {"headcount": 12, "ratings": {"closing": 4}},
        {"competitors": {"domains": ["rival-ma.co.jp"], "companies": []}},
        3,
    )
    at = _app()
    at.file_uploader(key="inputs_file").upload("inputs.json", doc.encode(), "application/json")
    at.run()
    assert not at.exception and not at.error
    answers = at.session_state["answers"]
    assert {k: v for k, v in answers.items() if not k.startswith("rating_")} == {
        "leads_total": 4000,
        "target_leads": 3200,
    }
    assert at.session_state["sales"]["headcount"] == 12
    assert at.session_state["lists"].competitors.domains == ["rival-ma.co.jp"]
    assert at.number_input(key="q_target_leads").value == 3200


def test_sales_page_rounds_team_means_and_says_they_are_the_teams():
    """Test that team means seed the sliders rounded (3.7 -> 4, 2.5 -> 3), a note names the
    number of raters, and moving a slider makes the ratings the user's own again."""
    at = _app()
    at.session_state["sales"] = {
        "ratings": {"appointment": 3.7, "relationship": 2.5, "opportunity": 1.2, "closing": 4.4},
        "rating_spread": {"appointment": 1, "relationship": 3, "opportunity": 0, "closing": 2},
        "raters": 5,
    }
    at.switch_page("pages/sales.py").run()
    assert not at.exception
    sliders = {s.key: s.value for s in at.slider}
    assert sliders == {
        "rating_appointment": 4,
        "rating_relationship": 3,
        "rating_opportunity": 1,
        "rating_closing": 4,
    }
    note = t("app.sales.team_note", "ja", raters=5)
    assert [i.value for i in at.info].count(note) == 1
    at.slider(key="rating_closing").set_value(5).run()
    sales = at.session_state["sales"]
    assert sales["ratings"] == {"appointment": 4, "relationship": 3, "opportunity": 1, "closing": 5}
    assert "rating_spread" not in sales and "raters" not in sales
    assert note not in [i.value for i in at.info]


def test_results_page_says_when_inputs_cannot_be_shared():
    """Test that answers a share link cannot carry show one error on the results page, with
    the reports still offered, instead of breaking the page."""
    at = _questionnaire_app("full")
    long_text = "課題" * 150
    at.session_state["answers"] = {"leads_total": 8000, "biggest_challenge": long_text}
    at.switch_page("pages/results.py").run()
    assert not at.exception
    expected = t("app.share.unshareable", "ja", limit=share.MAX_TEXT_CHARS)
    assert [e.value for e in at.error] == [expected]
    assert not [c for c in at.code if "?s=" in c.value]
    assert _metrics(at)["リード基盤"]


def test_sales_inputs_the_diagnosis_refuses_are_named_on_results_and_sales_pages():
    """Test that a sales input outside the facts' range (a 200-month cycle from a saved file)
    shows the engine's message naming the field, on the results and the sales page."""
    from engine.diagnosis.facts import Facts

    at = _app()
    at.session_state["answers"] = {"leads_total": 8000}
    at.session_state["sales"] = {"sales_cycle_months": 200}
    with pytest.raises(InputError) as err:
        Facts.from_dict({"sales": {"sales_cycle_months": 200}})
    expected = err.value.message("ja")
    assert "sales.sales_cycle_months" in expected
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [expected]
    at.switch_page("pages/sales.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [expected]


def test_lists_form_reads_urls_full_width_and_underscore_hosts_as_domains(sample_profile):
    """Test that the lists form stores https://rival.example/about, ｒｉｖａｌ.example and
    mail_gw.rival.example as domains (as the engine reads them), not as company names."""
    at = _app()
    at.switch_page("pages/leads.py").run()
    at.file_uploader(key="leads_file").upload(SAMPLE.name, SAMPLE.read_bytes(), "text/csv").run()
    lines = "https://rival.example/about\nｒｉｖａｌ.example\nmail_gw.rival.example\nライバル商事"
    at.text_area(key="lists_competitors").set_value(lines)
    at.button(key="FormSubmitter:lists_form-" + t("app.leads.lists_apply", "ja")).click().run()
    assert not at.exception and not at.error
    competitors = at.session_state["lists"].competitors
    assert competitors.domains == ["rival.example", "mail_gw.rival.example"]
    assert competitors.companies == ["ライバル商事"]
    assert at.text_area(key="lists_competitors").value == (
        "rival.example\nmail_gw.rival.example\nライバル商事"
    )


def test_conclusion_card_quotes_the_diagnosis():
    """Test that the conclusion card names the diagnosis's placement, first initiative,
    target leads with the short verdict, and whether the goal fits the capacity."""
    from engine.diagnosis.diagnose import diagnose
    from engine.diagnosis.questionnaire import available_questionnaires
    from ui.conclusion import conclusion

    facts = (
        available_questionnaires()["quick"]
        .to_facts({"leads_total": 8000, "target_leads": 1500, "new_deals_per_year": 240})
        .with_values({"sales.headcount": 2, "sales.opportunities_per_rep_month": 4})
    )
    card = conclusion(diagnose(facts, None, "ja"), "ja")
    lines = {line.key: line for line in card.lines}
    assert list(lines) == ["placement", "first_step", "target_leads", "goal"]
    assert lines["target_leads"].value == "1,500 件（運用可能）"
    # 2 reps × 4 opportunities a month × 12 × the 25% benchmark win rate = 24 deals a year,
    # a tenth of the 240 asked: the report's verdict, word for word
    assert lines["goal"].value == "今の営業体制では受けきれません"
    assert "営業の対応力は年 24 件" in lines["goal"].detail
    assert "月の新規リード数が未入力" in lines["goal"].detail


def test_deep_links_on_a_fresh_server_still_rely_on_streamlits_pages_flag():
    """Test that Streamlit still has the flag ``ensure_routed`` clears (a pages/ folder
    next to app.py turns it on): the day Streamlit drops or renames it, this fails and the
    guard in ui/state.py must be revisited."""
    from streamlit.runtime.pages_manager import PagesManager

    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None
        PagesManager(str(ROOT / "app.py"))
        assert PagesManager.uses_pages_directory is True
    finally:
        PagesManager.uses_pages_directory = saved


def test_results_page_draws_every_panel_for_an_uploaded_list_with_a_correction():
    """Test that the results page of an uploaded CP932 list with one row reclassified draws
    the conclusion, the metrics and all three initiatives, without an exception (the list's
    counts reach every panel as one typed summary)."""
    from engine.leads.leadset import LeadSet

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    leadset = LeadSet.open(ROOT / "sample_data" / "salesforce_leads_ja.csv")
    first_target = int(leadset.rows("target", limit=1)["_row"].iloc[0])
    at.session_state["answers"] = {"leads_total": 300, "target_leads": 200, "sales_style": "route"}
    at.session_state["leadset"] = leadset
    at.session_state["overrides"] = {first_target: "partner"}
    at.session_state["sales"] = {
        "ratings": {"appointment": 1, "relationship": 1, "opportunity": 3, "closing": 5}
    }
    at.switch_page("pages/results.py").run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["総行数"] == "300"
    keys = {c.key for c in at.get("flex_container") if getattr(c, "key", None)}
    assert {"conclusion", "initiative_lead_gen", "initiative_content", "initiative_scoring"} <= keys
