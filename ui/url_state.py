"""The journey kept in the URL, so a reload or a bookmark gives the same result.

Two query parameters: ``s`` is today's share token (questionnaire answers and sales
inputs, ``engine.diagnosis.share``), and ``j`` carries the rest of the journey — the
language, the lists, the lead list's counts (rows, categories, stages), how many rows
were corrected by hand and which target figure the diagnosis uses. Never a row, a
header or a company from the list: its counts only. Like the share token, ``j`` is
compact (zlib + base64url), versioned, size-bounded and validated on the way in; a
broken one is refused whole with one message. No streamlit here (tests call it bare).
"""

from __future__ import annotations

from typing import Any

from engine.core.errors import InputError, SenryokuError
from engine.core.i18n import LANGUAGES
from engine.core.vocab import CATEGORIES, STAGES
from engine.diagnosis.share import pack_token, unpack_token
from engine.leads.lists import Lists, lists_from_data
from engine.leads.models import ProfileSummary

VERSION = 1
MAX_TOKEN_CHARS = 6000
MAX_JSON_BYTES = 64_000
TARGET_SOURCES = ("profile", "facts")
_KEYS = {"v", "g", "l", "p", "o", "u"}


def _counts(counts: dict[str, int], known: tuple[str, ...]) -> dict[str, int]:
    return {k: int(counts[k]) for k in known if counts.get(k)}


def encode_journey(
    lang: str,
    lists: Lists | None,
    profile: dict[str, Any] | None,
    overrides_count: int = 0,
    target_source: str = "profile",
) -> str | None:
    """The ``j`` token for these inputs (None when there is nothing to keep). ``profile``
    is the profile's summary dict; only its counts go in. The lists are left out when
    they would make the link too long (the counts they produced stay)."""
    payload: dict[str, Any] = {"v": VERSION, "g": lang}
    if lists is not None and lists != Lists():
        payload["l"] = lists.model_dump(exclude_defaults=True)
    if profile is not None:
        payload["p"] = {
            "r": int(profile["rows"]),
            "c": _counts(profile.get("categories") or {}, CATEGORIES),
            "t": _counts(profile.get("stages") or {}, STAGES),
        }
    if overrides_count:
        payload["o"] = int(overrides_count)
    if target_source != "profile":
        payload["u"] = target_source
    if set(payload) == {"v", "g"}:
        return None
    token = pack_token(payload)
    if len(token) > MAX_TOKEN_CHARS and "l" in payload:
        del payload["l"]
        token = pack_token(payload)
    return token if len(token) <= MAX_TOKEN_CHARS else None


def decode_journey(token: str) -> dict[str, Any]:
    """``{"lang", "lists", "profile", "overrides_count", "target_source"}`` from a ``j``
    token; anything else raises ``InputError("app.share.invalid")``."""
    payload = unpack_token(token, MAX_TOKEN_CHARS, MAX_JSON_BYTES)
    try:
        return _validated(payload)
    except SenryokuError:
        raise InputError("app.share.invalid") from None


def _validated(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict) or not set(payload) <= _KEYS or payload.get("v") != VERSION:
        raise InputError("app.share.invalid")
    lang = payload.get("g")
    if lang not in LANGUAGES:
        raise InputError("app.share.invalid")
    lists = lists_from_data(payload["l"]) if "l" in payload else None
    profile = None
    if "p" in payload:
        p = payload["p"]
        if not isinstance(p, dict) or set(p) != {"r", "c", "t"}:
            raise InputError("app.share.invalid")
        summary = ProfileSummary.from_data({"rows": p["r"], "categories": p["c"], "stages": p["t"]})
        profile = summary.to_contract()
    overrides = payload.get("o", 0)
    if isinstance(overrides, bool) or not isinstance(overrides, int) or not 0 <= overrides:
        raise InputError("app.share.invalid")
    if profile is not None and overrides > profile["rows"]:
        raise InputError("app.share.invalid")
    source = payload.get("u", "profile")
    if source not in TARGET_SOURCES:
        raise InputError("app.share.invalid")
    return {
        "lang": lang,
        "lists": lists,
        "profile": profile,
        "overrides_count": overrides,
        "target_source": source,
    }
