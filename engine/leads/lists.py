"""The user's lists: own company, competitors, partners, and the ideal-customer profile.

YAML, all keys optional::

    own:         {domains: [example.co.jp], companies: [例示株式会社]}
    competitors: {domains: [rival.example], companies: [ライバル商事]}
    partners:    {domains: [partner.example], companies: ["Partner Co., Ltd."]}
    icp:         {allow_free_mail: false, exclude_keywords: [学生]}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from engine.core.errors import InputError
from engine.leads.companies import nfkc
from engine.leads.mapping import parse_yaml_text, read_yaml_source, validation_error

_DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$"
)

ListKind = Literal["own", "competitors", "partners"]
# the category each list kind produces
KIND_CATEGORY = {"own": "internal", "competitors": "competitor", "partners": "partner"}


def normalize_domain(value: str) -> str:
    """``" @Sub.Example.co.jp "`` -> ``"sub.example.co.jp"``; also accepts an e-mail
    address or a URL and keeps only its domain."""
    d = nfkc(str(value)).strip().lower()
    d = re.sub(r"^[a-z]+://", "", d)
    d = d.split("/", 1)[0]
    d = d.rsplit("@", 1)[-1]
    if d.startswith("www."):
        d = d[4:]
    return d.strip(".")


class Party(BaseModel):
    """Domains and company names of one kind of organisation."""

    model_config = ConfigDict(extra="forbid")

    domains: list[str] = []
    companies: list[str] = []

    @field_validator("domains", mode="before")
    @classmethod
    def _domains(cls, v: object) -> object:
        if v is None:
            return []
        if isinstance(v, list):
            out = []
            for i, item in enumerate(v):
                d = normalize_domain(str(item))
                if not _DOMAIN_RE.match(d):
                    raise ValueError(f"[{i}] {item!r} is not a domain (example.co.jp)")
                out.append(d)
            return out
        return v

    @field_validator("companies", mode="before")
    @classmethod
    def _companies(cls, v: object) -> object:
        if v is None:
            return []
        if isinstance(v, list):
            out = [str(x).strip() for x in v]
            for i, name in enumerate(out):
                if not name:
                    raise ValueError(f"[{i}] empty company name")
            return out
        return v


class ICP(BaseModel):
    """Ideal-customer profile: whether free-mail addresses count, and words in a title or
    company name that put a lead outside the profile."""

    model_config = ConfigDict(extra="forbid")

    allow_free_mail: bool = False
    exclude_keywords: list[str] = []

    @field_validator("exclude_keywords", mode="before")
    @classmethod
    def _keywords(cls, v: object) -> object:
        if v is None:
            return []
        if isinstance(v, list):
            return [str(x).strip() for x in v if str(x).strip()]
        return v


class Lists(BaseModel):
    """Own company, competitors, partners and the ICP; everything optional."""

    model_config = ConfigDict(extra="forbid")

    own: Party = Party()
    competitors: Party = Party()
    partners: Party = Party()
    icp: ICP = ICP()

    def add(self, kind: ListKind, domain: str | None = None, company: str | None = None) -> Lists:
        """A copy with one domain and/or company added to ``own``, ``competitors`` or
        ``partners`` (duplicates are not added twice)."""
        if kind not in KIND_CATEGORY:
            raise InputError("profile.lists.unknown_kind", kind=str(kind))
        party: Party = getattr(self, kind)
        domains = list(party.domains)
        companies = list(party.companies)
        if domain:
            d = normalize_domain(domain)
            if not _DOMAIN_RE.match(d):
                raise InputError(
                    "profile.lists.invalid", path=f"{kind}.domains", detail=f"{domain!r}"
                )
            if d not in domains:
                domains.append(d)
        if company and company.strip() and company.strip() not in companies:
            companies.append(company.strip())
        new_party = Party(domains=domains, companies=companies)
        return self.model_copy(update={kind: new_party})

    def add_lines(self, kind: ListKind, text: str) -> Lists:
        """A copy with each typed line of ``text`` added to one list kind, read as the
        engine reads a domain: a line that is a domain once normalised (a URL, an e-mail
        address, full-width letters, ``mail_gw.`` hosts) is a domain, any other line a
        company name. Blank lines are skipped, duplicates not added twice."""
        if kind not in KIND_CATEGORY:
            raise InputError("profile.lists.unknown_kind", kind=str(kind))
        party: Party = getattr(self, kind)
        # dicts keep the first-seen order and find a repeat in O(1): adding line by line
        # through add() copied the lists each time (100,000 pasted lines were quadratic)
        domains = dict.fromkeys(party.domains)
        companies = dict.fromkeys(party.companies)
        for domain, company in read_lines(text):
            if domain:
                domains.setdefault(domain)
            else:
                companies.setdefault(company)
        new_party = Party(domains=list(domains), companies=list(companies))
        return self.model_copy(update={kind: new_party})

    def with_lines(self, kind: ListKind, text: str) -> Lists:
        """A copy whose ``kind`` list is exactly the lines of ``text`` (see :meth:`add_lines`)."""
        if kind not in KIND_CATEGORY:
            raise InputError("profile.lists.unknown_kind", kind=str(kind))
        return self.model_copy(update={kind: Party()}).add_lines(kind, text)

    def lines(self, kind: ListKind) -> str:
        """One list kind as text lines (domains first), the form :meth:`with_lines` reads."""
        party: Party = getattr(self, kind)
        return "\n".join([*party.domains, *party.companies])


def read_lines(text: str) -> list[tuple[str | None, str | None]]:
    """``(domain, None)`` or ``(None, company)`` for each non-blank line of ``text``."""
    out: list[tuple[str | None, str | None]] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        domain = normalize_domain(line)
        if _DOMAIN_RE.match(domain):
            out.append((domain, None))
        else:
            out.append((None, line))
    return out


def load_lists(path_or_text: str | Path) -> Lists:
    """Read and validate a lists YAML (a file path or the YAML text itself); errors name
    the path inside the file, such as ``own.domains``."""
    return lists_from_data(read_yaml_source(path_or_text, "profile.lists"))


def lists_from_yaml_text(text: str) -> Lists:
    """Validate lists YAML a user typed or uploaded: parsed as text, never taken for a
    path on the server."""
    return lists_from_data(parse_yaml_text(text, "profile.lists"))


def lists_from_data(data: object) -> Lists:
    """Validate parsed lists data (``None`` is no lists)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("profile.lists.not_mapping")
    try:
        return Lists.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, "profile.lists.invalid") from None
