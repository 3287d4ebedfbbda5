"""Share links and saved inputs are untrusted: every leaf is checked before any page uses it.

The hostile values below are the ones a hostile pass used to crash pages (issue 15, item 5):
a number answer as a string, a scale answer as a string or 99, a multi-choice as an int, a
negative headcount, a win rate given in percent, a JSON nested 2,000 levels deep.
"""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.core.errors import InputError
from engine.core.i18n import t
from engine.diagnosis import share

ROOT = Path(__file__).resolve().parent.parent
BROKEN_LINK_JA = "共有リンクを読み取れませんでした。リンクが途中で切れていないか確認し、もう一度コピーしてください。"


def _token(payload) -> str:
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    return base64.urlsafe_b64encode(zlib.compress(raw.encode(), 9)).decode().rstrip("=")


def _link(answers=None, sales=None, qid="quick") -> str:
    return _token({"v": 1, "q": qid, "a": answers or {}, "s": sales or {}})


DEEP_ANSWERS = '{"v":1,"q":"quick","a":' + "[" * 2000 + "]" * 2000 + ',"s":{}}'
DEEP_SALES = '{"v":1,"q":"quick","a":{},"s":{"ratings":' + '{"x":' * 2000 + "1" + "}" * 2000 + "}}"

HOSTILE_LINKS = {
    # number question (quick.leads_total: 0..10,000,000)
    "number as string": _link({"leads_total": "10000"}),
    "number below min": _link({"leads_total": -1}),
    "number above max": _link({"leads_total": 10_000_001}),
    "number as bool": _link({"leads_total": True}),
    "number as list": _link({"leads_total": [1]}),
    # scale question (1..5, whole)
    "scale as string": _link({"rating_closing": "5"}),
    "scale 99": _link({"rating_closing": 99}),
    "scale 0": _link({"rating_closing": 0}),
    "scale 2.5": _link({"rating_closing": 2.5}),
    # choice questions
    "single choice not an option": _link({"sales_style": "zzz"}),
    "single choice as int": _link({"sales_style": 1}),
    "multi choice as int": _link({"lead_sources": 3}, qid="full"),
    "multi choice unknown option": _link({"lead_sources": ["nowhere"]}, qid="full"),
    "boolean as string": _link({"ma_in_use": "true"}),
    "text as number": _link({"biggest_challenge": 5}, qid="full"),
    "unknown question": _link({"no_such_question": 1}),
    "unknown questionnaire": _link({}, qid="nosuch"),
    # sales inputs
    "negative headcount": _link(sales={"headcount": -3}),
    "headcount 2.5": _link(sales={"headcount": 2.5}),
    "headcount above the page's 10,000": _link(sales={"headcount": 10_001}),
    "win rate in percent": _link(sales={"win_rate": 55}),
    "win rate 0": _link(sales={"win_rate": 0}),
    "negative win rate": _link(sales={"win_rate": -0.2}),
    "sales cycle above the page's 60": _link(sales={"sales_cycle_months": 61}),
    "sales cycle 0.5 below the page's 1": _link(sales={"sales_cycle_months": 0.5}),
    "rating as string": _link(sales={"ratings": {"closing": "5"}}),
    "style unknown": _link(sales={"style": "cold_calls"}),
    "headcount as string": _link(sales={"headcount": "8"}),
    # shape
    "answers nested 2,000 deep": _token(DEEP_ANSWERS),
    "sales nested 2,000 deep": _token(DEEP_SALES),
    "answers not a mapping": _token({"v": 1, "q": "quick", "a": [1, 2], "s": {}}),
    "payload a list": _token([1, 2, 3]),
}


@pytest.mark.parametrize("name", list(HOSTILE_LINKS))
def test_hostile_share_link_is_the_broken_link_error(name):
    """Test that each hostile link value is refused with the broken-link error."""
    with pytest.raises(InputError) as err:
        share.decode(HOSTILE_LINKS[name])
    assert err.value.code == "app.share.invalid"
    assert err.value.message("ja") == BROKEN_LINK_JA


@pytest.mark.parametrize(
    ("answers", "sales", "qid"),
    [
        ({"leads_total": 0, "target_leads": 10_000_000}, {}, "quick"),
        ({"rating_closing": 1, "rating_appointment": 5}, {}, "quick"),
        ({"sales_style": "route", "ma_in_use": False}, {}, "quick"),
        ({"lead_sources": ["trade_show", "referral"]}, {}, "full"),
        ({}, {"headcount": 10_000, "inside_sales_headcount": 0}, "quick"),
        ({}, {"win_rate": 1, "sales_cycle_months": 60, "opportunities_per_rep_month": 0}, "quick"),
        ({}, {"win_rate": 0.25, "sales_cycle_months": 1}, "quick"),
    ],
)
def test_values_at_their_bounds_travel(answers, sales, qid):
    """Test that values on the edge of their range still travel in a link unchanged."""
    assert share.decode(_link(answers, sales, qid)) == {
        "questionnaire_id": qid,
        "answers": answers,
        "sales": sales,
    }


