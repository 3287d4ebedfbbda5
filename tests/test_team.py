"""Team mode engine: aggregation, tokens (expiry, revocation, unknown) on both store
backends, revisions and closing (the team report: tests/test_team_report.py)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest

from engine import team
from engine.core.errors import AccessError, InputError

T0 = datetime(2026, 4, 1, 9, 0, 0)


def rating(role, appointment, relationship, opportunity, closing, **extra):
    return team.MemberRating(
        role=role,
        ratings=team.PhaseRatings(
            appointment=appointment,
            relationship=relationship,
            opportunity=opportunity,
            closing=closing,
        ),
        **extra,
    )


# The classic gap: marketing thinks sales closes poorly, sales thinks it closes well.
MARKETING = rating("marketing", 2, 3, 2, 1)
SALES_A = rating("sales", 4, 3, 3, 5)
SALES_B = rating("sales", 4, 4, 2, 5)


def test_aggregate_means_spread_stdev_and_flags():
    """Test that three raters give the right per-phase mean, spread, deviation and flags."""
    result = team.aggregate_ratings([MARKETING, SALES_A, SALES_B])
    assert result.raters == 3
    appointment = result.phases["appointment"]
    assert appointment.mean == pytest.approx(10 / 3)
    assert appointment.spread == 2
    assert appointment.stdev == pytest.approx(math.sqrt(8 / 9))
    assert (appointment.low, appointment.high) == (2, 4)
    assert result.phases["relationship"].spread == 1
    assert result.phases["opportunity"].mean == pytest.approx(7 / 3)
    assert result.phases["closing"].mean == pytest.approx(11 / 3)
    assert result.phases["closing"].spread == 4
    assert result.flagged == ["appointment", "closing"]


def test_role_means_and_marketing_sales_gap():
    """Test that each role's mean per phase and the sales-minus-marketing gap are right."""
    result = team.aggregate_ratings([MARKETING, SALES_A, SALES_B])
    assert result.role_counts == {"marketing": 1, "sales": 2}
    assert result.role_means["sales"] == {
        "appointment": 4,
        "relationship": 3.5,
        "opportunity": 2.5,
        "closing": 5,
    }
    assert result.role_means["marketing"]["closing"] == 1
    assert result.role_gap() == {
        "appointment": 2,
        "relationship": 0.5,
        "opportunity": 0.5,
        "closing": 4,
    }
    assert team.aggregate_ratings([SALES_A]).role_gap() == {}


def test_flag_at_exactly_two_points_not_at_one_point_nine():
    """Test that a spread of exactly 2 is flagged (even as 3.3 - 1.3 in floating point)
    and a spread of 1.9 is not."""
    two = team.aggregate_ratings([rating("sales", 3.3, 3, 3, 3), rating("marketing", 1.3, 3, 3, 3)])
    assert 3.3 - 1.3 < 2  # the floating-point trap the flag must not fall into
    assert two.phases["appointment"].spread == 2
    assert two.flagged == ["appointment"]
    almost = team.aggregate_ratings(
        [rating("sales", 3.2, 3, 3, 3), rating("marketing", 1.3, 3, 3, 3)]
    )
    assert almost.phases["appointment"].spread == pytest.approx(1.9)
    assert almost.flagged == []


def test_single_rater_has_no_spread_and_empty_round_has_no_facts():
    """Test that one rater gives zero spread and deviation, and no raters gives no facts."""
    one = team.aggregate_ratings([SALES_A])
    assert one.phases["closing"].stdev == 0
    assert one.flagged == []
    empty = team.aggregate_ratings([])
    assert empty.raters == 0
    with pytest.raises(InputError) as err:
        empty.to_facts_sales()
    assert err.value.code == "team.no_ratings"


