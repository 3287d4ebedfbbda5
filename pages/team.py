"""Team diagnosis: start a round, rate through an invite link, and the lead's view.

Which view shows depends on the URL only (no accounts):
``?team_admin=<lead token>`` the lead's view, ``?team=<invite token>[&member=<member token>]``
a member's rating form, neither: the form that starts a round.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.core.errors import SenryokuError
from engine.core.vocab import PHASES
from engine.store.db import open_store
from engine.team import rounds as team
from ui.i18n import lang as _session_lang
from ui.i18n import tr
from ui.state import ensure_routed
from ui.throttles import minutes_left, round_throttle

ensure_routed()


def _link(**params: str) -> str:
    """An absolute link to this page with ``params`` (relative when the URL is unknown)."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    base = st.context.url or ""
    return f"{base}?{query}"


def _show_error(exc: SenryokuError) -> None:
    st.error(exc.message(_session_lang()))


def _result_table(result: team.TeamResult) -> pd.DataFrame:
    roles = [r for r in team.ROLES if r in result.role_means]
    rows = []
    for p in PHASES:
        s = result.phases[p]
        row = {
            tr("team.result.col_phase"): tr(f"team.phase.{p}"),
            tr("team.result.col_mean"): round(s.mean, 1),
            tr("team.result.col_spread"): round(s.spread, 1),
            tr("team.result.col_stdev"): round(s.stdev, 2),
        }
        for r in roles:
            row[tr(f"team.role.{r}")] = round(result.role_means[r][p], 1)
        row[tr("team.result.col_flag")] = tr("team.result.flag_yes") if s.flagged else ""
        rows.append(row)
    return pd.DataFrame(rows)


def render_result(result: team.TeamResult) -> None:
    """The team result: per phase table, flagged disagreements, marketing vs sales."""
    st.subheader(tr("team.result.heading"))
    if result.raters == 0:
        st.info(tr("team.result.empty"))
        return
    table = _result_table(result)
    formats = {col: st.column_config.NumberColumn(format="%.1f") for col in table.columns[1:-1]}
    formats[tr("team.result.col_stdev")] = st.column_config.NumberColumn(format="%.2f")
    st.dataframe(table, hide_index=True, column_config=formats)
    if result.flagged:
        for p in result.flagged:
            s = result.phases[p]
            st.warning(
                tr(
                    "team.result.flag_note",
                    phase=tr(f"team.phase.{p}"),
                    low=f"{s.low:.1f}",
                    high=f"{s.high:.1f}",
                    spread=f"{s.spread:.1f}",
                ),
                icon=":material/warning:",
            )
    else:
        st.success(tr("team.result.flag_none"))
    st.subheader(tr("team.result.gap_heading"))
    st.altair_chart(team.team_chart(result, _session_lang()), width="stretch")
    gap = result.role_gap()
    if gap:
        for p in PHASES:
            st.markdown(
                "- "
                + tr(
                    "team.result.gap_line",
                    phase=tr(f"team.phase.{p}"),
                    marketing=f"{result.role_means['marketing'][p]:.1f}",
                    sales=f"{result.role_means['sales'][p]:.1f}",
                    gap=f"{gap[p]:+.1f}",
                )
            )
    else:
        st.caption(tr("team.result.gap_missing"))


def render_downloads(store, team_round: team.TeamRound, result: team.TeamResult) -> None:
    """Markdown and HTML downloads of the team result."""
    answers = team.responses(store, team_round.round_id)
    lang = _session_lang()
    left, right = st.columns(2)
    left.download_button(
        tr("team.lead.download_md"),
        team.team_report_md(team_round, result, answers, lang),
        file_name=f"team_{team_round.created_at:%Y%m%d}.md",
        mime="text/markdown",
        key="team_download_md",
    )
    right.download_button(
        tr("team.lead.download_html"),
        team.team_report_html(team_round, result, answers, lang),
        file_name=f"team_{team_round.created_at:%Y%m%d}.html",
        mime="text/html",
        key="team_download_html",
    )


