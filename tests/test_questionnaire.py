"""Questionnaires: validated data files, visibility, answers -> facts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.core.errors import ConfigError, InputError
from engine.core.vocab import PHASES
from engine.diagnosis.diagnose import diagnose
from engine.diagnosis.questionnaire import (
    QUESTIONNAIRES_DIR,
    available_questionnaires,
    load_answers,
    load_questionnaire,
)

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(QUESTIONNAIRES_DIR.glob("*.yaml"))

MINIMAL = {
    "id": "mini",
    "version": 1,
    "title": {"ja": "ミニ", "en": "Mini"},
    "description": {"ja": "説明", "en": "About"},
    "questions": [
        {
            "id": "has_is",
            "type": "boolean",
            "text": {"ja": "IS はいますか", "en": "Inside sales?"},
        },
        {
            "id": "is_people",
            "type": "number",
            "min": 0,
            "maps_to": "sales.inside_sales_headcount",
            "when": {"question": "has_is", "equals": True},
            "text": {"ja": "IS の人数", "en": "Inside-sales headcount"},
        },
    ],
}


def _write(tmp_path: Path, data: dict, name: str = "mini.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _config_error(tmp_path: Path, data: dict) -> str:
    with pytest.raises(ConfigError) as info:
        load_questionnaire(_write(tmp_path, data))
    return info.value.message("en")


def _with_question(question: dict) -> dict:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data["questions"].append(question)
    return data


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_shipped_questionnaire_is_valid(path):
    """Test that each shipped questionnaire loads and every text exists in ja and en."""
    qn = load_questionnaire(path)
    assert qn.id == path.stem
    for q in qn.questions:
        assert q.text.ja.strip() and q.text.en.strip()
        for opt in q.options or []:
            assert opt.label.ja.strip() and opt.label.en.strip()
    assert {q.maps_to for q in qn.questions} >= {f"sales.ratings.{p}" for p in PHASES}


def test_quick_alone_yields_a_diagnosis_without_assumed_ratings():
    """Test that answering only the quick questionnaire (15 questions, about 3 minutes) gives
    a diagnosis whose sales ratings, inflow, MA state and rep capacity are the company's own."""
    qn = available_questionnaires()["quick"]
    assert 8 <= len(qn.questions) <= 15 and qn.minutes == 3
    qid, answers = load_answers(ROOT / "sample_data" / "answers_quick.yaml")
    assert qid == "quick"
    d = diagnose(qn.to_facts(answers), lang="en")
    assert d.target_leads == 300
    assert not [a for a in d.assumed if a.startswith("sales.ratings")]
    assert not {"marketing.ma_in_use", "marketing.mql_definition_agreed"} & set(d.assumed)
    assert d.plan.deals_per_year.capacity is not None
    assert d.plan.per_month.reachable.leads == 20
    assert d.inside_sales.placement == "qualify_before_sales"


def test_full_has_branching_for_inside_sales_and_mql_definition():
    """Test that the full questionnaire asks the inside-sales headcount only when there is
    inside sales, and the MQL definition only when MA is in use."""
    qn = available_questionnaires()["full"]
    assert len(qn.questions) >= 22
    shown = {q.id for q in qn.visible({"has_inside_sales": False, "ma_in_use": False})}
    assert "inside_sales_headcount" not in shown and "mql_definition_agreed" not in shown
    shown = {q.id for q in qn.visible({"has_inside_sales": True, "ma_in_use": True})}
    assert {"inside_sales_headcount", "mql_definition_agreed"} <= shown


def test_full_no_inside_sales_sets_headcount_zero_and_ignores_hidden_answer():
    """Test that answering 'no inside sales' sets the headcount to 0, even when a stale
    answer to the hidden headcount question remains."""
    qn = available_questionnaires()["full"]
    facts = qn.to_facts({"has_inside_sales": False, "inside_sales_headcount": 5})
    assert facts.sales.inside_sales_headcount == 0
    assert "sales.inside_sales_headcount" not in facts.assumed


def test_full_percent_answers_become_rates():
    """Test that a 28% win rate answer becomes sales.win_rate 0.28."""
    qn = available_questionnaires()["full"]
    qid, answers = load_answers(ROOT / "sample_data" / "answers_full.yaml")
    facts = qn.to_facts(answers)
    assert facts.sales.win_rate == pytest.approx(0.28)
    assert facts.marketing.conversion_rates.lead_to_mql == pytest.approx(0.12)
    assert facts.sales.inside_sales_headcount == 3


