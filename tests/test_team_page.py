"""Team page (AppTest): start a round, rate through the invite link, revise, the lead's
view, closing, and the messages of expired, revoked and unknown links."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine import team
from engine.core.i18n import t
from engine.store.db import Store
from ui import throttles

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "team.py")


@pytest.fixture
def team_store(tmp_path, monkeypatch):
    """The page's store: a fresh DuckDB file, whatever DATABASE_URL says."""
    s = Store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    monkeypatch.setattr("engine.store.db.open_store", lambda url=None: s)
    yield s
    s.close()


def page(lang="en", **query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def rate(at: AppTest, role: str, values: dict[str, int], comment: str = "") -> AppTest:
    at.selectbox(key="team_role").set_value(role)
    for phase, value in values.items():
        at.slider(key=f"team_rating_{phase}").set_value(value)
    at.text_input(key="team_comment").input(comment)
    labels = (
        t("team.member.submit", at.session_state["lang"]),
        t("team.member.update", at.session_state["lang"]),
    )
    next(b for b in at.button if b.label in labels).click()  # the form's submit, wherever it is
    return at.run()


def test_lead_starts_a_round_and_gets_both_links(team_store):
    """Test that starting a round lands on the lead view with the invite and lead links."""
    at = page()
    at.text_input(key="team_company").input("Acme Corp")
    at.text_input(key="team_lead_name").input("Mori")
    at.button[0].click()
    at.run()
    assert not at.exception
    admin_token = at.query_params["team_admin"]
    lead = team.open_admin(team_store, admin_token)
    assert lead.company == "Acme Corp" and lead.lead_name == "Mori"
    links = texts(at.code)
    assert f"?team={team.invite_token_for(lead, admin_token)}" in links
    assert f"?team_admin={admin_token}" in links
    assert t("team.start.created", "en") in texts(at.success)
    assert t("team.lead.no_answers", "en") in texts(at.info)


def test_starting_rounds_pauses_after_thirty_in_ten_minutes(team_store):
    """Test that once 30 rounds were started on this server within ten minutes, the
    next start says so (and for how long) and stores no round."""
    throttle = throttles.round_throttle()
    for _ in range(29):
        throttle.record()
    at = page()
    at.text_input(key="team_company").input("Thirtieth KK")
    at.button[0].click()
    at.run()
    assert "team_admin" in at.query_params  # the thirtieth is still made
    at = page()
    at.text_input(key="team_company").input("Spam KK")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "starting a new one is paused. Try again in 5 min." in texts(at.error)[0]
    assert "team_admin" not in at.query_params
    companies = [r["company"] for r in team_store.query("SELECT company FROM team_rounds")]
    assert companies == ["Thirtieth KK"]


def test_member_rates_then_revises_the_same_rating(team_store):
    """Test that a member's submit saves the rating and puts a member token in the URL,
    and that opening that URL again revises the same rating instead of adding one."""
    new = team.start_round(team_store, "Acme")
    at = page(team=new.invite_token)
    assert "Team diagnosis for Acme" in texts(at.header)
    at = rate(at, "sales", {"appointment": 4, "closing": 5}, comment="we close well")
    assert not at.exception
    member = at.query_params["member"]
    assert t("team.member.saved", "en") in texts(at.success)
    (saved,) = team.responses(team_store, new.round.round_id)
    assert saved.role == "sales" and saved.comment == "we close well"
    assert saved.ratings.model_dump() == {
        "appointment": 4,
        "relationship": 3,
        "opportunity": 3,
        "closing": 5,
    }

    again = page(team=new.invite_token, member=member)
    assert again.slider(key="team_rating_closing").value == 5
    assert again.selectbox(key="team_role").value == "sales"
    assert t("team.member.revising", "en") in texts(again.info)
    again = rate(again, "sales", {"closing": 2})
    (revised,) = team.responses(team_store, new.round.round_id)
    assert revised.ratings.closing == 2 and revised.ratings.appointment == 4


def test_member_must_pick_a_role(team_store):
    """Test that a rating without a role is refused with a message and nothing is saved."""
    new = team.start_round(team_store, "Acme")
    at = page(team=new.invite_token)
    at.button[0].click()
    at.run()
    assert texts(at.error) == [t("team.role_missing", "en")]
    assert team.responses(team_store, new.round.round_id) == []
    assert "member" not in at.query_params


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_expired_revoked_and_unknown_links_say_so(team_store, lang):
    """Test that expired, revoked and unknown invite links show their own clear message
    and no rating form."""
    old = team.start_round(team_store, "Old", now=datetime.now() - timedelta(days=15))
    expired = page(lang, team=old.invite_token)
    expected = t("team.expired", lang, date=f"{old.round.expires_at:%Y-%m-%d}")
    assert texts(expired.error) == [expected]
    assert len(expired.slider) == 0

    withdrawn = team.start_round(team_store, "Withdrawn")
    team.revoke_invite(team_store, withdrawn.admin_token)
    revoked = page(lang, team=withdrawn.invite_token)
    assert texts(revoked.error) == [t("team.revoked", lang)]
    assert len(revoked.slider) == 0

    unknown = page(lang, team="A" * 32)
    assert texts(unknown.error) == [t("team.unknown", lang)]
    assert texts(page(lang, team_admin="B" * 32).error) == [t("team.unknown", lang)]


def test_lead_sees_answers_flags_closes_and_takes_ratings_over(team_store):
    """Test that the lead sees who answered and the flagged phase, closes the round (members
    then see the result and no form), downloads the report and takes the ratings over."""
    new = team.start_round(team_store, "Acme")
    team.submit_rating(
        team_store,
        new.invite_token,
        {
            "role": "marketing",
            "display_name": "Aoki",
            "ratings": {"appointment": 3, "relationship": 3, "opportunity": 2, "closing": 2},
        },
    )
    team.submit_rating(
        team_store,
        new.invite_token,
        {
            "role": "sales",
            "ratings": {"appointment": 3, "relationship": 4, "opportunity": 3, "closing": 5},
        },
    )
    at = page(team_admin=new.admin_token)
    assert not at.exception
    assert t("team.lead.answered", "en", count=2) in texts(at.caption)
    answered = at.dataframe[0].value
    assert list(answered["Display name"]) == ["Aoki", "-"]
    warnings = texts(at.warning)
    assert any(w.startswith("Closing: ratings range from 2.0 to 5.0") for w in warnings)
    assert not any(w.startswith("Appointment") for w in warnings)

    at.button(key="team_use_in_diagnosis").click()
    at.run()
    assert at.session_state["sales"]["ratings"]["closing"] == 3.5
    assert at.session_state["sales"]["rating_spread"]["closing"] == 3
    assert at.session_state["sales"]["raters"] == 2

    at.checkbox(key="team_close_confirm").check()
    at.run()
    at.button(key="team_close").click()
    at.run()
    assert team.open_admin(team_store, new.admin_token).closed
    assert t("team.lead.closed_done", "en") in texts(at.success)
    downloads = at.get("download_button")
    assert len(downloads) == 2

    member = page(team=new.invite_token)
    assert t("team.member.closed_note", "en") in texts(member.info)
    assert len(member.slider) == 0
    assert any(w.startswith("Closing: ratings range") for w in texts(member.warning))


def test_lead_deletes_the_round(team_store):
    """Test that the lead can delete the round after confirming, landing on the start form."""
    new = team.start_round(team_store, "Acme")
    at = page(team_admin=new.admin_token)
    assert at.button(key="team_delete").disabled
    at.checkbox(key="team_delete_confirm").check()
    at.run()
    at.button(key="team_delete").click()
    at.run()
    assert t("team.lead.deleted_done", "en") in texts(at.success)
    assert "team_admin" not in at.query_params
    assert texts(page(team_admin=new.admin_token).error) == [t("team.unknown", "en")]


HOSTILE = "[Login here](http://evil.example/login) ![t](http://evil.example/t.png)"
J = "\u2060"  # WORD JOINER: keeps GFM from autolinking the URL inside the text
# How the heading hands it to Markdown: every ASCII punctuation backslash-escaped, so it
# reads back as the literal text, neither link nor image.
HOSTILE_ESCAPED = (
    rf"\[Login here\]\(http{J}\:\/\/evil{J}\.example\/login\) "
    rf"\!\[t\]\(http{J}\:\/\/evil{J}\.example\/t{J}\.png\)"
)


def markdown_values(at: AppTest) -> list[str]:
    """Every text the page hands to Streamlit's Markdown renderer."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning")
    return [e.value for kind in kinds for e in getattr(at, kind)]


@pytest.mark.parametrize("view", ["lead", "member"])
def test_hostile_company_name_is_shown_as_text(team_store, view):
    """Test that a company name holding a Markdown link and image is shown escaped in the
    lead's and the member's heading, and no Markdown the page draws holds a link or image."""
    created = team.start_round(team_store, HOSTILE)
    if view == "lead":
        at = page(team_admin=created.admin_token)
        expected = t("team.lead.heading", "en", company=HOSTILE_ESCAPED)
    else:
        team.submit_rating(team_store, created.invite_token, rating_of("sales", "<b>Ken</b>"))
        at = page(team=created.invite_token)
        expected = t("team.member.heading", "en", company=HOSTILE_ESCAPED)
    assert not at.exception
    assert texts(at.header) == [expected]
    for value in markdown_values(at):
        assert not re.search(r"(?<!\\)\]\(|(?<!\\)!\[|<(a|img)\b", value), value


def rating_of(role: str, display_name: str = "") -> team.MemberRating:
    return team.parse_rating(
        {
            "role": role,
            "ratings": {"appointment": 3, "relationship": 3, "opportunity": 3, "closing": 3},
            "display_name": display_name,
        }
    )


def test_lead_rates_on_the_lead_screen_and_revises(team_store):
    """Test that the team lead rates from the lead screen (no invite link needed): the
    rating is saved as one response of the round, and a second submit revises it."""
    new = team.start_round(team_store, "Acme")
    at = page(team_admin=new.admin_token)
    at = rate(at, "marketing", {"appointment": 2, "closing": 4}, comment="lead's view")
    assert not at.exception
    (saved,) = team.responses(team_store, new.round.round_id)
    assert saved.role == "marketing" and saved.ratings.closing == 4
    assert saved.comment == "lead's view"
    assert at.query_params["member"] and t("team.member.saved", "en") in texts(at.success)
    again = page(team_admin=new.admin_token, member=at.query_params["member"])
    assert again.slider(key="team_rating_closing").value == 4
    again = rate(again, "marketing", {"closing": 1})
    (revised,) = team.responses(team_store, new.round.round_id)
    assert revised.ratings.closing == 1 and revised.ratings.appointment == 2
