"""The leads sub-system's reference data (``engine/leads/data/*.yaml``): stage values and
free-mail domains."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

from engine.core.vocab import STAGES

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def stage_values() -> dict[str, str]:
    """Normalised stage value -> stage, from ``engine/leads/data/stages.yaml``."""
    with (DATA_DIR / "stages.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    out: dict[str, str] = {}
    for stage, values in data.items():
        if stage not in STAGES:
            raise ValueError(f"stages.yaml: unknown stage {stage!r}")
        for v in values:
            out[normalize_stage_value(str(v))] = stage
    return out


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
    """The free-mail / personal domains of ``engine/leads/data/free_mail.yaml``."""
    with (DATA_DIR / "free_mail.yaml").open(encoding="utf-8") as fh:
        return tuple(str(d).strip().lower() for d in yaml.safe_load(fh)["domains"])
