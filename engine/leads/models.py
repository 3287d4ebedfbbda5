"""The typed results of the leads sub-system that other sub-systems read.

``LeadProfile`` is what a lead list holds (counts, examples, lead age, completeness, top
accounts); ``ProfileSummary`` is the profile's CLI JSON contract as a model: what the diagnosis, the
reports, the share link and the operator's store take from a lead list (counts only, never a
row). A dict from outside (JSON inputs, a link) is validated into it once, where it enters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.core.errors import InputError
from engine.core.i18n import t
from engine.core.vocab import CATEGORIES, STAGES

Count = Field(ge=0)


class ProfileSummary(BaseModel):
    """Rows, encoding, column mapping and the counts by category and by stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rows: int = Count
    encoding: str = ""
    columns: dict[str, str | None] = {}
    categories: dict[str, int] = {}
    stages: dict[str, int] = {}

    @model_validator(mode="after")
    def _consistent(self) -> ProfileSummary:
        for name, counts, known in (
            ("categories", self.categories, CATEGORIES),
            ("stages", self.stages, STAGES),
        ):
            for key, value in counts.items():
                if key not in known or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{name}.{key}")
        if self.target_leads > self.rows:
            raise ValueError("categories.target")
        return self

    @property
    def target_leads(self) -> int:
        """Rows classified ``target``: the real marketing strength."""
        return self.categories.get("target", 0)

    @classmethod
    def from_data(cls, data: Any) -> ProfileSummary:
        """A summary from a LeadProfile or a plain mapping (CLI JSON, inputs file, link, the
        counts kept across a reload); InputError otherwise."""
        if isinstance(data, cls):
            return data
        if isinstance(data, LeadProfile):
            data = data.summary()
        if not isinstance(data, dict):
            raise InputError("diagnosis.invalid_profile")
        try:
            return cls.model_validate(data, strict=True)
        except ValidationError:
            raise InputError("diagnosis.invalid_profile") from None

    def to_contract(self) -> dict[str, Any]:
        """The CLI JSON contract, every category and stage present, in vocabulary order."""
        return {
            "rows": self.rows,
            "encoding": self.encoding,
            "columns": dict(self.columns),
            "categories": {c: self.categories.get(c, 0) for c in CATEGORIES},
            "stages": {s: self.stages.get(s, 0) for s in STAGES},
        }


AGE_BUCKETS = ("<3m", "3-12m", "1-2y", ">2y", "unknown")


class LeadAge(BaseModel):
    """How long ago the leads were last active (or their card was exchanged)."""

    model_config = ConfigDict(extra="forbid")

    source: list[str] = []  # headers the dates come from
    as_of: dt.date | None = None
    buckets: dict[str, int] = {b: 0 for b in AGE_BUCKETS}
    median_months: float | None = None


class TopAccount(BaseModel):
    """One company: its display name, all its leads, its target leads."""

    model_config = ConfigDict(extra="forbid")

    company: str
    leads: int
    targets: int


class LeadProfile(BaseModel):
    """What a lead list holds. ``summary()`` is the CLI JSON contract."""

    model_config = ConfigDict(extra="forbid")

    rows: int
    encoding: str
    columns: dict[str, str]
    categories: dict[str, int]
    stages: dict[str, int]
    examples: dict[str, list[dict]] = {}
    lead_age: LeadAge = LeadAge()
    completeness: dict[str, float] = {}
    top_accounts: list[TopAccount] = []
    notes: list[tuple[str, dict]] = []

    @property
    def target_leads(self) -> int:
        """The real marketing strength: rows classified ``target``."""
        return self.categories.get("target", 0)

    def to_summary(self) -> ProfileSummary:
        """The counts other sub-systems read (no example row, no company name)."""
        return ProfileSummary(
            rows=self.rows,
            encoding=self.encoding,
            columns=dict(self.columns),
            categories=dict(self.categories),
            stages=dict(self.stages),
        )

    def summary(self) -> dict:
        """The CLI JSON contract: rows, encoding, columns, categories, stages (the same
        dict as :meth:`ProfileSummary.to_contract`)."""
        return self.to_summary().to_contract()

    def examples_for(self, category: str, lang: str = "ja") -> list[dict]:
        """Example rows of one category with the reason as readable text."""
        out = []
        for ex in self.examples.get(category, []):
            row = {k: v for k, v in ex.items() if k != "reason_value"}
            row["reason"] = describe_reason(ex.get("reason"), ex.get("reason_value"), lang)
            out.append(row)
        return out


def describe_reason(code: str | None, value: str | None, lang: str = "ja") -> str:
    """Why a row got its category, as a sentence in ``lang``."""
    if not code:
        return ""
    if code == "override":
        value = t(f"profile.category.{value}", lang)
    return t(f"profile.reason.{code}", lang, value=value if value is not None else "")
