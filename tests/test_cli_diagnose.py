"""``python -m engine diagnose``: JSON and Markdown on stdout, one-line errors, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
CONTRACT_KEYS = [
    "target_leads",
    "target_leads_source",
    "lead_base",
    "inside_sales",
    "initiatives",
    "warnings",
    "roadmap",
    "assumed",
    "strongest_phase",
    "plan",
]


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_facts_to_json_contract(capsys):
    """Test that the sample facts give the JSON contract with the expected decisions."""
    code, out, err = cli(capsys, "diagnose", "--facts", str(SAMPLE / "facts.yaml"))
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == CONTRACT_KEYS
    assert (data["target_leads"], data["target_leads_source"], data["lead_base"]) == (
        2500,
        "facts",
        "workable",
    )
    assert data["inside_sales"]["placement"] == "qualify_before_sales"
    # 150 new leads × 17.5% × 50% × 50% × 25% = 1.64 deals a month: 19.7 a year of the 60 asked
    assert [w["id"] for w in data["warnings"]] == ["goal_beyond_inflow", "marketing_sales_gap"]
    assert data["plan"]["deals_per_year"] == {
        "goal": 60,
        "reachable_now": 19.6875,
        "capacity": 96.0,
        "promised_1y": 9.8,  # 1.64 a month for the 6 months after a 6-month cycle
    }
    assert data["strongest_phase"] == "closing"
    assert "sales.win_rate" in data["assumed"]
    assert (
        "クロージング 5" in data["inside_sales"]["reasons"][0]
    )  # Japanese by default, not escaped


def test_markdown_report_japanese_by_default(capsys):
    """Test that --format md reads as a Japanese report with every section."""
    code, out, _ = cli(capsys, "diagnose", "--facts", str(SAMPLE / "facts.yaml"), "--format", "md")
    assert code == 0
    for heading in (
        "# 戦力診断レポート",
        "## 結論",
        "## 注意点",
        "## 施策の優先順位",
        "## ロードマップ",
        "### 1 か月",
        "## 前提と出典",
    ):
        assert heading in out
    assert "2,500 件 (回答) — 運用可能" in out
    assert "### 1. コンテンツ (ナーチャリング) — 成果が見えるまで約 6 か月" in out
    assert "受注率** = 25%" in out and "mv3marketing" in out


def test_markdown_report_in_english(capsys):
    """Test that --lang en gives the same report in English, without Japanese headings."""
    code, out, _ = cli(
        capsys, "--lang", "en", "diagnose", "--facts", str(SAMPLE / "facts.yaml"), "--format", "md"
    )
    assert code == 0
    assert out.startswith("# Strength diagnosis report")
    assert "## Roadmap" in out and "### 1 month" in out and "## Assumptions and sources" in out
    assert "2,500 (your answer) — workable" in out
    assert "戦力" not in out and "ロードマップ" not in out


def test_answers_with_questionnaire(capsys):
    """Test that --answers with --questionnaire (a path) and with the id from the file work."""
    code, out, _ = cli(
        capsys,
        "diagnose",
        "--answers",
        str(SAMPLE / "answers_full.yaml"),
        "--questionnaire",
        str(ROOT / "questionnaires" / "full.yaml"),
    )
    assert code == 0
    data = json.loads(out)
    assert data["inside_sales"]["placement"] == "nurture_long_cycle"
    assert data["assumed"] == []
    code, out, _ = cli(capsys, "diagnose", "--answers", str(SAMPLE / "answers_quick.yaml"))
    assert code == 0 and json.loads(out)["target_leads"] == 300


def test_answers_for_another_questionnaire_refused(capsys):
    """Test that quick answers given with the full questionnaire exit 2 naming both."""
    code, out, err = cli(
        capsys,
        "diagnose",
        "--answers",
        str(SAMPLE / "answers_quick.yaml"),
        "--questionnaire",
        "full",
    )
    assert code == 2 and out == ""
    assert "quick" in err and "full" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("sales:\n  ratings: {closing: 6}\n", "bad.yaml: sales.ratings.closing: must be 1..5"),
        ("sales:\n  headcont: 3\n", "bad.yaml: sales.headcont: unknown field (check the spelling)"),
        ("sales: [1, 2\n", "bad.yaml (line 2): not readable as YAML"),
        (
            "sales: !!python/object/apply:os.system [ls]\n",
            "bad.yaml (line 1): the tag !!python/object/apply:os.system",
        ),
        ("marketing: {}\n", "Give the target leads"),
    ],
    ids=["range", "unknown", "broken", "python_tag", "no_leads"],
)
def test_invalid_facts_exit_2_with_one_line(capsys, tmp_path, content, expected):
    """Test that invalid facts exit 2 with one line naming the field, nothing on stdout."""
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    code, out, err = cli(capsys, "--lang", "en", "diagnose", "--facts", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(expected)


def test_invalid_answer_names_the_question(capsys, tmp_path):
    """Test that a wrong answer exits 2 naming the file and question."""
    path = tmp_path / "answers.yaml"
    path.write_text("questionnaire: quick\nanswers:\n  rating_closing: 9\n", encoding="utf-8")
    code, out, err = cli(capsys, "--lang", "en", "diagnose", "--answers", str(path))
    assert code == 2 and out == ""
    assert err.strip() == "answers.yaml: rating_closing: must be 1..5"


def test_lists_without_leads_refused(capsys):
    """Test that --lists alone exits 2 with one line."""
    code, _, err = cli(
        capsys,
        "diagnose",
        "--facts",
        str(SAMPLE / "facts.yaml"),
        "--lists",
        str(SAMPLE / "lists.yaml"),
    )
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_leads_profile_replaces_target_leads(capsys):
    """Test that --leads profiles the list and its target count replaces the stated one."""
    from engine.leads.leadset import LeadSet
    from engine.leads.lists import load_lists

    leads, lists = SAMPLE / "salesforce_leads_ja.csv", SAMPLE / "lists.yaml"
    with LeadSet.open(leads) as leadset:
        expected = leadset.profile(load_lists(lists)).summary()["categories"]["target"]
    code, out, _ = cli(
        capsys,
        "diagnose",
        "--facts",
        str(SAMPLE / "facts.yaml"),
        "--leads",
        str(leads),
        "--lists",
        str(lists),
    )
    assert code == 0
    data = json.loads(out)
    assert data["target_leads_source"] == "profile"
    assert data["target_leads"] == expected
    assert "perception_gap_leads" in [w["id"] for w in data["warnings"]]  # 2,500 stated


def test_subprocess_error_has_no_traceback(tmp_path):
    """Test that the real command exits 2 with one line and no traceback."""
    path = tmp_path / "facts.yaml"
    path.write_text("sales:\n  win_rate: 25\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "engine", "diagnose", "--facts", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    assert r.returncode == 2 and r.stdout == ""
    assert "Traceback" not in r.stderr
    assert (
        r.stderr.strip()
        == "facts.yaml: sales.win_rate: 0 より大きく 1 以下の割合で指定してください (例: 25% は 0.25)"
    )
