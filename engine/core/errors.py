"""The engine's own error types.

Every error carries a message code (looked up in ``locales/<lang>/*.yaml``) and the
parameters the message needs, so the same error reads well in Japanese and English,
in the app (``st.error``) and on the CLI (one line on stderr, exit 2).
"""

from __future__ import annotations


class SenryokuError(Exception):
    """Base class: something the user can act on. ``code`` is a locale key such as
    ``ingest.empty_file``; ``params`` fill its placeholders."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}" if params else code)

    def message(self, lang: str = "ja") -> str:
        from engine.core.i18n import t

        return t(self.code, lang, **self.params)


class InputError(SenryokuError):
    """A file, answer or fact given by the user cannot be used as it is."""


class ConfigError(SenryokuError):
    """A data file of the product (rules, questionnaire, lists, mapping) is invalid."""


class LimitError(InputError):
    """An upload is over a size, time or memory limit."""


class StoreError(SenryokuError):
    """The operator store cannot be reached or refused a write."""


class AccessError(SenryokuError):
    """A link or token is invalid, expired or revoked."""
