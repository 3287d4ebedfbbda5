"""The team's ratings aggregated: per phase mean, spread, standard deviation and the
disagreement flag, per role the mean of each phase (:class:`TeamResult`)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from engine.core.vocab import PHASES
from engine.store.db import Store
from engine.team.models import (
    DISAGREEMENT_POINTS,
    ROLES,
    MemberRating,
    PhaseStats,
    TeamResult,
)
from engine.team.rounds import responses


def _stats(values: list[float]) -> PhaseStats:
    low, high = min(values), max(values)
    # Rounded before the comparison: 3.3 - 1.3 is 1.9999999999999998 in floating point.
    spread = round(high - low, 9)
    return PhaseStats(
        mean=statistics.fmean(values),
        spread=spread,
        stdev=statistics.pstdev(values) if len(values) > 1 else 0.0,
        low=low,
        high=high,
        flagged=spread >= DISAGREEMENT_POINTS,
    )


def aggregate_ratings(ratings: Iterable[MemberRating], round_id: str = "") -> TeamResult:
    """Per phase mean, spread, standard deviation and the disagreement flag; per role the
    mean of each phase."""
    ratings = list(ratings)
    if not ratings:
        return TeamResult(
            round_id=round_id, raters=0, phases={}, role_means={}, role_counts={}, flagged=[]
        )
    by_phase = {p: [getattr(r.ratings, p) for r in ratings] for p in PHASES}
    phases = {p: _stats(by_phase[p]) for p in PHASES}
    role_means: dict[str, dict[str, float]] = {}
    role_counts: dict[str, int] = {}
    for role in ROLES:
        mine = [r for r in ratings if r.role == role]
        if mine:
            role_counts[role] = len(mine)
            role_means[role] = {
                p: statistics.fmean(getattr(r.ratings, p) for r in mine) for p in PHASES
            }
    return TeamResult(
        round_id=round_id,
        raters=len(ratings),
        phases=phases,
        role_means=role_means,
        role_counts=role_counts,
        flagged=[p for p in PHASES if phases[p].flagged],
    )


def aggregate(store: Store, round_id: str) -> TeamResult:
    """The team result of a round from its stored ratings."""
    return aggregate_ratings(responses(store, round_id), round_id=round_id)
