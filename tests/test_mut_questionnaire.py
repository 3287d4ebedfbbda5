"""Questionnaires: each answer check, condition form and load-time check named exactly.

The questions are written here, so the expected codes, fields and bounds come from the
questionnaire format (docs/architecture.md), not from running the code.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from engine.core.errors import ConfigError, InputError
from engine.diagnosis.questionnaire import (
    Condition,
    Question,
    Questionnaire,
    available_questionnaires,
    load_answers,
    load_questionnaire,
)


def _text(s: str) -> dict:
    return {"ja": f"{s}（日本語）", "en": s}


def _q(qid: str, kind: str, **kw) -> dict:
    return {"id": qid, "type": kind, "text": _text(qid)} | kw


def _opts(*values) -> list[dict]:
    return [{"value": v, "label": _text(str(v))} for v in values]


def _qn(*questions: dict) -> dict:
    return {
        "id": "mini",
        "version": 1,
        "title": _text("Mini"),
        "description": _text("About"),
        "questions": list(questions),
    }


def _load(tmp_path: Path, data: dict) -> Questionnaire:
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_questionnaire(path)


def _load_error(tmp_path: Path, data: dict) -> tuple[str, dict]:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, data)
    return err.value.code, err.value.params


def _question(kind: str, **kw) -> Question:
    return Question.model_validate(_q("x", kind, **kw))


# ---- answers ----------------------------------------------------------------------------

ANSWER_ERRORS = [
    ("number", {}, "12", ("diagnosis.invalid.not_number", {"field": "f"})),
    ("number", {}, True, ("diagnosis.invalid.not_number", {"field": "f"})),
    ("number", {}, math.nan, ("diagnosis.invalid.not_number", {"field": "f"})),
    ("number", {}, math.inf, ("diagnosis.invalid.not_number", {"field": "f"})),
    ("scale", {}, "3", ("diagnosis.invalid.not_whole_number", {"field": "f"})),
    ("scale", {}, 2.5, ("diagnosis.invalid.not_whole_number", {"field": "f"})),
    ("scale", {}, math.inf, ("diagnosis.invalid.not_whole_number", {"field": "f"})),
    ("scale", {}, 0, ("diagnosis.invalid.out_of_range", {"field": "f", "min": 1, "max": 5})),
    ("scale", {}, 6, ("diagnosis.invalid.out_of_range", {"field": "f", "min": 1, "max": 5})),
    (
        "scale",
        {"min": 2, "max": 4},
        1,
        ("diagnosis.invalid.out_of_range", {"field": "f", "min": 2, "max": 4}),
    ),
    ("number", {"min": 0}, -1, ("diagnosis.invalid.at_least", {"field": "f", "min": 0})),
    ("number", {"min": 0.5}, 0.4, ("diagnosis.invalid.at_least", {"field": "f", "min": 0.5})),
    (
        "number",
        {"min": 0, "max": 100},
        100.5,
        ("diagnosis.invalid.out_of_range", {"field": "f", "min": 0, "max": 100}),
    ),
    (
        "number",
        {"max": 10},
        11,
        ("diagnosis.invalid.out_of_range", {"field": "f", "min": -math.inf, "max": 10}),
    ),
    ("boolean", {}, 1, ("diagnosis.invalid.not_boolean", {"field": "f"})),
    ("boolean", {}, "true", ("diagnosis.invalid.not_boolean", {"field": "f"})),
    (
        "single_choice",
        {"options": _opts("a", 1, True)},
        "b",
        ("diagnosis.invalid.not_choice", {"field": "f", "choices": "a, 1, true"}),
    ),
    (
        "single_choice",
        {"options": _opts(1, False)},
        True,
        ("diagnosis.invalid.not_choice", {"field": "f", "choices": "1, false"}),
    ),
    (
        "multi_choice",
        {"options": _opts("a", "b")},
        "a",
        ("diagnosis.invalid.not_list", {"field": "f"}),
    ),
    (
        "multi_choice",
        {"options": _opts("a", "b")},
        ["a", "c"],
        ("diagnosis.invalid.not_choice", {"field": "f", "choices": "a, b"}),
    ),
    ("text", {}, 5, ("diagnosis.invalid.not_text", {"field": "f"})),
    ("text", {}, "字" * 2001, ("diagnosis.invalid.too_long", {"field": "f", "max": 2000})),
]


@pytest.mark.parametrize(("kind", "extra", "value", "expected"), ANSWER_ERRORS)
def test_each_wrong_answer_names_its_rule(kind, extra, value, expected):
    """Test that a wrong answer is refused with the rule it breaks and its bounds or choices."""
    with pytest.raises(InputError) as err:
        _question(kind, **extra).check_answer(value, "f")
    assert (err.value.code, err.value.params) == expected


ANSWERS_KEPT = [
    ("number", {"min": 0, "max": 100}, 0, 0),
    ("number", {"min": 0, "max": 100}, 100, 100),
    ("number", {"min": 0, "max": 100}, 12.0, 12),
    ("number", {}, 2.5, 2.5),
    ("number", {}, -7, -7),
    ("scale", {}, 1, 1),
    ("scale", {}, 5.0, 5),
    ("boolean", {}, False, False),
    ("single_choice", {"options": _opts(1, 2)}, 2, 2),
    ("multi_choice", {"options": _opts("a", "b", 1)}, ["b", "a", "b", 1], ["b", "a", 1]),
    ("multi_choice", {"options": _opts("a")}, [], []),
    ("text", {}, "字" * 2000, "字" * 2000),
]


@pytest.mark.parametrize(("kind", "extra", "value", "clean"), ANSWERS_KEPT)
def test_good_answers_are_kept_normalised(kind, extra, value, clean):
    """Test that a valid answer comes back whole where whole, without repeated choices."""
    out = _question(kind, **extra).check_answer(value, "f")
    assert out == clean and type(out) is type(clean)


def test_scale_bounds_default_to_one_to_five():
    """Test that a scale is 1..5 unless narrowed, and a number has only the bounds it states."""
    assert _question("scale").bounds() == (1, 5)
    assert _question("scale", min=2).bounds() == (2, 5)
    assert _question("scale", max=4).bounds() == (1, 4)
    assert _question("number").bounds() == (None, None)
    assert _question("number", min=3).bounds() == (3, None)


def test_texts_in_each_language():
    """Test that a question's label and help are given in the language asked, Japanese by default."""
    q = _question("number", help=_text("help"))
    assert (q.label(), q.label("en")) == ("x（日本語）", "x")
    assert (q.help_text(), q.help_text("en")) == ("help（日本語）", "help")
    assert _question("number").help_text("en") is None
    qn = Questionnaire.model_validate(_qn(_q("a", "number")))
    assert (qn.title_text(), qn.title_text("en")) == ("Mini（日本語）", "Mini")


