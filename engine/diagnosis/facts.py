"""Facts: the one input model of the diagnosis.

Everything the questionnaire, the sales sliders, team mode and a lead-list profile produce
ends here. Every level rejects unknown keys, and every error names the offending path
(``sales.ratings.closing: must be 1..5``) in the user's language. Values a company did not
give stay ``None``; :mod:`engine.diagnosis.diagnose` fills them from the documented defaults in
``engine/diagnosis/benchmarks.yaml`` and lists them as assumed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from engine.core.errors import InputError, SenryokuError
from engine.core.yamlio import read_mapping

INDUSTRIES = (
    "manufacturing",
    "it_software",
    "services",
    "trading",
    "finance",
    "construction",
    "healthcare",
    "other",
)
STYLES = ("route", "high_volume", "long_cycle", "other")

Industry = Literal[
    "manufacturing",
    "it_software",
    "services",
    "trading",
    "finance",
    "construction",
    "healthcare",
    "other",
]
Style = Literal["route", "high_volume", "long_cycle", "other"]
LeadSource = Literal["trade_show", "webinar", "website", "ads", "referral", "business_cards"]
MaTool = Literal["marketo", "hubspot", "account_engagement", "other"]


def _number(lo: float, hi: float | None = None, whole: bool = False, rate: bool = False):
    """A validator for a number field: no booleans, no text, finite, in range."""

    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "not_whole_number" if whole else "not_number"
            raise PydanticCustomError(kind, kind)
        if not math.isfinite(value):
            raise PydanticCustomError("not_number", "not_number")
        if whole and value != int(value):
            raise PydanticCustomError("not_whole_number", "not_whole_number")
        if rate:
            if not 0 < value <= 1:
                raise PydanticCustomError("rate_range", "rate_range")
        elif hi is None:
            if value < lo:
                raise PydanticCustomError("at_least", "at_least", {"min": _plain(lo)})
        elif not lo <= value <= hi:
            raise PydanticCustomError(
                "out_of_range", "out_of_range", {"min": _plain(lo), "max": _plain(hi)}
            )
        return int(value) if whole else value

    return BeforeValidator(check)


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


Count = Annotated[int | None, _number(0, whole=True)]
PositiveCount = Annotated[int | None, _number(1, whole=True)]
Amount = Annotated[int | float | None, _number(0)]
Months = Annotated[int | float | None, _number(0.5, 120)]
Rate = Annotated[float | None, _number(0, rate=True)]
Rating = Annotated[int | float | None, _number(1, 5)]
Spread = Annotated[int | float | None, _number(0, 4)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Company(_Section):
    """Who the company is (optional; used for labels and peer comparison)."""

    industry: Industry | None = None
    employees: PositiveCount = None


class ConversionRates(_Section):
    """The company's own funnel rates (0..1); benchmarks fill the ones left out."""

    lead_to_mql: Rate = None
    mql_to_sal: Rate = None
    sal_to_sql: Rate = None


class Marketing(_Section):
    """The lead base: marketing's strength."""

    leads_total: Count = None
    target_leads: Count = None
    monthly_new_leads: Count = None
    ma_in_use: StrictBool | None = None
    ma_tool: MaTool | None = None
    mql_definition_agreed: StrictBool | None = None
    lead_sources: list[LeadSource] | None = None
    conversion_rates: ConversionRates = ConversionRates()

    @model_validator(mode="after")
    def _targets_within_total(self) -> Marketing:
        if (
            self.leads_total is not None
            and self.target_leads is not None
            and self.target_leads > self.leads_total
        ):
            raise PydanticCustomError(
                "exceeds_total",
                "exceeds_total",
                {"at": "target_leads", "total": self.leads_total},
            )
        return self


class Ratings(_Section):
    """Sales strength per funnel phase, 1 weak .. 5 strong (team mode: the team's mean)."""

    appointment: Rating = None
    relationship: Rating = None
    opportunity: Rating = None
    closing: Rating = None


class RatingSpread(_Section):
    """Team mode: per phase, the highest minus the lowest rating given."""

    appointment: Spread = None
    relationship: Spread = None
    opportunity: Spread = None
    closing: Spread = None


class Sales(_Section):
    """The sales organisation: style, people, capacity and where it is strong."""

    style: Style | None = None
    headcount: Count = None
    inside_sales_headcount: Count = None
    sales_cycle_months: Months = None
    opportunities_per_rep_month: Amount = None
    keeps_nurturing: StrictBool | None = None  # reps keep following leads after a first meeting
    win_rate: Rate = None
    ratings: Ratings = Ratings()
    rating_spread: RatingSpread | None = None
    raters: PositiveCount = None


class Goals(_Section):
    """What the company wants to reach."""

    new_deals_per_year: PositiveCount = None


