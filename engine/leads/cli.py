"""``python -m engine profile LEADS [--lists L.yaml] [--mapping M.yaml] [--format json|text]
[--max-seconds S] [--max-memory-mb MB]``.

The list is read in this process under the app worker's time and memory limits for a read
(:mod:`engine.leads.guard`); the flags raise them for a list known to be large.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from engine.core.errors import InputError
from engine.core.vocab import CATEGORIES
from engine.leads.features import COUNT_FIELDS
from engine.leads.guard import ReadLimits, bounded
from engine.leads.leadset import LeadSet
from engine.leads.lists import Lists, load_lists
from engine.leads.mapping import FIELDS, load_mapping
from engine.leads.models import LeadProfile


def run(args) -> str:
    """Profile the lead list named in ``args`` and return the report for stdout."""
    path = Path(args.leads)
    if not path.is_file():
        raise InputError("common.file_not_found", path=str(path))
    lists = load_lists(Path(args.lists)) if getattr(args, "lists", None) else Lists()
    mapping = load_mapping(Path(args.mapping)) if getattr(args, "mapping", None) else None
    lang = getattr(args, "lang", None) or "ja"
    limits = read_limits(args)
    as_json = getattr(args, "format", "text") == "json"
    leads = LeadSet.open(
        path,
        mapping=mapping,
        read_guard=lambda: bounded(limits, lang),
        only_mapped=True,
        # the JSON gives the counts only: the dates of the lead age need not be read
        fields=COUNT_FIELDS if as_json else FIELDS,
    )
    try:
        result = leads.profile(lists, counts_only=as_json)
    finally:
        # freeing a million rows takes a tenth of a second: it happens beside the report
        # being written. `python -m engine` then ends without waiting for it (os._exit);
        # an interpreter that ends normally waits (not a daemon: DuckDB must not be cut
        # off in the middle of a close)
        threading.Thread(target=leads.close, name="senryoku-close").start()
    if as_json:
        return json.dumps(result.summary(), ensure_ascii=False)
    return format_text(result, lang)


def read_limits(args) -> ReadLimits:
    """The limits of the read: the app worker's unless a flag raises them."""
    default = ReadLimits()
    seconds = getattr(args, "max_seconds", None) or default.seconds
    memory_mb = getattr(args, "max_memory_mb", None) or default.memory_mb
    if seconds <= 0 or memory_mb <= 0:
        raise InputError("common.cli_usage_error", detail="--max-seconds/--max-memory-mb > 0")
    return ReadLimits(memory_mb=int(memory_mb), seconds=float(seconds))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "0.0"


def format_text(p: LeadProfile, lang: str = "ja") -> str:
    """A readable report of the profile in ``lang``."""
    from engine.core.i18n import t

    r = lambda key, **kw: t(f"profile.report.{key}", lang, **kw)  # noqa: E731
    lines = [r("title"), "", r("rows", rows=f"{p.rows:,}", encoding=p.encoding)]
    target = p.categories.get("target", 0)
    lines += [r("target", target=f"{target:,}", share=_pct(target, p.rows)), ""]
    lines.append(r("categories"))
    for c in CATEGORIES:
        n = p.categories.get(c, 0)
        lines.append(f"  {t(f'profile.category.{c}', lang)}: {n:,} ({_pct(n, p.rows)}%)")
    lines += ["", r("stages")]
    for s, n in p.stages.items():
        lines.append(f"  {t(f'profile.stage.{s}', lang)}: {n:,}")
    lines += ["", r("columns")]
    for field, header in p.columns.items():
        lines.append(
            "  " + r("column_line", field=t(f"profile.field.{field}", lang), header=header)
        )
    lines.append("")
    age = p.lead_age
    if age.as_of is None:
        lines.append(r("lead_age_none"))
    else:
        lines.append(r("lead_age", source=", ".join(age.source), as_of=age.as_of.isoformat()))
        for bucket, n in age.buckets.items():
            lines.append(f"  {r(f'age.{bucket}')}: {n:,}")
        if age.median_months is not None:
            lines.append("  " + r("median", months=age.median_months))
    lines += ["", r("completeness")]
    for field, share in p.completeness.items():
        lines.append(f"  {t(f'profile.field.{field}', lang)}: {share * 100:.0f}%")
    if p.top_accounts:
        lines += ["", r("top_accounts")]
        for a in p.top_accounts:
            lines.append(
                "  " + r("account_line", company=a.company, leads=a.leads, targets=a.targets)
            )
    return "\n".join(lines)