@pytest.mark.parametrize(
    ("factor", "value", "mapped"),
    [
        (None, 7, 7),
        (0.01, 28, 0.28),
        (0.01, 100, 1.0),
        (1000, 1.5, 1500),
        (3, 0.1, 0.3),
        (1, 4.0, 4),
    ],
)
def test_number_answers_are_scaled_into_the_facts(factor, value, mapped):
    """Test that a number answer is multiplied by its factor, whole only for factors of 1 or more."""
    extra = {"maps_to": "sales.win_rate"} | ({"factor": factor} if factor else {})
    out = _question("number", **extra).facts_values(value)
    assert out == {"sales.win_rate": mapped} and type(out["sales.win_rate"]) is type(mapped)


def test_chosen_options_set_their_facts():
    """Test that each chosen option adds its facts, with the answer itself under maps_to."""
    opts = [
        {"value": "a", "label": _text("a"), "sets": {"sales.style": "route"}},
        {"value": "b", "label": _text("b"), "sets": {"sales.headcount": 3}},
        {"value": "c", "label": _text("c")},
    ]
    multi = _question("multi_choice", options=opts, maps_to="marketing.lead_sources")
    assert multi.facts_values(["a", "b"]) == {
        "marketing.lead_sources": ["a", "b"],
        "sales.style": "route",
        "sales.headcount": 3,
    }
    single = _question("single_choice", options=opts)
    assert single.facts_values("b") == {"sales.headcount": 3}
    assert single.facts_values("c") == {}
    assert single.option("c").value == "c" and single.option("z") is None