def test_answer_errors_name_the_question():
    """Test that a wrong answer is refused naming the question id and the rule."""
    qn = available_questionnaires()["quick"]
    with pytest.raises(InputError) as info:
        qn.validate_answers({"rating_closing": 7})
    assert info.value.message("en") == "rating_closing: must be 1..5"
    with pytest.raises(InputError) as info:
        qn.validate_answers({"sales_style": "door_to_door"})
    assert "sales_style" in info.value.message("en") and "route" in info.value.message("en")
    with pytest.raises(InputError) as info:
        qn.validate_answers({"no_such_question": 1})
    assert "no_such_question" in info.value.message("en")
    with pytest.raises(InputError) as info:
        available_questionnaires()["full"].validate_answers({"ma_in_use": "yes"})
    assert info.value.message("en") == "ma_in_use: must be true or false"


def test_facts_error_after_mapping_names_the_question():
    """Test that target leads above all leads is reported on the question that set it."""
    qn = available_questionnaires()["quick"]
    with pytest.raises(InputError) as info:
        qn.to_facts({"leads_total": 100, "target_leads": 500})
    assert info.value.message("en").startswith("target_leads (marketing.target_leads):")


def test_consultant_adds_a_question_without_python(tmp_path):
    """Test that a questionnaire written in tmp_path with a new question maps onto facts,
    and an unanswered question with a default is listed as assumed."""
    data = _with_question(
        {
            "id": "cycle",
            "type": "single_choice",
            "text": {"ja": "商談期間", "en": "Sales cycle"},
            "default": "short",
            "options": [
                {
                    "value": "short",
                    "label": {"ja": "短い", "en": "Short"},
                    "sets": {"sales.sales_cycle_months": 2},
                },
                {
                    "value": "long",
                    "label": {"ja": "長い", "en": "Long"},
                    "sets": {"sales.sales_cycle_months": 12, "sales.style": "long_cycle"},
                },
            ],
        }
    )
    qn = load_questionnaire(_write(tmp_path, data))
    facts = qn.to_facts({"has_is": True, "is_people": 2, "cycle": "long"})
    assert facts.sales.sales_cycle_months == 12 and facts.sales.style == "long_cycle"
    assert facts.sales.inside_sales_headcount == 2
    defaulted = qn.to_facts({"has_is": False, "is_people": 2})
    assert defaulted.sales.sales_cycle_months == 2
    assert defaulted.sales.inside_sales_headcount is None
    assert defaulted.assumed == ["sales.sales_cycle_months"]


def test_conditions_in_not_equals_all_any(tmp_path):
    """Test each condition form against answers."""
    base = yaml.safe_load(yaml.safe_dump(MINIMAL))
    base["questions"] = [
        {
            "id": "style",
            "type": "single_choice",
            "text": {"ja": "型", "en": "Style"},
            "options": [
                {"value": v, "label": {"ja": v, "en": v}} for v in ("route", "high_volume", "other")
            ],
        },
        {"id": "ma", "type": "boolean", "text": {"ja": "MA", "en": "MA"}},
    ]
    forms = {
        "q_in": {"question": "style", "in": ["route", "other"]},
        "q_not": {"question": "style", "not_equals": "route"},
        "q_all": {
            "all": [{"question": "style", "equals": "route"}, {"question": "ma", "equals": True}]
        },
        "q_any": {
            "any": [{"question": "style", "equals": "other"}, {"question": "ma", "equals": True}]
        },
    }
    for qid, cond in forms.items():
        base["questions"].append(
            {"id": qid, "type": "text", "text": {"ja": qid, "en": qid}, "when": cond}
        )
    qn = load_questionnaire(_write(tmp_path, base))

    def shown(answers):
        return {q.id for q in qn.visible(answers)} & set(forms)

    assert shown({"style": "route", "ma": True}) == {"q_in", "q_all", "q_any"}
    assert shown({"style": "high_volume", "ma": False}) == {"q_not"}
    assert shown({"style": "other", "ma": False}) == {"q_in", "q_not", "q_any"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            {
                "id": "x",
                "type": "number",
                "text": {"ja": "x", "en": "x"},
                "when": {"question": "ghost", "equals": 1},
            },
            "mini.yaml: x.when: there is no question “ghost”",
        ),
        (
            {
                "id": "x",
                "type": "number",
                "text": {"ja": "x", "en": "x"},
                "maps_to": "sales.headcnt",
            },
            "mini.yaml: x.maps_to: “sales.headcnt” is not a facts path",
        ),
        (
            {"id": "has_is", "type": "number", "text": {"ja": "x", "en": "x"}},
            "mini.yaml: has_is.id: id “has_is” is used twice",
        ),
        (
            {"id": "x", "type": "number", "text": {"ja": "x"}},
            "mini.yaml: x.text.en: translation missing (Japanese and English are both needed)",
        ),
        (
            {"id": "x", "type": "scale", "text": {"ja": "x", "en": "x"}, "maps_to": "sales.style"},
            "mini.yaml: x.maps_to: this type of question cannot fill the facts path “sales.style”",
        ),
        (
            {"id": "x", "type": "single_choice", "text": {"ja": "x", "en": "x"}},
            "mini.yaml: x.options: a choice question needs options",
        ),
        (
            {
                "id": "x",
                "type": "number",
                "text": {"ja": "x", "en": "x"},
                "when": {"question": "has_is"},
            },
            "mini.yaml: x.when: write a condition with exactly one of equals, not_equals, in, all, any",
        ),
        (
            {"id": "x", "type": "number", "text": {"ja": "x", "en": "x"}, "colour": "red"},
            "mini.yaml: x.colour: unknown field (check the spelling)",
        ),
    ],
    ids=[
        "unknown_when",
        "bad_maps_to",
        "duplicate",
        "missing_en",
        "wrong_type",
        "no_options",
        "bad_condition",
        "unknown_key",
    ],
)
def test_invalid_questionnaire_names_file_question_and_field(tmp_path, question, expected):
    """Test that each kind of mistake is reported with file, question id and field."""
    assert _config_error(tmp_path, _with_question(question)) == expected


