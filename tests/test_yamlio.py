"""engine.core.yamlio: the one YAML loader refuses what would make a small file expensive."""

from __future__ import annotations

import time

import pytest

from engine.core import yamlio
from engine.core.errors import ConfigError, InputError
from engine.leads.lists import lists_from_yaml_text

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_alias_bomb_refused_at_once():
    """Test that a 9-level alias bomb (hundreds of millions of nodes once expanded) is refused
    at its first alias, in well under a second, naming the line."""
    start = time.perf_counter()
    with pytest.raises(InputError) as exc:
        yamlio.parse_text(BOMB, name="lists.yaml")
    assert time.perf_counter() - start < 0.5
    assert exc.value.code == "common.yaml.alias"
    assert exc.value.params["line"] == 2
    assert "別名" in exc.value.message("ja") and "aliases" in exc.value.message("en")


def test_alias_bomb_in_lists_text_from_the_app():
    """Test that lists text pasted into the app goes through the same refusal."""
    with pytest.raises(InputError) as exc:
        lists_from_yaml_text("own:\n  domains: &d [a.example]\ncompetitors:\n  domains: *d\n")
    assert exc.value.code == "common.yaml.alias"


def test_deep_nesting_and_size_refused():
    """Test that 2,000 nested lists and a text over the size cap are refused with their codes."""
    with pytest.raises(InputError) as deep:
        yamlio.parse_text("[" * 2000 + "]" * 2000, name="x.yaml")
    assert deep.value.code == "common.yaml.too_deep"
    with pytest.raises(InputError) as big:
        yamlio.parse_text("a: " + "x" * (yamlio.MAX_BYTES + 1), name="x.yaml")
    assert big.value.code == "common.yaml.too_large"
    assert yamlio.parse_text("[" * 30 + "]" * 30, name="ok.yaml") is not None


def test_python_tags_refused_and_errors_typed():
    """Test that a Python tag is refused by name, and the caller chooses the error type."""
    with pytest.raises(ConfigError) as exc:
        yamlio.parse_text("a: !!python/object/apply:os.system [ls]\n", "r.yaml", ConfigError)
    assert exc.value.code == "common.yaml.tag"
    assert exc.value.params["tag"] == "!!python/object/apply:os.system"


def test_anchors_without_aliases_are_plain_yaml():
    """Test that an anchor that is never referenced reads as the plain value."""
    assert yamlio.parse_text("a: &x 1\nb: 2\n", "f.yaml") == {"a": 1, "b": 2}
