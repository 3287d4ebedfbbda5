"""The pages' shortcut to the texts: ``tr("app.nav.results")`` in the session's language."""

from __future__ import annotations

import streamlit as st

from engine.core.i18n import DEFAULT_LANG, LANGUAGES, t


def lang() -> str:
    """The session's language ("ja" or "en")."""
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGUAGES else DEFAULT_LANG


def tr(key: str, **params: object) -> str:
    """The text at ``key`` in the session's language, placeholders filled."""
    return t(key, lang(), **params)


def language_from_locale(locale: str | None) -> str:
    """The app language for a browser locale such as "en-US": English for any "en",
    Japanese otherwise (the product's home market)."""
    if locale and locale.lower().startswith("en"):
        return "en"
    return DEFAULT_LANG
