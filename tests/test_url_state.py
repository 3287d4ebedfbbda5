"""The journey kept in the URL: compact, versioned, validated, counts only."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.core.errors import InputError
from engine.leads.lists import Lists
from ui.url_state import MAX_TOKEN_CHARS, decode_journey, encode_journey

PROFILE = {
    "rows": 300,
    "encoding": "cp932",
    "columns": {"email": "メール"},
    "categories": {"target": 208, "competitor": 12, "duplicate": 80},
    "stages": {"lead": 150, "mql": 40},
}


def _pack(payload) -> str:
    raw = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


def test_round_trip_keeps_counts_lists_and_choices_but_no_header():
    """Test that language, lists, the list's counts, the corrections count and the target
    choice come back; the file's column headers never go into the link."""
    lists = Lists().with_lines("competitors", "rival.example\nライバル商事")
    token = encode_journey("en", lists, PROFILE, overrides_count=3, target_source="facts")
    back = decode_journey(token)
    assert back["lang"] == "en"
    assert back["lists"] == lists
    assert back["profile"]["rows"] == 300
    assert back["profile"]["categories"]["target"] == 208
    assert back["profile"]["stages"]["mql"] == 40
    assert back["overrides_count"] == 3 and back["target_source"] == "facts"
    assert back["profile"]["columns"] == {} and back["profile"]["encoding"] == ""


def test_nothing_to_keep_gives_no_token():
    """Test that a session with no lists and no list gives no ``j`` parameter."""
    assert encode_journey("ja", Lists(), None) is None


def test_a_compact_token_for_the_sample():
    """Test that the sample journey's token is short enough for any browser's address bar."""
    lists = Lists().with_lines("competitors", "\n".join(f"rival{i}.example" for i in range(20)))
    assert len(encode_journey("ja", lists, PROFILE)) < 600


def test_huge_lists_are_left_out_but_the_counts_stay():
    """Test that lists too long for a link are dropped while the counts are kept."""
    lists = Lists().with_lines(
        "own", "\n".join(f"c{i:05d}-{i * 7919}.example" for i in range(3000))
    )
    token = encode_journey("ja", lists, PROFILE)
    assert len(token) <= MAX_TOKEN_CHARS
    back = decode_journey(token)
    assert back["lists"] is None and back["profile"]["categories"]["target"] == 208


@pytest.mark.parametrize(
    "payload",
    [
        {"v": 2, "g": "ja"},
        {"v": 1, "g": "fr"},
        {"v": 1, "g": "ja", "p": {"r": 10, "c": {"target": 11}, "t": {}}},  # more targets than rows
        {"v": 1, "g": "ja", "p": {"r": "10", "c": {}, "t": {}}},
        {"v": 1, "g": "ja", "p": {"r": 10, "c": {"vip": 1}, "t": {}}},
        {"v": 1, "g": "ja", "o": -1},
        {"v": 1, "g": "ja", "o": True},
        {"v": 1, "g": "ja", "u": "guess"},
        {"v": 1, "g": "ja", "l": {"own": {"domains": ["not a domain"]}}},
        {"v": 1, "g": "ja", "rows": [{"email": "a@b.example"}]},
        [1, 2, 3],
    ],
)
def test_hostile_or_broken_tokens_give_one_message(payload):
    """Test that a token with a wrong version, type, range or key is refused as a broken link."""
    with pytest.raises(InputError) as info:
        decode_journey(_pack(payload))
    assert info.value.code == "app.share.invalid"


def test_deep_nesting_is_refused():
    """Test that a 2,000-deep JSON is a broken link, not a RecursionError."""
    with pytest.raises(InputError):
        decode_journey(_pack("[" * 2000 + "]" * 2000))


@given(st.text(max_size=300))
def test_any_text_is_a_token_or_a_broken_link(text):
    """Test that any text in ``j`` decodes or raises the broken-link error, nothing else."""
    try:
        decode_journey(text)
    except InputError as exc:
        assert exc.code == "app.share.invalid"
