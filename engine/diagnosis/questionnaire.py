"""Questionnaires: ``questionnaires/*.yaml`` -> questions, visibility, answers -> Facts.

A questionnaire is data a consultant edits: questions and options in Japanese and English,
where each answer goes in the facts (``maps_to`` or an option's ``sets``), and when a
question is shown (``when``: ``equals``, ``not_equals``, ``in``, ``all``, ``any``; never
eval). Files are read with ``yaml.safe_load`` and validated on load; an error names the
file, the question id and the field.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from engine.core.errors import ConfigError, InputError, SenryokuError
from engine.core.yamlio import read_mapping
from engine.diagnosis.facts import Facts, error_from_validation, fact_paths, set_path
from engine.diagnosis.text import Text

QUESTIONNAIRES_DIR = Path(__file__).resolve().parents[2] / "questionnaires"
MAX_TEXT_ANSWER = 2000

QuestionType = Literal["single_choice", "multi_choice", "number", "boolean", "scale", "text"]
Scalar = bool | int | float | str


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False)


class Condition(_Data):
    """When a question is shown: one comparison with an earlier answer, or all/any of
    several conditions."""

    question: str | None = None
    equals: Scalar | None = None
    not_equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    all: list[Condition] | None = None
    any: list[Condition] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        given = self.model_fields_set
        compare = given & {"equals", "not_equals", "in_"}
        combine = given & {"all", "any"}
        if combine:
            ok = len(combine) == 1 and not compare and "question" not in given
        else:
            ok = len(compare) == 1 and self.question is not None
        if not ok:
            raise PydanticCustomError("condition_form", "condition_form")
        return self

    def holds(self, answers: dict[str, Any]) -> bool:
        """Whether the condition holds for these (effective) answers."""
        if self.all is not None:
            return all(c.holds(answers) for c in self.all)
        if self.any is not None:
            return any(c.holds(answers) for c in self.any)
        value = answers.get(self.question)
        given = self.model_fields_set
        if "equals" in given:
            return _matches(value, self.equals)
        if "not_equals" in given:
            return not _matches(value, self.not_equals)
        return any(_matches(value, v) for v in self.in_ or [])

    def references(self) -> list[str]:
        """The question ids this condition looks at."""
        if self.all is not None or self.any is not None:
            return [q for c in (self.all or self.any or []) for q in c.references()]
        # an empty id is an id like any other: not found, and named as such
        return [self.question] if self.question is not None else []

    def compared_values(self) -> list[Any]:
        """(question id, value) pairs compared, for checking against the options."""
        if self.all is not None or self.any is not None:
            return [p for c in (self.all or self.any or []) for p in c.compared_values()]
        given = self.model_fields_set
        if "equals" in given:
            return [(self.question, self.equals)]
        if "not_equals" in given:
            return [(self.question, self.not_equals)]
        return [(self.question, v) for v in self.in_ or []]


def _same(a: Any, b: Any) -> bool:
    # True == 1 in Python; an answer "true" must not match an option 1
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def _matches(answer: Any, value: Any) -> bool:
    if isinstance(answer, list):
        return any(_same(a, value) for a in answer)
    return _same(answer, value)


class Option(_Data):
    """One choice: the value stored as the answer, its label, and facts it sets."""

    value: Scalar
    label: Text
    sets: dict[str, Any] = {}


class Question(_Data):
    """One question of a questionnaire."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
    type: QuestionType
    text: Text
    help: Text | None = None
    unit: Text | None = None
    options: list[Option] | None = None
    min: float | None = None
    max: float | None = None
    step: float | None = Field(default=None, gt=0)
    default: Any = None
    maps_to: str | None = None
    factor: float | None = Field(default=None, gt=0)
    when: Condition | None = None

    def label(self, lang: str = "ja") -> str:
        """The question text in ``lang``."""
        return self.text(lang)

    def help_text(self, lang: str = "ja") -> str | None:
        """The help text in ``lang`` (None when the question has none)."""
        return self.help(lang) if self.help else None

    def bounds(self) -> tuple[float | None, float | None]:
        """(min, max) for numbers and scales; a scale is 1..5 unless narrowed."""
        if self.type == "scale":
            return (
                self.min if self.min is not None else 1,
                self.max if self.max is not None else 5,
            )
        return (self.min, self.max)

    def option(self, value: Any) -> Option | None:
        """The option with this value (None when there is none)."""
        for opt in self.options or []:
            if _same(opt.value, value):
                return opt
        return None

    def check_answer(self, value: Any, field: str) -> Any:
        """The answer, normalised, or InputError naming ``field``."""
        kind = self.type
        if kind in ("number", "scale"):
            whole = kind == "scale"
            if isinstance(value, bool) or not isinstance(value, int | float):
                code = "not_whole_number" if whole else "not_number"
                raise InputError(f"diagnosis.invalid.{code}", field=field)
            if not math.isfinite(value) or (whole and value != int(value)):
                code = "not_whole_number" if whole else "not_number"
                raise InputError(f"diagnosis.invalid.{code}", field=field)
            lo, hi = self.bounds()
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                if hi is None:
                    raise InputError("diagnosis.invalid.at_least", field=field, min=_plain(lo))
                if lo is None:
                    lo = -math.inf
                raise InputError(
                    "diagnosis.invalid.out_of_range", field=field, min=_plain(lo), max=_plain(hi)
                )
            return (
                int(value) if whole or (isinstance(value, float) and value.is_integer()) else value
            )
        if kind == "boolean":
            if not isinstance(value, bool):
                raise InputError("diagnosis.invalid.not_boolean", field=field)
            return value
        if kind == "single_choice":
            if self.option(value) is None:
                raise InputError(
                    "diagnosis.invalid.not_choice", field=field, choices=self._choices()
                )
            return value
        if kind == "multi_choice":
            if not isinstance(value, list):
                raise InputError("diagnosis.invalid.not_list", field=field)
            out: list[Any] = []
            for item in value:
                if self.option(item) is None:
                    raise InputError(
                        "diagnosis.invalid.not_choice", field=field, choices=self._choices()
                    )
                if not any(_same(item, o) for o in out):
                    out.append(item)
            return out
        if not isinstance(value, str):
            raise InputError("diagnosis.invalid.not_text", field=field)
        if len(value) > MAX_TEXT_ANSWER:
            raise InputError("diagnosis.invalid.too_long", field=field, max=MAX_TEXT_ANSWER)
        return value

    def _choices(self) -> str:
        return ", ".join(_show(o.value) for o in self.options or [])

    def facts_values(self, value: Any) -> dict[str, Any]:
        """``{fact path: value}`` this answer puts into the facts."""
        out: dict[str, Any] = {}
        if self.maps_to:
            mapped = value
            if self.type == "number" and self.factor is not None:
                mapped = round(value * self.factor, 10)
                if float(mapped).is_integer() and not self.factor < 1:
                    mapped = int(mapped)
            out[self.maps_to] = mapped
        chosen = value if isinstance(value, list) else [value]
        for v in chosen:
            opt = self.option(v)
            if opt is not None:
                out.update(opt.sets)
        return out


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Questionnaire(_Data):
    """A questionnaire: its texts and questions, in the order they are asked."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    title: Text
    description: Text
    minutes: int | None = Field(default=None, ge=1, le=120)
    questions: list[Question] = Field(min_length=1)

    def title_text(self, lang: str = "ja") -> str:
        """The title in ``lang``."""
        return self.title(lang)

    def question(self, question_id: str) -> Question | None:
        """The question with this id (None when there is none)."""
        return next((q for q in self.questions if q.id == question_id), None)

    def visible(self, answers: dict[str, Any] | None = None) -> list[Question]:
        """The questions shown for these answers, in order. A hidden question's answer
        counts as not given, so it cannot reveal another question."""
        answers = answers or {}
        effective: dict[str, Any] = {}
        shown = []
        for q in self.questions:
            if q.when is None or q.when.holds(effective):
                shown.append(q)
                value = answers.get(q.id)
                effective[q.id] = q.default if value is None else value
        return shown

    def validate_answers(self, answers: Any, where: str = "") -> dict[str, Any]:
        """The answers of the visible questions, checked and normalised. Unknown question
        ids and wrong values raise InputError naming the question; answers to hidden
        questions are dropped."""
        if not isinstance(answers, dict):
            raise InputError("diagnosis.invalid.not_mapping", field=where or "answers")
        known = {q.id for q in self.questions}
        for key in answers:
            if key not in known:
                raise InputError(
                    "diagnosis.invalid.unknown_question", field=where or "answers", ref=str(key)
                )
        clean: dict[str, Any] = {}
        effective: dict[str, Any] = {}
        for q in self.questions:
            if q.when is not None and not q.when.holds(effective):
                continue
            value = answers.get(q.id)
            if value is not None:
                field = f"{where}: {q.id}" if where else q.id
                value = q.check_answer(value, field)
                clean[q.id] = value
            effective[q.id] = q.default if value is None else value
        return clean

    def to_facts(self, answers: Any, where: str = "") -> Facts:
        """Facts from the answers. Hidden questions are ignored; an unanswered question
        with a default uses it and its facts are listed as assumed; one without a
        default leaves the fact to the diagnosis' documented defaults."""
        clean = self.validate_answers(answers, where)
        data: dict[str, Any] = {}
        origin: dict[str, str] = {}
        assumed: list[str] = []
        for q in self.visible(clean):
            value = clean.get(q.id)
            from_default = value is None
            if from_default:
                if q.default is None:
                    continue
                value = q.default
            for path, v in q.facts_values(value).items():
                set_path(data, path, v)
                origin[path] = q.id
                if from_default:
                    assumed.append(path)
                elif path in assumed:
                    assumed.remove(path)
        data["assumed"] = assumed
        try:
            return Facts.model_validate(data)
        except ValidationError as exc:

            def rename(loc: list) -> str:
                path = ".".join(str(p) for p in loc)
                qid = origin.get(path)
                return f"{qid} ({path})" if qid else path

            raise error_from_validation(exc, where, InputError, rename) from None


