"""Team diagnosis: start a round, rate through an invite link, and the lead's view.

Which view shows depends on the URL only (no accounts):
``?team_admin=<lead token>`` the lead's view, ``?team=<invite token>[&member=<member token>]``
a member's rating form, neither: the form that starts a round.
"""

from __future__ import annotations

import streamlit as st

from engine import team
from engine.core.errors import SenryokuError
from engine.reports.team import build_team_report
from engine.store.db import open_store
from ui import team_forms as forms
from ui.components import show_error
from ui.i18n import lang, tr
from ui.state import ensure_routed, set_sales
from ui.team_result import heading, render_downloads, render_result, render_table
from ui.throttles import minutes_left, round_throttle

ensure_routed()


def show_result(
    team_round: team.TeamRound, answers: list[team.Response], lead: bool
) -> team.TeamResult:
    """The result panel (who answered only for the lead; the downloads once the round is
    closed), drawn from the one report the downloads are rendered from."""
    result = team.aggregate_ratings(answers, round_id=team_round.round_id)
    report = build_team_report(team_round, result, answers, lang())
    if lead and answers:
        st.subheader(tr("team.answers.heading"))
        st.caption(tr("team.lead.answered", count=len(answers)))
        render_table(report.answers)
    render_result(report, result, lang())
    if team_round.closed and result.raters:
        render_downloads(report, team_round)
    return result


def start_view(store) -> None:
    """The form a team lead uses to start a round."""
    st.title(tr("team.title"))
    if st.session_state.pop("team_deleted", False):
        st.success(tr("team.lead.deleted_done"))
    st.write(tr("team.intro"))
    start = forms.start_form()
    if start is None:
        return
    throttle = round_throttle()
    if wait := minutes_left(throttle):
        show_error("team.start.paused", minutes=wait)
        return
    created = team.start_round(store, start.company, start.lead_name, days=start.days)
    throttle.record()
    st.session_state["team_just_created"] = True
    st.query_params.clear()
    st.query_params["team_admin"] = created.admin_token
    st.rerun()


def member_view(store, invite_token: str) -> None:
    """A member's rating form (or the final result once the round is closed)."""
    st.title(tr("team.title"))
    team_round = team.open_invite(store, invite_token)
    heading("team.member.heading", team_round.company)
    if team_round.closed:
        st.info(tr("team.member.closed_note"))
        show_result(team_round, team.responses(store, team_round.round_id), lead=False)
        return
    member_token = st.query_params.get("member")
    earlier = team.member_rating(store, team_round.round_id, member_token)
    if st.session_state.pop("team_saved", False):
        st.success(tr("team.member.saved"))
        st.info(tr("team.member.revise_note"))
    elif earlier is not None:
        st.info(tr("team.member.revising"))
    else:
        st.write(tr("team.member.intro"))
    forms.prefill_rating(earlier, member_token)
    submitted = forms.rating_form(revising=earlier is not None)
    if submitted is not None:
        rating = team.parse_rating(submitted)
        token = team.submit_rating(store, invite_token, rating, member_token=member_token)
        st.session_state["team_saved"] = True
        st.session_state["team_prefilled"] = token
        st.query_params["member"] = token
        st.rerun()
    st.caption(tr("team.member.waiting"))


def use_in_diagnosis(result: team.TeamResult) -> None:
    """Take the team ratings as the user's own sales ratings (canonical ``sales`` state)."""
    set_sales({**(st.session_state.get("sales") or {}), **result.to_facts_sales()})


def lead_rating(store, team_round, admin_token: str) -> None:
    """The lead rates too, on the lead screen, with the form a member uses; the saved
    rating's token goes into the URL (``member``) so a later submit revises it."""
    if team_round.closed or team_round.revoked or team_round.invite_expired():
        return
    member_token = st.query_params.get("member")
    earlier = team.member_rating(store, team_round.round_id, member_token)
    with st.expander(tr("team.lead.rate_yourself"), expanded=False):
        forms.prefill_rating(earlier, member_token)
        submitted = forms.rating_form(revising=earlier is not None)
    if submitted is not None:
        invite = team.invite_token_for(team_round, admin_token)
        rating = team.parse_rating(submitted)
        token = team.submit_rating(store, invite, rating, member_token=member_token)
        st.session_state["team_notice"] = "team.member.saved"
        st.query_params["member"] = token
        st.rerun()


def lead_view(store, admin_token: str) -> None:
    """Who answered, the team result, revoke/renew/close, downloads, take-over."""
    st.title(tr("team.title"))
    team_round = team.open_admin(store, admin_token)
    heading("team.lead.heading", team_round.company)
    if st.session_state.pop("team_just_created", False):
        st.success(tr("team.start.created"))
        st.markdown(f"**{tr('team.start.lead_link')}**")
        st.code(forms.link(team_admin=admin_token), language=None)
        st.caption(tr("team.start.lead_link_help"))
    if notice := st.session_state.pop("team_notice", None):
        st.success(tr(notice))
    forms.status_line(team_round)
    if action := forms.lead_controls(team_round, admin_token):
        act(store, admin_token, action)
    lead_rating(store, team_round, admin_token)
    answers = team.responses(store, team_round.round_id)
    if answers:
        result = show_result(team_round, answers, lead=True)
        if st.button(tr("team.lead.use_in_diagnosis"), key="team_use_in_diagnosis"):
            use_in_diagnosis(result)
            st.success(tr("team.lead.used", count=result.raters))
    else:
        st.subheader(tr("team.answers.heading"))
        st.info(tr("team.lead.no_answers"))
    if forms.delete_confirmed():
        team.delete_round(store, admin_token)
        st.session_state["team_deleted"] = True
        st.query_params.clear()
        st.rerun()


ACTIONS = {
    "revoke": (team.revoke_invite, "team.lead.revoked_done"),
    "renew": (team.renew_invite, "team.lead.renewed_done"),
    "close": (team.close_round, "team.lead.closed_done"),
}


def act(store, admin_token: str, action: str) -> None:
    """Revoke, renew or close, then show the outcome on the next run."""
    operation, notice = ACTIONS[action]
    operation(store, admin_token)
    st.session_state["team_notice"] = notice
    st.rerun()


def main() -> None:
    """Route by the URL: lead view, member form, or the start form; an engine error is
    shown as its one line wherever it happens."""
    try:
        store = open_store()
        if admin_token := st.query_params.get("team_admin"):
            lead_view(store, admin_token)
        elif invite_token := st.query_params.get("team"):
            member_view(store, invite_token)
        else:
            start_view(store)
    except SenryokuError as exc:
        show_error(exc)


main()
