"""Share links and saved inputs at the bounds and formats mutation testing found unpinned.

Each limit is tried on both sides: the last value it lets through and the first it refuses.
"""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from engine.core.errors import InputError
from engine.diagnosis import share
from engine.diagnosis.questionnaire import Questionnaire


def _token(payload) -> str:
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    return base64.urlsafe_b64encode(zlib.compress(raw.encode(), 9)).decode().rstrip("=")


def _link(answers=None, sales=None, qid="quick") -> str:
    return _token({"v": 1, "q": qid, "a": answers or {}, "s": sales or {}})


def _inflate(token: str) -> str:
    return zlib.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))).decode()


def _refused(token: str) -> None:
    with pytest.raises(InputError) as err:
        share.decode(token)
    assert err.value.code == "app.share.invalid"


def test_token_is_compact_sorted_json_without_padding():
    """Test that a token is base64url without '=' of the compact, key-sorted, non-escaped JSON."""
    token = share.pack_token({"b": [1, 2], "a": "戦力診断"})
    assert "=" not in token and set(token) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert _inflate(token) == '{"a":"戦力診断","b":[1,2]}'
    # zlib header 0x78 0xDA: the best compression level
    assert base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))[:2] == b"\x78\xda"


@pytest.mark.parametrize("pad", range(8))
def test_tokens_of_every_length_modulo_four_decode(pad):
    """Test that a link decodes whatever its length modulo 4 (the stripped '=' padding)."""
    answers = {"biggest_challenge": "x" * pad} if pad else {}
    token = _link(answers, qid="full")
    assert share.decode(token)["answers"] == answers


def test_encode_writes_version_questionnaire_answers_and_sales():
    """Test that encode packs v=1, the questionnaire id, the answers and the sales inputs."""
    token = share.encode("quick", {"rating_closing": 4}, {"headcount": 8})
    assert json.loads(_inflate(token)) == {
        "v": 1,
        "q": "quick",
        "a": {"rating_closing": 4},
        "s": {"headcount": 8},
    }


def test_unpack_token_length_limit_is_inclusive():
    """Test that a token exactly at the character limit is read and one character over is not."""
    token = share.pack_token({"x": 1})
    assert share.unpack_token(token, len(token), 100) == {"x": 1}
    with pytest.raises(InputError):
        share.unpack_token(token, len(token) - 1, 100)


def test_unpack_token_inflated_size_limit_is_inclusive():
    """Test that JSON inflating to exactly the byte limit is read, one byte over is refused."""
    token = share.pack_token({"x": "y" * 50})
    size = len('{"x":"' + "y" * 50 + '"}')
    assert share.unpack_token(token, 4000, size) == {"x": "y" * 50}
    with pytest.raises(InputError):
        share.unpack_token(token, 4000, size - 1)


@pytest.mark.parametrize(
    "token",
    [
        "",
        None,
        42,
        # a truncated zlib stream: the inflater never reaches its end
        base64.urlsafe_b64encode(zlib.compress(b'{"x":1}')[:-3]).decode().rstrip("="),
        # valid zlib of bytes that are not UTF-8
        base64.urlsafe_b64encode(zlib.compress(b'{"x":"\xff"}')).decode().rstrip("="),
        "!!!!",
    ],
)
def test_unpack_token_refuses_what_pack_token_cannot_make(token):
    """Test that empty, non-text, truncated and non-UTF-8 tokens are the broken-link error."""
    with pytest.raises(InputError) as err:
        share.unpack_token(token, 4000, 16_000)
    assert err.value.code == "app.share.invalid"


def test_json_depth_falls_as_brackets_close():
    """Test that many sibling lists at depth 2 are not counted as deep nesting."""
    assert share.bounded_json("[" + ",".join(["[]"] * 40) + "]") == [[]] * 40
    assert share.bounded_json("[" + ",".join(['{"a":{}}'] * 30) + "]") == [{"a": {}}] * 30


def test_json_depth_limit_names_the_levels():
    """Test that the depth error says how deep is allowed, for the inputs file's detail."""
    with pytest.raises(ValueError, match=r"^nested deeper than 20 levels$"):
        share.bounded_json("{" * 21)
    with pytest.raises(ValueError, match=r"^nested deeper than 3 levels$"):
        share.bounded_json("[[[[]]]]", max_depth=3)
    assert share.bounded_json("[[[]]]", max_depth=3) == [[[]]]


