"""``python -m engine profile``: the JSON contract on every sample export, the text
report, and one clear stderr line (exit 2) for unusable input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
CATEGORY_KEYS = [
    "target",
    "duplicate",
    "invalid",
    "internal",
    "competitor",
    "partner",
    "departed",
    "out_of_profile",
]
STAGE_KEYS = ["lead", "mql", "isal", "isql", "sal", "sql", "won", "unknown"]
LISTS = """
own:         {domains: [senryoku-demo.co.jp], companies: [株式会社戦力デモ]}
competitors: {domains: [rival-ma.co.jp], companies: [ライバルマーケ株式会社]}
partners:    {domains: [partner-agency.jp], companies: [パートナー代理店株式会社]}
icp:         {allow_free_mail: false, exclude_keywords: [学生]}
"""


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture(scope="module")
def lists_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lists") / "lists.yaml"
    path.write_text(LISTS, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "encoding", "email_header"),
    [
        ("salesforce_leads_ja.csv", "cp932", "メール"),
        ("salesforce_leads_en.csv", "utf-8", "Email"),
        ("hubspot_contacts.csv", "utf-8-sig", "Email"),
        ("marketo_leads.tsv", "utf-8", "メールアドレス"),
        ("sansan_cards.csv", "cp932", "email1"),
        ("eight_cards.csv", "cp932", "e-mail"),
        ("leads.xlsx", "utf-8", "メール"),
    ],
)
def test_json_contract_on_sample_exports(name, encoding, email_header, lists_file):
    """Test that the JSON output has exactly the contract's keys, categories summing to
    rows and stages to targets, on each tool's sample export with a lists file."""
    r = cli("profile", str(SAMPLES / name), "--lists", str(lists_file), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    out = json.loads(r.stdout)
    assert list(out) == ["rows", "encoding", "columns", "categories", "stages"]
    assert list(out["categories"]) == CATEGORY_KEYS
    assert list(out["stages"]) == STAGE_KEYS
    assert out["encoding"] == encoding
    assert out["columns"]["email"] == email_header
    assert out["rows"] > 100
    assert sum(out["categories"].values()) == out["rows"]
    assert sum(out["stages"].values()) == out["categories"]["target"]
    # every sample mixes in own staff, competitors, partners and people who left
    for c in CATEGORY_KEYS:
        assert out["categories"][c] > 0, (name, c)
    assert json.dumps(email_header, ensure_ascii=False) in r.stdout  # not \u-escaped


def test_text_report_in_both_languages():
    """Test that the text report reads as a report in Japanese (default) and English."""
    ja = cli("profile", str(SAMPLES / "salesforce_leads_ja.csv"))
    en = cli("--lang", "en", "profile", str(SAMPLES / "salesforce_leads_ja.csv"))
    assert ja.returncode == 0 and en.returncode == 0
    assert "ターゲットリード" in ja.stdout and "ステージ" in ja.stdout
    assert "Target leads" in en.stdout and "Stages" in en.stdout
    assert "Traceback" not in ja.stdout + ja.stderr + en.stdout + en.stderr


@pytest.mark.parametrize(
    ("content", "extra", "needle"),
    [
        (None, [], "not found"),
        (b"", [], ""),
        ("会社名,電話\nA社,03-1234-5678\n".encode("cp932"), [], "e-mail"),
        (b"Email,Last Name\na@s.co.jp,A\n", ["--mapping", "MAP"], "Mail Address"),
        (b"Email,Last Name\na@s.co.jp,A\n", ["--lists", "LISTS"], "own.domains"),
    ],
)
def test_unusable_input_exits_2_with_one_line(tmp_path, content, extra, needle):
    """Test that a missing file, an empty file, a list with no identifying column, a
    mapping to a missing header and an invalid lists file exit 2 with one line."""
    leads = tmp_path / "leads.csv"
    if content is not None:
        leads.write_bytes(content)
    (tmp_path / "map.yaml").write_text("email: Mail Address\n", encoding="utf-8")
    (tmp_path / "lists.yaml").write_text("own: {domains: [not a domain]}\n", encoding="utf-8")
    args = [a.replace("MAP", str(tmp_path / "map.yaml")) for a in extra]
    args = [a.replace("LISTS", str(tmp_path / "lists.yaml")) for a in args]
    r = cli("--lang", "en", "profile", str(leads), *args, "--format", "json")
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert needle in lines[0]
