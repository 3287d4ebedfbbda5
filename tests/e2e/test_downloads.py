"""Two sessions' near-identical large lists: each session downloads its own cleaned list."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from engine.core.i18n import t
from engine.leads import export
from engine.leads.leadset import LeadSet

pytestmark = pytest.mark.browser

ROWS = 14_000
CHANGED_ROW = 3_000  # far from the 64 KiB head, middle and tail Streamlit samples


def _big_list(path: Path, digit: str) -> Path:
    lines = ["メールアドレス,氏名,会社名,部署"]
    for i in range(ROWS):
        company = f"株式会社テスト{digit if i == CHANGED_ROW else '0'}{i:04d}"
        lines.append(f"user{i:05d}@corp{i:05d}.example.co.jp,山田 太郎{i:05d},{company},営業部")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_sessions_with_near_identical_big_lists_get_their_own_files(app_url, browser, tmp_path):
    """Test that two sessions uploading same-length lists over 1 MiB that differ in one
    cell each download their own cleaned list, never the other session's."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    # the same name in both sessions, as two companies' exports would be
    files = [
        _big_list(tmp_path / "a" / "leads.csv", "1"),
        _big_list(tmp_path / "b" / "leads.csv", "9"),
    ]
    assert files[0].stat().st_size == files[1].stat().st_size > 1024 * 1024
    expected = []
    for path in files:
        with LeadSet.open(path) as leadset:
            expected.append(export.csv_bytes(leadset.cleaned_targets()))
    assert expected[0] != expected[1] and len(expected[0]) == len(expected[1]) > 1024 * 1024

    pages = []
    for path in files:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto(f"{app_url}/leads")
        page.locator(".st-key-leads_file input[type=file]").set_input_files(path)
        expect(page.get_by_role("button", name=t("app.leads.download_csv", "ja"))).to_be_visible(
            timeout=90_000
        )
        pages.append(page)
    try:
        names = []
        for page, want in zip(pages, expected, strict=True):
            with page.expect_download() as info:
                page.get_by_role("button", name=t("app.leads.download_csv", "ja")).click()
            names.append(info.value.suggested_filename)
            assert Path(info.value.path()).read_bytes() == want
        assert names[0] != names[1]
        assert all(n.startswith("target_leads_") and n.endswith(".csv") for n in names)
    finally:
        for page in pages:
            page.context.close()