@pytest.mark.parametrize(
    "payload",
    [
        {"v": 1, "q": "quick", "a": {}},
        {"v": 1, "q": "quick", "a": {}, "s": {}, "x": 1},
        {"v": 2, "q": "quick", "a": {}, "s": {}},
        {"v": 1, "q": 7, "a": {}, "s": {}},
        {"v": 1, "q": "quick!", "a": {}, "s": {}},
        {"v": 1, "q": "q" * 65, "a": {}, "s": {}},
        {"v": 1, "q": "nosuch", "a": {}, "s": {}},
        {"v": 1, "q": "quick", "a": {"rating_closing!": 3}, "s": {}},
        {"v": 1, "q": "quick", "a": {"": 3}, "s": {}},
        {"v": 1, "q": "quick", "a": {}, "s": []},
        {"v": 1, "q": "quick", "a": {}, "s": {"colour": "red"}},
    ],
)
def test_payload_shape_is_checked(payload):
    """Test that a wrong version, key set, id or section type is the broken-link error."""
    _refused(_token(payload))


def test_unanswered_questions_are_dropped_and_count_toward_the_limit():
    """Test that None answers are left out, and that 200 answers pass but 201 do not."""
    ok = {f"q{i}": None for i in range(200)} | {"rating_closing": 2}
    del ok["q0"]
    assert share.decode(_link(ok))["answers"] == {"rating_closing": 2}
    _refused(_link({f"q{i}": None for i in range(201)}))


def test_an_answer_of_the_other_questionnaire_is_checked_by_it():
    """Test that a full-questionnaire answer in a quick link is kept when it is valid there."""
    out = share.decode(_link({"biggest_challenge": "営業が足りない", "win_rate_pct": 30}))
    assert out["answers"] == {"biggest_challenge": "営業が足りない", "win_rate_pct": 30}
    _refused(_link({"win_rate_pct": 0}))


def test_text_and_list_limits_are_inclusive():
    """Test that a 200-character text and a 50-item list travel; 201 characters or 51 items do not."""
    assert share.decode(_link({"biggest_challenge": "字" * 200}, qid="full"))["answers"] == {
        "biggest_challenge": "字" * 200
    }
    _refused(_link({"biggest_challenge": "字" * 201}, qid="full"))
    out = share.decode(_link({"lead_sources": ["referral"] * 50}, qid="full"))
    assert out["answers"] == {"lead_sources": ["referral"]}
    _refused(_link({"lead_sources": ["referral"] * 51}, qid="full"))
    _refused(_link({"lead_sources": ["referral", "x" * 201]}, qid="full"))
    _refused(_link({"lead_sources": ["referral", {"a": 1}]}, qid="full"))


@pytest.mark.parametrize(
    ("answers", "clean"),
    [
        ({"leads_total": 12.0}, {"leads_total": 12}),
        ({"sales_cycle_months": 2.5}, {"sales_cycle_months": 2.5}),
        ({"ma_state": "agreed"}, {"ma_state": "agreed"}),
    ],
)
def test_plain_answers_travel(answers, clean):
    """Test that whole, fractional and choice answers come back in their normalised form."""
    assert share.decode(_link(answers))["answers"] == clean


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e12, {"a": 1}])
def test_non_plain_answers_are_refused(value):
    """Test that NaN, infinity, a huge number or a mapping is no answer."""
    raw = json.dumps({"v": 1, "q": "quick", "a": {"leads_total": value}, "s": {}})
    _refused(_token(raw))


@pytest.mark.parametrize(
    ("sales", "clean"),
    [
        (
            {"ratings": {"closing": 1, "appointment": 5}},
            {"ratings": {"appointment": 5, "closing": 1}},
        ),
        ({"ratings": {"closing": 3.5, "opportunity": None}}, {"ratings": {"closing": 3.5}}),
        (
            {"rating_spread": {"closing": 0, "appointment": 4}},
            {"rating_spread": {"appointment": 4, "closing": 0}},
        ),
        ({"raters": 1}, {"raters": 1}),
        ({"raters": 100_000}, {"raters": 100_000}),
        ({"style": "long_cycle"}, {"style": "long_cycle"}),
        ({"style": "other"}, {"style": "other"}),
        ({"style": None, "raters": None, "ratings": None}, {}),
        ({"opportunities_per_rep_month": 1000}, {"opportunities_per_rep_month": 1000}),
        ({"opportunities_per_rep_month": 2.5}, {"opportunities_per_rep_month": 2.5}),
        ({"inside_sales_headcount": 10_000}, {"inside_sales_headcount": 10_000}),
        ({"headcount": 0}, {"headcount": 0}),
        ({"win_rate": 0.01}, {"win_rate": 0.01}),
    ],
)
def test_sales_inputs_at_their_bounds_travel(sales, clean):
    """Test that each sales input at its page's bounds comes back, ratings in phase order."""
    out = share.decode(_link(sales=sales))["sales"]
    assert out == clean
    for key in ("ratings", "rating_spread"):
        if key in clean:
            assert list(out[key]) == list(clean[key])


