"""A team invite link as the very first request of a freshly started server."""

from __future__ import annotations

from playwright.sync_api import expect

from engine import team
from engine.core.i18n import t
from engine.store.db import Store
from tests.e2e.server import start_app, stop_app

# The shared test machine can be slow: wait on each condition up to 30 s, not Playwright's 5 s.
WAIT = 30_000


def test_invite_link_as_first_request_of_a_fresh_server(browser, tmp_path):
    """Test that an invite link opened as the very first request of a new server shows the
    rating form with the language switch, and a rating sent from it is saved."""
    store_path = tmp_path / "store.duckdb"
    store = Store(f"duckdb:///{store_path}")
    try:
        new = team.start_round(store, "テスト工業")
    finally:
        store.close()
    proc, url = start_app({"SENRYOKU_STORE_PATH": str(store_path)})
    try:
        context = browser.new_context(locale="ja-JP")
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{url}/team?team={new.invite_token}")
        expect(
            page.get_by_text(t("team.member.heading", "ja", company="テスト工業"))
        ).to_be_visible(timeout=WAIT)
        expect(page.get_by_role("radio", name="English")).to_be_visible(timeout=WAIT)
        page.get_by_test_id("stSelectbox").click()
        page.get_by_role("option", name=t("team.role.sales", "ja"), exact=True).click()
        page.get_by_role("button", name=t("team.member.submit", "ja")).click()
        expect(page.get_by_text(t("team.member.saved", "ja"))).to_be_visible(timeout=WAIT)
        context.close()
    finally:
        stop_app(proc)
    store = Store(f"duckdb:///{store_path}")
    try:
        round_id = team.open_admin(store, new.admin_token).round_id
        assert [r.role for r in team.responses(store, round_id)] == ["sales"]
    finally:
        store.close()
