"""Team rounds: several people of one company rate the four sales phases, and the gap
between their views (above all marketing's vs sales') becomes visible.

A team lead starts a round and gets two links: an invite link for the members and a lead
link for their own view. No accounts: a link is the key. The store holds only sha256
hashes of the tokens, so a leaked database gives nobody a working link. The invite token
is derived from the lead token (HMAC), so the lead's view can show the current invite link
again without the store ever holding it.

Each member picks a role, rates the phases 1-5 and may add a one-line comment and a display
name; the member token returned on the first submit lets the same person revise their
rating. :func:`aggregate` turns the ratings into a :class:`TeamResult` whose
:meth:`TeamResult.to_facts_sales` feeds the diagnosis.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
import statistics
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.core.errors import AccessError, InputError
from engine.core.i18n import t
from engine.core.vocab import PHASES
from engine.store.db import Store

ROLES = ("marketing", "inside_sales", "sales", "management")
Role = Literal["marketing", "inside_sales", "sales", "management"]

DEFAULT_DAYS = 14
MAX_DAYS = 90
DISAGREEMENT_POINTS = 2.0
MAX_RATERS = 300
MAX_COMPANY_CHARS = 100
MAX_NAME_CHARS = 60
MAX_COMMENT_CHARS = 200

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


# -- models ---------------------------------------------------------------------------------
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
        return _now(now) >= self.expires_at


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


# -- tokens ---------------------------------------------------------------------------------
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _derive_invite(admin_token: str, round_id: str, generation: int) -> str:
    mac = hmac.new(
        admin_token.encode("utf-8"), f"{round_id}:invite:{generation}".encode(), hashlib.sha256
    )
    # 24 bytes like secrets.token_urlsafe(24): 32 URL-safe characters.
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode("ascii")


def _now(now: datetime | None = None) -> datetime:
    # The store keeps naive UTC timestamps (portable across DuckDB and PostgreSQL).
    value = now or datetime.now(UTC)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _valid_token(token: object) -> bool:
    return isinstance(token, str) and 16 <= len(token) <= 128


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
    created = _now(now)
    round_id = uuid.uuid4().hex
    admin_token = secrets.token_urlsafe(24)
    invite_token = _derive_invite(admin_token, round_id, 0)
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
            _hash(admin_token),
            _hash(invite_token),
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
    if not _valid_token(invite_token):
        raise AccessError("team.unknown")
    team_round = _round_where(store, "invite_hash", _hash(invite_token))
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
    if not _valid_token(admin_token):
        raise AccessError("team.unknown")
    team_round = _round_where(store, "admin_hash", _hash(admin_token))
    if team_round is None:
        raise AccessError("team.unknown")
    return team_round


def invite_token_for(team_round: TeamRound, admin_token: str) -> str:
    """The round's current invite token, recomputed from the lead token."""
    return _derive_invite(admin_token, team_round.round_id, team_round.invite_generation)


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
    token = _derive_invite(admin_token, team_round.round_id, generation)
    store.execute(
        "UPDATE team_rounds SET invite_hash = ?, invite_generation = ?, expires_at = ?, "
        "revoked = ? WHERE round_id = ?",
        [
            _hash(token),
            generation,
            _now(now) + timedelta(days=int(days)),
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
    closed_at = _now(now)
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
    stamp = _now(now)
    values = [rating.ratings.model_dump()[p] for p in PHASES]
    if _valid_token(member_token):
        member_hash = _hash(member_token)
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
    member_token = secrets.token_urlsafe(24)
    store.execute(
        f"INSERT INTO team_ratings (member_hash, round_id, {_RATING_COLUMNS}) "  # noqa: S608
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            _hash(member_token),
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
    if not _valid_token(member_token):
        return None
    ensure_schema(store)
    rows = store.query(
        f"SELECT {_RATING_COLUMNS} FROM team_ratings "  # noqa: S608
        "WHERE member_hash = ? AND round_id = ?",
        [_hash(member_token), round_id],
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


# -- aggregation ----------------------------------------------------------------------------
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


# -- chart and report -----------------------------------------------------------------------
def chart_rows(result: TeamResult, lang: str = "ja") -> list[dict]:
    """One row per (phase, role) with the role's mean: the data of :func:`team_chart`."""
    rows = []
    for p_index, phase in enumerate(PHASES):
        for r_index, role in enumerate(ROLES):
            if role in result.role_means:
                rows.append(
                    {
                        "phase": t(f"team.phase.{phase}", lang),
                        "phase_order": p_index,
                        "role": t(f"team.role.{role}", lang),
                        "role_order": r_index,
                        "mean": round(result.role_means[role][phase], 2),
                    }
                )
    return rows


def team_chart(result: TeamResult, lang: str = "ja"):
    """Grouped bars: each phase with one bar per role side by side (marketing's view next
    to sales'), the 2-point disagreement visible at a glance."""
    import altair as alt
    import pandas as pd

    data = pd.DataFrame(
        chart_rows(result, lang), columns=["phase", "phase_order", "role", "role_order", "mean"]
    )
    phase_labels = [t(f"team.phase.{p}", lang) for p in PHASES]
    role_labels = [t(f"team.role.{r}", lang) for r in ROLES if r in result.role_means]
    return (
        alt.Chart(data, title=t("team.chart.title", lang))
        .mark_bar()
        .encode(
            x=alt.X("phase:N", sort=phase_labels, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("role:N", sort=role_labels),
            y=alt.Y(
                "mean:Q",
                title=t("team.chart.axis_rating", lang),
                scale=alt.Scale(domain=[0, 5]),
            ),
            color=alt.Color(
                "role:N",
                sort=role_labels,
                title=t("team.chart.legend_role", lang),
                scale=alt.Scale(
                    domain=role_labels,
                    range=[_ROLE_COLORS[r] for r in ROLES if r in result.role_means],
                ),
            ),
            tooltip=[
                alt.Tooltip("phase:N", title=t("team.chart.axis_phase", lang)),
                alt.Tooltip("role:N", title=t("team.chart.legend_role", lang)),
                alt.Tooltip("mean:Q", title=t("team.chart.axis_rating", lang), format=".1f"),
            ],
        )
        .properties(height=300)
    )


_ROLE_COLORS = {
    "marketing": "#e4572e",
    "inside_sales": "#f3a712",
    "sales": "#29335c",
    "management": "#669bbc",
}


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ") or "-"


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _stamp(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "-"


def _result_header(result: TeamResult, lang: str) -> list[str]:
    """Column titles of the team result table (Markdown and HTML reports)."""
    return [
        t("team.result.col_phase", lang),
        t("team.result.col_mean", lang),
        t("team.result.col_spread", lang),
        t("team.result.col_stdev", lang),
        *[t(f"team.role.{r}", lang) for r in ROLES if r in result.role_means],
        t("team.result.col_flag", lang),
    ]


def team_report_md(
    team_round: TeamRound, result: TeamResult, answers: list[Response], lang: str = "ja"
) -> str:
    """The team result as a Markdown report (ja/en)."""
    phase = {p: t(f"team.phase.{p}", lang) for p in PHASES}
    lines = [
        f"# {t('team.report.title', lang, company=team_round.company)}",
        "",
        f"- {t('team.report.raters', lang, count=result.raters)}",
        f"- {t('team.report.started', lang, date=_stamp(team_round.created_at))}",
        f"- {t('team.report.closed', lang, date=_stamp(team_round.closed_at))}",
        "",
        f"## {t('team.result.heading', lang)}",
        "",
    ]
    if result.raters == 0:
        lines += [t("team.result.empty", lang), ""]
        return "\n".join(lines)
    head = _result_header(result, lang)
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for p in PHASES:
        s = result.phases[p]
        cells = [
            phase[p],
            _fmt(s.mean),
            _fmt(s.spread),
            f"{s.stdev:.2f}",
            *[_fmt(result.role_means[r][p]) for r in ROLES if r in result.role_means],
            t("team.result.flag_yes", lang) if s.flagged else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for p in result.flagged:
        s = result.phases[p]
        lines.append(
            "- "
            + t(
                "team.result.flag_note",
                lang,
                phase=phase[p],
                low=_fmt(s.low),
                high=_fmt(s.high),
                spread=_fmt(s.spread),
            )
        )
    gap = result.role_gap()
    if gap:
        lines += ["", f"## {t('team.result.gap_heading', lang)}", ""]
        for p in PHASES:
            lines.append(
                "- "
                + t(
                    "team.result.gap_line",
                    lang,
                    phase=phase[p],
                    marketing=_fmt(result.role_means["marketing"][p]),
                    sales=_fmt(result.role_means["sales"][p]),
                    gap=f"{gap[p]:+.1f}",
                )
            )
    lines += ["", f"## {t('team.answers.heading', lang)}", ""]
    head = [
        t("team.answers.col_role", lang),
        t("team.answers.col_name", lang),
        *phase.values(),
        t("team.answers.col_comment", lang),
    ]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for a in answers:
        cells = [
            t(f"team.role.{a.role}", lang),
            _md_cell(a.display_name),
            *[_fmt(getattr(a.ratings, p)) for p in PHASES],
            _md_cell(a.comment),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def team_report_html(
    team_round: TeamRound, result: TeamResult, answers: list[Response], lang: str = "ja"
) -> str:
    """The team result as one self-contained, printable HTML page (no script, no network):
    the tables of the Markdown report and the role bars drawn in CSS."""
    esc = html.escape
    phase = {p: t(f"team.phase.{p}", lang) for p in PHASES}
    title = t("team.report.title", lang, company=team_round.company)
    parts = [
        "<!doctype html>",
        f'<html lang="{esc(lang)}"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:'Noto Sans CJK JP','Hiragino Sans',sans-serif;margin:2em;"
        "color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:4px 8px;text-align:left}.flag{color:#b00020;font-weight:bold}"
        ".bar{display:inline-block;height:12px;vertical-align:middle;"
        "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
        ".bars td{border:none;padding:2px 6px}@media print{body{margin:0}}</style>",
        "</head><body>",
        f"<h1>{esc(title)}</h1>",
        "<ul>",
        f"<li>{esc(t('team.report.raters', lang, count=result.raters))}</li>",
        f"<li>{esc(t('team.report.started', lang, date=_stamp(team_round.created_at)))}</li>",
        f"<li>{esc(t('team.report.closed', lang, date=_stamp(team_round.closed_at)))}</li>",
        "</ul>",
        f"<h2>{esc(t('team.result.heading', lang))}</h2>",
    ]
    if result.raters == 0:
        parts += [f"<p>{esc(t('team.result.empty', lang))}</p>", "</body></html>"]
        return "\n".join(parts)
    roles = [r for r in ROLES if r in result.role_means]
    head = _result_header(result, lang)
    parts.append("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>")
    for p in PHASES:
        s = result.phases[p]
        cells = [
            esc(phase[p]),
            _fmt(s.mean),
            _fmt(s.spread),
            f"{s.stdev:.2f}",
            *[_fmt(result.role_means[r][p]) for r in roles],
            f'<span class="flag">{esc(t("team.result.flag_yes", lang))}</span>'
            if s.flagged
            else "",
        ]
        parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    for p in result.flagged:
        s = result.phases[p]
        note = t(
            "team.result.flag_note",
            lang,
            phase=phase[p],
            low=_fmt(s.low),
            high=_fmt(s.high),
            spread=_fmt(s.spread),
        )
        parts.append(f'<p class="flag">{esc(note)}</p>')
    parts.append(f"<h2>{esc(t('team.chart.title', lang))}</h2>")
    parts.append('<table class="bars">')
    for p in PHASES:
        for i, r in enumerate(roles):
            value = result.role_means[r][p]
            width = round(value / 5 * 240)
            label = esc(phase[p]) if i == 0 else ""
            parts.append(
                f"<tr><td>{label}</td><td>{esc(t(f'team.role.{r}', lang))}</td>"
                f'<td><span class="bar" style="width:{width}px;background:{_ROLE_COLORS[r]}">'
                f"</span> {_fmt(value)}</td></tr>"
            )
    parts.append("</table>")
    gap = result.role_gap()
    if gap:
        parts.append(f"<h2>{esc(t('team.result.gap_heading', lang))}</h2><ul>")
        for p in PHASES:
            line = t(
                "team.result.gap_line",
                lang,
                phase=phase[p],
                marketing=_fmt(result.role_means["marketing"][p]),
                sales=_fmt(result.role_means["sales"][p]),
                gap=f"{gap[p]:+.1f}",
            )
            parts.append(f"<li>{esc(line)}</li>")
        parts.append("</ul>")
    parts.append(f"<h2>{esc(t('team.answers.heading', lang))}</h2>")
    head = [
        t("team.answers.col_role", lang),
        t("team.answers.col_name", lang),
        *phase.values(),
        t("team.answers.col_comment", lang),
    ]
    parts.append("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>")
    for a in answers:
        cells = [
            esc(t(f"team.role.{a.role}", lang)),
            esc(a.display_name) or "-",
            *[_fmt(getattr(a.ratings, p)) for p in PHASES],
            esc(a.comment) or "-",
        ]
        parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts += ["</table>", "</body></html>"]
    return "\n".join(parts)
