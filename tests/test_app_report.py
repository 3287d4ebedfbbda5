"""The printable HTML report and the saved-inputs JSON the results page offers."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import unescape
from pathlib import Path

import pytest
import yaml

from engine.core.errors import InputError
from engine.diagnosis import share
from engine.diagnosis.diagnose import Alert, Diagnosis, diagnose
from engine.diagnosis.facts import Facts
from engine.leads.models import ProfileSummary
from engine.reports import html as report_html
from engine.reports.markdown import to_markdown
from engine.reports.team import build_team_report
from engine.team import TeamRound, aggregate_ratings

EMPTY_TEAM_REPORT = build_team_report(
    TeamRound(
        round_id="r",
        company="Acme",
        created_at=datetime(2026, 1, 5),
        expires_at=datetime(2026, 1, 19),
    ),
    aggregate_ratings([]),
    [],
    "en",
)

FACTS = Facts.model_validate(
    yaml.safe_load((Path(__file__).parent.parent / "sample_data" / "facts.yaml").read_text())
)
PROFILE = ProfileSummary(
    rows=5000,
    categories={"target": 2345, "duplicate": 1000, "partner": 1655},
    stages={"mql": 300, "isal": 120, "isql": 60, "sal": 50, "sql": 30},
)


def _hostile(diagnosis: Diagnosis) -> Diagnosis:
    """The diagnosis with markup in a reason and a warning (text from rules a consultant edits)."""
    inside = diagnosis.inside_sales.model_copy(
        update={"reasons": ["<b>営業</b>はクロージング型", *diagnosis.inside_sales.reasons]}
    )
    warnings = [*diagnosis.warnings, Alert(id="x", text="ギャップ <script>alert(1)</script>")]
    return diagnosis.model_copy(update={"inside_sales": inside, "warnings": warnings})


def test_html_report_is_self_contained_and_prints_on_a4():
    """Test that the report holds the numbers, inline SVG charts, A4 print CSS and no URL."""
    diagnosis = _hostile(diagnose(FACTS, PROFILE.to_contract(), "ja"))
    html = report_html.to_html(diagnosis, FACTS, "ja", PROFILE)
    assert "@page { size: A4" in html
    assert html.count("<svg") >= 4  # composition, sales profile, waterfall, timeline
    assert '<div class="value" id="target-leads">2,345</div>' in html
    assert 'id="total-rows">5,000<' in html
    # no external resource: the only URL is the SVG namespace
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls == {"http://www.w3.org/2000/svg"}
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;営業&lt;/b&gt;" in html
    # initiatives in rank order
    assert re.findall(r"<h3>(\d)\. ", html) == ["1", "2", "3"]


def test_html_report_in_english_without_profile():
    """Test that the English report without a list keeps the facts' estimate, draws no
    list composition and says how to sharpen the result with the list."""
    html = report_html.to_html(diagnose(FACTS, None, "en"), FACTS, "en", None)
    assert 'id="target-leads">2,500<' in html and "total-rows" not in html
    assert "Upload your lead list to diagnose on the real target-lead count" in html
    assert 'lang="en"' in html and "Lead generation" in html


def test_html_report_holds_the_markdown_reports_text():
    """Test that the HTML and the Markdown report are one report: every heading, item and
    table row of the Markdown shows in the HTML, in a language switched from the facts."""
    diagnosis = diagnose(FACTS, PROFILE.to_contract(), "ja")
    html = report_html.to_html(diagnosis, FACTS, "en", PROFILE)
    markdown = to_markdown(diagnosis, FACTS, "en")
    assert "<h2>Monthly KPIs</h2>" in html
    assert "<h2>What the list holds</h2>" in html and "<td>Partner</td><td>1,655</td>" in html
    shown = unescape(re.sub(r"<[^>]+>", "", html))
    for line in markdown.splitlines():
        text = line.lstrip("#- ").replace("**", "")
        if text and not text.startswith("|"):
            assert text in shown, text


def test_html_report_shares_the_team_reports_stylesheet():
    """Test that the diagnosis and the team report use the one stylesheet, not two."""
    css = (Path(report_html.TEMPLATES) / "report.css").read_text(encoding="utf-8").rstrip("\n")
    diagnosis_page = report_html.to_html(diagnose(FACTS, None, "en"), FACTS, "en", None)
    team_page = report_html.team_to_html(EMPTY_TEAM_REPORT)
    assert f"<style>{css}</style>" in diagnosis_page and f"<style>{css}</style>" in team_page


def test_inputs_json_round_trips_without_rows():
    """Test that saved inputs load back to the same answers, sales and lists."""
    lists = {"own": {"domains": ["example.co.jp"], "companies": []}}
    text = share.inputs_to_json("quick", {"leads_total": 100}, {"headcount": 3}, lists, 4)
    doc = json.loads(text)
    assert doc["overrides_count"] == 4 and "rows" not in doc
    back = share.inputs_from_json(text.encode("utf-8"))
    assert back == {
        "questionnaire_id": "quick",
        "answers": {"leads_total": 100},
        "sales": {"headcount": 3},
        "lists": lists,
    }


@pytest.mark.parametrize("data", [b"\xff\xfe", b"[]", b'{"senryoku_inputs": 1, "answers": 3}'])
def test_inputs_json_rejects_foreign_files(data):
    """Test that a file that is not saved inputs gives the one clear error."""
    with pytest.raises(InputError) as err:
        share.inputs_from_json(data)
    assert err.value.code == "app.inputs.invalid"