def test_condition_on_a_later_question_refused(tmp_path):
    """Test that a condition may only look at earlier questions (no cycles)."""
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data["questions"][0]["when"] = {"question": "is_people", "equals": 1}
    assert "comes later" in _config_error(tmp_path, data)


def test_option_sets_validated_against_facts(tmp_path):
    """Test that an option setting an invalid fact value is refused at load."""
    data = _with_question(
        {
            "id": "x",
            "type": "single_choice",
            "text": {"ja": "x", "en": "x"},
            "options": [
                {
                    "value": "a",
                    "label": {"ja": "a", "en": "a"},
                    "sets": {"sales.ratings.closing": 9},
                }
            ],
        }
    )
    msg = _config_error(tmp_path, data)
    assert msg.startswith("mini.yaml: x.options.0.sets") and "1..5" in msg


def test_python_tag_in_questionnaire_refused(tmp_path):
    """Test that a questionnaire with a Python tag is refused with the file and line."""
    path = tmp_path / "evil.yaml"
    path.write_text("id: !!python/name:os.system\n")
    with pytest.raises(ConfigError) as info:
        load_questionnaire(path)
    assert info.value.message("en").startswith(
        "evil.yaml (line 1): the tag !!python/name:os.system"
    )


# questions whose answer the diagnosis does not read, and who reads it instead
READ_ELSEWHERE = {
    "industry": "the peer comparison (ui/peer.py) groups companies by industry",
    "biggest_challenge": "free text handed to the consultant as written",
}
# a question read when another is left unanswered: target leads are 25% of all leads
FALLBACK_FOR = {"leads_total": "target_leads"}


def _candidates(q, base):
    if q.type in ("single_choice", "boolean") and q.options:
        return [o.value for o in q.options]
    if q.type == "boolean":
        return [True, False]
    if q.type == "multi_choice":
        return [[o.value] for o in q.options]
    if q.type == "scale":
        return [1, 5]
    lo, hi = q.bounds()
    base = base or 100
    return [base, max(lo or 0, base // 10)]  # a tenth stays valid beside the other answers


@pytest.mark.parametrize("qid", ["quick", "full"])
def test_every_question_asked_changes_the_diagnosis(qid):
    """Test that every question of a shipped questionnaire is used: two different answers to
    it (the sample's other answers kept) give two different diagnoses."""
    qn = available_questionnaires()[qid]
    _, sample = load_answers(ROOT / "sample_data" / f"answers_{qid}.yaml")
    unused = []
    for q in qn.questions:
        if q.id in READ_ELSEWHERE:
            continue
        seen = set()
        for value in _candidates(q, sample.get(q.id)):
            answers = {**sample, q.id: value}
            answers.pop(FALLBACK_FOR.get(q.id, ""), None)
            contract = diagnose(qn.to_facts(answers), lang="en").to_contract()
            seen.add(repr(contract))
        if len(seen) < 2:
            unused.append(q.id)
    assert unused == []


def test_quick_description_counts_its_questions():
    """Test that the quick questionnaire's description says as many questions as it asks
    (it said 12 after three questions were added)."""
    import re

    quick = available_questionnaires()["quick"]
    for lang in ("ja", "en"):
        said = re.match(r"\d+", quick.description(lang))
        assert said is not None and int(said.group()) == len(quick.questions), lang