# ---- loading and validation ---------------------------------------------------------------


def load_questionnaire(path: str | Path, text: str | None = None) -> Questionnaire:
    """A questionnaire from a YAML file, validated; ConfigError naming the file, the
    question id and the field otherwise."""
    name = Path(path).name
    data = read_mapping(path, ConfigError, text=text)
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        raw = data.get("questions") if isinstance(data.get("questions"), list) else []

        def rename(loc: list) -> str:
            if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
                item = raw[loc[1]] if loc[1] < len(raw) else None
                qid = item.get("id") if isinstance(item, dict) else None
                head = str(qid) if isinstance(qid, str) and qid else f"questions[{loc[1]}]"
                return ".".join([head, *(str(p) for p in loc[2:])])
            return ".".join(str(p) for p in loc)

        raise error_from_validation(exc, name, ConfigError, rename) from None
    _check(questionnaire, name)
    return questionnaire


def _check(qn: Questionnaire, name: str) -> None:
    paths = fact_paths()
    seen: dict[str, Question] = {}
    for q in qn.questions:
        at = f"{name}: {q.id}"
        if q.id in seen:
            raise ConfigError("diagnosis.invalid.duplicate_id", field=f"{at}.id", ref=q.id)
        if q.when is not None:
            for ref in q.when.references():
                if ref not in seen:
                    later = any(other.id == ref for other in qn.questions)
                    code = "later_question" if later else "unknown_question"
                    raise ConfigError(f"diagnosis.invalid.{code}", field=f"{at}.when", ref=ref)
            for ref, value in q.when.compared_values():
                target = seen[ref]
                if target.options and target.option(value) is None:
                    raise ConfigError(
                        "diagnosis.invalid.not_an_option", field=f"{at}.when", ref=_show(value)
                    )
        _check_options(q, at)
        lo, hi = q.bounds()
        if lo is not None and hi is not None and lo > hi:
            raise ConfigError("diagnosis.invalid.min_above_max", field=f"{at}.min")
        if q.type == "scale" and (lo < 1 or hi > 5):
            raise ConfigError("diagnosis.invalid.out_of_range", field=f"{at}.min", min=1, max=5)
        if q.factor is not None and q.type != "number":
            raise ConfigError("diagnosis.invalid.unknown_field", field=f"{at}.factor")
        if q.maps_to is not None:
            if q.maps_to not in paths:
                raise ConfigError(
                    "diagnosis.invalid.unknown_fact_path", field=f"{at}.maps_to", ref=q.maps_to
                )
            _check_maps_to(q, at)
        for i, opt in enumerate(q.options or []):
            for path in opt.sets:
                if path not in paths:
                    raise ConfigError(
                        "diagnosis.invalid.unknown_fact_path",
                        field=f"{at}.options.{i}.sets",
                        ref=path,
                    )
            _try_facts(opt.sets, f"{at}.options.{i}.sets")
        if q.default is not None:
            try:
                q.check_answer(q.default, f"{at}.default")
            except InputError as exc:
                raise ConfigError(exc.code, **exc.params) from None
        seen[q.id] = q


