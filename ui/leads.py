"""Lead-list helpers for the pages: reading an upload into the session, lists from text."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from engine.leads.leadset import LeadSet
from engine.leads.lists import Lists, lists_from_data
from ui.i18n import tr
from ui.state import set_leadset

LIST_KINDS = ("own", "competitors", "partners")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")


def progress_callback(bar):
    """A progress callback for the engine: ``(share 0..1, stage text code)`` as the
    ingest reports it, or ``(done, total)``; moves ``bar`` (an ``st.progress``)."""

    def report(*args: Any, **_kwargs: Any) -> None:
        text = None
        try:
            if len(args) >= 2 and isinstance(args[1], str):
                share, text = float(args[0]), tr(args[1])
            elif len(args) >= 2 and args[1]:
                share = float(args[0]) / float(args[1])
            elif args:
                share = float(args[0])
            else:
                return
        except (TypeError, ValueError, ZeroDivisionError):
            return
        bar.progress(min(max(share, 0.0), 1.0), text=text)

    return report


def open_upload(name: str, data: bytes, progress=None):
    """Read an uploaded file into a LeadSet via a private temp file, deleted at once
    after reading; the rows then live only in the session's LeadSet."""
    suffix = Path(name).suffix.lower() or ".csv"
    fd, path = tempfile.mkstemp(prefix="senryoku-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(path, 0o600)
        leadset = LeadSet.open(path, progress=progress, isolated=True)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    set_leadset(leadset)
    return leadset


def split_entries(text: str) -> dict[str, list[str]]:
    """Lines of a text area as ``{"domains": [...], "companies": [...]}``: a line that
    looks like a domain (or an e-mail address) is a domain, anything else a company."""
    # dicts keep the first-seen order and find a repeat in O(1) (a list's "in" made
    # 100,000 pasted lines quadratic)
    domains: dict[str, None] = {}
    companies: dict[str, None] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        candidate = line.lower().split("@")[-1].strip()
        if candidate.startswith("www."):
            candidate = candidate[4:]
        if _DOMAIN.match(candidate):
            domains.setdefault(candidate)
        else:
            companies.setdefault(line)
    return {"domains": list(domains), "companies": list(companies)}


def lists_to_text(lists, kind: str) -> str:
    """One list kind (own, competitors, partners) back as text-area lines."""
    if lists is None:
        return ""
    entry = getattr(lists, kind, None)
    if entry is None:
        return ""
    domains = list(getattr(entry, "domains", []) or [])
    companies = list(getattr(entry, "companies", []) or [])
    return "\n".join(domains + companies)


def lists_from_form(texts: dict[str, str], exclude_keywords: str, allow_free_mail: bool) -> Lists:
    """A validated ``Lists`` from the text areas of the lead-list page."""
    data: dict[str, Any] = {kind: split_entries(texts.get(kind, "")) for kind in LIST_KINDS}
    keywords = [k.strip() for k in (exclude_keywords or "").splitlines() if k.strip()]
    data["icp"] = {"allow_free_mail": bool(allow_free_mail), "exclude_keywords": keywords}
    return lists_from_data(data)


def reset_profile() -> None:
    """Make the next page run re-profile (after a mapping change)."""
    st.session_state["leadset_serial"] = st.session_state.get("leadset_serial", 0) + 1
