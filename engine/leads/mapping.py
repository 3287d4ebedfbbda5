"""Column mapping: which header of an uploaded lead list holds which field.

Headers are matched automatically against Japanese and English aliases
(``engine/leads/data/columns.yaml``; NFKC, case- and space-insensitive). The mapping is reported
in the profile and can be overridden by a YAML file::

    email: "E-Mail Address"   # use this header for the e-mail
    company: null             # do not use any column as the company
    stages: {mql: [ホット]}     # extra stage values
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from engine.core import yamlio
from engine.core.errors import InputError
from engine.core.vocab import STAGES
from engine.leads.reference import column_aliases

DATA_DIR = Path(__file__).resolve().parent / "data"

FIELDS = (
    "email",
    "company",
    "full_name",
    "last_name",
    "first_name",
    "phone",
    "mobile",
    "title",
    "department",
    "lifecycle_stage",
    "status",
    "bounce",
    "retired_flag",
    "notes",
    "last_activity",
    "exchange_date",
    "created",
)

Mapping = dict[str, str | None]


def normalize_header(name: str) -> str:
    """NFKC, lower-case, all whitespace removed: ``"Ｅｍａｉｌ Address"`` -> ``"emailaddress"``."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lower()


@cache
def aliases() -> dict[str, tuple[str, ...]]:
    """Field -> normalised header aliases, in preference order (``columns.yaml``)."""
    data = column_aliases()
    return {f: tuple(normalize_header(a) for a in getattr(data, f)) for f in FIELDS}


def auto_map(headers: list[str]) -> Mapping:
    """Map every field to the best-matching header (or ``None``). For each field the
    earliest alias wins; a header is used for one field only."""
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalize_header(h), h)
    used: set[str] = set()
    mapping: Mapping = {}
    for field in FIELDS:
        mapping[field] = None
        for alias in aliases()[field]:
            header = by_norm.get(alias)
            if header is not None and header not in used:
                mapping[field] = header
                used.add(header)
                break
    return mapping


class MappingFile(BaseModel):
    """The mapping YAML: any field -> header name or null, plus extra stage values."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = None
    company: str | None = None
    full_name: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    phone: str | None = None
    mobile: str | None = None
    title: str | None = None
    department: str | None = None
    lifecycle_stage: str | None = None
    status: str | None = None
    bounce: str | None = None
    retired_flag: str | None = None
    notes: str | None = None
    last_activity: str | None = None
    exchange_date: str | None = None
    created: str | None = None
    stages: dict[str, list[str]] = {}

    def overrides(self) -> Mapping:
        """Only the fields the file names (``null`` included), not the defaults."""
        return {f: getattr(self, f) for f in FIELDS if f in self.model_fields_set}


def read_yaml_source(path_or_text: str | Path, error_section: str) -> object:
    """``yaml.safe_load`` of a file (a Path, or a string naming an existing file) or of
    YAML text; a string that looks like a path but names no file is file_not_found."""
    if isinstance(path_or_text, str) and "\n" not in path_or_text:
        try:
            if Path(path_or_text).is_file():
                path_or_text = Path(path_or_text)
        except OSError:
            pass
    if isinstance(path_or_text, Path):
        if not path_or_text.is_file():
            raise InputError("common.file_not_found", path=str(path_or_text))
        text = path_or_text.read_text(encoding="utf-8-sig")
    elif "\n" not in path_or_text and not re.search(r"[:{}\[\]]", path_or_text):
        raise InputError("common.file_not_found", path=path_or_text)
    else:
        text = path_or_text
    return parse_yaml_text(text, error_section)


def parse_yaml_text(text: str, error_section: str) -> object:
    """The data in YAML text, never taken for a path (for text a user typed or uploaded),
    read by the one bounded loader (no aliases, size and depth capped); unreadable YAML is
    ``<error_section>.yaml_invalid`` naming the line."""
    try:
        return yamlio.parse_text(text, name=error_section.rsplit(".", 1)[-1])
    except InputError as exc:
        if exc.code in ("common.yaml.syntax", "common.yaml.tag"):
            raise InputError(f"{error_section}.yaml_invalid", line=exc.params["line"]) from None
        raise


def validation_error(exc: ValidationError, code: str) -> InputError:
    """The first pydantic error as an InputError naming the path (``own.domains.0``)."""
    err = exc.errors()[0]
    path = ".".join(str(p) for p in err["loc"]) or "-"
    return InputError(code, path=path, detail=err["msg"])


def load_mapping(path_or_text: str | Path) -> MappingFile:
    """Read and validate a mapping YAML (a file path or the YAML text itself)."""
    data = read_yaml_source(path_or_text, "profile.mapping")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("profile.mapping.not_mapping")
    unknown = [k for k in data if k not in FIELDS and k != "stages"]
    if unknown:
        raise InputError(
            "profile.mapping.unknown_field", field=str(unknown[0]), fields=", ".join(FIELDS)
        )
    stages = data.get("stages") or {}
    if isinstance(stages, dict):
        bad = [k for k in stages if k not in STAGES or k == "unknown"]
        if bad:
            raise InputError(
                "profile.mapping.unknown_stage", stage=str(bad[0]), stages=", ".join(STAGES[:-1])
            )
    try:
        return MappingFile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, "profile.mapping.invalid") from None


def apply_overrides(mapping: Mapping, overrides: Mapping, headers: list[str]) -> Mapping:
    """A copy of ``mapping`` with ``overrides`` applied; a header that is not in the file
    or an unknown field is an InputError that names it."""
    out = dict(mapping)
    by_norm = {normalize_header(h): h for h in headers}
    for field, header in overrides.items():
        if field not in FIELDS:
            raise InputError(
                "profile.mapping.unknown_field", field=str(field), fields=", ".join(FIELDS)
            )
        if header is None:
            out[field] = None
            continue
        if header not in headers:
            header = by_norm.get(normalize_header(header), header)
        if header not in headers:
            raise InputError(
                "profile.mapping.unknown_header",
                field=field,
                header=header,
                headers=", ".join(headers),
            )
        # the header now belongs to this field only
        for other, h in out.items():
            if h == header and other != field:
                out[other] = None
        out[field] = header
    return out


def check_identifiable(mapping: Mapping, headers: list[str]) -> None:
    """Raise when no column can identify a person (no e-mail, no full or last name)."""
    if not (mapping.get("email") or mapping.get("full_name") or mapping.get("last_name")):
        raise InputError("profile.no_identifier", headers=", ".join(headers[:20]))
