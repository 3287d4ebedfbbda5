"""Rules and benchmarks data files: validated on load, domain rules kept under edits."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from engine.core.errors import ConfigError
from engine.diagnosis.rules import (
    BENCHMARKS_PATH,
    RULES_PATH,
    benchmarks,
    load_benchmarks,
    load_rules,
    rules,
)


def _edited(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _error(tmp_path: Path, edit) -> str:
    with pytest.raises(ConfigError) as info:
        load_rules(_edited(tmp_path, edit))
    return info.value.message("en")


def test_shipped_rules_are_versioned_with_the_issue_thresholds():
    """Test that rules.yaml is version 1 and holds the thresholds the issue names."""
    r = rules()
    assert r.version == 1
    th = r.thresholds
    assert (th.lead_base_workable, th.lead_base_comfortable) == (1000, 3000)
    assert (th.closing_heavy_closing_min, th.closing_heavy_others_max) == (4, 2)
    assert th.long_cycle_months == 6
    assert th.perception_gap_max == pytest.approx(0.30)
    assert th.list_non_target_share_max == pytest.approx(0.5)


def test_scoring_first_without_scoring_ready_is_refused(tmp_path):
    """Test that an operator cannot rank scoring first unless scoring_ready holds."""

    def edit(data):
        data["initiative_order"][0]["order"] = ["scoring", "lead_gen", "content"]

    assert _error(tmp_path, edit) == (
        "rules.yaml: initiative_order.0.order: scoring may come first only when scoring_ready"
    )


def test_unknown_predicate_and_placeholder_refused(tmp_path):
    """Test that a typo in a condition or a placeholder fails at load, naming the place."""

    def typo_when(data):
        data["warnings"][0]["when"] = ["closing_hevy"]

    assert "closing_hevy" in _error(tmp_path, typo_when)

    def typo_placeholder(data):
        data["lead_base"]["workable"]["ja"] = "{target_lead} 件"
        data["lead_base"]["workable"]["en"] = "{target_lead} leads"

    assert _error(tmp_path, typo_placeholder) == (
        "rules.yaml: lead_base.workable: there is no placeholder “target_lead”"
    )


def test_translation_placeholders_must_match(tmp_path):
    """Test that ja and en of a sentence must quote the same numbers."""

    def edit(data):
        data["roadmap"]["1m"][1]["en"] = "Agree definitions for {target_leads} leads"

    assert "placeholders differ" in _error(tmp_path, edit)


def test_missing_translation_and_order_refused(tmp_path):
    """Test that a sentence without English and an order missing an initiative fail."""

    def no_en(data):
        del data["roadmap"]["2y"][0]["en"]

    assert _error(tmp_path, no_en).startswith("rules.yaml: roadmap.2y.0.en:")

    def short_order(data):
        data["initiative_order"][-1]["order"] = ["content", "lead_gen"]

    assert "exactly once" in _error(tmp_path, short_order)


def test_lists_must_keep_an_unconditional_fallback(tmp_path):
    """Test that a roadmap horizon whose sentences are all conditional is refused."""

    def edit(data):
        data["roadmap"]["2y"] = [dict(s, when=["has_goal"]) for s in data["roadmap"]["2y"]]

    assert _error(tmp_path, edit).startswith("rules.yaml: roadmap.2y:")


def test_benchmarks_are_cited():
    """Test that each rate has a value inside its published range, a source, a year field and
    a reliability in both languages, and that no rate cites the undated glossary alone for
    the opportunity and win rates."""
    b = benchmarks()
    for key in ("lead_to_mql", "mql_to_sal", "sal_to_sql", "sql_to_won"):
        rate = b.rates[key]
        assert 0 < rate.low <= rate.value <= rate.high < 1 and rate.source
        assert rate.reliability("ja") and rate.reliability("en")
    assert (b.rates["sql_to_won"].value, b.rates["sql_to_won"].year) == (0.25, 2014)
    assert b.rates["sql_to_won"].source == "Implisit"
    assert (b.rates["sal_to_sql"].source, b.rates["sal_to_sql"].year) == ("Aporo", 2025)
    assert b.rates["lead_to_mql"].citation("ja").endswith("年不明")
    assert b.rates["lead_to_mql"].range == "10–25%"
    raw = yaml.safe_load(BENCHMARKS_PATH.read_text(encoding="utf-8"))
    assert all("year" in r for r in raw["rates"].values())
    assert b.fact_defaults["sales.win_rate"].rate == "sql_to_won"


def test_inside_sales_workload_is_editable_and_cited():
    """Test that one inside-sales rep's monthly MQLs come from the cited calls a day:
    45 calls × 20 days ÷ 6 touches per MQL = 150."""
    w = benchmarks().inside_sales_workload
    assert w.calls_per_day.value == 45 and w.calls_per_day.source.startswith("IS factory")
    assert w.mql_per_rep_month == 150


def test_benchmark_default_for_unknown_path_refused(tmp_path):
    """Test that a default for a path that is not a fact fails at load."""
    data = yaml.safe_load(BENCHMARKS_PATH.read_text(encoding="utf-8"))
    data["fact_defaults"]["sales.winrate"] = copy.deepcopy(data["fact_defaults"]["sales.win_rate"])
    path = tmp_path / "benchmarks.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_benchmarks(path)
    assert "sales.winrate" in info.value.message("en")
