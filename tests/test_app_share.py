"""Share links and charts data: what the app puts in a URL and what it draws."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.core.errors import InputError
from engine.core.vocab import CATEGORIES
from engine.diagnosis import share
from engine.reports import charts

ANSWERS = {"industry": "manufacturing", "leads_total": 10000, "ma_in_use": False}
SALES = {
    "ratings": {"appointment": 2, "relationship": 2, "opportunity": 3, "closing": 5},
    "headcount": 8,
    "style": "route",
}


def test_share_token_round_trips_answers_and_sales():
    """Test that a share token gives back exactly the answers and sales put in."""
    token = share.encode("quick", ANSWERS, SALES)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert share.decode(token) == {"questionnaire_id": "quick", "answers": ANSWERS, "sales": SALES}


def _raw_token(payload) -> str:
    raw = zlib.compress(json.dumps(payload).encode())
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "payload",
    [
        {"v": 1, "q": "quick", "a": {}, "s": {"ratings": {"closing": 9}}},
        {"v": 1, "q": "quick", "a": {}, "s": {"rows": [{"email": "a@b.jp"}]}},
        {"v": 1, "q": "quick", "a": {"x": {"nested": 1}}, "s": {}},
        {"v": 1, "q": "../etc", "a": {}, "s": {}},
        {"v": 1, "q": "quick", "a": {}, "s": {}, "profile": {"rows": 3}},
        {"v": 2, "q": "quick", "a": {}, "s": {}},
    ],
)
def test_share_token_with_foreign_content_is_refused(payload):
    """Test that a token carrying anything but plain answers and sales is refused."""
    with pytest.raises(InputError) as err:
        share.decode(_raw_token(payload))
    assert err.value.code == "app.share.invalid"


def test_share_token_compression_bomb_is_refused():
    """Test that a token inflating past the size bound is refused, not expanded."""
    payload = {"v": 1, "q": "quick", "a": {"x": "a" * 200}, "s": {}}
    bomb = json.dumps(payload).replace("}", " " * 200_000 + "}", 1)
    token = base64.urlsafe_b64encode(zlib.compress(bomb.encode(), 9)).decode()
    assert len(token) < share.MAX_TOKEN_CHARS
    with pytest.raises(InputError):
        share.decode(token)


TEAM_SALES = {
    "ratings": {"appointment": 3.7, "relationship": 2.5, "opportunity": 3, "closing": 4.3},
    "rating_spread": {"appointment": 1, "relationship": 2.0, "opportunity": 0, "closing": 4},
    "raters": 6,
    "headcount": 8,
}


def test_team_ratings_travel_in_share_links_and_saved_inputs():
    """Test that team means, their spread and the rater count survive a share link and an
    inputs file unchanged."""
    token = share.encode("quick", ANSWERS, TEAM_SALES)
    assert share.decode(token)["sales"] == TEAM_SALES
    saved = share.inputs_from_json(share.inputs_to_json("quick", ANSWERS, TEAM_SALES))
    assert saved["sales"] == TEAM_SALES


@pytest.mark.parametrize(
    "sales",
    [
        {"ratings": {"closing": 5.5}},
        {"ratings": {"closing": 0.9}},
        {"ratings": {"closing": float("nan")}},
        {"ratings": {"closing": float("inf")}},
        {"rating_spread": {"closing": 4.5}},
        {"rating_spread": {"closing": -1}},
        {"rating_spread": {"closing": True}},
        {"rating_spread": {"pipeline": 1}},
        {"rating_spread": [1, 2]},
        {"raters": 0},
        {"raters": 2.5},
        {"raters": True},
        {"headcount": float("nan")},
    ],
)
def test_team_values_out_of_range_are_refused(sales):
    """Test that a link carrying a team value outside its range (or not a number) is refused."""
    payload = {"v": 1, "q": "quick", "a": {}, "s": sales}
    with pytest.raises(InputError) as err:
        share.decode(_raw_token(payload))
    assert err.value.code == "app.share.invalid"


def test_inputs_a_link_cannot_carry_say_so_not_broken_link():
    """Test that the session's own inputs too long for a link raise the 'cannot be shared'
    error (with the limit), not the broken-link one."""
    answers = {"biggest_challenge": "x" * (share.MAX_TEXT_CHARS + 1)}
    for make in (share.encode, share.inputs_to_json):
        with pytest.raises(InputError) as err:
            make("full", answers, {})
        assert err.value.code == "app.share.unshareable"
        assert str(share.MAX_TEXT_CHARS) in err.value.message("en")


@given(st.text(max_size=300))
def test_share_decode_never_fails_unexpectedly(text):
    """Test that any string in the URL gives a result or the one share error."""
    try:
        out = share.decode(text)
    except InputError as exc:
        assert exc.code == "app.share.invalid"
    else:
        assert set(out) == {"questionnaire_id", "answers", "sales"}


def test_waterfall_highlights_inside_sales_only_when_placed():
    """Test that ISAL and ISQL are highlighted exactly when inside sales is placed."""
    stages = {"mql": 40, "isal": 20, "isql": 10, "sal": 8, "sql": 5}
    placed = charts.waterfall_data(stages, "qualify_before_sales", "en")
    assert [r["value"] for r in placed] == [40, 20, 10, 8, 5]
    assert [r["key"] for r in placed if r["highlight"]] == ["isal", "isql"]
    assert not any(r["highlight"] for r in charts.waterfall_data(stages, "not_yet", "en"))


def test_composition_shares_add_up():
    """Test that the composition rows carry every category and shares sum to one."""
    rows = charts.composition_data({"target": 30, "duplicate": 10, "partner": 10}, "ja")
    assert [r["key"] for r in rows] == list(CATEGORIES)
    assert rows[0]["label"] == "ターゲット" and rows[0]["share"] == pytest.approx(0.6)
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