def _check_options(q: Question, at: str) -> None:
    if q.type in ("single_choice", "multi_choice"):
        if not q.options:
            raise ConfigError("diagnosis.invalid.options_required", field=f"{at}.options")
    elif q.type == "boolean":
        if q.options is not None:
            values = [o.value for o in q.options]
            if (
                len(values) != 2
                or not all(isinstance(v, bool) for v in values)
                or values[0] == values[1]
            ):
                raise ConfigError(
                    "diagnosis.invalid.not_choice", field=f"{at}.options", choices="true, false"
                )
    elif q.options is not None:
        raise ConfigError("diagnosis.invalid.options_not_allowed", field=f"{at}.options")
    values: list[Any] = []
    for opt in q.options or []:
        if any(_same(opt.value, v) for v in values):
            raise ConfigError(
                "diagnosis.invalid.duplicate_id", field=f"{at}.options", ref=_show(opt.value)
            )
        values.append(opt.value)


def _check_maps_to(q: Question, at: str) -> None:
    if q.type == "text":
        raise ConfigError(
            "diagnosis.invalid.wrong_type_for_path", field=f"{at}.maps_to", ref=q.maps_to
        )
    if q.type == "multi_choice":
        # the fact holds the list of chosen values: each option alone must fit it
        samples = [[o.value] for o in q.options or []]
    elif q.type in ("single_choice",) or (q.type == "boolean" and q.options):
        samples = [o.value for o in q.options or []]
    elif q.type == "boolean":
        samples = [True, False]
    elif q.type == "scale":
        samples = [int(q.bounds()[0]), int(q.bounds()[1])]
    else:
        lo, hi = q.bounds()
        samples = [v for v in (lo, hi) if v is not None] or [1]
    for sample in samples:
        values = q.facts_values(_plain(sample) if isinstance(sample, float) else sample)
        try:
            Facts.from_dict(_nested({q.maps_to: values[q.maps_to]}))
        except SenryokuError:
            raise ConfigError(
                "diagnosis.invalid.wrong_type_for_path", field=f"{at}.maps_to", ref=q.maps_to
            ) from None


