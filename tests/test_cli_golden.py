"""The CLI's output for the bundled samples, byte for byte, against files written before a
change that must not alter behaviour (the engine re-layout). Regenerate with
``python -m tests.test_cli_golden`` only when a change of output is intended, and say why in
the commit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "sample_data"
GOLDEN = ROOT / "tests" / "golden"
LEAD_FILES = [
    "salesforce_leads_ja.csv",
    "salesforce_leads_en.csv",
    "hubspot_contacts.csv",
    "marketo_leads.tsv",
    "sansan_cards.csv",
    "eight_cards.csv",
    "leads.xlsx",
]


def _cases() -> dict[str, list[str]]:
    cases: dict[str, list[str]] = {}
    for name in LEAD_FILES:
        stem = name.replace(".", "_")
        cases[f"profile_{stem}.json"] = [
            "profile",
            f"{SAMPLE}/{name}",
            "--lists",
            f"{SAMPLE}/lists.yaml",
            "--format",
            "json",
        ]
    # (the text format is left out: its lead-age lines depend on today's date)
    for facts in ("facts", "facts_small_team", "facts_team"):
        for fmt in ("json", "md"):
            for lang in ("ja", "en"):
                cases[f"diagnose_{facts}.{lang}.{fmt}"] = [
                    "--lang",
                    lang,
                    "diagnose",
                    "--facts",
                    f"{SAMPLE}/{facts}.yaml",
                    "--format",
                    fmt,
                ]
    for lang in ("ja", "en"):
        for fmt in ("json", "md"):  # the sample journey: the list's composition in the md
            cases[f"diagnose_answers_quick_leads.{lang}.{fmt}"] = [
                "--lang",
                lang,
                "diagnose",
                "--answers",
                f"{SAMPLE}/answers_quick.yaml",
                "--questionnaire",
                "quick",
                "--leads",
                f"{SAMPLE}/salesforce_leads_ja.csv",
                "--lists",
                f"{SAMPLE}/lists.yaml",
                "--format",
                fmt,
            ]
        cases[f"diagnose_answers_full.{lang}.md"] = [
            "--lang",
            lang,
            "diagnose",
            "--answers",
            f"{SAMPLE}/answers_full.yaml",
            "--questionnaire",
            "full",
            "--format",
            "md",
        ]
    return cases


CASES = _cases()


def _run(argv: list[str], capsys) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_output_unchanged(name, capsys, monkeypatch):
    """Test that the CLI prints, byte for byte, what it printed for this sample before."""
    monkeypatch.chdir(ROOT)
    assert _run(CASES[name], capsys) == (GOLDEN / name).read_text(encoding="utf-8")


if __name__ == "__main__":  # python -m tests.test_cli_golden: rewrite the golden files
    import contextlib
    import io
    import os

    os.chdir(ROOT)
    GOLDEN.mkdir(exist_ok=True)
    for name, argv in CASES.items():
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main(list(argv)) == 0, name
        (GOLDEN / name).write_text(buf.getvalue(), encoding="utf-8")
    print(f"wrote {len(CASES)} files to {GOLDEN}", file=sys.stderr)
