"""Rules and benchmarks: each load-time check named exactly, and the text helpers' output.

Every edit below breaks one rule of ``rules.yaml`` / ``benchmarks.yaml`` the way an operator
could, and the error must say which check failed and where (the field an operator looks up).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.core.errors import ConfigError
from engine.diagnosis import rules as R
from engine.diagnosis.rules import (
    BENCHMARKS_PATH,
    RULES_PATH,
    Figure,
    Rate,
    Sentence,
    Workload,
    fill,
    load_benchmarks,
    load_rules,
    placeholders,
    sentences,
)

JA_EN = {"ja": "文", "en": "A sentence."}


def _write(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _rules_error(tmp_path: Path, edit) -> ConfigError:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    edit(data)
    with pytest.raises(ConfigError) as err:
        load_rules(_write(tmp_path, "rules.yaml", data))
    return err.value


def _bench_error(tmp_path: Path, edit) -> ConfigError:
    data = yaml.safe_load(BENCHMARKS_PATH.read_text(encoding="utf-8"))
    edit(data)
    with pytest.raises(ConfigError) as err:
        load_benchmarks(_write(tmp_path, "benchmarks.yaml", data))
    return err.value


def _set(path: str, value):
    """An edit that sets ``value`` at a dotted path (list indexes as numbers)."""

    def edit(data):
        *head, last = path.split(".")
        node = data
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return edit


def _delete(path: str):
    def edit(data):
        *head, last = path.split(".")
        node = data
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        del node[last]

    return edit


def _append(path: str, value):
    def edit(data):
        node = data
        for key in path.split("."):
            node = node[int(key)] if isinstance(node, list) else node[key]
        node.append(value)

    return edit


RULE_ERRORS = {
    "workable equal to comfortable": (
        _set("thresholds.lead_base_workable", 3000),
        (
            "diagnosis.invalid.thresholds_order",
            {"field": "rules.yaml: thresholds.lead_base_workable"},
        ),
    ),
    "lead base level missing": (
        _delete("lead_base.comfortable"),
        ("diagnosis.invalid.required", {"field": "rules.yaml: lead_base.comfortable"}),
    ),
    "lead base quoting a late predicate": (
        _set("lead_base.workable.when", ["inside_sales_placed"]),
        (
            "diagnosis.invalid.unknown_predicate",
            {"field": "rules.yaml: lead_base.workable.when", "ref": "inside_sales_placed"},
        ),
    ),
    "lead base note quoting a late predicate": (
        _set("lead_base_notes.0.when", ["first_scoring"]),
        (
            "diagnosis.invalid.unknown_predicate",
            {"field": "rules.yaml: lead_base_notes.0.when", "ref": "first_scoring"},
        ),
    ),
    "placement rule naming an unknown predicate": (
        _set("inside_sales.rules.1.when", ["not_lead_base_huge"]),
        (
            "diagnosis.invalid.unknown_predicate",
            {"field": "rules.yaml: inside_sales.rules.1.when", "ref": "not_lead_base_huge"},
        ),
    ),
    "placement rule on a late predicate": (
        _set("inside_sales.rules.0.when", ["first_scoring"]),
        (
            "diagnosis.invalid.unknown_predicate",
            {"field": "rules.yaml: inside_sales.rules.0.when", "ref": "first_scoring"},
        ),
    ),
    "placement reasons without a fallback": (
        _set("inside_sales.rules.0.reasons", [JA_EN | {"when": ["long_cycle"]}]),
        ("diagnosis.invalid.no_fallback", {"field": "rules.yaml: inside_sales.rules.0.reasons"}),
    ),
    "placement reason with an unknown placeholder": (
        _set("inside_sales.rules.0.reasons.1", {"ja": "{zzz}", "en": "{zzz}"}),
        (
            "diagnosis.invalid.unknown_placeholder",
            {"field": "rules.yaml: inside_sales.rules.0.reasons.1", "ref": "zzz"},
        ),
    ),
    "last placement rule conditional": (
        lambda d: d["inside_sales"]["rules"][-1].__setitem__("when", ["long_cycle"]),
        ("diagnosis.invalid.no_fallback", {"field": "rules.yaml: inside_sales.rules"}),
    ),
    "common reason with a mismatched placeholder": (
        _set("inside_sales.common_reasons", [{"ja": "{months}", "en": "months"}]),
        (
            "diagnosis.invalid.placeholder_mismatch",
            {"field": "rules.yaml: inside_sales.common_reasons.0"},
        ),
    ),
    "ranking naming an unknown predicate": (
        _set("initiative_order.2.when", ["cycle_longer"]),
        (
            "diagnosis.invalid.unknown_predicate",
            {"field": "rules.yaml: initiative_order.2.when", "ref": "cycle_longer"},
        ),
    ),
    "ranking repeating an initiative": (
        _set("initiative_order.1.order", ["content", "content", "lead_gen"]),
        ("diagnosis.invalid.not_permutation", {"field": "rules.yaml: initiative_order.1.order"}),
    ),
    "scoring first on a fallback ranking": (
        lambda d: d["initiative_order"][-1].__setitem__(
            "order", ["scoring", "content", "lead_gen"]
        ),
        ("diagnosis.invalid.scoring_first", {"field": "rules.yaml: initiative_order.6.order"}),
    ),
    "last ranking conditional": (
        lambda d: d["initiative_order"][-1].__setitem__("when", ["long_cycle"]),
        ("diagnosis.invalid.no_fallback", {"field": "rules.yaml: initiative_order"}),
    ),
    "initiative missing": (
        _delete("initiatives.scoring"),
        ("diagnosis.invalid.required", {"field": "rules.yaml: initiatives.scoring"}),
    ),
    "initiative reasons all conditional": (
        _set("initiatives.content.reasons", [JA_EN | {"when": ["long_cycle"]}]),
        ("diagnosis.invalid.no_fallback", {"field": "rules.yaml: initiatives.content.reasons"}),
    ),
    "warning whose translations quote different numbers": (
        _set("warnings.0.en", "{zzz}"),
        (
            "diagnosis.invalid.placeholder_mismatch",
            {"field": "rules.yaml: warnings.0 (goal_beyond_inflow)"},
        ),
    ),
    "warning on an unknown predicate": (
        _set("warnings.1.when", ["no_such_thing"]),
        (
            "diagnosis.invalid.unknown_predicate",
            {"field": "rules.yaml: warnings.1 (capacity_exceeded).when", "ref": "no_such_thing"},
        ),
    ),
    "roadmap horizon missing": (
        _delete("roadmap.2y"),
        ("diagnosis.invalid.required", {"field": "rules.yaml: roadmap.2y"}),
    ),
    "roadmap sentence on an unknown KPI": (
        _append("roadmap.1y", {"ja": "{kpi_zzz}", "en": "{kpi_zzz}"}),
        (
            "diagnosis.invalid.unknown_placeholder",
            {"field": "rules.yaml: roadmap.1y.LAST", "ref": "kpi_zzz"},
        ),
    ),
    "roadmap without a fallback": (
        _set("roadmap.3m", [{"ja": "{leads_total}", "en": "{leads_total}"}]),
        ("diagnosis.invalid.no_fallback", {"field": "rules.yaml: roadmap.3m"}),
    ),
    "first unknown placeholder named in order": (
        _set("initiatives.lead_gen.reasons.0", {"ja": "{zb} {za}", "en": "{za} {zb}"}),
        (
            "diagnosis.invalid.unknown_placeholder",
            {"field": "rules.yaml: initiatives.lead_gen.reasons.0", "ref": "za"},
        ),
    ),
}


@pytest.mark.parametrize("name", list(RULE_ERRORS))
def test_each_rules_check_names_its_field(tmp_path, name):
    """Test that each broken rule fails at load with its own code, field and reference."""
    edit, (code, params) = RULE_ERRORS[name]
    err = _rules_error(tmp_path, edit)
    if params["field"].endswith(".LAST"):
        data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
        last = len(data["roadmap"]["1y"])
        params = params | {"field": params["field"].replace("LAST", str(last))}
    assert (err.code, err.params) == (code, params)


def test_rules_edits_that_stay_valid_load(tmp_path):
    """Test that valid edits (negations, KPI placeholders, conditional notes) still load."""
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    data["inside_sales"]["rules"][0]["when"] = ["not_long_cycle", "lead_base_insufficient"]
    data["roadmap"]["1y"].append({"ja": "{kpi_pipeline}", "en": "{kpi_pipeline}"})
    data["lead_base_notes"] = [JA_EN | {"when": ["long_cycle"]}]
    data["inside_sales"]["common_reasons"] = [JA_EN | {"when": ["first_scoring"]}]
    data["thresholds"]["lead_base_workable"] = 2999
    loaded = load_rules(_write(tmp_path, "rules.yaml", data))
    assert loaded.inside_sales.rules[0].when == ["not_long_cycle", "lead_base_insufficient"]
    assert loaded.thresholds.lead_base_workable == 2999


def test_fallback_may_use_every_always_known_number(tmp_path):
    """Test that a roadmap's one unconditional sentence may quote all always-known numbers."""
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    every = " ".join(f"{{{name}}}" for name in sorted(R.ALWAYS_PLACEHOLDERS))
    data["roadmap"]["3m"] = [{"ja": every, "en": every}]
    loaded = load_rules(_write(tmp_path, "rules.yaml", data))
    assert len(placeholders(loaded.roadmap["3m"][0].ja)) == 22


