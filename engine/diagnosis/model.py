"""The diagnosis' output model: what pages, reports and the CLI render."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.diagnosis.plan import Headcount, Plan


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InsideSalesAdvice(_Out):
    """Where inside sales goes, and why."""

    placement: str
    reasons: list[str]
    headcount: Headcount | None = None


class InitiativeAdvice(_Out):
    """One of the three initiatives with its rank."""

    id: str
    rank: int
    months_to_impact: int
    reasons: list[str]


class Alert(_Out):
    """Something the company should know before acting (a warning of the report)."""

    id: str
    text: str


class RoadmapItem(_Out):
    """One roadmap goal: its text and the plan's KPIs it quotes."""

    text: str
    kpi: dict[str, float] = {}


class SalesProfile(_Out):
    """The sales team's strength by phase."""

    ratings: dict[str, float]
    strongest_phase: str | None  # None when phases tie at the top
    closing_heavy: bool
    rating_spread: dict[str, float] | None = None
    raters: int | None = None


class Assumption(_Out):
    """A value the diagnosis used that the company did not give."""

    path: str
    value: Any
    reason: str
    source: str | None = None


class Diagnosis(_Out):
    """The one output model; pages, reports and the CLI render it."""

    target_leads: int
    target_leads_source: Literal["facts", "profile"]
    lead_base: Literal["insufficient", "workable", "comfortable"]
    inside_sales: InsideSalesAdvice
    initiatives: list[InitiativeAdvice]
    warnings: list[Alert]
    roadmap: dict[str, list[RoadmapItem]]
    assumed: list[str]
    strongest_phase: str | None
    plan: Plan
    # for reports and charts
    lang: str
    rules_version: int
    lead_base_reason: str
    sales_profile: SalesProfile
    sharpen: list[str]
    assumptions: list[Assumption]
    profile: dict[str, Any] | None = None

    def to_contract(self) -> dict[str, Any]:
        """Exactly the CLI JSON contract."""
        return {
            "target_leads": self.target_leads,
            "target_leads_source": self.target_leads_source,
            "lead_base": self.lead_base,
            "inside_sales": self.inside_sales.model_dump(),
            "initiatives": [i.model_dump() for i in self.initiatives],
            "warnings": [w.model_dump() for w in self.warnings],
            "roadmap": {k: [i.model_dump() for i in v] for k, v in self.roadmap.items()},
            "assumed": list(self.assumed),
            "strongest_phase": self.strongest_phase,
            "plan": self.plan.contract(),
        }