# ---- conditions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        {"question": "a"},
        {"equals": 1},
        {"question": "a", "equals": 1, "in": [1]},
        {"question": "a", "equals": 1, "not_equals": 2},
        {"all": [{"question": "a", "equals": 1}], "any": [{"question": "a", "equals": 1}]},
        {"all": [{"question": "a", "equals": 1}], "question": "a"},
        {"any": [{"question": "a", "equals": 1}], "equals": 1},
    ],
)
def test_condition_needs_exactly_one_form(raw):
    """Test that a condition is one comparison on a question or one all/any, nothing mixed."""
    with pytest.raises(ValueError, match="condition_form"):
        Condition.model_validate(raw)


@pytest.mark.parametrize(
    ("raw", "answers", "holds"),
    [
        ({"question": "a", "equals": 1}, {"a": 1}, True),
        ({"question": "a", "equals": 1}, {"a": 2}, False),
        ({"question": "a", "equals": 1}, {}, False),
        ({"question": "a", "not_equals": 1}, {}, True),
        ({"question": "a", "not_equals": 1}, {"a": 1}, False),
        ({"question": "a", "in": [1, 2]}, {"a": 2}, True),
        ({"question": "a", "in": [1, 2]}, {"a": 3}, False),
        ({"question": "a", "in": []}, {"a": 3}, False),
        ({"question": "a", "equals": "x"}, {"a": ["y", "x"]}, True),
        ({"question": "a", "not_equals": "x"}, {"a": ["y", "x"]}, False),
        ({"question": "a", "equals": "x"}, {"a": []}, False),
        (
            {"all": [{"question": "a", "equals": 1}, {"question": "b", "equals": 2}]},
            {"a": 1, "b": 2},
            True,
        ),
        (
            {"all": [{"question": "a", "equals": 1}, {"question": "b", "equals": 2}]},
            {"a": 1, "b": 3},
            False,
        ),
        (
            {"any": [{"question": "a", "equals": 1}, {"question": "b", "equals": 2}]},
            {"a": 0, "b": 2},
            True,
        ),
        (
            {"any": [{"question": "a", "equals": 1}, {"question": "b", "equals": 2}]},
            {"a": 0, "b": 0},
            False,
        ),
        ({"all": []}, {}, True),
        ({"any": []}, {}, False),
    ],
)
def test_condition_holds(raw, answers, holds):
    """Test each condition form on given, missing and multi-choice answers."""
    assert Condition.model_validate(raw).holds(answers) is holds


def test_condition_lists_what_it_compares():
    """Test that a nested condition lists every question it reads and each value compared."""
    cond = Condition.model_validate(
        {
            "any": [
                {"question": "a", "in": [1, 2]},
                {"all": [{"question": "b", "equals": "x"}, {"question": "c", "not_equals": True}]},
            ]
        }
    )
    assert cond.references() == ["a", "b", "c"]
    assert cond.compared_values() == [("a", 1), ("a", 2), ("b", "x"), ("c", True)]
    single = Condition.model_validate({"question": "d", "not_equals": 0})
    assert single.references() == ["d"] and single.compared_values() == [("d", 0)]


# ---- a questionnaire's answers ----------------------------------------------------------