def test_whole_numbers_written_as_floats_come_back_whole():
    """Test that 8.0 people and a scale of 4.0 are taken as 8 and 4 (what a slider holds)."""
    out = share.decode(_link({"rating_closing": 4.0}, {"headcount": 8.0}))
    assert out["answers"] == {"rating_closing": 4} and out["sales"] == {"headcount": 8}
    assert type(out["answers"]["rating_closing"]) is int and type(out["sales"]["headcount"]) is int


def test_json_depth_is_counted_outside_strings():
    """Test that brackets inside a text answer do not count as nesting, and 21 levels do."""
    text = "[[[[" * 30
    assert share.bounded_json(json.dumps({"a": text})) == {"a": text}
    with pytest.raises(ValueError):
        share.bounded_json("[" * 21 + "]" * 21)
    assert share.bounded_json("[" * 20 + "]" * 20) == [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]


@pytest.mark.parametrize(
    ("doc", "detail"),
    [
        ('{"senryoku_inputs": 1, "answers": ' + "[" * 2000 + "]" * 2000 + "}", "JSON"),
        ('{"senryoku_inputs": 1, "lists": ' + '{"a":' * 2000 + "1" + "}" * 2001, "JSON"),
        (
            '{"senryoku_inputs": 1, "questionnaire_id": "quick", "answers": {"rating_closing": 99}}',
            "answers",
        ),
        (
            '{"senryoku_inputs": 1, "questionnaire_id": "quick", "sales": {"headcount": -1}}',
            "sales",
        ),
        ('{"senryoku_inputs": 1, "questionnaire_id": "quick", "lists": [1]}', "lists"),
    ],
)
def test_hostile_inputs_file_is_one_clear_error(doc, detail):
    """Test that a saved-inputs file nested 2,000 deep or holding a bad value is the one
    inputs error naming what is wrong, never a RecursionError."""
    with pytest.raises(InputError) as err:
        share.inputs_from_json(doc.encode())
    assert err.value.code == "app.inputs.invalid"
    assert detail in err.value.message("en")


def test_oversized_inputs_file_is_refused_before_parsing():
    """Test that an inputs file over 1,000,000 bytes is refused (as bytes and as text)."""
    doc = '{"senryoku_inputs": 1, "pad": "' + "x" * 1_000_000 + '"}'
    for data in (doc, doc.encode()):
        with pytest.raises(InputError) as err:
            share.inputs_from_json(data)
        assert "1,000,000" in err.value.message("en")


PAGES = ("app.py", "pages/questionnaire.py", "pages/sales.py", "pages/results.py")


@pytest.mark.parametrize(
    "name",
    [
        "number as string",
        "scale 99",
        "multi choice as int",
        "answers nested 2,000 deep",
        "headcount above the page's 10,000",
        "sales cycle 0.5 below the page's 1",
    ],
)
def test_crafted_link_shows_the_message_on_every_page(name):
    """Test that a crafted link opened on the first page shows the broken-link message, no
    exception, and every later page still draws."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["s"] = HOSTILE_LINKS[name]
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [BROKEN_LINK_JA]
    for page in PAGES[2:]:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, page


def test_crafted_link_message_in_english():
    """Test that the English page shows the same one-line message in English."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.query_params["s"] = HOSTILE_LINKS["scale as string"]
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("app.share.invalid", "en")]


@pytest.mark.parametrize(
    "name",
    [
        "inputs_answers_2000_deep.json",
        "inputs_lists_2000_deep.json",
        "inputs_multi_choice_int.json",
    ],
)
def test_hostile_inputs_file_upload_shows_one_error(name):
    """Test that uploading a hostile saved-inputs file on the first page shows the inputs
    error and keeps the page (no exception), with the answers left as they were."""
    data = (ROOT / "tests" / "corpus" / "hostile" / name).read_bytes()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    before = dict(at.session_state["answers"])  # the sliders, answered at the 3 they show
    at.file_uploader(key="inputs_file").upload(name, data, "application/json")
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith(
        "入力ファイル（JSON）を読み込めませんでした"
    )
    assert at.session_state["answers"] == before