# -- start a round ------------------------------------------------------------------------
def start_view(store) -> None:
    """The form a team lead uses to start a round."""
    st.title(tr("team.title"))
    if st.session_state.pop("team_deleted", False):
        st.success(tr("team.lead.deleted_done"))
    st.write(tr("team.intro"))
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
    if submitted:
        throttle = round_throttle()
        if wait := minutes_left(throttle):
            st.error(tr("team.start.paused", minutes=wait))
            return
        try:
            created = team.start_round(store, company, lead_name, days=int(days))
        except SenryokuError as exc:
            _show_error(exc)
            return
        throttle.record()
        st.session_state["team_just_created"] = True
        st.query_params.clear()
        st.query_params["team_admin"] = created.admin_token
        st.rerun()


# -- a member rates ----------------------------------------------------------------------
def member_view(store, invite_token: str) -> None:
    """A member's rating form (or the final result once the round is closed)."""
    st.title(tr("team.title"))
    try:
        team_round = team.open_invite(store, invite_token)
    except SenryokuError as exc:
        _show_error(exc)
        return
    st.header(tr("team.member.heading", company=team_round.company))
    if team_round.closed:
        st.info(tr("team.member.closed_note"))
        result = team.aggregate(store, team_round.round_id)
        render_result(result)
        if result.raters:
            render_downloads(store, team_round, result)
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

    # Prefill from the stored rating once; later reruns keep what the member changes.
    if earlier is not None and st.session_state.get("team_prefilled") != member_token:
        st.session_state["team_role"] = earlier.role
        st.session_state["team_display_name"] = earlier.display_name
        st.session_state["team_comment"] = earlier.comment
        for p in PHASES:
            st.session_state[f"team_rating_{p}"] = int(round(getattr(earlier.ratings, p)))
        st.session_state["team_prefilled"] = member_token

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
            if f"team_rating_{p}" not in st.session_state:
                st.session_state[f"team_rating_{p}"] = 3
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
            tr("team.member.update" if earlier is not None else "team.member.submit"),
            type="primary",
        )
    if submitted:
        try:
            rating = team.parse_rating(
                {
                    "role": role,
                    "ratings": ratings,
                    "display_name": display_name,
                    "comment": comment,
                }
            )
            token = team.submit_rating(store, invite_token, rating, member_token=member_token)
        except SenryokuError as exc:
            _show_error(exc)
            return
        st.session_state["team_saved"] = True
        st.session_state["team_prefilled"] = token
        st.query_params["member"] = token
        st.rerun()
    st.caption(tr("team.member.waiting"))


# -- the lead's view ----------------------------------------------------------------------
def _status(team_round: team.TeamRound) -> str:
    if team_round.closed:
        return tr("team.lead.status_closed", date=f"{team_round.closed_at:%Y-%m-%d}")
    if team_round.revoked:
        return tr("team.lead.status_revoked")
    if team_round.invite_expired():
        return tr("team.lead.status_expired", date=f"{team_round.expires_at:%Y-%m-%d}")
    return tr("team.lead.status_open", date=f"{team_round.expires_at:%Y-%m-%d}")


def _answers_table(answers: list[team.Response]) -> pd.DataFrame:
    rows = []
    for a in answers:
        row = {
            tr("team.answers.col_role"): tr(f"team.role.{a.role}"),
            tr("team.answers.col_name"): a.display_name or "-",
        }
        for p in PHASES:
            row[tr(f"team.phase.{p}")] = getattr(a.ratings, p)
        row[tr("team.answers.col_comment")] = a.comment or "-"
        row[tr("team.answers.col_when")] = f"{a.updated_at:%Y-%m-%d %H:%M} UTC"
        rows.append(row)
    return pd.DataFrame(rows)


def use_in_diagnosis(result: team.TeamResult) -> None:
    """Take the team ratings as the user's own sales ratings (canonical ``sales`` state)."""
    sales = dict(st.session_state.get("sales") or {})
    sales.update(result.to_facts_sales())
    st.session_state["sales"] = sales
    # The sales page seeds its sliders from ``sales`` only when their keys are absent.
    for p in PHASES:
        st.session_state.pop(f"rating_{p}", None)
    st.session_state.pop("diagnosis_cache", None)


