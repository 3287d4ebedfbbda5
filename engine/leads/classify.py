"""Step 2 of the profile: every row's category, reason and stage (``_classified``).

Reads ``_features`` and ``_duplicates`` with the user's lists, the stage mapping and the
user's overrides (which win). The order is duplicate > invalid > internal > competitor >
partner > departed > out_of_profile > target.
"""

from __future__ import annotations

import re
import unicodedata

import duckdb

from engine.leads.lists import KIND_CATEGORY, Lists
from engine.leads.reference import free_mail_domains, stage_of


def _load_lists(con: duckdb.DuckDBPyConnection, lists: Lists) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _list_domains (kind VARCHAR, domain VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE _list_companies (kind VARCHAR, name VARCHAR)")
    for kind in KIND_CATEGORY:
        party = getattr(lists, kind)
        if party.domains:
            con.execute(
                "INSERT INTO _list_domains SELECT ?, unnest(?::VARCHAR[])", [kind, party.domains]
            )
        if party.companies:
            con.execute(
                "INSERT INTO _list_companies SELECT ?, unnest(?::VARCHAR[])",
                [kind, party.companies],
            )
    if not lists.icp.allow_free_mail:
        con.execute(
            "INSERT INTO _list_domains SELECT 'free', unnest(?::VARCHAR[])",
            [list(free_mail_domains())],
        )


def _load_stage_map(con: duckdb.DuckDBPyConnection, extra: dict[str, list[str]]) -> None:
    raw = [r[0] for r in con.execute("SELECT DISTINCT stage_raw FROM _features").fetchall()]
    raw = [v for v in raw if v is not None]
    con.execute("CREATE OR REPLACE TEMP TABLE _stage_map (stage_raw VARCHAR, stage VARCHAR)")
    if raw:
        con.execute(
            "INSERT INTO _stage_map SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [raw, [stage_of(v, extra) for v in raw]],
        )


def _load_overrides(con: duckdb.DuckDBPyConnection, overrides: dict[int, str]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _overrides (_row BIGINT, category VARCHAR)")
    if overrides:
        rows = [int(r) for r in overrides]
        cats = [str(overrides[r]) for r in overrides]
        con.execute(
            "INSERT INTO _overrides SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[])",
            [rows, cats],
        )


def _keyword_pattern(keywords: list[str]) -> str | None:
    words = [unicodedata.normalize("NFKC", k).lower() for k in keywords if k.strip()]
    if not words:
        return None
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def classify(
    con: duckdb.DuckDBPyConnection,
    lists: Lists,
    overrides: dict[int, str] | None = None,
    extra_stages: dict[str, list[str]] | None = None,
    materialize: bool = True,
) -> None:
    """Step 2: the ``_classified`` table from ``_features``, the lists, the stage
    mapping and the user's overrides (which win over the computed category).
    ``materialize=False`` makes it a view where it can (no keyword with a space): the
    counts read it once, and a million rows are not written for nothing."""
    _load_lists(con, lists)
    _load_stage_map(con, extra_stages or {})
    _load_overrides(con, overrides or {})
    pattern = _keyword_pattern(lists.icp.exclude_keywords)
    kw_expr, kw_join, params = "CAST(NULL AS VARCHAR)", "", []
    if pattern and not re.search(r"\s", pattern):
        _keyword_hits(con, pattern)
        kw_expr, kw_join = "kw.keyword", "LEFT JOIN _keyword_rows kw USING (_row)"
    elif pattern:
        # a keyword with a space may span the title and the company: search them joined
        kw_expr = (
            "nullif(regexp_extract(lower(senryoku_nfkc(concat_ws(' ', lt.title, lt.company))),"
            " ?), '')"
        )
        kw_join, params = "LEFT JOIN _lead_text lt USING (_row)", [pattern]
    _drop_classified(con)
    kind = "TABLE" if materialize or params else "VIEW"
    con.execute(_classified_sql(kind, kw_expr, kw_join), params)


def _drop_classified(con: duckdb.DuckDBPyConnection) -> None:
    """Drop ``_classified``, a table or a view (the other kind cannot be replaced)."""
    for kind, catalog in (("TABLE", "duckdb_tables()"), ("VIEW", "duckdb_views()")):
        found = con.execute(
            f"SELECT count(*) FROM {catalog} WHERE temporary AND {kind.lower()}_name = ?",  # noqa: S608
            ["_classified"],
        ).fetchone()[0]
        if found:
            con.execute(f"DROP {kind} _classified")


def _keyword_hits(con: duckdb.DuckDBPyConnection, pattern: str) -> None:
    """``_keyword_rows``: the rows whose title or company holds an excluded keyword (the
    first one, the title's before the company's, as in the two joined by a space), found
    once per distinct title and company: titles and companies repeat, and NFKC is a
    Python call for every value that needs it."""
    values = {
        "title": "SELECT DISTINCT title AS value FROM _lead_text WHERE title IS NOT NULL",
        # the feature step already holds every distinct company name
        "company": "SELECT company AS value FROM _companies",
    }
    hit_rows = {}
    for column, distinct in values.items():
        name = f"_keyword_{column}s"
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {name} AS
            -- every distinct value, hit or not: a filter on the keyword here would be
            -- pushed below the DISTINCT and run NFKC and the regex on every row
            SELECT value, nullif(regexp_extract(lower(senryoku_nfkc(value)), ?), '') AS keyword
            FROM ({distinct})
            """,  # noqa: S608 - our own names
            [pattern],
        )
        hits = con.execute(f"SELECT count(keyword) FROM {name}").fetchone()[0]  # noqa: S608
        # an inner join with the few values that hit; none at all for a column without
        join = f"_lead_text lt JOIN {name} k ON k.value = lt.{column}"
        hit_rows[column] = (
            f"SELECT lt._row, k.keyword FROM {join} WHERE k.keyword IS NOT NULL"  # noqa: S608
            if hits
            else "SELECT CAST(NULL AS BIGINT) AS _row, CAST(NULL AS VARCHAR) AS keyword LIMIT 0"
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _keyword_rows AS
        WITH by_title AS ({hit_rows["title"]}), by_company AS ({hit_rows["company"]})
        SELECT _row, keyword FROM by_title
        UNION ALL
        SELECT _row, keyword FROM by_company ANTI JOIN by_title USING (_row)
        """  # noqa: S608 - our own SQL
    )


def _party_cases() -> tuple[str, str, str]:
    """SQL CASE branches for the lists (own, competitors, partners; a domain before a
    company): the category, the reason code and the value that matched."""
    cats, reasons, values = [], [], []
    for kind, category in KIND_CATEGORY.items():
        for by in ("domain", "company"):
            hit = f"WHEN {kind}_{by} IS NOT NULL"
            cats.append(f"{hit} THEN '{category}'")
            reasons.append(f"{hit} THEN '{kind}_{by}'")
            values.append(f"{hit} THEN {kind}_{by}")
    return "\n".join(cats), "\n".join(reasons), "\n".join(values)


def _classified_sql(kind: str, kw_expr: str, kw_join: str) -> str:
    """The ``_classified`` statement (``kind`` TABLE or VIEW): hits of each row's domain
    and company key in the lists, then the first category that applies, its reason and
    the value that matched."""
    cat_cases, reason_cases, value_cases = _party_cases()
    domain_cols = ", ".join(
        f"min(l.domain) FILTER (WHERE l.kind = '{k}') AS {k}_domain"
        for k in (*KIND_CATEGORY, "free")
    )
    company_cols = ", ".join(
        f"min(name) FILTER (WHERE kind = '{k}') AS {k}_company" for k in KIND_CATEGORY
    )
    return f"""
    CREATE TEMP {kind} _classified AS
    WITH domains AS (SELECT DISTINCT domain FROM _features WHERE domain IS NOT NULL),
    domain_hits AS (
        SELECT d.domain, {domain_cols}
        FROM domains d JOIN _list_domains l
            ON d.domain = l.domain OR ends_with(d.domain, '.' || l.domain)
        GROUP BY d.domain
    ),
    list_keys AS (
        SELECT kind, name, company_key(name) AS company_key FROM _list_companies
    ),
    company_hits AS (
        SELECT k.company_id, {company_cols}
        FROM list_keys l JOIN _company_keys k USING (company_key) GROUP BY k.company_id
    ),
    flagged AS (
        SELECT f.*, d.duplicate, d.first_row, {kw_expr} AS keyword,
            h.* EXCLUDE (domain), lc.* EXCLUDE (company_id)
        FROM _features f
        LEFT JOIN _duplicates d USING (_row)
        LEFT JOIN domain_hits h USING (domain)
        LEFT JOIN company_hits lc USING (company_id)
        {kw_join}
    ),
    computed AS (
        SELECT _row, company_id, activity_date, stage_raw,
            CASE
                WHEN duplicate IS NOT NULL THEN 'duplicate'
                WHEN NOT reachable THEN 'invalid'
                {cat_cases}
                WHEN departed IS NOT NULL THEN 'departed'
                WHEN free_domain IS NOT NULL OR keyword IS NOT NULL THEN 'out_of_profile'
                ELSE 'target'
            END AS computed,
            CASE
                WHEN duplicate IS NOT NULL THEN duplicate
                WHEN NOT reachable THEN 'invalid'
                {reason_cases}
                WHEN departed IS NOT NULL THEN departed
                WHEN free_domain IS NOT NULL THEN 'free_mail'
                WHEN keyword IS NOT NULL THEN 'excluded_keyword'
                ELSE 'target'
            END AS reason,
            CASE
                WHEN duplicate IS NOT NULL THEN CAST(first_row AS VARCHAR)
                WHEN NOT reachable THEN NULL
                {value_cases}
                WHEN departed IS NOT NULL THEN departed_value
                WHEN free_domain IS NOT NULL THEN domain
                WHEN keyword IS NOT NULL THEN keyword
            END AS reason_value
        FROM flagged
    )
    SELECT c._row, coalesce(o.category, c.computed) AS category,
        CASE WHEN o.category IS NOT NULL AND o.category <> c.computed
            THEN 'override' ELSE c.reason END AS reason,
        CASE WHEN o.category IS NOT NULL AND o.category <> c.computed
            THEN c.computed ELSE c.reason_value END AS reason_value,
        coalesce(s.stage, 'unknown') AS stage,
        c.company_id, c.activity_date
    FROM computed c
    LEFT JOIN _overrides o USING (_row)
    LEFT JOIN _stage_map s USING (stage_raw)
    """  # noqa: S608 - identifiers via quote_ident, values bound
