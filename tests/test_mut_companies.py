"""Company keys of many names at once, in the order given."""

from __future__ import annotations

from engine.leads.companies import company_keys


def test_keys_come_back_in_the_order_given():
    """Test that several names give their keys in order, None for empty or legal-form-only names."""
    names = [
        "㈱ＡＢＣ商事",
        None,
        "",
        "株式会社",
        "ABC Co., Ltd.",
        "ＡＢＣ　ホールディングス株式会社",
    ]
    assert company_keys(names) == ["abc商事", None, None, None, "abc", "abcホールディングス"]
    assert company_keys(list(reversed(names))) == [
        "abcホールディングス",
        "abc",
        None,
        None,
        None,
        "abc商事",
    ]