def test_team_ratings_become_diagnosis_facts():
    """Test that the team result fills facts.sales ratings (means, one decimal), the
    spread and the number of raters, and that Facts accepts them."""
    sales = team.aggregate_ratings([MARKETING, SALES_A, SALES_B]).to_facts_sales()
    assert sales == {
        "ratings": {"appointment": 3.3, "relationship": 3.3, "opportunity": 2.3, "closing": 3.7},
        "rating_spread": {"appointment": 2, "relationship": 1, "opportunity": 1, "closing": 4},
        "raters": 3,
    }
    from engine.diagnosis import facts

    parsed = facts.Facts.model_validate({"sales": sales})
    assert parsed.sales.ratings.closing == 3.7
    assert parsed.sales.rating_spread.closing == 4
    assert parsed.sales.raters == 3


def test_diagnosis_warns_on_the_phases_the_team_flags():
    """Test that a team spread of 2 (even 3.3 vs 1.3) makes the diagnosis warn about
    disagreement, and a spread of 1.9 does not."""
    from engine.diagnosis import diagnose

    def warning_ids(raters):
        sales = team.aggregate_ratings(raters).to_facts_sales()
        facts = {"marketing": {"target_leads": 2000}, "sales": sales}
        return [w.id for w in diagnose.diagnose(facts, lang="en").warnings]

    split = [rating("sales", 3.3, 3, 3, 3), rating("marketing", 1.3, 3, 3, 3)]
    assert "rating_disagreement" in warning_ids(split)
    close = [rating("sales", 3.2, 3, 3, 3), rating("marketing", 1.3, 3, 3, 3)]
    assert "rating_disagreement" not in warning_ids(close)


def test_invalid_ratings_name_the_field():
    """Test that an unknown role or a rating outside 1..5 is refused naming the field."""
    with pytest.raises(InputError) as err:
        team.parse_rating({"role": "ceo", "ratings": SALES_A.ratings.model_dump()})
    assert err.value.code == "team.invalid_rating"
    assert err.value.params["field"] == "role"
    bad = {**SALES_A.ratings.model_dump(), "closing": 6}
    with pytest.raises(InputError) as err:
        team.parse_rating({"role": "sales", "ratings": bad})
    assert err.value.params["field"] == "ratings.closing"
    assert "ratings.closing" in err.value.message("en")


def test_comment_is_one_line():
    """Test that line breaks in a comment or display name collapse to spaces."""
    parsed = team.parse_rating(
        {
            "role": "marketing",
            "ratings": MARKETING.ratings.model_dump(),
            "comment": "  leads are\nlatent \r\n mostly ",
            "display_name": "Sato\tKen",
        }
    )
    assert parsed.comment == "leads are latent mostly"
    assert parsed.display_name == "Sato Ken"


# -- the store -------------------------------------------------------------------------------
def test_invite_expiry_revocation_and_unknown(store):
    """Test that an invite works until its expiry, then says expired; a revoked link says
    revoked; a wrong token says unknown; a renewed link replaces the old one."""
    new = team.start_round(store, "Acme 株式会社", "Lead", days=14, now=T0)
    assert new.round.expires_at == T0 + timedelta(days=14)
    assert team.open_invite(store, new.invite_token, now=T0 + timedelta(days=13, hours=23))
    with pytest.raises(AccessError) as err:
        team.open_invite(store, new.invite_token, now=T0 + timedelta(days=14))
    assert err.value.code == "team.expired"
    assert "2026-04-15" in err.value.message("en")
    for wrong in ["x" * 32, new.admin_token, "", "short"]:
        with pytest.raises(AccessError) as err:
            team.open_invite(store, wrong, now=T0)
        assert err.value.code == "team.unknown"

    team.revoke_invite(store, new.admin_token)
    with pytest.raises(AccessError) as err:
        team.open_invite(store, new.invite_token, now=T0)
    assert err.value.code == "team.revoked"
    assert err.value.message("ja") != err.value.message("en")

    fresh = team.renew_invite(store, new.admin_token, days=7, now=T0 + timedelta(days=20))
    assert fresh != new.invite_token
    assert (
        team.open_invite(store, fresh, now=T0 + timedelta(days=26)).round_id == new.round.round_id
    )
    with pytest.raises(AccessError) as err:
        team.open_invite(store, new.invite_token, now=T0)
    assert err.value.code == "team.unknown"
    lead_round = team.open_admin(store, new.admin_token)
    assert team.invite_token_for(lead_round, new.admin_token) == fresh
    with pytest.raises(AccessError):
        team.open_admin(store, new.invite_token)


