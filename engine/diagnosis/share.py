"""Share links: questionnaire answers and sales inputs packed into one URL-safe token.

A token carries only what the user typed into the questionnaire and the sales sliders —
never a lead row, a list or a profile — so a link can be pasted anywhere. Decoding
validates every key and value and bounds the size, because a link is untrusted input.
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

VERSION = 1
MAX_TOKEN_CHARS = 4000
MAX_JSON_BYTES = 16_000
MAX_ANSWERS = 200
MAX_TEXT_CHARS = 200
MAX_LIST_ITEMS = 50

SALES_NUMBERS = (
    "headcount",
    "inside_sales_headcount",
    "opportunities_per_rep_month",
    "sales_cycle_months",
    "win_rate",
)
SALES_STYLES = ("route", "high_volume", "long_cycle", "other")

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def encode(questionnaire_id: str, answers: dict[str, Any], sales: dict[str, Any]) -> str:
    """Pack the questionnaire id, its answers and the sales inputs into a compact token
    (zlib-compressed JSON, base64url without padding). Raises InputError when the
    inputs are too large (``app.share.too_large``) or not shareable
    (``app.share.unshareable``)."""
    payload = _outgoing(questionnaire_id, answers, sales)
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    token = base64.urlsafe_b64encode(zlib.compress(raw.encode("utf-8"), 9)).decode("ascii")
    token = token.rstrip("=")
    if len(token) > MAX_TOKEN_CHARS:
        raise InputError("app.share.too_large", limit=MAX_TOKEN_CHARS)
    return token


def decode(token: str) -> dict[str, Any]:
    """Unpack a token into ``{"questionnaire_id", "answers", "sales"}``. Anything that
    is not a token made by :func:`encode` raises ``InputError("app.share.invalid")``."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise InputError("app.share.invalid")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise InputError("app.share.invalid")
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise InputError("app.share.invalid") from exc
    clean = _validated(payload)
    return {"questionnaire_id": clean["q"], "answers": clean["a"], "sales": clean["s"]}


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
    return {"v": VERSION, "q": qid, "a": _answers(payload["a"]), "s": _sales(payload["s"])}


def _answers(answers: Any) -> dict[str, Any]:
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
        out[key] = value
    return out


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
    for key in SALES_NUMBERS:
        value = sales.get(key)
        if value is None:
            continue
        if not _finite_number(value) or not 0 <= value <= 100_000:
            raise InputError("app.share.invalid")
        out[key] = value
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
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise InputError("app.inputs.invalid", detail=f"JSON: {exc.msg}") from None
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