def _try_facts(values: dict[str, Any], at: str) -> None:
    try:
        Facts.from_dict(_nested(values))
    except SenryokuError as exc:
        raise ConfigError(
            exc.code, **{**exc.params, "field": f"{at}: {exc.params.get('field')}"}
        ) from None


def _nested(values: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path, value in values.items():
        set_path(data, path, value)
    return data


@cache
def available_questionnaires() -> dict[str, Questionnaire]:
    """Every questionnaire in ``questionnaires/`` by id, shortest first (read once)."""
    found: dict[str, Questionnaire] = {}
    for path in sorted(QUESTIONNAIRES_DIR.glob("*.yaml")):
        qn = load_questionnaire(path)
        if qn.id in found:
            raise ConfigError("diagnosis.invalid.duplicate_id", field=f"{path.name}: id", ref=qn.id)
        found[qn.id] = qn
    return dict(sorted(found.items(), key=lambda kv: (len(kv[1].questions), kv[0])))


def load_answers(path: str | Path) -> tuple[str | None, dict[str, Any]]:
    """(questionnaire id or None, answers) from an answers YAML file: either
    ``{questionnaire: quick, answers: {...}}`` or the answers mapping itself."""
    data = read_mapping(path)
    if "answers" in data and set(data) <= {"questionnaire", "version", "answers"}:
        answers = data.get("answers") or {}
        qid = data.get("questionnaire")
        if not isinstance(answers, dict):
            raise InputError("diagnosis.invalid.not_mapping", field=f"{Path(path).name}: answers")
        return (str(qid) if qid is not None else None), answers
    return None, data