@pytest.mark.parametrize(
    ("loader", "name", "text", "code"),
    [
        (load_rules, "rules.yaml", "- a list, not the rules\n", "common.yaml.not_mapping"),
        (load_benchmarks, "benchmarks.yaml", "rates: [\n", "common.yaml.syntax"),
    ],
)
def test_unreadable_data_file_is_the_operators_error(tmp_path, loader, name, text, code):
    """Test that a rules or benchmarks file that is no YAML mapping is a ConfigError naming it."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        loader(path)
    assert (err.value.code, err.value.params["file"]) == (code, name)


def _drop_rate(key: str):
    """An edit that removes a rate and the defaults drawn from it."""

    def edit(data):
        del data["rates"][key]
        for path, default in list(data["fact_defaults"].items()):
            if default.get("rate") == key:
                del data["fact_defaults"][path]

    return edit


BENCH_ERRORS = {
    **{
        f"rate {key} missing": (
            _drop_rate(key),
            ("diagnosis.invalid.required", {"field": f"benchmarks.yaml: rates.{key}"}),
        )
        for key in (
            "lead_to_mql",
            "mql_to_sal",
            "sal_to_sql",
            "sql_to_won",
            "ae_per_sdr",
            "target_share",
        )
    },
    "default naming an unknown rate": (
        _set("fact_defaults.sales.win_rate", {"rate": "sql_to_deal", "reason": JA_EN}),
        (
            "diagnosis.invalid.unknown_rate",
            {"field": "benchmarks.yaml: fact_defaults.sales.win_rate", "ref": "sql_to_deal"},
        ),
    ),
    "default without a value": (
        _set("fact_defaults.sales.style", {"reason": JA_EN}),
        (
            "diagnosis.invalid.required",
            {"field": "benchmarks.yaml: fact_defaults.sales.style.value"},
        ),
    ),
}


@pytest.mark.parametrize("name", list(BENCH_ERRORS))
def test_each_benchmarks_check_names_its_field(tmp_path, name):
    """Test that each broken benchmark fails at load with its own code and field."""
    edit, (code, params) = BENCH_ERRORS[name]

    def dotted_key_edit(data):
        # fact_defaults keys hold dots themselves ("sales.win_rate")
        if name.startswith("default"):
            key = params["field"].split("fact_defaults.", 1)[1].removesuffix(".value")
            data["fact_defaults"][key] = (
                {"rate": "sql_to_deal", "reason": JA_EN} if "rate" in name else {"reason": JA_EN}
            )
        else:
            edit(data)

    err = _bench_error(tmp_path, dotted_key_edit)
    assert (err.code, err.params) == (code, params)


@pytest.mark.parametrize("section", ["fact_defaults", "no_default"])
def test_benchmarks_defaults_must_name_known_facts(tmp_path, section):
    """Test that a default for a fact path that does not exist fails at load, naming it."""

    def edit(data):
        if section == "no_default":
            data["no_default"].append("sales.shoe_size")
        else:
            data["fact_defaults"]["sales.shoe_size"] = {"value": 3, "reason": JA_EN}

    err = _bench_error(tmp_path, edit)
    assert err.code == "diagnosis.invalid.unknown_fact_path"
    assert err.params["ref"] == "sales.shoe_size"


def test_derived_and_zero_defaults_are_accepted(tmp_path):
    """Test that a derived default and a default of 0 or false count as given."""
    data = yaml.safe_load(BENCHMARKS_PATH.read_text(encoding="utf-8"))
    data["fact_defaults"]["sales.inside_sales_headcount"] = {"value": 0, "reason": dict(JA_EN)}
    data["fact_defaults"]["marketing.ma_in_use"] = {"value": False, "reason": dict(JA_EN)}
    bench = load_benchmarks(_write(tmp_path, "benchmarks.yaml", data))
    assert bench.fact_defaults["marketing.target_leads"].derive == "target_share"
    assert bench.fact_defaults["sales.inside_sales_headcount"].value == 0


def _figure(**kw) -> dict:
    return {"source": "MarketingSherpa", "year": 2021, "reliability": JA_EN} | kw


@pytest.mark.parametrize(
    ("year", "lang", "citation"),
    [
        (2021, "ja", "MarketingSherpa, 2021"),
        (2021, "en", "MarketingSherpa, 2021"),
        (None, "ja", "MarketingSherpa, 年不明"),
        (None, "en", "MarketingSherpa, year unknown"),
    ],
)
def test_citation_names_source_and_year(year, lang, citation):
    """Test that a figure is cited as 'source, year' with the unknown year in the language."""
    assert Figure.model_validate(_figure(value=1, year=year)).citation(lang) == citation


def test_citation_defaults_to_japanese():
    """Test that a citation without a language is the Japanese one."""
    assert (
        Figure.model_validate(_figure(value=1, year=None)).citation() == "MarketingSherpa, 年不明"
    )


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [
        (0.1, 0.25, "10–25%"),
        (0.045, 0.123, "4.5–12.3%"),
        (0.5, 1.0, "50–100%"),
        (1.5, 3.4, "1.5–3.4"),
        (2, 4, "2–4"),
        (1000, 2500.5, "1,000–2,500.5"),
        (0.5, 1.05, "0.5–1.1"),
        # 12.451% is 12.5%, not 12.45% printed as 12.4% (rounded once, to one decimal)
        (0.08, 0.12451, "8–12.5%"),
        # 1.96 is 2 to one decimal: the whole number without a trailing ".0" or "."
        (1.5, 1.96, "1.5–2"),
    ],
)
def test_rate_range_as_printed(low, high, text):
    """Test that a rate's range prints shares up to 1 as percents and larger ratios as numbers."""
    rate = Rate.model_validate(_figure(value=low, low=low, high=high, label=JA_EN))
    assert rate.range == text


