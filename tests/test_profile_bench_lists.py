"""The per-row categories of bench-style lists, pinned before the profile was made faster.

The expected counts and the digest of the per-row category sequence were written down from the
profile as it was before the speed work (issue 14): a faster profile must put every row in the
same category, not only keep the totals.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bench.gen_leads import write_list
from engine.leads.leadset import LeadSet
from engine.leads.lists import load_lists

ROOT = Path(__file__).resolve().parent.parent
ROWS = 20_000

# (format, encoding) -> (categories in vocabulary order, target stages, digest of the rows'
# categories in file order)
EXPECTED = {
    ("marketo", "utf-8"): (
        [14316, 1148, 570, 567, 578, 789, 440, 1592],
        [9181, 1237, 0, 0, 0, 1882, 563, 1453],
        "d2f938d691b75efd",
    ),
    ("salesforce_ja", "cp932"): (
        [13902, 1106, 551, 548, 577, 819, 926, 1571],
        [8788, 1255, 0, 0, 0, 1927, 555, 1377],
        "e4a323215a7b8701",
    ),
    ("hubspot", None): (
        [14323, 1078, 539, 527, 541, 772, 642, 1578],
        [9064, 1250, 0, 0, 0, 1935, 559, 1515],
        "9bd5042e1a53ef01",
    ),
    ("sansan", "cp932"): (
        [13814, 1126, 556, 597, 615, 804, 909, 1579],
        [0, 0, 0, 0, 0, 0, 0, 13814],
        "35c140f0eba55132",
    ),
}


@pytest.mark.parametrize(("fmt", "encoding"), list(EXPECTED))
def test_bench_list_categories_per_row_unchanged(tmp_path, fmt, encoding):
    """Test that every row of a generated 20k-row bench list keeps its category and stage."""
    path = tmp_path / f"{fmt}.csv"
    write_list(path, fmt, ROWS, seed=7, encoding=encoding)
    lists = load_lists(ROOT / "sample_data" / "lists.yaml")
    with LeadSet.open(path) as leads:
        profile = leads.profile(lists)
        per_row = leads.categories()
    categories, stages, digest = EXPECTED[(fmt, encoding)]
    assert profile.rows == ROWS
    assert list(profile.categories.values()) == categories
    assert list(profile.stages.values()) == stages
    assert hashlib.sha256("\n".join(per_row).encode()).hexdigest()[:16] == digest
