"""Questionnaire ``when:`` conditions and options compare values with their type: the
answer ``true`` never matches the number 1 (Python's ``True == 1``), nor 1 ``true``."""

from __future__ import annotations

import pytest

from engine.core.errors import ConfigError, InputError
from engine.diagnosis.questionnaire import load_questionnaire

QUESTIONNAIRE = """
id: strict
version: 1
title: {ja: 型, en: Types}
description: {ja: 型の確認, en: Type check}
questions:
  - id: reps
    type: single_choice
    text: {ja: 人数, en: Reps}
    options:
      - {value: 1, label: {ja: 1人, en: one}}
      - {value: 2, label: {ja: 2人, en: two}}
  - id: has_ma
    type: boolean
    text: {ja: MA, en: MA}
  - id: tools
    type: multi_choice
    text: {ja: ツール, en: Tools}
    options:
      - {value: 0, label: {ja: なし, en: none}}
      - {value: 1, label: {ja: SFA, en: SFA}}
  - id: one_rep
    type: text
    text: {ja: 1人, en: one rep}
    when: {question: reps, equals: 1}
  - id: ma_yes
    type: text
    text: {ja: MAあり, en: MA yes}
    when: {question: has_ma, equals: true}
  - id: ma_equals_one
    type: text
    text: {ja: MA=1, en: MA=1}
    when: {question: has_ma, equals: 1}
  - id: ma_in_one
    type: text
    text: {ja: MA in 1, en: MA in 1}
    when: {question: has_ma, in: [1]}
  - id: ma_not_one
    type: text
    text: {ja: MA≠1, en: MA≠1}
    when: {question: has_ma, not_equals: 1}
  - id: uses_sfa
    type: text
    text: {ja: SFA, en: SFA}
    when: {question: tools, equals: 1}
"""


@pytest.fixture(scope="module")
def qn():
    return load_questionnaire("strict.yaml", text=QUESTIONNAIRE)


def _shown(qn, answers) -> set[str]:
    conditional = {"one_rep", "ma_yes", "ma_equals_one", "ma_in_one", "ma_not_one", "uses_sfa"}
    return {q.id for q in qn.visible(answers)} & conditional


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({"has_ma": True}, {"ma_yes", "ma_not_one"}),
        ({"has_ma": False}, {"ma_not_one"}),
        ({"reps": 1}, {"one_rep", "ma_not_one"}),
        ({"reps": True}, {"ma_not_one"}),
        ({"tools": [1]}, {"uses_sfa", "ma_not_one"}),
        ({"tools": [True]}, {"ma_not_one"}),
        ({"has_ma": 1}, {"ma_equals_one", "ma_in_one"}),
    ],
)
def test_conditions_compare_with_type(qn, answers, shown):
    """Test that equals/in/not_equals hold only for a value of the same type: true does
    not equal 1 (and 1 not true), in a single answer or in a list."""
    assert _shown(qn, answers) == shown


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({"reps": True}, "diagnosis.invalid.not_choice"),
        ({"tools": [True]}, "diagnosis.invalid.not_choice"),
        ({"has_ma": 1}, "diagnosis.invalid.not_boolean"),
    ],
)
def test_true_is_not_the_option_one(qn, answers, code):
    """Test that true is refused as the answer to an option 1 (and 1 to a yes/no)."""
    with pytest.raises(InputError) as info:
        qn.validate_answers(answers)
    assert info.value.code == code


def test_options_one_and_true_are_distinct(qn):
    """Test that the option with value 1 is found for 1 only, never for true."""
    reps = qn.question("reps")
    assert reps.option(1).label("en") == "one"
    assert reps.option(True) is None
    assert qn.validate_answers({"reps": 1, "tools": [1, 0]}) == {"reps": 1, "tools": [1, 0]}


@pytest.mark.parametrize(
    "condition",
    ["{question: reps, equals: true}", "{question: tools, in: [true]}"],
)
def test_condition_on_true_against_numeric_options_is_refused(condition):
    """Test that a condition comparing numeric options with true is refused on load."""
    text = (
        QUESTIONNAIRE
        + f"""
  - id: never
    type: text
    text: {{ja: 無, en: never}}
    when: {condition}
"""
    )
    with pytest.raises(ConfigError) as info:
        load_questionnaire("strict.yaml", text=text)
    assert info.value.code == "diagnosis.invalid.not_an_option"
    assert info.value.params["ref"] == "true"