FLOW = _qn(
    _q("has_is", "boolean", default=False),
    _q(
        "is_people",
        "number",
        min=1,
        maps_to="sales.inside_sales_headcount",
        when={"question": "has_is", "equals": True},
    ),
    _q("people", "number", min=0, maps_to="sales.headcount", default=5),
    _q("note", "text", when={"question": "is_people", "equals": 3}),
)


def test_visibility_follows_answers_and_defaults(tmp_path):
    """Test that questions show by answers or defaults; a hidden answer reveals nothing."""
    qn = _load(tmp_path, FLOW)
    ids = lambda answers: [q.id for q in qn.visible(answers)]  # noqa: E731
    assert ids(None) == ["has_is", "people"]
    assert ids({"has_is": True}) == ["has_is", "is_people", "people"]
    assert ids({"has_is": True, "is_people": 3}) == ["has_is", "is_people", "people", "note"]
    assert ids({"has_is": False, "is_people": 3}) == ["has_is", "people"]
    assert qn.question("people").id == "people" and qn.question("nobody") is None


def test_validate_answers_drops_hidden_and_names_the_place(tmp_path):
    """Test that answers to hidden questions are dropped and errors say where they came from."""
    qn = _load(tmp_path, FLOW)
    assert qn.validate_answers({"has_is": False, "is_people": 3, "people": None}) == {
        "has_is": False
    }
    assert qn.validate_answers({"has_is": True, "is_people": 3, "note": "x"}) == {
        "has_is": True,
        "is_people": 3,
        "note": "x",
    }
    cases = [
        ([1], "", ("diagnosis.invalid.not_mapping", {"field": "answers"})),
        ([1], "a.yaml", ("diagnosis.invalid.not_mapping", {"field": "a.yaml"})),
        ({"zz": 1}, "", ("diagnosis.invalid.unknown_question", {"field": "answers", "ref": "zz"})),
        (
            {"zz": 1},
            "a.yaml",
            ("diagnosis.invalid.unknown_question", {"field": "a.yaml", "ref": "zz"}),
        ),
        ({"people": -1}, "", ("diagnosis.invalid.at_least", {"field": "people", "min": 0})),
        (
            {"people": -1},
            "a.yaml",
            ("diagnosis.invalid.at_least", {"field": "a.yaml: people", "min": 0}),
        ),
    ]
    for answers, where, expected in cases:
        with pytest.raises(InputError) as err:
            qn.validate_answers(answers, where)
        assert (err.value.code, err.value.params) == expected


def test_to_facts_marks_defaults_as_assumed(tmp_path):
    """Test that a default answer's facts are listed as assumed and an answer's are not."""
    qn = _load(tmp_path, FLOW)
    facts = qn.to_facts({})
    assert facts.sales.headcount == 5 and facts.assumed == ["sales.headcount"]
    facts = qn.to_facts({"people": 8, "has_is": True, "is_people": 2})
    assert (facts.sales.headcount, facts.sales.inside_sales_headcount) == (8, 2)
    assert facts.assumed == []


def test_a_later_answer_overrides_an_assumed_fact(tmp_path):
    """Test that a fact set by a default and then by an answer is no longer assumed."""
    data = _qn(
        _q(
            "style_guess",
            "single_choice",
            options=[
                {"value": "r", "label": _text("r"), "sets": {"sales.style": "route"}},
                {"value": "o", "label": _text("o"), "sets": {"sales.style": "other"}},
            ],
            default="r",
        ),
        _q(
            "style_real",
            "single_choice",
            options=[
                {"value": "h", "label": _text("h"), "sets": {"sales.style": "high_volume"}},
            ],
        ),
    )
    qn = _load(tmp_path, data)
    assert qn.to_facts({}).assumed == ["sales.style"]
    facts = qn.to_facts({"style_real": "h"})
    assert facts.sales.style == "high_volume" and facts.assumed == []


