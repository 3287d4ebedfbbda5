"""Typed list lines: the app's form and the engine read a line the same way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.core.errors import InputError
from engine.leads.lists import Lists, read_lines


def test_urls_full_width_and_underscore_hosts_are_domains():
    """Test that a URL, a full-width domain and a mail_gw host are read as domains, and a
    company name with a dot or spaces stays a company."""
    lists = Lists().with_lines(
        "competitors",
        "https://rival.example/about\nｒｉｖａｌ.example\nmail_gw.rival.example\n"
        "ライバル商事\nPartner Co., Ltd.\ntaro@Other.example\n\n",
    )
    assert lists.competitors.domains == ["rival.example", "mail_gw.rival.example", "other.example"]
    assert lists.competitors.companies == ["ライバル商事", "Partner Co., Ltd."]


def test_add_lines_keeps_what_was_there_and_adds_no_duplicate():
    """Test that adding a line keeps the loaded lists (no list is thrown away) and a domain
    already there is not added twice."""
    loaded = Lists.model_validate(
        {"own": {"domains": ["example.co.jp"]}, "competitors": {"companies": ["A社"]}}
    )
    added = loaded.add_lines("competitors", "RIVAL.example\nrival.example")
    assert added.competitors.domains == ["rival.example"]
    assert added.competitors.companies == ["A社"]
    assert added.own.domains == ["example.co.jp"]


def test_lines_round_trip_through_the_form():
    """Test that a list shown as lines and read back is the same list."""
    lists = Lists().with_lines("partners", "partner.example\n代理店株式会社")
    assert lists.lines("partners") == "partner.example\n代理店株式会社"
    assert Lists().with_lines("partners", lists.lines("partners")) == lists


def test_unknown_kind_is_refused():
    """Test that a list kind other than own, competitors and partners is a user error."""
    with pytest.raises(InputError):
        Lists().with_lines("friends", "a.example")


@given(st.text(max_size=200))
def test_any_typed_text_reads_without_error(text):
    """Test that any text typed into a list box reads into valid lists (never a crash)."""
    lists = Lists().with_lines("own", text)
    read = read_lines(text)
    assert len(lists.own.domains) + len(lists.own.companies) <= len(read)
    assert all(" " not in d for d in lists.own.domains)
