"""The command line's read keeps only the mapped columns (issue 14): less to parse into the
table, and nothing else may change — the rows kept, the footer cut, the mapping, every
row's category."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.leads import features
from engine.leads.leadset import LeadSet
from engine.leads.lists import load_lists

ROOT = Path(__file__).resolve().parent.parent

# 社内コード and URL map to no field. Row 4 fills only URL (a row, not a blank line: invalid);
# row 5 repeats row 1's e-mail; the last line is a Japanese report footer.
LIST = (
    "会社名,社内コード,氏名,メールアドレス,URL,電話番号\n"
    "株式会社アルファ,A-001,山田 太郎,yamada@alpha.co.jp,https://alpha.co.jp,03-1234-5678\n"
    "ライバルマーケ株式会社,,佐藤 花子,sato@rival-ma.co.jp,,\n"
    "株式会社ベータ,B-002,鈴木 一郎,suzuki@gmail.com,,\n"
    ",,,,https://only-url.example,\n"
    "株式会社アルファ,,山田 太郎,YAMADA@alpha.co.jp,,\n"
    "総計 (5 レコード),,,,,\n"
)


@pytest.fixture
def leads_file(tmp_path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(LIST, encoding="utf-8")
    return path


def test_only_mapped_keeps_the_mapped_columns_and_the_same_profile(leads_file):
    """Test that a read of only the mapped columns drops 社内コード and URL from the table but
    keeps the URL-only row, cuts the 総計 (5 レコード) footer and gives the same counts per row."""
    lists = load_lists(ROOT / "sample_data" / "lists.yaml")
    with LeadSet.open(leads_file, only_mapped=True) as narrow:
        assert narrow.headers == ["会社名", "氏名", "メールアドレス", "電話番号"]
        narrow_profile = narrow.profile(lists)
        narrow_rows = narrow.categories()
        narrow_mapping = dict(narrow.mapping)
    with LeadSet.open(leads_file) as full:
        assert "URL" in full.headers
        full_profile = full.profile(lists)
        assert narrow_rows == full.categories()
        assert narrow_mapping == dict(full.mapping)
    assert narrow_profile.rows == 5
    assert narrow_rows == ["target", "competitor", "out_of_profile", "invalid", "duplicate"]
    assert narrow_profile.categories == full_profile.categories


def test_only_mapped_keeps_a_column_the_mapping_file_assigns(leads_file, tmp_path):
    """Test that a column mapped only by the user's mapping file (社内コード as notes) is kept,
    and a header the file does not have is refused before anything is read."""
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("notes: 社内コード\n", encoding="utf-8")
    with LeadSet.open(leads_file, mapping=mapping, only_mapped=True) as narrow:
        assert "社内コード" in narrow.headers
        assert narrow.mapping["notes"] == "社内コード"
        assert "URL" not in narrow.headers
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("notes: 備考\n", encoding="utf-8")
    with pytest.raises(Exception) as caught:
        LeadSet.open(leads_file, mapping=wrong, only_mapped=True)
    assert getattr(caught.value, "code", "") == "profile.mapping.unknown_header"


def test_counts_only_then_full_profile_agree(leads_file):
    """Test that the counts-only profile (its classification a view, not a table) and a
    full profile after it, and a counts-only one again, give the same rows' categories."""
    lists = load_lists(ROOT / "sample_data" / "lists.yaml")
    with LeadSet.open(leads_file, only_mapped=True) as leads:
        counts = leads.profile(lists, counts_only=True)
        from_view = leads.categories()
        full = leads.profile(lists)
        from_table = leads.categories()
        again = leads.profile(lists, counts_only=True)
    assert (
        from_view
        == from_table
        == ["target", "competitor", "out_of_profile", "invalid", "duplicate"]
    )
    assert counts.categories == full.categories == again.categories
    assert full.examples["competitor"][0]["company"] == "ライバルマーケ株式会社"


def test_blank_rows_go_and_a_row_of_unmapped_cells_stays(tmp_path):
    """Test that the narrow read drops rows blank in every column (commas only, spaces and
    ideographic spaces) but keeps a row whose only filled cell is unmapped, numbering the
    rows 1..5 as the full read does."""
    path = tmp_path / "blank_rows.csv"
    path.write_text(
        LIST.replace(
            "佐藤 花子,sato@rival-ma.co.jp,,\n", "佐藤 花子,sato@rival-ma.co.jp,,\n,,,,,\n"
        )
        .replace(",,,,https://only-url.example,\n", " ,\u3000,,,https://only-url.example,\n")
        .replace("総計", " ,\x85,\u3000,,,\n総計"),
        encoding="utf-8",
    )
    numbered = 'SELECT "_row", "会社名" FROM raw_leads ORDER BY "_row"'
    lists = load_lists(ROOT / "sample_data" / "lists.yaml")
    with LeadSet.open(path, only_mapped=True) as narrow:
        narrow_rows = narrow.con.execute(numbered).fetchall()
        narrow.profile(lists)
        narrow_categories = narrow.categories()
    with LeadSet.open(path) as full:
        assert full.con.execute(numbered).fetchall() == narrow_rows
        full.profile(lists)
        assert full.categories() == narrow_categories
    assert [row for row, _ in narrow_rows] == [1, 2, 3, 4, 5]
    assert narrow_rows[3][1] == " "  # the URL-only row, kept as written
    assert narrow_categories == ["target", "competitor", "out_of_profile", "invalid", "duplicate"]


def test_a_read_for_the_counts_leaves_out_the_dates_but_maps_them(tmp_path):
    """Test that a read of the count fields (the command line's JSON) stores no date column
    (名刺交換日, 作成日), still reports 名刺交換日 as the exchange date in its mapping, gives
    the full read's counts, and refuses a full profile (whose lead age needs the dates)."""
    path = tmp_path / "eight.csv"
    path.write_text(
        "会社名,姓,名,e-mail,名刺交換日,作成日\n"
        "株式会社アルファ,山田,太郎,yamada@alpha.co.jp,2026/02/02,2026/02/03\n"
        "株式会社アルファ,山田,太郎,yamada@alpha.co.jp,2025/10/29,2025/10/30\n"
        "株式会社ベータ,鈴木,一郎,suzuki@gmail.com,2024/01/05,2024/01/06\n",
        encoding="utf-8",
    )
    lists = load_lists(ROOT / "sample_data" / "lists.yaml")
    with LeadSet.open(path, only_mapped=True, fields=features.COUNT_FIELDS) as counts:
        assert counts.headers == ["会社名", "姓", "名", "e-mail"]
        assert counts.mapping["exchange_date"] == "名刺交換日"
        assert counts.mapping["created"] == "作成日"
        summary = counts.profile(lists, counts_only=True).summary()
        with pytest.raises(ValueError, match="exchange_date"):
            counts.profile(lists)
    with LeadSet.open(path) as full:
        assert full.profile(lists).lead_age.source == ["名刺交換日"]
        assert full.profile(lists, counts_only=True).summary() == summary
    assert summary["columns"]["exchange_date"] == "名刺交換日"
    assert summary["categories"]["duplicate"] == 1
    assert summary["categories"]["out_of_profile"] == 1