def test_facts_error_names_the_question_and_path(tmp_path):
    """Test that a fact refused after mapping is reported as 'question (path)'."""
    data = _qn(
        _q("all_leads", "number", min=0, maps_to="marketing.leads_total"),
        _q("targets", "number", min=0, maps_to="marketing.target_leads"),
    )
    qn = _load(tmp_path, data)
    with pytest.raises(InputError) as err:
        qn.to_facts({"all_leads": 10, "targets": 20}, "a.yaml")
    assert "targets (marketing.target_leads)" in err.value.params["field"]
    assert err.value.params["field"].startswith("a.yaml")


# ---- loading ----------------------------------------------------------------------------

LOAD_ERRORS = {
    "unnamed question's field": (
        _qn({"type": "number", "text": _text("x")}),
        ("diagnosis.invalid.required", "mini.yaml: questions[0].id"),
    ),
    "named question's field": (
        _qn(_q("a", "number", step=0)),
        ("diagnosis.invalid.invalid", "mini.yaml: a.step"),
    ),
    "questionnaire field": (
        _qn(_q("a", "number")) | {"minutes": 121},
        ("diagnosis.invalid.invalid", "mini.yaml: minutes"),
    ),
    "condition on a later question": (
        _qn(_q("a", "number", when={"question": "b", "equals": 1}), _q("b", "number")),
        ("diagnosis.invalid.later_question", "mini.yaml: a.when"),
    ),
    "condition on a value no option has": (
        _qn(
            _q("a", "single_choice", options=_opts("x", "y")),
            _q("b", "number", when={"question": "a", "in": ["x", "z"]}),
        ),
        ("diagnosis.invalid.not_an_option", "mini.yaml: b.when"),
    ),
    "min above max": (
        _qn(_q("a", "number", min=5, max=4)),
        ("diagnosis.invalid.min_above_max", "mini.yaml: a.min"),
    ),
    "scale below 1": (
        _qn(_q("a", "scale", min=0)),
        ("diagnosis.invalid.out_of_range", "mini.yaml: a.min"),
    ),
    "scale above 5": (
        _qn(_q("a", "scale", max=6)),
        ("diagnosis.invalid.out_of_range", "mini.yaml: a.min"),
    ),
    "factor on a scale": (
        _qn(_q("a", "scale", factor=2)),
        ("diagnosis.invalid.unknown_field", "mini.yaml: a.factor"),
    ),
    "text into a fact": (
        _qn(_q("a", "text", maps_to="sales.style")),
        ("diagnosis.invalid.wrong_type_for_path", "mini.yaml: a.maps_to"),
    ),
    "text into a number fact": (
        _qn(_q("a", "text", maps_to="sales.headcount")),
        ("diagnosis.invalid.wrong_type_for_path", "mini.yaml: a.maps_to"),
    ),
    "number too large for its fact": (
        _qn(_q("a", "number", min=0, max=2, maps_to="sales.win_rate")),
        ("diagnosis.invalid.wrong_type_for_path", "mini.yaml: a.maps_to"),
    ),
    "option setting an unknown fact": (
        _qn(
            _q(
                "a",
                "single_choice",
                options=[{"value": 1, "label": _text("1"), "sets": {"sales.shoe": 1}}],
            )
        ),
        ("diagnosis.invalid.unknown_fact_path", "mini.yaml: a.options.0.sets"),
    ),
    "default that is no answer": (
        _qn(_q("a", "number", min=0, default=-1)),
        ("diagnosis.invalid.at_least", "mini.yaml: a.default"),
    ),
    "options on a number": (
        _qn(_q("a", "number", options=_opts(1))),
        ("diagnosis.invalid.options_not_allowed", "mini.yaml: a.options"),
    ),
    "boolean with three options": (
        _qn(_q("a", "boolean", options=_opts(True, False, True))),
        ("diagnosis.invalid.not_choice", "mini.yaml: a.options"),
    ),
    "boolean with numbers": (
        _qn(_q("a", "boolean", options=_opts(1, 0))),
        ("diagnosis.invalid.not_choice", "mini.yaml: a.options"),
    ),
    "boolean with true twice": (
        _qn(_q("a", "boolean", options=_opts(True, True))),
        ("diagnosis.invalid.not_choice", "mini.yaml: a.options"),
    ),
    "option repeated": (
        _qn(_q("a", "single_choice", options=_opts("x", "y", "x"))),
        ("diagnosis.invalid.duplicate_id", "mini.yaml: a.options"),
    ),
    "multi choice with options that do not fit its fact": (
        _qn(_q("a", "multi_choice", options=_opts("x", 3), maps_to="marketing.lead_sources")),
        ("diagnosis.invalid.wrong_type_for_path", "mini.yaml: a.maps_to"),
    ),
    "single choice with an option that does not fit its fact": (
        _qn(_q("a", "single_choice", options=_opts("route", "walk"), maps_to="sales.style")),
        ("diagnosis.invalid.wrong_type_for_path", "mini.yaml: a.maps_to"),
    ),
    "yes/no into a number fact": (
        _qn(_q("a", "boolean", maps_to="sales.headcount")),
        ("diagnosis.invalid.wrong_type_for_path", "mini.yaml: a.maps_to"),
    ),
    "yes/no options into a number fact": (
        _qn(_q("a", "boolean", options=_opts(True, False), maps_to="sales.headcount")),
        ("diagnosis.invalid.wrong_type_for_path", "mini.yaml: a.maps_to"),
    ),
    "scale into a text fact": (
        _qn(_q("a", "scale", maps_to="sales.style")),
        ("diagnosis.invalid.wrong_type_for_path", "mini.yaml: a.maps_to"),
    ),
}


