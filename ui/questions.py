"""Draw one questionnaire question as a widget; its answer is copied into
``st.session_state["answers"]`` on change (the widget key is ``q_<id>``)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.components import show_error
from ui.i18n import lang, tr

# a share link carries answers, so free text stays short
MAX_TEXT = 200


def field(obj: Any, key: str, default: Any = None) -> Any:
    """An attribute of a questionnaire model (Question, Option), ``default`` when absent."""
    return default if obj is None else getattr(obj, key, default)


def localized(value: Any, language: str) -> str:
    """A text given as ``{ja, en}`` (mapping or model), a callable or a plain string."""
    if value is None:
        return ""
    if callable(value):
        return str(value(language))
    if isinstance(value, dict):
        return str(value.get(language) or value.get("ja") or next(iter(value.values()), ""))
    if hasattr(value, language):
        return str(getattr(value, language) or getattr(value, "ja", ""))
    return str(value)


def question_text(question: Any, key: str = "text") -> str:
    """The question's text (or ``help``) in the session's language."""
    return localized(field(question, key), lang())


def option_values(question: Any) -> list[Any]:
    """The values a choice question offers, in order."""
    return [field(o, "value", o) for o in field(question, "options") or []]


def option_label(question: Any, value: Any) -> str:
    """The label of one option in the session's language."""
    if value is None:
        return tr("app.questionnaire.not_answered")
    for option in field(question, "options") or []:
        if field(option, "value", option) == value:
            label = field(option, "text") or field(option, "label")
            return localized(label, lang()) if label is not None else str(value)
    return str(value)


def _out_of_range(value: Any, lo: Any, hi: Any) -> bool:
    return isinstance(value, int | float) and (
        (lo is not None and value < lo) or (hi is not None and value > hi)
    )


def _copy_answer(qid: str, lo: Any = None, hi: Any = None) -> None:
    """Copy a widget's value into the answers; a number out of range is not kept (the
    range is checked here, so the message is in the user's language)."""
    ss = st.session_state
    answers = dict(ss["answers"])
    value = ss.get(f"q_{qid}")
    errors = dict(ss.get("answer_errors") or {})
    errors.pop(qid, None)
    if _out_of_range(value, lo, hi):
        errors[qid] = value
    elif value is None or value == "" or value == []:
        answers.pop(qid, None)
    else:
        answers[qid] = value
    ss["answers"] = answers
    ss["answer_errors"] = errors


def _range_error(qid: str, label: str, lo: Any, hi: Any) -> None:
    value = (st.session_state.get("answer_errors") or {}).get(qid)
    if value is None:
        return
    low = "—" if lo is None else f"{lo:,}"
    high = "—" if hi is None else f"{hi:,}"
    show_error("journey.number_range", label=label, low=low, high=high, value=f"{value:,}")


def _number(question: Any, qid: str, label: str, common: dict) -> None:
    key, answers = common["key"], st.session_state["answers"]
    lo, hi, step = field(question, "min"), field(question, "max"), field(question, "step")
    whole = all(v is None or float(v).is_integer() for v in (lo, step))
    cast = int if whole else float
    if key not in st.session_state:
        value = answers.get(qid)
        st.session_state[key] = None if value is None else cast(value)
    lo, hi = (None if lo is None else cast(lo)), (None if hi is None else cast(hi))
    st.number_input(
        label,
        step=cast(step) if step else (1 if whole else None),
        placeholder=tr("app.questionnaire.not_answered"),
        **{**common, "args": (qid, lo, hi)},
    )
    _range_error(qid, question_text(question) or qid, lo, hi)


def _scale(question: Any, qid: str, label: str, common: dict) -> None:
    key, answers = common["key"], st.session_state["answers"]
    lo = int(field(question, "min", 1) or 1)
    hi = int(field(question, "max", 5) or 5)
    if key not in st.session_state:
        default = field(question, "default")
        start = answers.get(qid, default if default is not None else (lo + hi) // 2)
        st.session_state[key] = int(start)
    if qid not in answers:
        # A slider always shows a value: untouched, it is answered at that value, so the
        # count, the chart and the diagnosis agree with what the user sees.
        st.session_state["answers"] = {**answers, qid: int(st.session_state[key])}
    st.slider(label, min_value=lo, max_value=hi, step=1, **common)


def render_question(question: Any) -> None:
    """One widget for one question, seeded from the canonical answers."""
    qid = str(field(question, "id"))
    key = f"q_{qid}"
    kind = str(field(question, "type", "choice"))
    answers = st.session_state["answers"]
    label = question_text(question) or qid
    unit = question_text(question, "unit")
    if unit:
        label = f"{label}（{unit}）" if lang() == "ja" else f"{label} ({unit})"
    help_text = question_text(question, "help") or None
    common = {"key": key, "on_change": _copy_answer, "args": (qid,), "help": help_text}

    if kind in ("single_choice", "choice"):
        values = option_values(question)
        if key not in st.session_state:
            st.session_state[key] = answers.get(qid) if answers.get(qid) in values else None
        st.radio(
            label,
            values,
            format_func=lambda v: option_label(question, v),
            index=None,
            horizontal=len(values) <= 4,
            **common,
        )
    elif kind in ("multi_choice", "multi"):
        values = option_values(question)
        if key not in st.session_state:
            st.session_state[key] = [v for v in answers.get(qid) or [] if v in values]
        st.multiselect(
            label,
            values,
            format_func=lambda v: option_label(question, v),
            placeholder=tr("journey.select_placeholder"),
            **common,
        )
    elif kind in ("boolean", "bool"):
        if key not in st.session_state:
            st.session_state[key] = answers.get(qid)
        st.radio(
            label,
            [True, False],
            format_func=lambda v: tr(
                "app.questionnaire.answer_yes" if v else "app.questionnaire.answer_no"
            ),
            index=None,
            horizontal=True,
            **common,
        )
    elif kind == "number":
        _number(question, qid, label, common)
    elif kind == "scale":
        _scale(question, qid, label, common)
    else:
        if key not in st.session_state:
            st.session_state[key] = str(answers.get(qid, ""))
        st.text_input(label, max_chars=MAX_TEXT, **common)