@pytest.mark.parametrize(
    "sales",
    [
        {"ratings": {"closing": 0.99}},
        {"ratings": {"closing": 5.01}},
        {"ratings": {"closing": True}},
        {"ratings": {"closing": float("inf")}},
        {"ratings": {"negotiation": 3}},
        {"ratings": [3, 3, 3, 3]},
        {"rating_spread": {"closing": -0.5}},
        {"rating_spread": {"closing": 4.5}},
        {"raters": 0},
        {"raters": 100_001},
        {"raters": True},
        {"raters": 2.0},
        {"raters": "3"},
        {"style": "route "},
        {"opportunities_per_rep_month": 1000.5},
        {"opportunities_per_rep_month": -0.1},
        {"inside_sales_headcount": 10_001},
        {"inside_sales_headcount": -1},
        {"inside_sales_headcount": 1.5},
        {"sales_cycle_months": 60.5},
        {"win_rate": 1.01},
        {"headcount": True},
        {"headcount": float("nan")},
    ],
)
def test_sales_inputs_out_of_bounds_are_refused(sales):
    """Test that each sales input just outside its page's bounds is the broken-link error."""
    _refused(_token(json.dumps({"v": 1, "q": "quick", "a": {}, "s": sales})))


def test_unshareable_inputs_name_the_text_limit():
    """Test that the session's own bad value is 'cannot be shared', naming the 200 characters."""
    with pytest.raises(InputError) as err:
        share.encode("full", {"biggest_challenge": "x" * 201}, {})
    assert err.value.code == "app.share.unshareable"
    assert err.value.params == {"limit": 200}


def test_inputs_file_round_trip_is_pinned():
    """Test that saved inputs are indented, key-sorted JSON with every field, read back whole."""
    text = share.inputs_to_json(
        "quick", {"rating_closing": 4}, {"headcount": 8}, {"own": {"domains": ["a.jp"]}}, 3
    )
    assert text == (
        "{\n"
        '  "answers": {\n    "rating_closing": 4\n  },\n'
        '  "lists": {\n    "own": {\n      "domains": [\n        "a.jp"\n      ]\n    }\n  },\n'
        '  "overrides_count": 3,\n'
        '  "questionnaire_id": "quick",\n'
        '  "sales": {\n    "headcount": 8\n  },\n'
        '  "senryoku_inputs": 1\n'
        "}"
    )
    assert share.inputs_from_json(("\ufeff" + text).encode()) == {
        "questionnaire_id": "quick",
        "answers": {"rating_closing": 4},
        "sales": {"headcount": 8},
        "lists": {"own": {"domains": ["a.jp"]}},
    }
    bare = json.loads(share.inputs_to_json("quick", {}, {}))
    assert bare["lists"] == {} and bare["overrides_count"] == 0
    assert share.inputs_to_json("quick", {}, {}, None, True).count('"overrides_count": 1') == 1


def test_inputs_file_defaults_missing_sections():
    """Test that a saved file without answers, sales or lists reads as empty ones."""
    doc = '{"senryoku_inputs": 1, "questionnaire_id": "quick", "lists": null}'
    assert share.inputs_from_json(doc) == {
        "questionnaire_id": "quick",
        "answers": {},
        "sales": {},
        "lists": {},
    }


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"\xff\xfe{}", "UTF-8"),
        ("{not json", "JSON: Expecting property name enclosed in double quotes"),
        ("[" * 21 + "]" * 21, "JSON: nested deeper than 20 levels"),
        ("[1]", "senryoku_inputs"),
        ('{"senryoku_inputs": 2}', "senryoku_inputs"),
        ('{"senryoku_inputs": 1, "questionnaire_id": "nosuch"}', "answers / sales"),
        ('{"senryoku_inputs": 1, "questionnaire_id": "quick", "lists": "own"}', "lists"),
    ],
)
def test_inputs_file_errors_name_what_is_wrong(data, detail):
    """Test that each broken saved-inputs file is refused naming the part that is wrong."""
    with pytest.raises(InputError) as err:
        share.inputs_from_json(data)
    assert err.value.code == "app.inputs.invalid"
    assert err.value.params == {"detail": detail}


def test_inputs_file_size_limit_is_inclusive():
    """Test that a 1,000,000-byte file is read and 1,000,001 bytes are refused, as bytes or text."""
    head = '{"senryoku_inputs": 1, "questionnaire_id": "quick", "pad": "'
    doc = head + "x" * (1_000_000 - len(head) - 2) + '"}'
    assert len(doc) == 1_000_000
    for data in (doc, doc.encode()):
        assert share.inputs_from_json(data)["questionnaire_id"] == "quick"
    over = doc[:-2] + 'x"}'
    for data in (over, over.encode()):
        with pytest.raises(InputError) as err:
            share.inputs_from_json(data)
        assert err.value.params == {"detail": "> 1,000,000 bytes"}