@pytest.mark.parametrize("name", list(LOAD_ERRORS))
def test_each_load_check_names_its_field(tmp_path, name):
    """Test that each mistake in a questionnaire fails at load with its code and field."""
    data, (code, field) = LOAD_ERRORS[name]
    got_code, params = _load_error(tmp_path, data)
    assert (got_code, params["field"]) == (code, field)


def test_load_errors_name_the_value(tmp_path):
    """Test that a load error quotes the offending option value or fact path."""
    data, _ = LOAD_ERRORS["condition on a value no option has"]
    assert _load_error(tmp_path, data)[1]["ref"] == "z"
    data = _qn(_q("a", "boolean"), _q("b", "number", when={"question": "a", "equals": True}))
    assert _load(tmp_path, data).question("b").when.equals is True
    data = _qn(
        _q("a", "single_choice", options=_opts(1, 2)),
        _q("b", "number", when={"question": "a", "equals": True}),
    )
    assert _load_error(tmp_path, data) == (
        "diagnosis.invalid.not_an_option",
        {"field": "mini.yaml: b.when", "ref": "true"},
    )
    data, _ = LOAD_ERRORS["option repeated"]
    assert _load_error(tmp_path, data)[1]["ref"] == "x"
    data, _ = LOAD_ERRORS["scale below 1"]
    assert _load_error(tmp_path, data)[1] == {"field": "mini.yaml: a.min", "min": 1, "max": 5}


@pytest.mark.parametrize(
    "question",
    [
        _q("a", "scale", maps_to="sales.ratings.closing"),
        _q("a", "scale", min=2, max=4, maps_to="sales.ratings.closing"),
        _q("a", "number", min=0.5, max=120, maps_to="sales.sales_cycle_months"),
        _q("a", "number", maps_to="sales.headcount"),
        _q("a", "boolean", maps_to="marketing.ma_in_use"),
        _q("a", "boolean", options=_opts(False, True), maps_to="marketing.ma_in_use"),
        _q(
            "a",
            "multi_choice",
            options=_opts("webinar", "referral"),
            maps_to="marketing.lead_sources",
        ),
        _q("a", "number", min=1, max=100, factor=0.01, maps_to="sales.win_rate"),
    ],
)
def test_questions_that_fit_their_facts_load(tmp_path, question):
    """Test that a question whose every possible answer fits its fact path loads."""
    assert _load(tmp_path, _qn(question)).question("a").maps_to == question["maps_to"]


