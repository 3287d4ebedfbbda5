"""The team sub-system's typed models: a round as the store shows it, a member's rating,
the stored response, and the aggregated :class:`TeamResult` the diagnosis and the reports read.

Free text (company, display name, comment) is kept as typed, one line; it is user text, so
every renderer shows it as text (escaped), never as Markdown or HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.core.errors import InputError
from engine.core.vocab import PHASES

ROLES = ("marketing", "inside_sales", "sales", "management")
Role = Literal["marketing", "inside_sales", "sales", "management"]

DEFAULT_DAYS = 14
MAX_DAYS = 90
DISAGREEMENT_POINTS = 2.0
MAX_RATERS = 300
MAX_COMPANY_CHARS = 100
MAX_NAME_CHARS = 60
MAX_COMMENT_CHARS = 200


def naive_utc(now: datetime | None = None) -> datetime:
    """``now`` (default: the current time) as a naive UTC timestamp, the form the store keeps
    (portable across DuckDB and PostgreSQL)."""
    value = now or datetime.now(UTC)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


class TeamRound(BaseModel):
    """One team diagnosis as the store knows it (no tokens, only what may be shown)."""

    model_config = ConfigDict(extra="forbid")

    round_id: str
    company: str
    lead_name: str = ""
    invite_generation: int = 0
    created_at: datetime
    expires_at: datetime
    revoked: bool = False
    closed_at: datetime | None = None

    @property
    def closed(self) -> bool:
        """True once the lead closed the round: read-only from then on."""
        return self.closed_at is not None

    def invite_expired(self, now: datetime | None = None) -> bool:
        """True when the invite link is past its expiry."""
        return naive_utc(now) >= self.expires_at


class NewRound(BaseModel):
    """What :func:`start_round` hands to the lead, once: the round and both tokens."""

    model_config = ConfigDict(extra="forbid")

    round: TeamRound
    invite_token: str
    admin_token: str


class PhaseRatings(BaseModel):
    """One rater's view of the four phases, 1 (weak) to 5 (strong)."""

    model_config = ConfigDict(extra="forbid")

    appointment: float = Field(ge=1, le=5)
    relationship: float = Field(ge=1, le=5)
    opportunity: float = Field(ge=1, le=5)
    closing: float = Field(ge=1, le=5)


class MemberRating(BaseModel):
    """What one member submits: role, the four ratings, optional display name and comment."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    ratings: PhaseRatings
    display_name: str = Field(default="", max_length=MAX_NAME_CHARS)
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)

    @field_validator("display_name", "comment", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        # A comment is one line: pasted line breaks would break the lead's table and report.
        if value is None:
            return ""
        if isinstance(value, str):
            return " ".join(value.split())
        return value


class Response(MemberRating):
    """A stored rating with its timestamps, as the lead sees it."""

    submitted_at: datetime
    updated_at: datetime


class PhaseStats(BaseModel):
    """The team's ratings of one phase."""

    model_config = ConfigDict(extra="forbid")

    mean: float
    spread: float  # max - min
    stdev: float  # population standard deviation: the team itself, not a sample of it
    low: float
    high: float
    flagged: bool  # raters disagree by DISAGREEMENT_POINTS or more


class TeamResult(BaseModel):
    """The aggregated ratings of a round."""

    model_config = ConfigDict(extra="forbid")

    round_id: str = ""
    raters: int
    phases: dict[str, PhaseStats]
    role_means: dict[str, dict[str, float]]  # role -> phase -> mean
    role_counts: dict[str, int]
    flagged: list[str]  # phases in funnel order where raters disagree by 2 points or more

    def role_gap(self, first: str = "marketing", second: str = "sales") -> dict[str, float]:
        """Per phase, ``second``'s mean minus ``first``'s mean; empty when one role is missing.
        Positive means the second role rates the phase higher."""
        if first not in self.role_means or second not in self.role_means:
            return {}
        a, b = self.role_means[first], self.role_means[second]
        return {p: round(b[p] - a[p], 2) for p in PHASES}

    def to_facts_sales(self) -> dict:
        """The part of ``facts.sales`` team mode fills: ``ratings`` (team means, one
        decimal; Facts takes fractional ratings), ``rating_spread`` (per phase, max - min)
        and ``raters`` (how many rated)."""
        if self.raters == 0:
            raise InputError("team.no_ratings")
        return {
            "ratings": {p: round(self.phases[p].mean, 1) for p in PHASES},
            # Not rounded further: the diagnosis flags exactly the phases flagged here.
            "rating_spread": {p: self.phases[p].spread for p in PHASES},
            "raters": self.raters,
        }
