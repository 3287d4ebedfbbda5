"""Share links: questionnaire answers and sales inputs packed into one URL-safe token.

A token carries only what the user typed into the questionnaire and the sales sliders —
never a lead row, a list or a profile — so a link can be pasted anywhere. Decoding
validates to the leaf, because a link (and a saved inputs file) is untrusted input: the
JSON's size and nesting are bounded before it is parsed, every answer must be a value its
question accepts (a number for a number question, a whole 1..5 for a scale, a list of
options for a multi-choice) and every sales input a value the sales page can show. A
hostile token gets the same one-line message as a broken one.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import zlib
from typing import Any

from engine.core.errors import InputError
from engine.core.vocab import PHASES
from engine.diagnosis.facts import Facts
from engine.diagnosis.questionnaire import Question, Questionnaire, available_questionnaires

VERSION = 1
MAX_TOKEN_CHARS = 4000
MAX_JSON_BYTES = 16_000
MAX_ANSWERS = 200
MAX_TEXT_CHARS = 200
MAX_LIST_ITEMS = 50
# The deepest real payload (inputs -> lists -> own -> domains -> item) nests 4 levels; the C
# JSON parser recurses per level, so 2,000 levels raise RecursionError inside a page.
MAX_JSON_DEPTH = 20

# (min, max, whole) per sales input: the facts' range narrowed to what the sales page's
# widgets accept (a value outside a widget's range stops the page).
SALES_NUMBERS: dict[str, tuple[float, float, bool]] = {
    "headcount": (0, 10_000, True),
    "inside_sales_headcount": (0, 10_000, True),
    "opportunities_per_rep_month": (0, 1_000, False),
    "sales_cycle_months": (1, 60, False),
    "win_rate": (0, 1, False),
}
SALES_STYLES = ("route", "high_volume", "long_cycle", "other")

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def encode(questionnaire_id: str, answers: dict[str, Any], sales: dict[str, Any]) -> str:
    """Pack the questionnaire id, its answers and the sales inputs into a compact token
    (zlib-compressed JSON, base64url without padding). Raises InputError when the
    inputs are too large (``app.share.too_large``) or not shareable
    (``app.share.unshareable``)."""
    token = pack_token(_outgoing(questionnaire_id, answers, sales))
    if len(token) > MAX_TOKEN_CHARS:
        raise InputError("app.share.too_large", limit=MAX_TOKEN_CHARS)
    return token


def decode(token: str) -> dict[str, Any]:
    """Unpack a token into ``{"questionnaire_id", "answers", "sales"}``. Anything that
    is not a token made by :func:`encode` raises ``InputError("app.share.invalid")``."""
    clean = _validated(unpack_token(token, MAX_TOKEN_CHARS, MAX_JSON_BYTES))
    return {"questionnaire_id": clean["q"], "answers": clean["a"], "sales": clean["s"]}


def pack_token(payload: dict[str, Any]) -> str:
    """JSON, zlib-compressed, base64url without padding: the form of every token the app
    puts in a URL (the share link ``s`` and the journey ``j``)."""
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        base64.urlsafe_b64encode(zlib.compress(raw.encode("utf-8"), 9)).decode("ascii").rstrip("=")
    )


def unpack_token(token: Any, max_chars: int, max_json_bytes: int) -> Any:
    """The JSON inside a token made by :func:`pack_token`, bounded in length, inflated size
    and nesting before anything is parsed; ``InputError("app.share.invalid")`` otherwise."""
    if not isinstance(token, str) or not token or len(token) > max_chars:
        raise InputError("app.share.invalid")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, max_json_bytes)
        if inflater.unconsumed_tail or not inflater.eof:
            raise InputError("app.share.invalid")
        return bounded_json(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise InputError("app.share.invalid") from exc


def bounded_json(text: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` of text nested at most ``max_depth`` levels; ValueError otherwise.
    The depth is counted on the brackets outside strings before anything is parsed."""
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > max_depth:
            raise ValueError(f"nested deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except RecursionError:  # unreachable after the count; kept so no page can ever see it
        raise ValueError(f"nested deeper than {max_depth} levels") from None


def _outgoing(questionnaire_id: str, answers: Any, sales: Any) -> dict[str, Any]:
    """The session's inputs checked as a token would be on the way back in; a value the
    check refuses is the session's own, so the error says so rather than "broken link"."""
    try:
        return _validated({"v": VERSION, "q": questionnaire_id, "a": answers, "s": sales})
    except InputError:
        raise InputError("app.share.unshareable", limit=MAX_TEXT_CHARS) from None


def _validated(payload: Any) -> dict[str, Any]:
    """The payload with only known keys and plain values; InputError otherwise."""
    if not isinstance(payload, dict) or set(payload) != {"v", "q", "a", "s"}:
        raise InputError("app.share.invalid")
    if payload["v"] != VERSION:
        raise InputError("app.share.invalid")
    qid = payload["q"]
    if not isinstance(qid, str) or not _ID.match(qid):
        raise InputError("app.share.invalid")
    questionnaire = available_questionnaires().get(qid)
    if questionnaire is None:
        raise InputError("app.share.invalid")
    answers = _answers(payload["a"], questionnaire)
    return {"v": VERSION, "q": qid, "a": answers, "s": _sales(payload["s"])}


def _answers(answers: Any, questionnaire: Questionnaire) -> dict[str, Any]:
    """Each answer checked by its own question (type, range, options) — the same check
    the questionnaire page's widgets rely on — and kept only in its normalised form.
    Answers are keyed by question id across questionnaires (a session that switched from
    the full to the quick one keeps both), so an id the chosen one lacks is checked by
    the questionnaire that asks it; an id no questionnaire asks is refused."""
    if not isinstance(answers, dict) or len(answers) > MAX_ANSWERS:
        raise InputError("app.share.invalid")
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if not isinstance(key, str) or not _ID.match(key):
            raise InputError("app.share.invalid")
        if value is None:
            continue
        if isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS or not all(_scalar(v) for v in value):
                raise InputError("app.share.invalid")
        elif not _scalar(value):
            raise InputError("app.share.invalid")
        question = _question(key, questionnaire)
        if question is None:
            raise InputError("app.share.invalid")
        try:
            out[key] = question.check_answer(value, key)
        except InputError:
            raise InputError("app.share.invalid") from None
    return out


def _question(question_id: str, questionnaire: Questionnaire) -> Question | None:
    question = questionnaire.question(question_id)
    if question is not None:
        return question
    for other in available_questionnaires().values():
        question = other.question(question_id)
        if question is not None:
            return question
    return None


def _scalar(value: Any) -> bool:
    if isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return value == value and abs(value) < 1e12
    return isinstance(value, str) and len(value) <= MAX_TEXT_CHARS


def _sales(sales: Any) -> dict[str, Any]:
    if not isinstance(sales, dict):
        raise InputError("app.share.invalid")
    allowed = {"ratings", "rating_spread", "raters", "style", *SALES_NUMBERS}
    if set(sales) - allowed:
        raise InputError("app.share.invalid")
    out: dict[str, Any] = {}
    # Team mode puts means (3.5) in ``ratings`` and max - min per phase in ``rating_spread``.
    for key, lo, hi in (("ratings", 1, 5), ("rating_spread", 0, 4)):
        per_phase = _per_phase(sales.get(key), lo, hi)
        if per_phase is not None:
            out[key] = per_phase
    raters = sales.get("raters")
    if raters is not None:
        if isinstance(raters, bool) or not isinstance(raters, int) or not 1 <= raters <= 100_000:
            raise InputError("app.share.invalid")
        out["raters"] = raters
    style = sales.get("style")
    if style is not None:
        if style not in SALES_STYLES:
            raise InputError("app.share.invalid")
        out["style"] = style
    for key, (lo, hi, whole) in SALES_NUMBERS.items():
        value = sales.get(key)
        if value is None:
            continue
        if not _finite_number(value) or not lo <= value <= hi or (whole and value != int(value)):
            raise InputError("app.share.invalid")
        out[key] = int(value) if whole else value
    try:  # the facts' own rules too (a win rate of 0 is no rate)
        Facts.from_dict({"sales": out})
    except InputError:
        raise InputError("app.share.invalid") from None
    return out


def _per_phase(values: Any, lo: float, hi: float) -> dict[str, Any] | None:
    """``{phase: number lo..hi}`` in phase order; None when absent, InputError when bad."""
    if values is None:
        return None
    if not isinstance(values, dict) or set(values) - set(PHASES):
        raise InputError("app.share.invalid")
    for value in values.values():
        if value is not None and (not _finite_number(value) or not lo <= value <= hi):
            raise InputError("app.share.invalid")
    return {p: values[p] for p in PHASES if values.get(p) is not None}


def _finite_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


# ---- saved inputs (the JSON the results page offers and the first page loads back) ----

MAX_INPUTS_BYTES = 1_000_000


def inputs_to_json(
    questionnaire_id: str,
    answers: dict[str, Any],
    sales: dict[str, Any],
    lists: dict[str, Any] | None = None,
    overrides_count: int = 0,
) -> str:
    """The user's inputs as JSON to save and load back later: answers, sales inputs,
    lists and how many rows were reclassified by hand — never a lead row. Raises
    ``InputError("app.share.unshareable")`` for inputs a link or file cannot carry."""
    payload = _outgoing(questionnaire_id, answers, sales)
    doc = {
        "senryoku_inputs": VERSION,
        "questionnaire_id": payload["q"],
        "answers": payload["a"],
        "sales": payload["s"],
        "lists": lists or {},
        "overrides_count": int(overrides_count),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)


def inputs_from_json(data: bytes | str) -> dict[str, Any]:
    """Saved inputs back as ``{"questionnaire_id", "answers", "sales", "lists"}``;
    ``lists`` is a plain mapping for ``engine.leads.lists`` to validate.
    Raises ``InputError("app.inputs.invalid", detail=...)``."""
    if isinstance(data, bytes):
        if len(data) > MAX_INPUTS_BYTES:
            raise InputError("app.inputs.invalid", detail=f"> {MAX_INPUTS_BYTES:,} bytes")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("app.inputs.invalid", detail="UTF-8") from None
    if len(data) > MAX_INPUTS_BYTES:
        raise InputError("app.inputs.invalid", detail=f"> {MAX_INPUTS_BYTES:,} bytes")
    try:
        doc = bounded_json(data)
    except ValueError as exc:
        raise InputError("app.inputs.invalid", detail=f"JSON: {getattr(exc, 'msg', exc)}") from None
    if not isinstance(doc, dict) or doc.get("senryoku_inputs") != VERSION:
        raise InputError("app.inputs.invalid", detail="senryoku_inputs")
    try:
        payload = _validated(
            {
                "v": VERSION,
                "q": doc.get("questionnaire_id"),
                "a": doc.get("answers", {}),
                "s": doc.get("sales", {}),
            }
        )
    except InputError:
        raise InputError("app.inputs.invalid", detail="answers / sales") from None
    lists = doc.get("lists") or {}
    if not isinstance(lists, dict):
        raise InputError("app.inputs.invalid", detail="lists")
    return {
        "questionnaire_id": payload["q"],
        "answers": payload["a"],
        "sales": payload["s"],
        "lists": lists,
    }
