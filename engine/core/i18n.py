"""Every user-facing text, one place per language: ``locales/<lang>/*.yaml``.

Each file holds one top-level section (``app``, ``ingest``, ``diagnosis`` ...); the
sections are merged, and a key is addressed with dots: ``t("ingest.empty_file", "en")``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
LANGUAGES = ("ja", "en")
DEFAULT_LANG = "ja"


@cache
def texts(lang: str) -> dict[str, Any]:
    """All texts of one language, merged from its files (read once per process)."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANG
    merged: dict[str, Any] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: top level must be a mapping")
        for section, body in data.items():
            if section in merged:
                raise ValueError(f"{path}: section {section!r} defined twice")
            merged[section] = body
    return merged


def lookup(key: str, lang: str = DEFAULT_LANG) -> Any:
    """The raw value at a dotted key (a string, list or mapping); KeyError when missing."""
    node: Any = texts(lang)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no text {key!r} for language {lang!r}")
        node = node[part]
    return node


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The text at ``key`` with ``{placeholders}`` filled. A missing key shows the key
    itself rather than failing, so a forgotten translation never breaks a page."""
    try:
        template = lookup(key, lang)
    except KeyError:
        return key
    text = str(template)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def flatten(lang: str) -> dict[str, Any]:
    """Dotted key -> leaf value; used by the test that both languages are complete."""
    out: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            out[prefix] = node

    walk("", texts(lang))
    return out
