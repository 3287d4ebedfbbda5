"""Per-category and per-stage counts of every bundled sample and readable corpus file,
as fixed numbers counted without the engine.

How the sample numbers were counted: bench/gen_leads.py (the seeded generator of the
samples) knows each row's truth: the person's kind (target, own, competitor, partner,
departed, freemail, student, unreachable), whether the row repeats an earlier person, and
the person's funnel stage (0 lead .. 5 won, -1 lost). Replaying it row by row, each row
was put in a category by the domain's rules, first that applies:

* duplicate: the same e-mail as an earlier row, or no e-mail and the same name and
  company (legal form spelled either way: 株式会社 / ㈱ / (株)) as an earlier row;
* invalid: neither e-mail nor phone;
* internal / competitor / partner: the domain or company of sample_data/lists.yaml;
* departed: a signal the export carries (退職 in the title; a note in Salesforce and
  Sansan; a bounce reason in Salesforce and HubSpot; Sansan's 退職者フラグ=1);
* out_of_profile: a free-mail address, or 学生 (lists.yaml's ICP keyword);
* target: the rest.

The stage of each target row is what its export writes for that funnel stage, read as the
tool means it: Salesforce JA 未対応/対応中 = lead, MQL, SQL/商談化 = sql, 受注 = won,
対象外 = unknown; Salesforce EN Open/Working = lead, Closed - Converted = sql; HubSpot's
lifecycle stage (subscriber/lead = lead, marketingqualifiedlead = mql,
salesqualifiedlead/opportunity = sql, customer = won, other = unknown); Marketo
新規/コンタクト中 = lead, 商談 = sql, 失注 = unknown. Sansan and Eight cards carry no stage.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.leads.leadset import LeadSet
from engine.leads.lists import load_lists

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
CORPUS = ROOT / "tests" / "corpus" / "files"

CATEGORY_ORDER = (
    "target", "duplicate", "invalid", "internal", "competitor", "partner", "departed",
    "out_of_profile",
)  # fmt: skip
STAGE_ORDER = ("lead", "mql", "isal", "isql", "sal", "sql", "won", "unknown")

# file: ([categories in CATEGORY_ORDER], [target stages in STAGE_ORDER])
SAMPLE_COUNTS = {
    "salesforce_leads_ja.csv": ([208, 21, 7, 9, 9, 10, 8, 28], [130, 9, 0, 0, 0, 30, 13, 26]),
    "salesforce_leads_en.csv": ([121, 12, 4, 11, 11, 6, 14, 21], [71, 8, 0, 0, 0, 27, 0, 15]),
    "hubspot_contacts.csv": ([213, 19, 10, 8, 7, 12, 13, 18], [134, 22, 0, 0, 0, 28, 10, 19]),
    "marketo_leads.tsv": ([139, 11, 8, 3, 6, 9, 3, 21], [96, 8, 0, 0, 0, 13, 3, 19]),
    "sansan_cards.csv": ([166, 15, 11, 3, 8, 12, 15, 20], [0, 0, 0, 0, 0, 0, 0, 166]),
    "eight_cards.csv": ([153, 90, 7, 7, 3, 8, 4, 28], [0, 0, 0, 0, 0, 0, 0, 153]),
    "leads.xlsx": ([148, 6, 4, 13, 3, 5, 12, 9], [91, 13, 0, 0, 0, 16, 8, 20]),
}

# The readable corpus files (tests/corpus/expected.yaml), read by eye: every row is a
# distinct, reachable business contact with no status column (stage unknown), except
# ragged_rows.csv's 株式会社C row, which has neither e-mail nor phone.
CORPUS_COUNTS = {
    "good_control.xlsx": (3, 0),
    "good_control_cp932.csv": (3, 0),
    "formula_cells.xlsx": (3, 0),
    "formula_cells.csv": (3, 0),
    "hostile_headers.csv": (2, 0),
    "html_script_names.csv": (3, 0),
    "ragged_rows.csv": (3, 1),
    "embedded_nul.csv": (4, 0),
    "duplicate_headers.csv": (2, 0),
    "blank_header_names.csv": (2, 0),
    "description_rows_above_header.csv": (3, 0),
    "mixed_newlines.csv": (3, 0),
    "newline_in_cell.csv": (2, 0),
    "emoji.csv": (2, 0),
    "control_chars.csv": (2, 0),
    "mixed_encodings.csv": (3, 0),
    "utf16_le_bom.csv": (3, 0),
    "one_column_email.csv": (4, 0),
    "semicolon.csv": (2, 0),
    "tab_separated.tsv": (1, 0),
}


def _counts(path: Path, lists=None) -> tuple[dict[str, int], dict[str, int]]:
    with LeadSet.open(path) as leads:
        profile = leads.profile(lists=lists)
    categories = {c: profile.categories.get(c, 0) for c in CATEGORY_ORDER}
    stages = {s: profile.stages.get(s, 0) for s in STAGE_ORDER}
    return categories, stages


@pytest.mark.parametrize("name", sorted(SAMPLE_COUNTS))
def test_sample_has_its_counted_categories_and_stages(name):
    """Test that each bundled sample, profiled with its lists, has exactly the counted
    number of leads per category and of target leads per funnel stage."""
    categories, stages = _counts(SAMPLES / name, load_lists(SAMPLES / "lists.yaml"))
    want_categories, want_stages = SAMPLE_COUNTS[name]
    assert categories == dict(zip(CATEGORY_ORDER, want_categories, strict=True))
    assert stages == dict(zip(STAGE_ORDER, want_stages, strict=True))


@pytest.mark.parametrize("name", sorted(CORPUS_COUNTS))
def test_corpus_file_has_its_counted_categories(name):
    """Test that each readable corpus file has its rows as targets (stage unknown), but
    for the one unreachable row of ragged_rows.csv."""
    categories, stages = _counts(CORPUS / name)
    targets, invalid = CORPUS_COUNTS[name]
    assert categories == {c: 0 for c in CATEGORY_ORDER} | {"target": targets, "invalid": invalid}
    assert stages == {s: 0 for s in STAGE_ORDER} | {"unknown": targets}


def test_corpus_counts_cover_every_readable_file():
    """Test that every committed corpus file expected to be read has its counts here
    (the two made at test time hold one over-long cell each)."""
    import yaml

    expected = yaml.safe_load((ROOT / "tests" / "corpus" / "expected.yaml").read_text("utf-8"))
    readable = {n for n, e in expected.items() if e["outcome"] == "read" and (CORPUS / n).exists()}
    assert readable == set(CORPUS_COUNTS)
