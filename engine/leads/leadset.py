"""LeadSet: one uploaded lead list, in a session-private in-memory DuckDB.

Personal data lives only here: the raw rows, the features and the classification are
tables of this LeadSet's own connection, dropped with :meth:`LeadSet.close`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from engine.core.errors import InputError
from engine.core.sql import quote_ident
from engine.core.vocab import CATEGORIES
from engine.leads import classify, companies, features, summary
from engine.leads.ingest import APP_LIMITS, DEFAULT_LIMITS, IngestLimits, read_leads
from engine.leads.lists import Lists
from engine.leads.load import lock_connection, private_connection
from engine.leads.mapping import (
    FIELDS,
    Mapping,
    MappingFile,
    apply_overrides,
    auto_map,
    check_identifiable,
    load_mapping,
)
from engine.leads.models import LeadProfile, describe_reason

if TYPE_CHECKING:  # pandas is loaded by the review and the download, not by a profile
    import pandas as pd

RAW_TABLE = "raw_leads"
# The columns the review table puts before the list's own.
REVIEW_COLUMNS = ("_row", "category", "reason")


def review_names(headers: list[str]) -> list[str]:
    """The list's headers as review-table columns: one named like an engine column
    (``category``, ``reason``) becomes ``category (2)`` (case-insensitively unique, as
    DuckDB and the headers are)."""
    taken = {c.lower() for c in REVIEW_COLUMNS} | {h.lower() for h in headers}
    out = []
    for h in headers:
        name, n = h, 1
        if h.lower() in {c.lower() for c in REVIEW_COLUMNS}:
            while name.lower() in taken:
                n += 1
                name = f"{h} ({n})"
            taken.add(name.lower())
        out.append(name)
    return out


def _overrides_of(
    mapping: Mapping | MappingFile | str | Path | None,
) -> tuple[Mapping, dict[str, list[str]]]:
    """(field -> header overrides, extra raw values per stage) of a mapping argument."""
    if isinstance(mapping, (str, Path)):
        mapping = load_mapping(mapping)
    if isinstance(mapping, MappingFile):
        return mapping.overrides(), {k: list(v) for k, v in mapping.stages.items()}
    return (dict(mapping) if isinstance(mapping, dict) else {}), {}


class LeadSet:
    """A lead list loaded into DuckDB, with its column mapping and classification."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        ingest: Any,
        mapping: Mapping | MappingFile | str | Path | None = None,
    ) -> None:
        """Wrap an already ingested table (``ingest.table`` in ``con``); ``ingest`` is an
        :class:`engine.leads.ingest.IngestResult` (or anything with the same attributes).
        The mapping is found from all the file's headers (``ingest.file_headers`` after a
        narrow read), with the overrides in ``mapping`` applied."""
        self.con = con
        self.ingest = ingest
        self._lock = threading.Lock()
        self._features_for: tuple | None = None
        self._classified = False
        companies.install(con)
        features.install_macros(con)
        headers = list(getattr(ingest, "file_headers", None) or ingest.headers)
        overrides, self.extra_stages = _overrides_of(mapping)
        self.mapping: Mapping = apply_overrides(auto_map(headers), overrides, headers)
        check_identifiable(self.mapping, headers)

    @classmethod
    def open(
        cls,
        path: str | Path,
        mapping: Mapping | MappingFile | str | Path | None = None,
        progress: Any = None,
        isolated: bool = False,
        limits: IngestLimits | None = None,
        read_guard: Any = None,
        only_mapped: bool = False,
        fields: Collection[str] = FIELDS,
    ) -> LeadSet:
        """Read a lead list file (CSV/TSV/XLSX) and map its columns. ``isolated`` reads
        it in a child process with memory and time limits (what the app uses). ``limits``
        default to the app's (:data:`engine.leads.ingest.APP_LIMITS`, the upload size Streamlit
        accepts) when isolated, else to the engine's (the CLI: files up to 1 GB).
        ``read_guard`` (a context manager factory, e.g. :func:`engine.leads.guard.bounded`)
        wraps an in-process read. ``only_mapped`` keeps only the columns the mapping
        uses for ``fields`` (an in-process read whose mapping will not change, as the
        command line's): less to store, and the same profile of those fields. With
        ``fields=features.COUNT_FIELDS`` the list can give only the counts
        (``profile(counts_only=True)``)."""
        path = Path(path)
        if not path.is_file():
            raise InputError("common.file_not_found", path=str(path))
        if limits is None:
            limits = APP_LIMITS if isolated else DEFAULT_LIMITS
        if isinstance(mapping, (str, Path)):
            mapping = load_mapping(mapping)
        keep = None
        if only_mapped and not isolated:
            overrides = _overrides_of(mapping)[0]

            def keep(headers: list[str]) -> list[str]:
                chosen = apply_overrides(auto_map(headers), overrides, headers)
                return [h for f, h in chosen.items() if h and f in fields]

        companies.preload()
        # read_leads locks the connection to the one file it reads; after an isolated
        # read it gets no file access at all.
        con = private_connection()
        try:
            if isolated:
                from engine.leads.worker import read_leads_isolated

                result = read_leads_isolated(
                    path, con, table=RAW_TABLE, progress=progress, ingest_limits=limits
                )
                lock_connection(con)
            else:
                # the connection (and its threads) exist before a guard's memory limit
                with read_guard() if read_guard else contextlib.nullcontext():
                    result = read_leads(
                        path, con, table=RAW_TABLE, progress=progress, limits=limits, keep=keep
                    )
            return cls(con, result, mapping)
        except BaseException:
            companies.uninstall(con)
            con.close()
            raise

    # -- mapping ---------------------------------------------------------------------

    @property
    def headers(self) -> list[str]:
        """Header names of the file, in file order."""
        return list(self.ingest.headers)

    def set_mapping(self, overrides: Mapping) -> None:
        """Change which header holds which field (``None`` unmaps a field)."""
        mapping = apply_overrides(self.mapping, overrides, self.headers)
        check_identifiable(mapping, self.headers)
        self.mapping = mapping
        self._classified = False

    def set_extra_stages(self, stages: dict[str, list[str]]) -> None:
        """Extra raw values per stage (``{"mql": ["ホット"]}``), winning over the defaults."""
        self.extra_stages = {k: list(v) for k, v in stages.items()}
        self._classified = False

    # -- profile ---------------------------------------------------------------------

    def _read_mapping(self) -> Mapping:
        """The mapping of the columns the table holds (a narrow read keeps fewer)."""
        kept = set(self.ingest.headers)
        return {f: h if h in kept else None for f, h in self.mapping.items()}

    def _ensure_features(self) -> None:
        key = tuple(sorted((f, self.mapping.get(f) or "") for f in FIELDS))
        if self._features_for != key:
            features.build_features(self.con, self.ingest.table, self._read_mapping())
            self._features_for = key
            self._classified = False

    def profile(
        self,
        lists: Lists | None = None,
        overrides: dict[int, str] | None = None,
        as_of: dt.date | None = None,
        counts_only: bool = False,
    ) -> LeadProfile:
        """Classify every row and return the profile. ``overrides`` (``{row: category}``,
        set while reviewing) win over the computed category; ``as_of`` is the reference
        date for lead age (default today, or the newest date when that is later).
        ``counts_only`` leaves out examples, lead age, completeness and top accounts (the
        CLI's JSON contract needs only the counts)."""
        unread = [f for f, h in self._read_mapping().items() if self.mapping.get(f) and not h]
        if unread and not counts_only:
            raise ValueError(f"read for the counts only: {', '.join(unread)} not read")
        for row, category in (overrides or {}).items():
            if category not in CATEGORIES:
                raise InputError("profile.unknown_category", category=str(category), row=str(row))
        with self._lock:
            self._ensure_features()
            classify.classify(
                self.con,
                lists or Lists(),
                overrides,
                self.extra_stages,
                materialize=not counts_only,
            )
            self._classified = True
            return summary.summarize(
                self.con,
                self.ingest.table,
                self.mapping,
                self.ingest.encoding,
                notes=list(getattr(self.ingest, "notes", []) or []),
                as_of=as_of,
                counts_only=counts_only,
            )

    def categories(self) -> list[str]:
        """Every row's category, in file order (as of the last profile)."""
        self._ensure_classified()
        with self._lock:
            rows = self.con.execute("SELECT category FROM _classified ORDER BY _row").fetchall()
        return [r[0] for r in rows]

    def _ensure_classified(self) -> None:
        if not self._classified:
            self.profile()

    def _original_columns(self) -> str:
        return ", ".join(f"r.{quote_ident(h)}" for h in self.headers)

    def rows(self, category: str, limit: int = 50, lang: str = "ja") -> pd.DataFrame:
        """Rows of one category for the review table: ``_row``, ``category``, ``reason``
        (why, in ``lang``), then the original columns. Uses the last profile's lists. An
        original column whose name is one of those three is shown as ``reason (2)`` and so
        on: the engine's columns never collide with the user's."""
        if category not in CATEGORIES:
            raise InputError("profile.unknown_category", category=str(category), row="-")
        self._ensure_classified()
        # the user's columns by position: no header can collide with the engine's names
        originals = ", ".join(f"r.{quote_ident(h)} AS c{i}" for i, h in enumerate(self.headers))
        with self._lock:
            df = self.con.execute(
                f"""
                SELECT c._row, c.category, c.reason AS _reason, c.reason_value AS _reason_value,
                    {originals}
                FROM _classified c JOIN {quote_ident(self.ingest.table)} r USING (_row)
                WHERE c.category = ?
                ORDER BY c._row
                LIMIT ?
                """,  # noqa: S608 - identifiers via quote_ident, values bound
                [category, int(limit)],
            ).df()
        reasons = [
            describe_reason(code, value, lang)
            for code, value in zip(df["_reason"], df["_reason_value"], strict=True)
        ]
        df = df.drop(columns=["_reason", "_reason_value"])
        df.insert(2, "reason", reasons)
        df.columns = ["_row", "category", "reason", *review_names(self.headers)]
        return df

    def cleaned_targets(self) -> pd.DataFrame:
        """The target rows with their original columns, in file order (the download)."""
        self._ensure_classified()
        with self._lock:
            return self.con.execute(
                f"""
                SELECT {self._original_columns()}
                FROM _classified c JOIN {quote_ident(self.ingest.table)} r USING (_row)
                WHERE c.category = 'target'
                ORDER BY c._row
                """  # noqa: S608 - identifiers via quote_ident, values bound
            ).df()

    def close(self) -> None:
        """Drop all tables and the connection (the personal data goes with it)."""
        con, self.con = self.con, None
        if con is not None:
            companies.uninstall(con)
            con.close()

    def __enter__(self) -> LeadSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
