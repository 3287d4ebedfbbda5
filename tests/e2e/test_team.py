"""Team mode in a real browser: a lead starts a round, three members rate from their own
browsers, the lead sees the flagged disagreement, then withdraws the link."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from engine.core.i18n import t

pytestmark = pytest.mark.browser

# Marketing sees weak closing, sales sees strong closing: 4 points apart. The other phases
# stay within 1 point, so closing is the only flagged phase.
RATERS = [
    ("marketing", {"appointment": 3, "relationship": 3, "opportunity": 2, "closing": 1}),
    ("inside_sales", {"appointment": 3, "relationship": 3, "opportunity": 3, "closing": 2}),
    ("sales", {"appointment": 4, "relationship": 3, "opportunity": 3, "closing": 5}),
]
PHASES = ("appointment", "relationship", "opportunity", "closing")

# The shared test machine can be slow: wait on each condition up to 30 s, not Playwright's 5 s.
WAIT = 30_000


def rate(page: Page, invite_url: str, role: str, ratings: dict[str, int]) -> None:
    page.goto(invite_url)
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=t(f"team.role.{role}", "ja"), exact=True).click()
    for index, phase in enumerate(PHASES):
        slider = page.get_by_role("slider").nth(index)
        slider.focus()
        slider.press("Home")
        for _ in range(ratings[phase] - 1):
            slider.press("ArrowRight")
        expect(slider).to_have_value(str(ratings[phase]), timeout=WAIT)
    page.get_by_role("button", name=t("team.member.submit", "ja")).click()
    expect(page.get_by_text(t("team.member.saved", "ja"))).to_be_visible(timeout=WAIT)
    expect(page).to_have_url(re.compile(r"[?&]member="), timeout=WAIT)


def test_three_raters_disagree_and_the_lead_sees_it(app_url, browser, page):
    """Test that three browsers rating differently make the lead's view flag closing (and
    only closing), and that a withdrawn invite link then says so."""
    page.goto(f"{app_url}/team")
    page.get_by_label(t("team.start.company", "ja")).fill("テスト工業株式会社")
    page.get_by_role("button", name=t("team.start.submit", "ja")).click()
    expect(page.get_by_text(t("team.start.created", "ja"))).to_be_visible(timeout=WAIT)
    links = page.get_by_test_id("stCode")
    expect(links).to_have_count(2, timeout=WAIT)
    lead_url, invite_url = (links.nth(i).inner_text().strip() for i in range(2))
    assert "team_admin=" in lead_url and "team=" in invite_url

    contexts = [browser.new_context(locale="ja-JP") for _ in RATERS]
    try:
        for ctx, (role, ratings) in zip(contexts, RATERS, strict=True):
            ctx.set_default_timeout(30_000)
            rate(ctx.new_page(), invite_url, role, ratings)
    finally:
        for ctx in contexts:
            ctx.close()

    page.goto(lead_url)
    expect(page.get_by_text(t("team.lead.answered", "ja", count=3))).to_be_visible(timeout=WAIT)
    flag = t(
        "team.result.flag_note",
        "ja",
        phase=t("team.phase.closing", "ja"),
        low="1.0",
        high="5.0",
        spread="4.0",
    )
    warnings = page.get_by_test_id("stAlertContentWarning")
    expect(warnings).to_have_count(1, timeout=WAIT)
    expect(warnings).to_contain_text(flag, timeout=WAIT)
    expect(page.get_by_test_id("stVegaLiteChart")).to_be_visible(timeout=WAIT)

    page.get_by_role("button", name=t("team.lead.revoke", "ja")).click()
    expect(page.get_by_text(t("team.lead.revoked_done", "ja"))).to_be_visible(timeout=WAIT)
    page.goto(invite_url)
    expect(
        page.get_by_test_id("stAlertContentError").get_by_test_id("stMarkdownContainer")
    ).to_have_text(t("team.revoked", "ja"), timeout=WAIT)
    expect(page.get_by_role("slider")).to_have_count(0, timeout=WAIT)


HOSTILE = "[ログイン](http://evil.example/login) ![t](http://evil.example/t.png)"


def test_hostile_company_name_renders_as_text(app_url, page):
    """Test that a company name holding a Markdown link and image shows as its literal text
    in the lead's and a member's heading, draws no link or image, and makes the browser
    request nothing from the host it names."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{app_url}/team")
    page.get_by_label(t("team.start.company", "ja")).fill(HOSTILE)
    page.get_by_role("button", name=t("team.start.submit", "ja")).click()
    expect(page.get_by_text(t("team.start.created", "ja"))).to_be_visible(timeout=WAIT)
    invite_url = page.get_by_test_id("stCode").nth(1).inner_text().strip()
    for key in ("team.lead.heading", "team.member.heading"):
        heading = page.get_by_test_id("stHeading").filter(has_text="evil")
        expect(heading).to_have_count(1, timeout=WAIT)
        # The text shown is the name as typed (word joiners, invisible, keep it unlinked).
        assert heading.inner_text().replace("\u2060", "") == t(key, "ja", company=HOSTILE)
        expect(page.locator('a[href*="evil.example"], img[src*="evil.example"]')).to_have_count(
            0, timeout=WAIT
        )
        page.goto(invite_url)
    hosts = {urlparse(url).hostname for url in requested} - {urlparse(app_url).hostname}
    # Streamlit's own favicon from fonts.gstatic.com is issue 15 item 8 (the app is to serve
    # its icon itself): drop it from this set once that lands.
    assert hosts <= {"fonts.gstatic.com"}, hosts
