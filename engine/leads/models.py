"""The typed results of the leads sub-system that other sub-systems read.

``ProfileSummary`` is the profile's CLI JSON contract as a model: what the diagnosis, the
reports, the share link and the operator's store take from a lead list (counts only, never a
row). A dict from outside (JSON inputs, a link) is validated into it once, where it enters.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.core.errors import InputError
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
        """A summary from a plain mapping (CLI JSON, inputs file, link); InputError otherwise."""
        if isinstance(data, cls):
            return data
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
