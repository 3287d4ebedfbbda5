"""Decision rules and cited benchmarks: ``engine/diagnosis/rules.yaml`` and ``engine/diagnosis/benchmarks.yaml``.

Both are data an operator edits; both are validated on load so a typo fails at start-up
with the file and field named, never in front of a prospect. The predicates a ``when`` may
name are :mod:`engine.diagnosis.signals`' vocabulary; the placeholders are listed here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from engine.core.errors import ConfigError
from engine.core.vocab import HORIZONS, INITIATIVES
from engine.core.yamlio import read_mapping
from engine.diagnosis.facts import error_from_validation, fact_paths
from engine.diagnosis.signals import BASE_PREDICATES, PREDICATES, holds
from engine.diagnosis.text import Text

RULES_DIR = Path(__file__).resolve().parent
RULES_PATH = RULES_DIR / "rules.yaml"
BENCHMARKS_PATH = RULES_DIR / "benchmarks.yaml"

LEAD_BASES = ("insufficient", "workable", "comfortable")

# placeholders every diagnosis can fill; the rest only when the company gave the numbers
ALWAYS_PLACEHOLDERS = frozenset(
    {
        "target_leads",
        "workable_min",
        "comfortable_min",
        "closing",
        "appointment",
        "relationship",
        "opportunity",
        "sales_cycle_months",
        "long_cycle_months",
        "inside_sales_headcount",
        "months",
        "rates_source",
        "target_goal_1y",
        "target_goal_2y",
        "first_initiative",
        "second_initiative",
        "third_initiative",
        "style",
        "ae_per_sdr",
        "ae_source",
        "sla_days",
        "sla_source",
    }
)
PLACEHOLDERS = ALWAYS_PLACEHOLDERS | {
    "gap_to_workable",
    "gap_to_comfortable",
    "leads_total",
    "headcount",
    "is_suggested",
    "monthly_new_leads",
    "new_deals_per_year",
    "need_new_leads",
    "need_mql",
    "need_sal",
    "need_sql",
    "need_won",
    "exp_mql",
    "exp_sql",
    "scoring_missing",
    "rows",
    "profiled_target_leads",
    "non_target_pct",
    "non_targets",
    "stated_target_leads",
    "gap_pct",
    "win_rate_pct",
    "needed_opportunities",
    "opportunities_per_rep_month",
    "capacity",
    "spread_phases",
    "lead_gen_per_month",
    "reachable_now",
    "reach_share",
    "needed_headcount",
    "is_recommended",
    "is_workload_fte",
    "is_mql_per_month",
    "is_mql_per_rep_month",
    "is_source",
    "promised_1y",
    "lag_months",
    "ramp_pct",
    "partners",
    "strongest_phase",
    "lead_sources",
    "ma_tool",
}
# a roadmap sentence quotes its horizon's KPIs (the plan's) as {kpi_<name>}
KPI_NAMES = (
    "target_leads",
    "mql_per_month",
    "sql_per_month",
    "won_per_month",
    "pipeline",
    "leads_per_month",
)
KPI_PLACEHOLDERS = frozenset(f"kpi_{k}" for k in KPI_NAMES)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Sentence(Text):
    """One sentence in both languages, optionally only when all predicates hold."""

    when: list[str] = []


class Thresholds(_Data):
    """The numbers the decisions turn on."""

    lead_base_workable: int = Field(ge=1)
    lead_base_comfortable: int = Field(ge=1)
    closing_heavy_closing_min: float = Field(ge=1, le=5)
    closing_heavy_others_max: float = Field(ge=1, le=5)
    long_cycle_months: float = Field(gt=0)
    list_non_target_share_max: float = Field(ge=0, le=1)
    perception_gap_max: float = Field(ge=0)
    rating_spread_min: float = Field(gt=0, le=4)
    weak_rating_max: float = Field(ge=1, le=5)  # a phase rated at most this is weak
    even_ratings_spread_max: float = Field(ge=0, le=4)  # ratings this close: no strong phase
    sql_only_year1_cycle_months: float = Field(gt=0)  # cycles this long: year 1 promises SQL


class PlacementRule(_Data):
    """Inside-sales placement: the first rule whose ``when`` holds decides."""

    placement: Literal[
        "not_yet", "qualify_before_sales", "appointment_setting", "nurture_long_cycle"
    ]
    when: list[str]
    reasons: list[Sentence] = Field(min_length=1)


class InsideSales(_Data):
    rules: list[PlacementRule] = Field(min_length=1)
    common_reasons: list[Sentence] = []


class InitiativeOrder(_Data):
    """A ranking of the three initiatives, used when ``when`` holds (first match wins)."""

    when: list[str]
    order: list[Literal["lead_gen", "content", "scoring"]]


class Initiative(_Data):
    months_to_impact: int = Field(ge=1, le=60)
    reasons: list[Sentence] = Field(min_length=1)


class WarningRule(Sentence):
    id: Literal[
        "goal_beyond_inflow",
        "capacity_exceeded",
        "mql_definition_missing",
        "marketing_sales_gap",
        "list_needs_cleaning",
        "perception_gap_leads",
        "rating_disagreement",
    ]


class Rules(_Data):
    """The whole of ``engine/diagnosis/rules.yaml``."""

    version: Literal[1]
    thresholds: Thresholds
    lead_base: dict[Literal["insufficient", "workable", "comfortable"], Sentence]
    lead_base_notes: list[Sentence] = []
    inside_sales: InsideSales
    initiative_order: list[InitiativeOrder] = Field(min_length=1)
    initiatives: dict[Literal["lead_gen", "content", "scoring"], Initiative]
    warnings: list[WarningRule]
    roadmap: dict[Literal["1m", "3m", "1y", "2y"], list[Sentence]]


class Figure(_Data):
    """A cited figure: its value, where it comes from, the year and how far to trust it."""

    value: float = Field(gt=0)
    low: float | None = Field(default=None, gt=0)
    high: float | None = Field(default=None, gt=0)
    source: str = Field(min_length=1)
    year: int | None
    reliability: Text

    def citation(self, lang: str = "ja") -> str:
        """``source, year`` as a report prints it (\"year unknown\" when none is known)."""
        year = str(self.year) if self.year else ("年不明" if lang == "ja" else "year unknown")
        return f"{self.source}, {year}"


class Rate(Figure):
    """A cited conversion rate (or ratio) with the range it was published with."""

    low: float = Field(gt=0)
    high: float = Field(gt=0)
    label: Text

    @property
    def range(self) -> str:
        """``"10–25%"`` for shares, ``"1.5–3.4"`` for ratios."""
        if self.high <= 1:
            return f"{_pct(self.low)}–{_pct(self.high)}%"
        return f"{_num(self.low)}–{_num(self.high)}"


def _pct(share: float) -> str:
    return _num(round(share * 100, 1))


def _num(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"


class Workload(_Data):
    """What one inside-sales rep can work in a month, to size the team from its workload."""

    calls_per_day: Figure
    working_days_per_month: Figure
    touches_per_mql: Figure
    touches_per_base_lead: Figure
    calldown_months: Figure

    @property
    def touches_per_rep_month(self) -> float:
        return self.calls_per_day.value * self.working_days_per_month.value

    @property
    def mql_per_rep_month(self) -> float:
        return self.touches_per_rep_month / self.touches_per_mql.value


class PlanDefaults(_Data):
    """How the plan ramps and which list counts it trusts."""

    ramp_3m_share: Figure
    list_rate_min_rows: int = Field(ge=1)
    sla_follow_up_business_days: Figure


class FactDefault(_Data):
    """How a fact left out is filled, and why."""

    value: Any = None
    rate: str | None = None
    derive: Literal["target_share"] | None = None
    reason: Text


class Benchmarks(_Data):
    """The whole of ``engine/diagnosis/benchmarks.yaml``."""

    version: Literal[1]
    rates: dict[str, Rate]
    inside_sales_workload: Workload
    plan: PlanDefaults
    fact_defaults: dict[str, FactDefault]
    no_default: list[str]

    @field_validator("fact_defaults", "no_default")
    @classmethod
    def _paths(cls, value: Any) -> Any:
        known = fact_paths()
        for path in value:
            if path not in known:
                raise PydanticCustomError("unknown_fact_path", "unknown_fact_path", {"ref": path})
        return value


# ---- loading ------------------------------------------------------------------------------


def _validated(path: str | Path, model: type[BaseModel]) -> Any:
    """A YAML data file read safely and validated (ConfigError naming file and field)."""
    try:
        return model.model_validate(read_mapping(path, ConfigError))
    except ValidationError as exc:
        raise error_from_validation(exc, Path(path).name, ConfigError) from None


def load_rules(path: str | Path = RULES_PATH) -> Rules:
    """Rules from a YAML file, validated (ConfigError naming file and field otherwise)."""
    name = Path(path).name
    rules = _validated(path, Rules)
    _check_rules(rules, name)
    return rules


def load_benchmarks(path: str | Path = BENCHMARKS_PATH) -> Benchmarks:
    """Benchmarks and fact defaults from a YAML file, validated."""
    name = Path(path).name
    bench = _validated(path, Benchmarks)
    for path_, default in bench.fact_defaults.items():
        where = f"{name}: fact_defaults.{path_}"
        if default.rate is not None and default.rate not in bench.rates:
            raise ConfigError("diagnosis.invalid.unknown_rate", field=where, ref=default.rate)
        if default.value is None and default.rate is None and default.derive is None:
            raise ConfigError("diagnosis.invalid.required", field=f"{where}.value")
    for key in (
        "lead_to_mql",
        "mql_to_sal",
        "sal_to_sql",
        "sql_to_won",
        "ae_per_sdr",
        "target_share",
    ):
        if key not in bench.rates:
            raise ConfigError("diagnosis.invalid.required", field=f"{name}: rates.{key}")
    return bench


@cache
def rules() -> Rules:
    """The product's rules (read once per process)."""
    return load_rules()


@cache
def benchmarks() -> Benchmarks:
    """The product's benchmarks (read once per process)."""
    return load_benchmarks()


def _check_rules(r: Rules, name: str) -> None:
    t = r.thresholds
    if t.lead_base_workable >= t.lead_base_comfortable:
        raise ConfigError(
            "diagnosis.invalid.thresholds_order", field=f"{name}: thresholds.lead_base_workable"
        )
    for key in LEAD_BASES:
        if key not in r.lead_base:
            raise ConfigError("diagnosis.invalid.required", field=f"{name}: lead_base.{key}")
        _check_sentence(r.lead_base[key], f"{name}: lead_base.{key}", BASE_PREDICATES)
    _check_sentences(r.lead_base_notes, f"{name}: lead_base_notes", BASE_PREDICATES, fallback=False)
    for i, rule in enumerate(r.inside_sales.rules):
        where = f"{name}: inside_sales.rules.{i}"
        _check_when(rule.when, where, BASE_PREDICATES)
        _check_sentences(rule.reasons, f"{where}.reasons", PREDICATES)
    if r.inside_sales.rules[-1].when:
        raise ConfigError("diagnosis.invalid.no_fallback", field=f"{name}: inside_sales.rules")
    _check_sentences(
        r.inside_sales.common_reasons,
        f"{name}: inside_sales.common_reasons",
        PREDICATES,
        fallback=False,
    )
    for i, entry in enumerate(r.initiative_order):
        where = f"{name}: initiative_order.{i}"
        _check_when(entry.when, where, BASE_PREDICATES)
        if sorted(entry.order) != sorted(INITIATIVES):
            raise ConfigError("diagnosis.invalid.not_permutation", field=f"{where}.order")
        # the domain's rule, kept even under an operator's edit
        if entry.order[0] == "scoring" and "scoring_ready" not in entry.when:
            raise ConfigError("diagnosis.invalid.scoring_first", field=f"{where}.order")
    if r.initiative_order[-1].when:
        raise ConfigError("diagnosis.invalid.no_fallback", field=f"{name}: initiative_order")
    for key in INITIATIVES:
        if key not in r.initiatives:
            raise ConfigError("diagnosis.invalid.required", field=f"{name}: initiatives.{key}")
        _check_sentences(
            r.initiatives[key].reasons, f"{name}: initiatives.{key}.reasons", PREDICATES
        )
    for i, warning in enumerate(r.warnings):
        _check_sentence(warning, f"{name}: warnings.{i} ({warning.id})", PREDICATES)
    for key in HORIZONS:
        if key not in r.roadmap:
            raise ConfigError("diagnosis.invalid.required", field=f"{name}: roadmap.{key}")
        _check_sentences(
            r.roadmap[key], f"{name}: roadmap.{key}", PREDICATES, extra=KPI_PLACEHOLDERS
        )


def _check_when(when: list[str], where: str, allowed: frozenset[str]) -> None:
    for pred in when:
        if pred.removeprefix("not_") not in allowed:
            raise ConfigError(
                "diagnosis.invalid.unknown_predicate", field=f"{where}.when", ref=pred
            )


def _check_sentences(
    sentences: list[Sentence],
    where: str,
    allowed: frozenset[str],
    fallback: bool = True,
    extra: frozenset[str] = frozenset(),
) -> None:
    for i, sentence in enumerate(sentences):
        _check_sentence(sentence, f"{where}.{i}", allowed, extra)
    # a list must always say something: one sentence without conditions or unknown numbers
    if fallback and not any(
        not s.when and set(_PLACEHOLDER.findall(s.ja)) <= ALWAYS_PLACEHOLDERS for s in sentences
    ):
        raise ConfigError("diagnosis.invalid.no_fallback", field=where)


def _check_sentence(
    sentence: Sentence, where: str, allowed: frozenset[str], extra: frozenset[str] = frozenset()
) -> None:
    _check_when(sentence.when, where, allowed)
    ja, en = set(_PLACEHOLDER.findall(sentence.ja)), set(_PLACEHOLDER.findall(sentence.en))
    if ja != en:
        raise ConfigError("diagnosis.invalid.placeholder_mismatch", field=where)
    unknown = sorted(ja - PLACEHOLDERS - extra)
    if unknown:
        raise ConfigError("diagnosis.invalid.unknown_placeholder", field=where, ref=unknown[0])


def placeholders(template: str) -> list[str]:
    """The ``{name}`` placeholders a template quotes, in order."""
    return _PLACEHOLDER.findall(template)


def fill(template: str, values: dict[str, str]) -> str | None:
    """``template`` with its placeholders filled, or None when a number it quotes is unknown."""
    names = _PLACEHOLDER.findall(template)
    if any(values.get(n) is None for n in names):
        return None
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


def sentences(
    items: list[Sentence], predicates: dict[str, bool], values: dict, lang: str
) -> list[str]:
    """The sentences whose conditions hold and whose numbers are known, filled in."""
    out = []
    for item in items:
        if holds(item.when, predicates):
            text = fill(item(lang), values)
            if text is not None:
                out.append(text)
    return out
