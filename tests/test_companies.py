"""Company matching key: legal forms in every spelling, width and case variants."""

from __future__ import annotations

import pytest

from engine.leads.companies import company_key, company_keys


@pytest.mark.parametrize(
    "name",
    [
        "株式会社サンプル",
        "サンプル株式会社",
        "㈱サンプル",
        "(株)サンプル",
        "（株）サンプル",
        "サンプル㈱",
        "有限会社サンプル",
        "㈲サンプル",
        "(有)サンプル",
        "合同会社サンプル",
        "一般社団法人サンプル",
        "(一社)サンプル",
        "特定非営利活動法人 サンプル",
        "ｻﾝﾌﾟﾙ株式会社",
        "株式会社　サンプル",
        "㍿サンプル",
    ],
)
def test_japanese_legal_forms_are_removed(name):
    """Test that Japanese legal forms and their abbreviations vanish from the key."""
    assert company_key(name) == "サンプル"


@pytest.mark.parametrize(
    "name",
    [
        "Sample Inc.",
        "Sample, Inc.",
        "SAMPLE INCORPORATED",
        "Sample Corp.",
        "Sample Corporation",
        "Sample Co., Ltd.",
        "Sample Co.,Ltd.",
        "SAMPLE CO., LTD.",
        "Sample Co Ltd",
        "Sample Ltd.",
        "Sample Limited",
        "Sample LLC",
        "Sample L.L.C.",
        "Sample K.K.",
        "Sample Kabushiki Kaisha",
        "Sample GmbH",
        "Sample AG",
        "Sample PLC",
        "Sample Pte. Ltd.",
        "Sample Pty Ltd",
        "Ｓａｍｐｌｅ　Ｃｏ．，Ｌｔｄ．",
        "The-Sample!",
    ],
)
def test_english_legal_forms_case_width_and_punctuation(name):
    """Test that English legal forms in all spellings, full width, case and punctuation
    are removed so the key is the bare name."""
    key = company_key(name)
    assert key == ("thesample" if name == "The-Sample!" else "sample")
    assert company_key("Sample") == "sample"


def test_key_keeps_distinct_names_distinct_and_empty_is_none():
    """Test that different names keep different keys, only-legal-form names give None,
    and the key keeps the name's real words (Company inside a word stays)."""
    keys = company_keys(["株式会社ABC", "株式会社ABD", "株式会社", "", None, "Companyx"])
    assert keys == ["abc", "abd", None, None, None, "companyx"]


def test_half_width_katakana_with_voiced_marks_matches_full_width():
    """Test that ｶﾞｽ (half-width with a voiced mark) and ガス share a key."""
    assert company_key("ﾄｳｷｮｳｶﾞｽ㈱") == company_key("東京ガス株式会社".replace("東京", "トウキョウ"))


def test_shipped_nfkc_gate_is_the_computed_one():
    """Test that the NFKC gate shipped in engine/data (read instead of computed on every
    run) is exactly what unicodedata gives for this Python's Unicode version; after a
    Python upgrade the file is stale and the gate is computed until it is rewritten."""
    import unicodedata

    from engine.leads.companies import GATE_FILE, compute_nfkc_gate, nfkc_gate

    version, gate = GATE_FILE.read_text(encoding="utf-8").split("\n", 1)
    assert nfkc_gate() == compute_nfkc_gate()
    # on another Python the gate is computed (write_nfkc_gate() refreshes the file)
    if version == unicodedata.unidata_version:
        assert gate.strip() == compute_nfkc_gate()
