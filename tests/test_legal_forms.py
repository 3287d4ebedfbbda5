"""Nested legal forms: the longest form is removed from the company key, so a medical
corporation (医療法人社団) is never matched with a company whose name starts with 社団."""

from __future__ import annotations

import pytest

from engine.leads.companies import company_key
from engine.leads.leadset import LeadSet
from engine.leads.lists import load_lists


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("医療法人社団サンプル", "サンプル"),
        ("医療法人財団サンプル", "サンプル"),
        ("医療法人サンプル", "サンプル"),
        ("(医)サンプル", "サンプル"),
        ("一般社団法人サンプル協会", "サンプル協会"),
        ("公益財団法人サンプル", "サンプル"),
        ("有限責任事業組合サンプル", "サンプル"),
        ("㈳サンプル", "サンプル"),
        ("社団サンプル", "社団サンプル"),
        ("株式会社社団サンプル", "社団サンプル"),
        ("財団サンプル株式会社", "財団サンプル"),
    ],
)
def test_longest_legal_form_is_removed(name, key):
    """Test that a nested legal form is removed whole (医療法人社団, not 医療法人 leaving
    社団) and that 社団/財団 alone are part of the name."""
    assert company_key(name) == key


def test_medical_corporation_is_not_the_listed_competitor(tmp_path):
    """Test that with 社団サンプル株式会社 listed as a competitor, its staff are competitors
    but the staff of 医療法人社団サンプル stay targets."""
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "会社名,姓,メールアドレス\n"
        "医療法人社団サンプル,佐藤,sato@iryo-sample.example\n"
        "社団サンプル株式会社,鈴木,suzuki@shadan-sample.example\n"
        "㈱社団サンプル,高橋,takahashi@shadan-sample2.example\n",
        encoding="utf-8",
    )
    lists = load_lists("competitors: {companies: [社団サンプル株式会社]}")
    with LeadSet.open(leads) as ls:
        profile = ls.profile(lists=lists)
        competitors = ls.rows("competitor")["姓"].tolist()
    assert competitors == ["鈴木", "高橋"]
    assert profile.categories["target"] == 1
    assert profile.categories["competitor"] == 2