class Facts(_Section):
    """Everything the diagnosis needs to know about one company.

    ``assumed`` lists fact paths whose value is a default rather than the company's
    own answer (a questionnaire fills it for questions left unanswered)."""

    company: Company = Company()
    marketing: Marketing = Marketing()
    sales: Sales = Sales()
    goals: Goals = Goals()
    assumed: list[str] = []

    @field_validator("assumed")
    @classmethod
    def _assumed_are_paths(cls, value: list[str]) -> list[str]:
        known = fact_paths()
        for path in value:
            if path not in known:
                raise PydanticCustomError("unknown_fact_path", "unknown_fact_path", {"ref": path})
        return sorted(set(value))

    @classmethod
    def from_dict(cls, data: Any, where: str = "") -> Facts:
        """Validated facts from a plain mapping; InputError naming the path otherwise.
        ``where`` (e.g. a file name) prefixes the path in the message."""
        if not isinstance(data, dict):
            raise InputError("diagnosis.invalid.not_mapping", field=where or "facts")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise error_from_validation(exc, where) from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> Facts:
        """Facts from a YAML file (``yaml.safe_load`` only; Python tags are refused)."""
        data = read_mapping(path)
        return cls.from_dict(data, where=Path(path).name)

    def get(self, path: str) -> Any:
        """The value at a dotted fact path such as ``sales.ratings.closing``."""
        node: Any = self
        for part in path.split("."):
            node = getattr(node, part)
        return node

    def with_values(self, values: dict[str, Any], where: str = "") -> Facts:
        """A copy with the given ``{fact path: value}`` set, validated as a whole."""
        data = self.model_dump()
        for path, value in values.items():
            set_path(data, path, value)
        return Facts.from_dict(data, where)


def fact_paths() -> dict[str, Any]:
    """Every leaf fact path (``marketing.target_leads`` ...) with its annotation."""
    return dict(_FACT_PATHS)


def _leaf_paths(model: type[BaseModel], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name == "assumed":
            continue
        path = f"{prefix}{name}"
        sub = _submodel(field.annotation)
        if sub is not None:
            out.update(_leaf_paths(sub, path + "."))
        else:
            out[path] = field.annotation
    return out


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


_FACT_PATHS = _leaf_paths(Facts)


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted path in nested dicts, creating the levels on the way."""
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


# ---- errors --------------------------------------------------------------------------------

_TYPE_KINDS = {
    "extra_forbidden": "unknown_field",
    "missing": "required",
    "literal_error": "not_choice",
    "enum": "not_choice",
    "bool_type": "not_boolean",
    "bool_parsing": "not_boolean",
    "int_type": "not_whole_number",
    "int_parsing": "not_whole_number",
    "int_from_float": "not_whole_number",
    "float_type": "not_number",
    "float_parsing": "not_number",
    "dict_type": "not_mapping",
    "model_type": "not_mapping",
    "model_attributes_type": "not_mapping",
    "list_type": "not_list",
    "string_type": "not_text",
    "string_too_short": "empty",
    "string_too_long": "too_long",
    "string_pattern_mismatch": "bad_id",
}
# kinds whose message needs parameters beyond {field}
_KIND_PARAMS = {
    "not_choice": ("choices",),
    "out_of_range": ("min", "max"),
    "at_least": ("min",),
    "too_long": ("max",),
    "exceeds_total": ("total",),
    "unknown_fact_path": ("ref",),
    "unknown_question": ("ref",),
    "later_question": ("ref",),
    "duplicate_id": ("ref",),
    "not_an_option": ("ref",),
    "wrong_type_for_path": ("ref",),
}
KINDS = frozenset(
    set(_TYPE_KINDS.values()) | set(_KIND_PARAMS) | {"rate_range", "invalid", "condition_form"}
)


def error_from_validation(
    exc: ValidationError,
    where: str = "",
    error_class: type[SenryokuError] = InputError,
    rename: Any = None,
) -> SenryokuError:
    """The first problem of a pydantic ValidationError as the engine's own error, with
    the field path spelled with dots. ``rename(loc) -> str`` may rewrite the path (a
    questionnaire names the question instead of its list index)."""
    err = exc.errors(include_url=False)[0]
    loc = list(err.get("loc") or ())
    ctx = dict(err.get("ctx") or {})
    if "at" in ctx:
        loc.append(ctx.pop("at"))
    kind = _TYPE_KINDS.get(err["type"], err["type"])
    if kind == "required" and loc and loc[-1] in ("ja", "en"):
        kind = "missing_translation"
    if kind not in KINDS and kind != "missing_translation":
        kind = "invalid"
    path = rename(loc) if rename else ".".join(str(p) for p in loc)
    field = ": ".join(p for p in (where, path) if p) or "facts"
    params: dict[str, Any] = {"field": field}
    if kind == "not_choice":
        params["choices"] = str(ctx.get("expected", "")).replace("'", "")
    elif kind == "too_long":
        params["max"] = ctx.get("max_length", "")
    else:
        for name in _KIND_PARAMS.get(kind, ()):
            params[name] = ctx.get(name, "")
    return error_class(f"diagnosis.invalid.{kind}", **params)
