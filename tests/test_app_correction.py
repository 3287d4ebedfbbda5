"""AppTest of the leads page: a row reclassified in the review table changes the counts
shown (the cached profile is keyed on the corrections too), and resetting restores them."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "salesforce_leads_ja.csv"
# Without lists (the page's default), the 300 leads of the sample hold 237 targets: the
# 208 with its lists, plus the 28 own/competitor/partner staff and 1 student without a
# free-mail address (see tests/test_fixed_counts.py for how they were counted).
TARGETS = 237


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _uploaded() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/leads.py").run()
    at.file_uploader(key="leads_file").upload(SAMPLE.name, SAMPLE.read_bytes(), "text/csv").run()
    assert not at.exception and not at.error
    return at


def test_reclassified_row_changes_the_counts_and_reset_restores_them():
    """Test that marking one target row as a duplicate (what the review table's edit
    stores) shows 236 targets and 64 others, and resetting the corrections shows 237."""
    at = _uploaded()
    assert _metrics(at) == {
        "総行数": "300",
        "ターゲットリード": f"{TARGETS}",
        "ターゲット比率": "79%",
        "ターゲット以外": f"{300 - TARGETS}",
    }
    row = int(at.session_state["leadset"].rows("target", limit=1)["_row"].iloc[0])
    at.session_state["overrides"] = {row: "duplicate"}
    at.run()
    assert not at.exception
    metrics = _metrics(at)
    assert (metrics["ターゲットリード"], metrics["ターゲット以外"]) == ("236", "64")
    assert at.session_state["profile"].categories["duplicate"] == 22
    assert "手動で修正した行: 1" in [c.value for c in at.caption]

    at.button(key="overrides_reset").click().run()
    assert not at.exception
    assert at.session_state["overrides"] == {}
    metrics = _metrics(at)
    assert (metrics["ターゲットリード"], metrics["ターゲット以外"]) == ("237", "63")
