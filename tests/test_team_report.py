"""The team report: one structure rendered as Markdown, HTML and the role chart, with the
users' text (company, display names, comments) coming out as inert text in every flavour."""

from __future__ import annotations

import re
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from engine import team
from engine.reports import charts
from engine.reports.html import team_to_html
from engine.reports.markdown import escape_markdown, team_to_markdown
from engine.reports.team import build_team_report

T0 = datetime(2026, 4, 1, 9, 0, 0)
HOSTILE = "[Login](javascript:alert(1)) ![t](http://ev.il/t.png) <i>"
J = "\u2060"  # WORD JOINER: keeps GFM from autolinking the URL inside the text
# The same text as Markdown reads it literally: every ASCII punctuation backslash-escaped.
HOSTILE_MD = (
    rf"\[Login\]\(javascript{J}\:alert\(1\)\) "
    rf"\!\[t\]\(http{J}\:\/\/ev{J}\.il\/t{J}\.png\) \<i\>"
)


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


MARKETING = rating("marketing", 2, 3, 2, 1)
SALES_A = rating("sales", 4, 3, 3, 5)
SALES_B = rating("sales", 4, 4, 2, 5)


def answered(*ratings: team.MemberRating) -> list[team.Response]:
    return [team.Response(**r.model_dump(), submitted_at=T0, updated_at=T0) for r in ratings]


def closed_round(company: str = "Acme") -> team.TeamRound:
    return team.TeamRound(round_id="r", company=company, created_at=T0, expires_at=T0, closed_at=T0)


def report_of(answers: list[team.Response], company: str = "Acme", lang: str = "en"):
    return build_team_report(closed_round(company), team.aggregate_ratings(answers), answers, lang)


def test_team_report_names_flagged_phases_and_escapes_names():
    """Test that the Markdown and HTML reports show means, flagged phases and answers,
    with a display name escaped in both."""
    answers = answered(
        MARKETING, rating("sales", 4, 3, 3, 5, display_name="<b>Ken</b>", comment="a|b")
    )
    md = team_to_markdown(report_of(answers))
    assert "| Closing | 3.0 | 4.0 | 2.00 | 1.0 | 5.0 | Check |" in md
    assert "Closing: ratings range from 1.0 to 5.0, 4.0 points apart" in md
    assert "Closing: marketing 1.0 / sales 5.0 (sales 4.0 higher)" in md
    assert (
        "| Sales | \\<b\\>Ken\\<\\/b\\> | 4.0 | 3.0 | 3.0 | 5.0 | a\\|b | 2026-04-01 09:00 UTC |"
        in md
    )
    ja = team_to_markdown(report_of(answers, lang="ja"))
    assert "クロージング" in ja and "要確認" in ja
    assert "クロージング: マーケティング 1.0 / 営業 5.0（営業のほうが 4.0 点高い）" in ja
    page = team_to_html(report_of(answers))
    assert "&lt;b&gt;Ken&lt;/b&gt;" in page and "<b>Ken</b>" not in page
    assert "Closing: marketing 1.0 / sales 5.0 (sales 4.0 higher)" in page
    assert "<script" not in page and "http" not in page


def test_markdown_report_keeps_a_hostile_company_name_and_comment_inert():
    """Test that a link, an image and HTML typed as company, name or comment come out as
    escaped text in the Markdown report: no link, image or tag can start from them."""
    answers = answered(rating("sales", 4, 3, 3, 5, display_name=HOSTILE, comment=HOSTILE))
    md = team_to_markdown(report_of(answers, company=HOSTILE))
    assert md.startswith(f"# {HOSTILE_MD}: team diagnosis result\n")
    assert md.count(HOSTILE_MD) == 3  # title, display name, comment
    assert "](" not in md and "![" not in md and "<i>" not in md


def test_html_report_keeps_a_hostile_company_name_and_comment_inert():
    """Test that the HTML report shows the hostile text escaped: no link, image or tag,
    and no URL but the text itself."""
    answers = answered(rating("sales", 4, 3, 3, 5, display_name=HOSTILE, comment=HOSTILE))
    page = team_to_html(report_of(answers, company=HOSTILE))
    shown = "[Login](javascript:alert(1)) ![t](http://ev.il/t.png) &lt;i&gt;"
    assert f"<h1>{shown}: team diagnosis result</h1>" in page
    assert page.count(shown) == 4  # <title>, <h1>, display name, comment
    assert not re.search(r"<(a|img|script|i)\b", page)


def test_empty_round_reports_no_table():
    """Test that a round nobody rated says so in both flavours, without a table."""
    report = report_of([])
    assert "No answers yet." in team_to_markdown(report) and "|" not in team_to_markdown(report)
    assert "No answers yet." in team_to_html(report) and "<td>" not in team_to_html(report)


def test_html_bars_are_the_charts_means():
    """Test that the HTML report's role bars carry the role means the Altair chart shows:
    closing marketing 1.0 (12 mm of 60) and sales 5.0 (60 mm)."""
    page = team_to_html(report_of(answered(MARKETING, SALES_A, SALES_B)))
    assert 'style="width:12.0mm;background:#e4572e"></span> 1.0' in page
    assert 'style="width:60.0mm;background:#29335c"></span> 5.0' in page


def test_chart_puts_marketing_and_sales_side_by_side():
    """Test that the chart has one bar per role and phase with the role's mean."""
    result = team.aggregate_ratings([MARKETING, SALES_A, SALES_B])
    rows = charts.team_chart_rows(result, "en")
    assert len(rows) == 8
    closing = {r["role"]: r["mean"] for r in rows if r["phase"] == "Closing"}
    assert closing == {"Marketing": 1, "Sales": 5}
    spec = charts.team_chart(result, "en").to_dict()
    assert spec["encoding"]["xOffset"]["field"] == "role"


def test_team_means_are_drawn_with_their_decimal():
    """Test that the sales-strength bars of a team diagnosis show the team's means (3.4,
    not 3) and flag the strongest phase."""
    rows = charts.sales_profile_data(
        {"appointment": 3.4, "relationship": 3.8, "opportunity": 3.2, "closing": 3.6}, "en"
    )
    assert [(r["value"], r["highlight"]) for r in rows] == [
        (3.4, False),
        (3.8, True),
        (3.2, False),
        (3.6, False),
    ]


@given(st.text(max_size=80))
def test_escaped_markdown_reads_back_as_the_same_text(text):
    """Test that escaping leaves no unescaped ASCII punctuation and no autolink, and that
    removing the escapes (and word joiners) gives back the text, whitespace folded."""
    escaped = escape_markdown(text)
    assert not re.search(r"[!-/:-@\[-`{-~]", re.sub(r"\\.", "", escaped))
    read = re.sub(r"\\(.)", r"\1", escaped)
    assert not re.search(r"https?://|www\.|\w@\w", read, re.IGNORECASE)
    assert read.replace(J, "") == " ".join(text.split()).replace(J, "")