def lead_view(store, admin_token: str) -> None:
    """Who answered, the team result, revoke/renew/close, downloads, take-over."""
    st.title(tr("team.title"))
    try:
        team_round = team.open_admin(store, admin_token)
    except SenryokuError as exc:
        _show_error(exc)
        return
    st.header(tr("team.lead.heading", company=team_round.company))
    if st.session_state.pop("team_just_created", False):
        st.success(tr("team.start.created"))
        st.markdown(f"**{tr('team.start.lead_link')}**")
        st.code(_link(team_admin=admin_token), language=None)
        st.caption(tr("team.start.lead_link_help"))
    notice = st.session_state.pop("team_notice", None)
    if notice:
        st.success(tr(notice))

    status = _status(team_round)
    if team_round.closed:
        st.info(status)
    elif team_round.revoked or team_round.invite_expired():
        st.warning(status)
    else:
        st.caption(status)

    if not team_round.closed:
        if not team_round.revoked and not team_round.invite_expired():
            st.markdown(f"**{tr('team.lead.invite_link')}**")
            st.code(_link(team=team.invite_token_for(team_round, admin_token)), language=None)
        left, right = st.columns(2)
        if not team_round.revoked and left.button(tr("team.lead.revoke"), key="team_revoke"):
            _act(store, admin_token, "revoke")
        if right.button(tr("team.lead.renew"), key="team_renew"):
            _act(store, admin_token, "renew")
        confirm = st.checkbox(tr("team.lead.close_confirm"), key="team_close_confirm")
        if st.button(tr("team.lead.close"), disabled=not confirm, key="team_close"):
            _act(store, admin_token, "close")

    answers = team.responses(store, team_round.round_id)
    st.subheader(tr("team.answers.heading"))
    if not answers:
        st.info(tr("team.lead.no_answers"))
        _delete_section(store, admin_token)
        return
    st.caption(tr("team.lead.answered", count=len(answers)))
    st.dataframe(_answers_table(answers), hide_index=True)

    result = team.aggregate_ratings(answers, round_id=team_round.round_id)
    render_result(result)
    if st.button(tr("team.lead.use_in_diagnosis"), key="team_use_in_diagnosis"):
        use_in_diagnosis(result)
        st.success(tr("team.lead.used", count=result.raters))
    if team_round.closed:
        render_downloads(store, team_round, result)
    _delete_section(store, admin_token)


def _delete_section(store, admin_token: str) -> None:
    with st.expander(tr("team.lead.delete_heading")):
        st.caption(tr("team.lead.delete_help"))
        confirm = st.checkbox(tr("team.lead.delete_confirm"), key="team_delete_confirm")
        if st.button(tr("team.lead.delete"), disabled=not confirm, key="team_delete"):
            try:
                team.delete_round(store, admin_token)
            except SenryokuError as exc:
                _show_error(exc)
                return
            st.session_state["team_deleted"] = True
            st.query_params.clear()
            st.rerun()


def _act(store, admin_token: str, action: str) -> None:
    try:
        if action == "revoke":
            team.revoke_invite(store, admin_token)
            st.session_state["team_notice"] = "team.lead.revoked_done"
        elif action == "renew":
            team.renew_invite(store, admin_token)
            st.session_state["team_notice"] = "team.lead.renewed_done"
        else:
            team.close_round(store, admin_token)
            st.session_state["team_notice"] = "team.lead.closed_done"
    except SenryokuError as exc:
        _show_error(exc)
        return
    st.rerun()


def main() -> None:
    """Route by the URL: lead view, member form, or the start form."""
    try:
        store = open_store()
    except SenryokuError as exc:
        _show_error(exc)
        return
    admin_token = st.query_params.get("team_admin")
    invite_token = st.query_params.get("team")
    try:
        if admin_token:
            lead_view(store, admin_token)
        elif invite_token:
            member_view(store, invite_token)
        else:
            start_view(store)
    except SenryokuError as exc:
        _show_error(exc)


main()
