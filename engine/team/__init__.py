"""Team diagnosis: several people of one company rate the four sales phases, and the gap
between their views (above all marketing's vs sales') becomes visible.

The public surface (``from engine import team``): the models (:mod:`engine.team.models`),
the store operations on rounds and ratings (:mod:`engine.team.rounds`) and
:func:`aggregate` / :func:`aggregate_ratings` (:mod:`engine.team.aggregate`), whose
:class:`TeamResult` feeds the diagnosis through :meth:`TeamResult.to_facts_sales` and the
team report (``engine.reports.team``). Tokens stay inside (:mod:`engine.team.tokens`).
"""

from engine.team.aggregate import aggregate, aggregate_ratings
from engine.team.models import (
    DEFAULT_DAYS,
    DISAGREEMENT_POINTS,
    MAX_COMMENT_CHARS,
    MAX_COMPANY_CHARS,
    MAX_DAYS,
    MAX_NAME_CHARS,
    MAX_RATERS,
    ROLES,
    MemberRating,
    NewRound,
    PhaseRatings,
    PhaseStats,
    Response,
    Role,
    TeamResult,
    TeamRound,
)
from engine.team.rounds import (
    close_round,
    delete_round,
    ensure_schema,
    invite_token_for,
    member_rating,
    open_admin,
    open_invite,
    parse_rating,
    renew_invite,
    responses,
    revoke_invite,
    start_round,
    submit_rating,
)

__all__ = [
    "DEFAULT_DAYS",
    "DISAGREEMENT_POINTS",
    "MAX_COMMENT_CHARS",
    "MAX_COMPANY_CHARS",
    "MAX_DAYS",
    "MAX_NAME_CHARS",
    "MAX_RATERS",
    "ROLES",
    "MemberRating",
    "NewRound",
    "PhaseRatings",
    "PhaseStats",
    "Response",
    "Role",
    "TeamResult",
    "TeamRound",
    "aggregate",
    "aggregate_ratings",
    "close_round",
    "delete_round",
    "ensure_schema",
    "invite_token_for",
    "member_rating",
    "open_admin",
    "open_invite",
    "parse_rating",
    "renew_invite",
    "responses",
    "revoke_invite",
    "start_round",
    "submit_rating",
]