def test_shipped_questionnaires_shortest_first():
    """Test that the shipped questionnaires are offered quick (14 questions) before full."""
    found = available_questionnaires()
    assert list(found) == ["quick", "full"]
    assert [len(q.questions) for q in found.values()] == [14, 26]


def test_load_answers_in_both_forms(tmp_path):
    """Test that an answers file is read with or without the questionnaire header."""
    path = tmp_path / "a.yaml"
    path.write_text("questionnaire: quick\nversion: 1\nanswers:\n  leads_total: 10\n", "utf-8")
    assert load_answers(path) == ("quick", {"leads_total": 10})
    path.write_text("answers:\n  leads_total: 10\n", "utf-8")
    assert load_answers(path) == (None, {"leads_total": 10})
    path.write_text("answers:\n", "utf-8")
    assert load_answers(path) == (None, {})
    path.write_text("leads_total: 10\nanswers: 3\nother: 1\n", "utf-8")
    assert load_answers(path) == (None, {"leads_total": 10, "answers": 3, "other": 1})
    path.write_text("answers: [1]\n", "utf-8")
    with pytest.raises(InputError) as err:
        load_answers(path)
    assert (err.value.code, err.value.params) == (
        "diagnosis.invalid.not_mapping",
        {"field": "a.yaml: answers"},
    )


@pytest.mark.parametrize("qid", [5, ""])
def test_question_without_a_usable_id_is_named_by_position(tmp_path, qid):
    """Test that a question whose id is not a non-empty text is named by its position."""
    code, params = _load_error(tmp_path, _qn(_q("a", "number"), {"id": qid, "type": "number"}))
    assert params["field"].startswith("mini.yaml: questions[1].")


def test_option_setting_a_wrong_value_names_option_and_fact(tmp_path):
    """Test that an option setting a win rate of 5 is refused naming the option and the fact."""
    opts = [{"value": "x", "label": _text("x"), "sets": {"sales.win_rate": 5}}]
    code, params = _load_error(tmp_path, _qn(_q("a", "single_choice", options=opts)))
    assert (code, params) == (
        "diagnosis.invalid.rate_range",
        {"field": "mini.yaml: a.options.0.sets: sales.win_rate"},
    )


def test_a_question_that_is_no_mapping_is_named_by_position(tmp_path):
    """Test that a question written as plain text is reported at its position in the list."""
    code, params = _load_error(tmp_path, _qn(_q("a", "number"), "just a sentence"))
    assert params["field"] == "mini.yaml: questions[1]"


# ---- further survivors of mutation testing -------------------------------------------------


def test_range_errors_show_whole_bounds_as_whole_numbers():
    """Test that a bound written 0 or 100 reads '0' and '100' in the message, not '0.0'."""
    with pytest.raises(InputError) as err:
        _question("number", min=0).check_answer(-1, "f")
    assert err.value.message("en") == "f: must be 0 or more"
    with pytest.raises(InputError) as err:
        _question("number", min=0, max=100).check_answer(101, "f")
    assert err.value.message("en") == "f: must be 0..100"
    with pytest.raises(InputError) as err:
        _question("number", min=0.5).check_answer(0, "f")
    assert err.value.message("en") == "f: must be 0.5 or more"


def test_a_default_reveals_the_questions_that_depend_on_it(tmp_path):
    """Test that a question shown because of an earlier question's default keeps its answer."""
    data = _qn(
        _q("has_is", "boolean", default=True),
        _q("is_people", "number", min=1, when={"question": "has_is", "equals": True}),
    )
    qn = _load(tmp_path, data)
    assert [q.id for q in qn.visible({})] == ["has_is", "is_people"]
    assert [q.id for q in qn.visible({"has_is": False})] == ["has_is"]
    assert qn.validate_answers({"is_people": 3}) == {"is_people": 3}
    assert qn.validate_answers({"has_is": False, "is_people": 3}) == {"has_is": False}