def test_store_holds_only_token_hashes(store):
    """Test that neither the invite, lead nor member token is stored in the clear."""
    new = team.start_round(store, "Acme", now=T0)
    member = team.submit_rating(store, new.invite_token, SALES_A, now=T0)
    dump = repr(store.query("SELECT * FROM team_rounds")) + repr(
        store.query("SELECT * FROM team_ratings")
    )
    for token in (new.invite_token, new.admin_token, member):
        assert token not in dump
    assert len({new.invite_token, new.admin_token, member}) == 3


def test_member_revises_own_rating_and_round_closes(store):
    """Test that a member token revises the same rating, a token from another round adds a
    rater, and a closed round refuses ratings but keeps its result."""
    new = team.start_round(store, "Acme", now=T0)
    round_id = new.round.round_id
    marketing = team.submit_rating(store, new.invite_token, MARKETING, now=T0)
    sales = team.submit_rating(store, new.invite_token, SALES_A, now=T0 + timedelta(minutes=1))
    revised = team.submit_rating(
        store, new.invite_token, rating("sales", 4, 4, 2, 5), member_token=sales, now=T0
    )
    assert revised == sales
    assert team.member_rating(store, round_id, sales).ratings.relationship == 4
    assert team.member_rating(store, "other-round", sales) is None

    other = team.start_round(store, "Other", now=T0)
    stranger = team.submit_rating(store, other.invite_token, SALES_B, now=T0)
    team.submit_rating(
        store, new.invite_token, SALES_B, member_token=stranger, now=T0 + timedelta(minutes=2)
    )

    answers = team.responses(store, round_id)
    assert [a.role for a in answers] == ["marketing", "sales", "sales"]
    result = team.aggregate(store, round_id)
    assert result.raters == 3
    assert result.role_means["sales"]["relationship"] == 4
    assert result.phases["closing"].mean == pytest.approx(11 / 3)
    assert result.flagged == ["appointment", "closing"]
    assert team.aggregate(store, other.round.round_id).raters == 1

    closed = team.close_round(store, new.admin_token, now=T0 + timedelta(days=1))
    assert closed.closed
    with pytest.raises(AccessError) as err:
        team.submit_rating(store, new.invite_token, MARKETING, member_token=marketing, now=T0)
    assert err.value.code == "team.closed"
    assert team.open_invite(store, new.invite_token, now=T0).closed
    assert team.aggregate(store, round_id).raters == 3


def test_deleting_a_round_removes_its_ratings_and_links(store):
    """Test that deleting a round removes its ratings (not another round's) and makes
    both of its links unknown."""
    new = team.start_round(store, "Acme", now=T0)
    keep = team.start_round(store, "Keep", now=T0)
    team.submit_rating(store, new.invite_token, SALES_A, now=T0)
    team.submit_rating(store, keep.invite_token, SALES_B, now=T0)
    team.delete_round(store, new.admin_token)
    for opener, token in ((team.open_admin, new.admin_token), (team.open_invite, new.invite_token)):
        with pytest.raises(AccessError) as err:
            opener(store, token)
        assert err.value.code == "team.unknown"
    assert team.responses(store, new.round.round_id) == []
    assert team.aggregate(store, keep.round.round_id).raters == 1


def test_start_round_refuses_empty_company():
    """Test that a round needs a company label and a sane expiry."""
    from engine.store.db import Store

    s = Store("duckdb:///:memory:")
    with pytest.raises(InputError) as err:
        team.start_round(s, "   ")
    assert err.value.code == "team.company_missing"
    with pytest.raises(InputError) as err:
        team.start_round(s, "Acme", days=0)
    assert err.value.code == "team.days_out_of_range"
    s.close()
