"""What CI changes in the test suite: any truthy CI value makes hypothesis reproducible
and a missing Chromium a failure, never a skip."""

from __future__ import annotations

import pytest

from tests.conftest import under_ci
from tests.e2e import conftest as browser_fixtures


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "True", "on", "github-actions"])
def test_truthy_ci_values_count_as_ci(monkeypatch, value):
    """Test that CI=1, true, yes (any case) and other non-empty values count as CI."""
    monkeypatch.setenv("CI", value)
    assert under_ci() is True


@pytest.mark.parametrize("value", ["", "0", "false", "False", "no", "off", " "])
def test_false_ci_values_do_not(monkeypatch, value):
    """Test that an empty, 0, false, no or off CI does not count as CI."""
    monkeypatch.setenv("CI", value)
    assert under_ci() is False


@pytest.mark.parametrize(
    ("ci", "euid", "fails"),
    [("1", 1000, True), ("yes", 1000, True), ("true", 0, True), ("", 0, True), ("", 1000, False)],
)
def test_missing_chromium_fails_under_ci_or_root(monkeypatch, ci, euid, fails):
    """Test that a missing Chromium fails the browser tests under any truthy CI or as root
    (where it can be installed), and skips them only for a user without CI."""
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(browser_fixtures.os, "geteuid", lambda: euid)
    assert browser_fixtures.missing_chromium_fails() is fails