def test_to_facts_errors_name_the_file_and_question(tmp_path):
    """Test that a wrong answer found while making facts names the answers file and the question."""
    qn = _load(tmp_path, FLOW)
    with pytest.raises(InputError) as err:
        qn.to_facts({"people": -1}, "a.yaml")
    assert (err.value.code, err.value.params) == (
        "diagnosis.invalid.at_least",
        {"field": "a.yaml: people", "min": 0},
    )


def test_questions_written_as_a_set_are_named_by_position(tmp_path):
    """Test that a YAML set where the question list belongs is reported at its first position."""
    path = tmp_path / "mini.yaml"
    head = {k: v for k, v in _qn().items() if k != "questions"}
    path.write_text(yaml.safe_dump(head) + "questions: !!set {a, b}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_questionnaire(path)
    assert (err.value.code, err.value.params) == (
        "diagnosis.invalid.not_mapping",
        {"field": "mini.yaml: questions[0]"},
    )


def test_a_missing_translation_outside_the_questions_names_its_path(tmp_path):
    """Test that a description without Japanese is reported as 'description.ja'."""
    data = _qn(_q("a", "number")) | {"description": {"en": "About"}}
    assert _load_error(tmp_path, data) == (
        "diagnosis.invalid.missing_translation",
        {"field": "mini.yaml: description.ja"},
    )


def test_load_errors_name_the_option_value_and_fact_path(tmp_path):
    """Test that load errors quote the unknown fact path, the yes/no choices and the refused path."""
    data, _ = LOAD_ERRORS["option setting an unknown fact"]
    assert _load_error(tmp_path, data)[1] == {
        "field": "mini.yaml: a.options.0.sets",
        "ref": "sales.shoe",
    }
    data, _ = LOAD_ERRORS["boolean with numbers"]
    assert _load_error(tmp_path, data)[1] == {
        "field": "mini.yaml: a.options",
        "choices": "true, false",
    }
    data, _ = LOAD_ERRORS["text into a fact"]
    assert _load_error(tmp_path, data)[1] == {"field": "mini.yaml: a.maps_to", "ref": "sales.style"}


@pytest.mark.parametrize(
    "question",
    [
        # min equal to max is a fixed answer, not a min above max
        _q("a", "number", min=5, max=5),
        # a scale's answers are whole, so fractional bounds still fit a whole-number fact
        _q("a", "scale", min=1.5, max=4.5, maps_to="sales.headcount"),
        # a number without bounds is of the right type for a rate (its answer is checked later)
        _q("a", "number", maps_to="sales.win_rate"),
    ],
)
def test_questions_at_the_edges_of_the_load_checks_load(tmp_path, question):
    """Test that a question the load checks must not refuse loads."""
    assert _load(tmp_path, _qn(question)).question("a").type == question["type"]


def test_a_scaled_answer_keeps_ten_decimal_places():
    """Test that a percentage answer turned into a rate is rounded to 10 decimal places."""
    q = _question("number", maps_to="sales.win_rate", factor=0.01)
    assert q.facts_values(12.3456789012) == {"sales.win_rate": 0.123456789}
    assert q.facts_values(7) == {"sales.win_rate": 0.07}


def test_a_condition_on_an_empty_question_id_is_a_config_error(tmp_path):
    """Test that ``when: {question: "", equals: 1}`` is refused at load as an unknown question
    (it was a KeyError and a traceback)."""
    data = _qn(_q("a", "number"), _q("b", "number", when={"question": "", "equals": 1}))
    assert _load_error(tmp_path, data) == (
        "diagnosis.invalid.unknown_question",
        {"field": "mini.yaml: b.when", "ref": ""},
    )
