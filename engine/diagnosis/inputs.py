"""What the diagnosis starts from: the facts with their documented defaults applied, and the
lead list's summary when one was profiled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.core.errors import InputError
from engine.core.i18n import t
from engine.diagnosis.facts import Facts
from engine.diagnosis.model import Assumption

if TYPE_CHECKING:
    from engine.diagnosis.rules import Benchmarks


def profile_summary(profile: Any) -> dict[str, Any] | None:
    """The profile's summary dict (from a LeadProfile-like object or the dict itself)."""
    if profile is None:
        return None
    summary = profile.summary() if hasattr(profile, "summary") else profile
    if hasattr(summary, "to_contract"):
        summary = summary.to_contract()
    if not isinstance(summary, dict):
        raise InputError("diagnosis.invalid_profile")
    rows = summary.get("rows")
    target = (summary.get("categories") or {}).get("target")
    if not _is_count(rows) or not _is_count(target) or target > rows:
        raise InputError("diagnosis.invalid_profile")
    return summary


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class Resolved:
    """Facts with defaults applied, remembering which values were assumed (and why)."""

    def __init__(self, facts: Facts, bench: Benchmarks, lang: str) -> None:
        self.facts = facts
        self.bench = bench
        self.lang = lang
        self.assumptions: dict[str, Assumption] = {}
        for path in facts.assumed:
            self.assumptions[path] = Assumption(
                path=path,
                value=facts.get(path),
                reason=t("diagnosis.assumed_from_questionnaire", lang),
            )

    def given(self, path: str) -> bool:
        """Whether the company itself gave this fact (not a questionnaire default)."""
        return self.facts.get(path) is not None and path not in self.facts.assumed

    def get(self, path: str) -> Any:
        """The fact at ``path``, or its documented default (then listed as assumed)."""
        value = self.facts.get(path)
        if value is not None:
            return value
        default = self.bench.fact_defaults.get(path)
        if default is None:
            return None
        source = None
        if default.rate is not None:
            rate = self.bench.rates[default.rate]
            value = rate.value
            source = rate.citation(self.lang)
        elif default.derive == "target_share":
            total = self.facts.marketing.leads_total
            if total is None:
                return None
            rate = self.bench.rates["target_share"]
            value = round(total * rate.value)
            source = rate.citation(self.lang)
        else:
            value = default.value
        self.assumptions[path] = Assumption(
            path=path, value=value, reason=default.reason(self.lang), source=source
        )
        return value