def test_workload_per_rep_month():
    """Test that 45 calls a day for 20 days is 900 touches, 150 MQLs at 6 touches each."""
    fig = lambda v: _figure(value=v)  # noqa: E731
    w = Workload.model_validate(
        {
            "calls_per_day": fig(45),
            "working_days_per_month": fig(20),
            "touches_per_mql": fig(6),
            "touches_per_base_lead": fig(1),
            "calldown_months": fig(6),
        }
    )
    assert w.touches_per_rep_month == 900
    assert w.mql_per_rep_month == 150


def test_placeholders_in_order_and_fill():
    """Test that placeholders are listed in order (repeats kept) and filled as text."""
    assert placeholders("{b} and {a} then {b}") == ["b", "a", "b"]
    assert fill("{a} of {b}", {"a": "3", "b": 4}) == "3 of 4"
    assert fill("{a} of {b}", {"a": "3"}) is None
    assert fill("{a} of {b}", {"a": "3", "b": None}) is None
    assert fill("no numbers", {}) == "no numbers"


def test_sentences_keep_those_that_hold_and_are_known():
    """Test that only sentences whose conditions hold and whose numbers are known are said."""
    items = [
        Sentence(ja="常に {n} 件", en="always {n}"),
        Sentence(ja="長期", en="long", when=["long_cycle"]),
        Sentence(ja="短期", en="short", when=["not_long_cycle"]),
        Sentence(ja="{missing}", en="{missing}"),
    ]
    preds = {"long_cycle": True}
    assert sentences(items, preds, {"n": 5}, "ja") == ["常に 5 件", "長期"]
    assert sentences(items, {"long_cycle": False}, {"n": 5}, "en") == ["always 5", "short"]


def test_shipped_rules_and_benchmarks_load_from_the_package():
    """Test that the default paths are the package's rules.yaml and benchmarks.yaml."""
    assert R.RULES_PATH.name == "rules.yaml" and R.BENCHMARKS_PATH.name == "benchmarks.yaml"
    assert load_rules().thresholds.lead_base_comfortable == 3000
    assert load_benchmarks().inside_sales_workload.calls_per_day.value == 45
