"""The leads sub-system's reference data (``engine/leads/data/*.yaml``), each file read
through a model by :func:`engine.core.yamlio.load_model`: an edit that breaks a file is a
ConfigError naming the file and the field, not a KeyError deep in the profile.

- ``columns.yaml``: header aliases per mapping field;
- ``stages.yaml``: raw stage values per funnel stage;
- ``free_mail.yaml``: free-mail / personal e-mail domains;
- ``legal_forms.yaml``: legal forms left out of the company matching key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from engine.core import yamlio

DATA_DIR = Path(__file__).resolve().parent / "data"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Domain = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$"),
]


class _DataFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ColumnAliases(_DataFile):
    """``columns.yaml``: for each mapping field, the headers that hold it, best first."""

    email: list[Text] = []
    company: list[Text] = []
    full_name: list[Text] = []
    last_name: list[Text] = []
    first_name: list[Text] = []
    phone: list[Text] = []
    mobile: list[Text] = []
    title: list[Text] = []
    department: list[Text] = []
    lifecycle_stage: list[Text] = []
    status: list[Text] = []
    bounce: list[Text] = []
    retired_flag: list[Text] = []
    notes: list[Text] = []
    last_activity: list[Text] = []
    exchange_date: list[Text] = []
    created: list[Text] = []


class StageValues(_DataFile):
    """``stages.yaml``: the raw values that mean each stage (``unknown`` is the rest)."""

    lead: list[Text] = []
    mql: list[Text] = []
    isal: list[Text] = []
    isql: list[Text] = []
    sal: list[Text] = []
    sql: list[Text] = []
    won: list[Text] = []


class FreeMail(_DataFile):
    """``free_mail.yaml``: domains of free-mail and personal addresses."""

    domains: list[Domain]


class LegalForms(_DataFile):
    """``legal_forms.yaml``: ``japanese`` removed as substrings, ``english`` as words."""

    japanese: list[Text]
    english: list[Text]


@cache
def column_aliases() -> ColumnAliases:
    """The header aliases of ``columns.yaml``."""
    return yamlio.load_model(DATA_DIR / "columns.yaml", ColumnAliases)


@cache
def legal_forms_file() -> LegalForms:
    """The legal forms of ``legal_forms.yaml``."""
    return yamlio.load_model(DATA_DIR / "legal_forms.yaml", LegalForms)


@cache
def stage_values() -> dict[str, str]:
    """Normalised stage value -> stage, from ``stages.yaml``."""
    data = yamlio.load_model(DATA_DIR / "stages.yaml", StageValues)
    return {
        normalize_stage_value(v): stage
        for stage, values in data.model_dump().items()
        for v in values
    }


def normalize_stage_value(value: str) -> str:
    """NFKC, lower-case, spaces, ``_`` and ``-`` removed."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", value)).lower()


def stage_of(value: str | None, extra: dict[str, list[str]] | None = None) -> str:
    """The stage a raw lifecycle/status value means; extra values (from the mapping
    file, ``{mql: [ホット]}``) win over the built-in table."""
    if value is None or not value.strip():
        return "unknown"
    norm = normalize_stage_value(value)
    for stage, values in (extra or {}).items():
        if norm in {normalize_stage_value(v) for v in values}:
            return stage
    return stage_values().get(norm, "unknown")


@cache
def free_mail_domains() -> tuple[str, ...]:
    """The free-mail / personal domains of ``free_mail.yaml``."""
    return tuple(yamlio.load_model(DATA_DIR / "free_mail.yaml", FreeMail).domains)
