"""Team rounds in the store: start a round, open it through a link, revoke, renew, close or
delete it, and save or read the members' ratings.

A team lead starts a round and gets two links: an invite link for the members and a lead
link for their own view. No accounts: a link is the key. The store holds only sha256
hashes of the tokens (:mod:`engine.team.tokens`); the invite token is derived from the lead
token, so the lead's view can show the current invite link again without the store ever
holding it. The member token returned on a first submit lets the same person revise.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from pydantic import ValidationError

from engine.core.errors import AccessError, InputError
from engine.core.vocab import PHASES
from engine.store.db import Store
from engine.team.models import (
    DEFAULT_DAYS,
    MAX_COMPANY_CHARS,
    MAX_DAYS,
    MAX_NAME_CHARS,
    MAX_RATERS,
    MemberRating,
    NewRound,
    PhaseRatings,
    Response,
    TeamRound,
    naive_utc,
)
from engine.team.tokens import derive_invite, new_token, plausible_token, token_hash

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS team_rounds (
        round_id TEXT PRIMARY KEY,
        company TEXT NOT NULL,
        lead_name TEXT NOT NULL,
        admin_hash TEXT NOT NULL,
        invite_hash TEXT NOT NULL,
        invite_generation BIGINT NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        revoked BOOLEAN NOT NULL,
        closed_at TIMESTAMP
    )""",
    """CREATE TABLE IF NOT EXISTS team_ratings (
        member_hash TEXT PRIMARY KEY,
        round_id TEXT NOT NULL,
        role TEXT NOT NULL,
        display_name TEXT NOT NULL,
        comment TEXT NOT NULL,
        appointment DOUBLE PRECISION NOT NULL,
        relationship DOUBLE PRECISION NOT NULL,
        opportunity DOUBLE PRECISION NOT NULL,
        closing DOUBLE PRECISION NOT NULL,
        submitted_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
    )""",
)

_ROUND_COLUMNS = (
    "round_id, company, lead_name, invite_generation, created_at, expires_at, revoked, closed_at"
)
_RATING_COLUMNS = (
    "role, display_name, comment, appointment, relationship, opportunity, closing, "
    "submitted_at, updated_at"
)


# -- rounds ---------------------------------------------------------------------------------
def ensure_schema(store: Store) -> None:
    """Create the team tables when missing."""
    store.ensure_schema("team", SCHEMA)


def start_round(
    store: Store,
    company: str,
    lead_name: str = "",
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
) -> NewRound:
    """Start a team diagnosis for ``company``; returns the round with its invite token
    (for members, valid ``days`` days) and the lead token (for the lead's view)."""
    company = " ".join(str(company or "").split())
    lead_name = " ".join(str(lead_name or "").split())
    if not company:
        raise InputError("team.company_missing")
    if len(company) > MAX_COMPANY_CHARS:
        raise InputError("team.company_too_long", limit=MAX_COMPANY_CHARS)
    if len(lead_name) > MAX_NAME_CHARS:
        raise InputError("team.name_too_long", limit=MAX_NAME_CHARS)
    if not 1 <= int(days) <= MAX_DAYS:
        raise InputError("team.days_out_of_range", low=1, high=MAX_DAYS)
    ensure_schema(store)
    created = naive_utc(now)
    round_id = uuid.uuid4().hex
    admin_token = new_token()
    invite_token = derive_invite(admin_token, round_id, 0)
    team_round = TeamRound(
        round_id=round_id,
        company=company,
        lead_name=lead_name,
        invite_generation=0,
        created_at=created,
        expires_at=created + timedelta(days=int(days)),
    )
    store.execute(
        "INSERT INTO team_rounds (round_id, company, lead_name, admin_hash, invite_hash, "
        "invite_generation, created_at, expires_at, revoked, closed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            round_id,
            company,
            lead_name,
            token_hash(admin_token),
            token_hash(invite_token),
            0,
            team_round.created_at,
            team_round.expires_at,
            False,
            None,
        ],
    )
    return NewRound(round=team_round, invite_token=invite_token, admin_token=admin_token)


def _round_where(store: Store, column: str, value: str) -> TeamRound | None:
    ensure_schema(store)
    # ``column`` is one of two fixed names chosen below, never user text.
    rows = store.query(
        f"SELECT {_ROUND_COLUMNS} FROM team_rounds WHERE {column} = ?",  # noqa: S608
        [value],
    )
    return TeamRound(**rows[0]) if rows else None


def open_invite(store: Store, invite_token: str, now: datetime | None = None) -> TeamRound:
    """The round behind a member's invite link. Raises ``AccessError`` ``team.unknown``
    (no such link), ``team.revoked`` (the lead withdrew it) or ``team.expired``."""
    if not plausible_token(invite_token):
        raise AccessError("team.unknown")
    team_round = _round_where(store, "invite_hash", token_hash(invite_token))
    if team_round is None:
        raise AccessError("team.unknown")
    if team_round.revoked:
        raise AccessError("team.revoked")
    if team_round.invite_expired(now):
        raise AccessError("team.expired", date=f"{team_round.expires_at:%Y-%m-%d}")
    return team_round


def open_admin(store: Store, admin_token: str) -> TeamRound:
    """The round behind a lead link; ``AccessError("team.unknown")`` when there is none.
    The lead link does not expire: the lead keeps access to the result."""
    if not plausible_token(admin_token):
        raise AccessError("team.unknown")
    team_round = _round_where(store, "admin_hash", token_hash(admin_token))
    if team_round is None:
        raise AccessError("team.unknown")
    return team_round


def invite_token_for(team_round: TeamRound, admin_token: str) -> str:
    """The round's current invite token, recomputed from the lead token."""
    return derive_invite(admin_token, team_round.round_id, team_round.invite_generation)