def test_inputs_file_keeps_japanese_readable():
    """Test that a Japanese answer is written as itself in the saved file, not as \\u escapes."""
    text = share.inputs_to_json("full", {"biggest_challenge": "営業が足りない"}, {})
    assert '"biggest_challenge": "営業が足りない"' in text


def test_every_token_reads_back():
    """Test that tokens of 300 payloads (any length, any last character) carry no '=' and read back."""
    for i in range(300):
        token = share.pack_token({"i": i})
        assert "=" not in token
        assert share.unpack_token(token, 4000, 16_000) == {"i": i}


def test_an_answer_is_checked_by_the_chosen_questionnaire_first():
    """Test that 0 inside-sales people is refused in a full link (min 1) but kept in a quick one."""
    _refused(_link({"inside_sales_headcount": 0}, qid="full"))
    assert share.decode(_link({"inside_sales_headcount": 0}))["answers"] == {
        "inside_sales_headcount": 0
    }


def _only(monkeypatch, *questions: dict) -> None:
    """Make a questionnaire "mini" of these questions the only one a link can name."""
    text = {"ja": "ミニ", "en": "Mini"}
    mini = Questionnaire.model_validate(
        {"id": "mini", "version": 1, "title": text, "description": text, "questions": questions}
    )
    monkeypatch.setattr(share, "available_questionnaires", lambda: {"mini": mini})


# 2,000 different kanji: text that compresses little, as a consultant's free-text answers do
KANJI = "".join(chr(0x4E00 + (i * 7919) % 20_000) for i in range(2_000))


def test_a_link_over_4000_characters_is_too_large(monkeypatch):
    """Test that ten 200-character free-text answers make no link, naming the 4,000 limit."""
    _only(
        monkeypatch,
        *({"id": f"t{i}", "type": "text", "text": {"ja": "記述", "en": "Text"}} for i in range(10)),
    )
    answers = {f"t{i}": KANJI[i * 200 : (i + 1) * 200] for i in range(10)}
    with pytest.raises(InputError) as err:
        share.encode("mini", answers, {})
    assert (err.value.code, err.value.params) == ("app.share.too_large", {"limit": 4000})
    assert "4000" in err.value.message("en")
    assert share.decode(share.encode("mini", {"t0": KANJI[:200]}, {}))["answers"] == {
        "t0": KANJI[:200]
    }


def test_token_length_limit_of_encode_is_inclusive(monkeypatch):
    """Test that a link exactly at the character limit is made and one character over is not."""
    token = share.encode("quick", {"rating_closing": 4}, {"headcount": 8})
    monkeypatch.setattr(share, "MAX_TOKEN_CHARS", len(token))
    assert share.encode("quick", {"rating_closing": 4}, {"headcount": 8}) == token
    monkeypatch.setattr(share, "MAX_TOKEN_CHARS", len(token) - 1)
    with pytest.raises(InputError) as err:
        share.encode("quick", {"rating_closing": 4}, {"headcount": 8})
    assert (err.value.code, err.value.params) == ("app.share.too_large", {"limit": len(token) - 1})


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (999_999_999_999.5, True),
        (-999_999_999_999.5, True),
        (1e12, False),
        (-1e12, False),
        (1e300, False),
    ],
)
def test_a_fractional_answer_must_be_under_a_trillion(monkeypatch, value, kept):
    """Test that a number question without a maximum still refuses fractional answers of 10^12 or more."""
    _only(monkeypatch, {"id": "n", "type": "number", "text": {"ja": "数", "en": "Number"}})
    link = _link({"n": value}, qid="mini")
    if kept:
        assert share.decode(link)["answers"] == {"n": value}
    else:
        _refused(link)


def test_a_malformed_question_id_is_refused_even_unanswered():
    """Test that a link whose answer key is no question id is broken even when its answer is empty."""
    assert share.decode(_link({"not_asked": None}))["answers"] == {}
    _refused(_link({"rating_closing!": None}))
    _refused(_link({"q" * 65: None}))


def test_json_depth_counts_each_closing_bracket_once():
    """Test that after a closed sibling list, 20 more levels pass and 21 are refused."""
    deep = "[[]," + "[" * 19 + "]" * 19 + "]"
    assert share.bounded_json(deep) == json.loads(deep)
    with pytest.raises(ValueError, match=r"^nested deeper than 20 levels$"):
        share.bounded_json("[[]," + "[" * 20 + "]" * 20 + "]")


def test_json_too_deep_for_the_parser_is_the_depth_error():
    """Test that JSON nested past the parser's own limit is the depth error, not a RecursionError."""
    with pytest.raises(ValueError, match=r"^nested deeper than 1000000 levels$"):
        share.bounded_json("[" * 100_000 + "]" * 100_000, max_depth=1_000_000)
