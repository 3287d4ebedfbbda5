"""The team page's forms: start a round, a member's rating, and the lead's link controls.

Each form returns what the user submitted (or None) and leaves the engine calls to the page;
widget keys are named after the value they hold (``team_company``, ``team_rating_closing``).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from engine import team
from engine.core.vocab import PHASES
from ui.i18n import tr


@dataclass(frozen=True)
class StartInput:
    """What the start form was submitted with."""

    company: str
    lead_name: str
    days: int


def start_form() -> StartInput | None:
    """The form a team lead uses to start a round; its values once submitted."""
    st.subheader(tr("team.start.heading"))
    with st.form("team_start"):
        company = st.text_input(
            tr("team.start.company"), max_chars=team.MAX_COMPANY_CHARS, key="team_company"
        )
        lead_name = st.text_input(
            tr("team.start.lead_name"), max_chars=team.MAX_NAME_CHARS, key="team_lead_name"
        )
        days = st.number_input(
            tr("team.start.days"),
            min_value=1,
            max_value=team.MAX_DAYS,
            value=team.DEFAULT_DAYS,
            step=1,
            key="team_days",
        )
        submitted = st.form_submit_button(tr("team.start.submit"), type="primary")
    return StartInput(company, lead_name, int(days)) if submitted else None


def prefill_rating(earlier: team.Response | None, member_token: str | None) -> None:
    """Seed the rating form from the stored rating once; later reruns keep what the member
    changes."""
    if earlier is None or st.session_state.get("team_prefilled") == member_token:
        return
    st.session_state["team_role"] = earlier.role
    st.session_state["team_display_name"] = earlier.display_name
    st.session_state["team_comment"] = earlier.comment
    for p in PHASES:
        st.session_state[f"team_rating_{p}"] = int(round(getattr(earlier.ratings, p)))
    st.session_state["team_prefilled"] = member_token


def rating_form(revising: bool) -> dict | None:
    """A member's role, four ratings, display name and comment; the raw submission once
    sent (the engine validates it)."""
    with st.form("team_rating"):
        role = st.selectbox(
            tr("team.member.role"),
            team.ROLES,
            index=None,
            placeholder=tr("team.member.role_placeholder"),
            # Labels fixed at render time: the function may run outside this session.
            format_func={r: tr(f"team.role.{r}") for r in team.ROLES}.__getitem__,
            key="team_role",
        )
        display_name = st.text_input(
            tr("team.member.display_name"), max_chars=team.MAX_NAME_CHARS, key="team_display_name"
        )
        st.caption(tr("team.member.scale"))
        ratings = {}
        for p in PHASES:
            st.session_state.setdefault(f"team_rating_{p}", 3)
            ratings[p] = st.slider(
                tr(f"team.phase.{p}"),
                min_value=1,
                max_value=5,
                step=1,
                help=tr(f"team.phase_help.{p}"),
                key=f"team_rating_{p}",
            )
        comment = st.text_input(
            tr("team.member.comment"), max_chars=team.MAX_COMMENT_CHARS, key="team_comment"
        )
        submitted = st.form_submit_button(
            tr("team.member.update" if revising else "team.member.submit"), type="primary"
        )
    if not submitted:
        return None
    return {"role": role, "ratings": ratings, "display_name": display_name, "comment": comment}


def link(**params: str) -> str:
    """An absolute link to this page with ``params`` (relative when the URL is unknown)."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{st.context.url or ''}?{query}"


def status_line(team_round: team.TeamRound) -> None:
    """Whether the round is open, withdrawn, expired or closed."""
    if team_round.closed:
        st.info(tr("team.lead.status_closed", date=f"{team_round.closed_at:%Y-%m-%d}"))
    elif team_round.revoked:
        st.warning(tr("team.lead.status_revoked"))
    elif team_round.invite_expired():
        st.warning(tr("team.lead.status_expired", date=f"{team_round.expires_at:%Y-%m-%d}"))
    else:
        st.caption(tr("team.lead.status_open", date=f"{team_round.expires_at:%Y-%m-%d}"))


def lead_controls(team_round: team.TeamRound, admin_token: str) -> str | None:
    """The invite link and the revoke / renew / close buttons of an open round; the action
    the lead chose, if any."""
    if team_round.closed:
        return None
    usable = not team_round.revoked and not team_round.invite_expired()
    if usable:
        st.markdown(f"**{tr('team.lead.invite_link')}**")
        st.code(link(team=team.invite_token_for(team_round, admin_token)), language=None)
    action = None
    left, right = st.columns(2)
    if not team_round.revoked and left.button(tr("team.lead.revoke"), key="team_revoke"):
        action = "revoke"
    if right.button(tr("team.lead.renew"), key="team_renew"):
        action = "renew"
    confirm = st.checkbox(tr("team.lead.close_confirm"), key="team_close_confirm")
    if st.button(tr("team.lead.close"), disabled=not confirm, key="team_close"):
        action = "close"
    return action


def delete_confirmed() -> bool:
    """The delete section; True when the lead confirmed and pressed delete."""
    with st.expander(tr("team.lead.delete_heading")):
        st.caption(tr("team.lead.delete_help"))
        confirm = st.checkbox(tr("team.lead.delete_confirm"), key="team_delete_confirm")
        return st.button(tr("team.lead.delete"), disabled=not confirm, key="team_delete")