def revoke_invite(store: Store, admin_token: str) -> TeamRound:
    """Withdraw the invite link: members opening it see ``team.revoked``."""
    team_round = open_admin(store, admin_token)
    store.execute(
        "UPDATE team_rounds SET revoked = ? WHERE round_id = ?", [True, team_round.round_id]
    )
    return team_round.model_copy(update={"revoked": True})


def renew_invite(
    store: Store, admin_token: str, days: int = DEFAULT_DAYS, now: datetime | None = None
) -> str:
    """Replace the invite link with a new one valid ``days`` days (the old one stops
    working); returns the new invite token. Ratings already given stay."""
    team_round = open_admin(store, admin_token)
    if not 1 <= int(days) <= MAX_DAYS:
        raise InputError("team.days_out_of_range", low=1, high=MAX_DAYS)
    generation = team_round.invite_generation + 1
    token = derive_invite(admin_token, team_round.round_id, generation)
    store.execute(
        "UPDATE team_rounds SET invite_hash = ?, invite_generation = ?, expires_at = ?, "
        "revoked = ? WHERE round_id = ?",
        [
            token_hash(token),
            generation,
            naive_utc(now) + timedelta(days=int(days)),
            False,
            team_round.round_id,
        ],
    )
    return token


def close_round(store: Store, admin_token: str, now: datetime | None = None) -> TeamRound:
    """Close the round: no more ratings or revisions; the result stays readable."""
    team_round = open_admin(store, admin_token)
    if team_round.closed:
        return team_round
    closed_at = naive_utc(now)
    store.execute(
        "UPDATE team_rounds SET closed_at = ? WHERE round_id = ?",
        [closed_at, team_round.round_id],
    )
    return team_round.model_copy(update={"closed_at": closed_at})


def delete_round(store: Store, admin_token: str) -> None:
    """Delete the round and every rating in it (names and comments included); both links
    stop working."""
    team_round = open_admin(store, admin_token)
    store.execute("DELETE FROM team_ratings WHERE round_id = ?", [team_round.round_id])
    store.execute("DELETE FROM team_rounds WHERE round_id = ?", [team_round.round_id])


# -- ratings --------------------------------------------------------------------------------
def parse_rating(data: dict) -> MemberRating:
    """Validate a member's submission; ``InputError("team.invalid_rating")`` naming the
    field when something is off."""
    if isinstance(data, dict) and not data.get("role"):
        raise InputError("team.role_missing")
    try:
        return MemberRating.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError("team.invalid_rating", field=field) from exc


def submit_rating(
    store: Store,
    invite_token: str,
    rating: MemberRating | dict,
    member_token: str | None = None,
    now: datetime | None = None,
) -> str:
    """Save a member's rating through the invite link; returns the member token. With the
    ``member_token`` of an earlier submit to the same round, that rating is revised instead
    of a new rater being added."""
    team_round = open_invite(store, invite_token, now)
    if team_round.closed:
        raise AccessError("team.closed")
    if not isinstance(rating, MemberRating):
        rating = parse_rating(rating)
    stamp = naive_utc(now)
    values = [rating.ratings.model_dump()[p] for p in PHASES]
    if plausible_token(member_token):
        member_hash = token_hash(member_token)
        existing = store.query(
            "SELECT round_id FROM team_ratings WHERE member_hash = ?", [member_hash]
        )
        if existing and existing[0]["round_id"] == team_round.round_id:
            store.execute(
                "UPDATE team_ratings SET role = ?, display_name = ?, comment = ?, "
                "appointment = ?, relationship = ?, opportunity = ?, closing = ?, "
                "updated_at = ? WHERE member_hash = ?",
                [rating.role, rating.display_name, rating.comment, *values, stamp, member_hash],
            )
            return member_token
    count = store.query(
        "SELECT COUNT(*) AS n FROM team_ratings WHERE round_id = ?", [team_round.round_id]
    )[0]["n"]
    if count >= MAX_RATERS:
        raise InputError("team.too_many", limit=MAX_RATERS)
    member_token = new_token()
    store.execute(
        f"INSERT INTO team_ratings (member_hash, round_id, {_RATING_COLUMNS}) "  # noqa: S608
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            token_hash(member_token),
            team_round.round_id,
            rating.role,
            rating.display_name,
            rating.comment,
            *values,
            stamp,
            stamp,
        ],
    )
    return member_token


def _response(row: dict) -> Response:
    return Response(
        role=row["role"],
        ratings=PhaseRatings(**{p: row[p] for p in PHASES}),
        display_name=row["display_name"],
        comment=row["comment"],
        submitted_at=row["submitted_at"],
        updated_at=row["updated_at"],
    )


def member_rating(store: Store, round_id: str, member_token: str | None) -> Response | None:
    """The rating a member token gave in this round (to prefill a revision), or None."""
    if not plausible_token(member_token):
        return None
    ensure_schema(store)
    rows = store.query(
        f"SELECT {_RATING_COLUMNS} FROM team_ratings "  # noqa: S608
        "WHERE member_hash = ? AND round_id = ?",
        [token_hash(member_token), round_id],
    )
    return _response(rows[0]) if rows else None


def responses(store: Store, round_id: str) -> list[Response]:
    """Every rating of the round, first submitted first (who answered, for the lead)."""
    ensure_schema(store)
    rows = store.query(
        f"SELECT {_RATING_COLUMNS} FROM team_ratings WHERE round_id = ? "  # noqa: S608
        "ORDER BY submitted_at, member_hash",
        [round_id],
    )
    return [_response(r) for r in rows]
