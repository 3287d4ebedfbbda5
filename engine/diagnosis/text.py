"""The one shape of bilingual text in the diagnosis' data files: ``{ja: ..., en: ...}``.

Questionnaire texts, rule sentences, benchmark labels and default reasons all use it, so a
missing translation fails the same way (naming the file and the field) wherever it is.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    """A text in Japanese and English; ``text(lang)`` picks one (Japanese unless ``en``)."""

    model_config = ConfigDict(extra="forbid")

    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: str = "ja") -> str:
        return self.en if lang == "en" else self.ja
