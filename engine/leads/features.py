"""Step 1 of the profile (named as in splink's pipeline): the per-row features.

Each step is a table in the session's in-memory DuckDB, built by a function of its own:
``_lead_text`` (a view: the text later steps read for the few rows that need it),
``_dates``, ``_companies`` and ``_names`` (each distinct value normalised once),
``_features`` (one row per lead: numbers, flags and short values only) and
``_duplicates`` (the rows that repeat an earlier one, with that row). They depend only on
the data and the column mapping, so a change of lists or overrides does not rebuild them.
"""

from __future__ import annotations

import duckdb

from engine.core.sql import quote_ident
from engine.leads.mapping import FIELDS, Mapping

COMPLETENESS_FIELDS = ("email", "company", "name", "phone", "title", "stage")

# syntactically valid e-mail after NFKC + lower-case; TLD of two or more characters
EMAIL_RE = (
    r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9])?\.)+"
    r"[a-z](?:[a-z0-9-]*[a-z0-9])"
)
# six digits anywhere (hyphens, spaces and brackets in between are fine)
PHONE_RE = r"(?:[0-9０-９][^0-9０-９]*){6}"
DEPARTED_RE = r"(?i)退職|退社|転職|異動|left the company|no longer with"
DATE_FORMATS = (
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)
RETIRED_FLAG_VALUES = ("1", "true", "yes", "y", "t", "はい", "○", "〇", "●", "✓", "✔", "退職")


def _lit(text: str) -> str:
    """A SQL string literal of one of *our own* constants (never user text)."""
    return "'" + text.replace("'", "''") + "'"


def _col(mapping: Mapping, field: str, alias: str = "") -> str:
    header = mapping.get(field)
    if not header:
        return "CAST(NULL AS VARCHAR)"
    return f"{alias}.{quote_ident(header)}" if alias else quote_ident(header)


def _filled(expr: str) -> str:
    return f"nullif(trim({expr}), '')"


def _present(expr: str) -> str:
    """SQL: ``expr`` holds more than spaces (``_filled(expr) IS NOT NULL``). A first
    character that is no space (ltrim removes the Unicode space separators: U+0020,
    U+00A0, U+1680, U+2000-U+200A, U+202F, U+205F, U+3000) settles it without trimming."""
    # UTF-8 compares in code point order, and DuckDB compares a short constant against
    # the prefix kept inline in every string: [U+0021, U+00A0) and [U+3001, ...) are no
    # spaces.
    return (
        f"CASE WHEN ({expr} >= '!' AND {expr} < chr(160)) OR {expr} >= chr(12289) THEN true "
        f"ELSE coalesce(ltrim({expr}) <> '', false) END"
    )


def completeness_checks(mapping: Mapping, alias: str) -> list[str]:
    """SQL, one boolean per field of COMPLETENESS_FIELDS: the row fills it (a name in the
    full-name or either name column, a phone in either phone column ...)."""
    columns = {
        "email": ["email"],
        "company": ["company"],
        "name": ["full_name", "last_name", "first_name"],
        "phone": ["phone", "mobile"],
        "title": ["title"],
        "stage": ["lifecycle_stage", "status"],
    }
    checks = []
    for field in COMPLETENESS_FIELDS:
        mapped = [_present(_col(mapping, f, alias)) for f in columns[field] if mapping.get(f)]
        checks.append(" OR ".join(mapped) or "false")
    return checks


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Date parsing macro used by the feature step (the NFKC and company-key macros come
    from :mod:`engine.leads.companies`)."""
    # strptime handles the common export formats quickly; the regex catches the rest
    # (2024年1月5日, dates inside longer text, M/D/YYYY).
    formats = ", ".join(_lit(f) for f in DATE_FORMATS)
    con.execute(
        "CREATE OR REPLACE TEMP MACRO lead_date(x) AS coalesce("
        f"CAST(try_strptime(x, [{formats}]) AS DATE), "
        r"try_cast(regexp_replace(regexp_extract(x, '\d{4}[/.年-]\d{1,2}[/.月-]\d{1,2}'), "
        r"'[/.年月]', '-', 'g') AS DATE), "
        r"try_cast(regexp_replace(regexp_extract(x, '^\s*\d{1,2}/\d{1,2}/\d{4}'), "
        r"'^\s*(\d{1,2})/(\d{1,2})/(\d{4})', '\3-\1-\2') AS DATE))"
    )


DEPARTED_FIELDS = ("title", "department", "status", "notes")
# the dates a lead's age is read from, the most telling first
DATE_FIELDS = ("last_activity", "exchange_date")
# the fields the categories and stages are read from: not the dates (only the lead age
# reads them) nor the creation date (no step reads it)
COUNT_FIELDS = tuple(f for f in FIELDS if f not in (*DATE_FIELDS, "created"))
NAME_FIELDS = ("full_name", "last_name", "first_name")


def _name_expr(col) -> str:
    """SQL: the person's name from the full-name column, else last and first name joined
    by a space. ``col(field)`` gives each column: as written for the name key (which
    drops all whitespace itself), trimmed for display."""
    return (
        f"coalesce(nullif({col('full_name')}, ''), nullif(concat_ws(' ', "
        f"nullif({col('last_name')}, ''), nullif({col('first_name')}, '')), ''))"
    )


def build_features(con: duckdb.DuckDBPyConnection, table: str, mapping: Mapping) -> None:
    """Step 1: the ``_features`` table (one row per lead row) and ``_duplicates`` (the
    rows that repeat an earlier one, with that row).

    A million rows make every stored text column expensive, so ``_features`` keeps only
    numbers, flags and short repeated values: the e-mail as two hashes (and its domain),
    the company as its key. Values that repeat (companies, names, dates) are normalised
    once per distinct value in small side tables. The text the later steps need (title
    and company for keywords) is read from the lead table through the ``_lead_text``
    view, only for the rows that need it."""
    c = lambda f: _col(mapping, f, "t")  # noqa: E731
    q = quote_ident(table)
    lead_text_view(con, q, c)
    date_table(con, q, c, mapping)
    company_tables(con, q, c)
    name_table(con, q, c, mapping)
    feature_table(con, q, c, mapping)
    duplicate_table(con, q, c, mapping)


def _email_norm(email: str) -> str:
    return f"lower(trim(senryoku_nfkc({email})))"


def _name_fields(mapping: Mapping) -> list[str]:
    return [f for f in NAME_FIELDS if mapping.get(f)]


def _name_join(c, mapping: Mapping) -> str:
    """SQL: a lead row's ``_names`` row, found by the name columns as written (no text
    is built per row)."""
    fields = _name_fields(mapping)
    return " AND ".join(f"n.{f} IS NOT DISTINCT FROM {c(f)}" for f in fields) or "false"


def _date_fields(mapping: Mapping) -> list[str]:
    return [f for f in DATE_FIELDS if mapping.get(f)]


def lead_text_view(con: duckdb.DuckDBPyConnection, q: str, c) -> None:
    """``_lead_text``: the company and title of a row, read only for the rows a later
    step reads."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW _lead_text AS
        SELECT _row, nullif({c("company")}, '') AS company,
            nullif({c("title")}, '') AS title
        FROM {q} t
        """  # noqa: S608 - identifiers via quote_ident
    )


def date_table(con: duckdb.DuckDBPyConnection, q: str, c, mapping: Mapping) -> None:
    """``_dates``: every distinct value of the date columns, parsed once."""
    fields = _date_fields(mapping)
    values = " UNION ".join(f"SELECT {c(f)} AS value FROM {q} t" for f in fields)  # noqa: S608
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dates AS
        SELECT value, lead_date(value) AS day
        FROM (
            SELECT DISTINCT value
            FROM ({values or "SELECT CAST(NULL AS VARCHAR) AS value"})
            WHERE value IS NOT NULL
        )
        """  # noqa: S608 - identifiers via quote_ident
    )


def company_tables(con: duckdb.DuckDBPyConnection, q: str, c) -> None:
    """``_companies``: every distinct company name with its matching key and one integer
    id per key; ``_company_keys``: id -> key (rows are grouped and joined on the id)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _companies AS
        WITH keyed AS (
            SELECT company, company_key(company) AS company_key
            FROM (SELECT DISTINCT nullif({c("company")}, '') AS company FROM {q} t)
            WHERE company IS NOT NULL
        )
        SELECT company, company_key,
            CASE WHEN company_key IS NOT NULL
                THEN dense_rank() OVER (ORDER BY company_key) END::INTEGER AS company_id
        FROM keyed
        """  # noqa: S608 - identifiers via quote_ident
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _company_keys AS "
        "SELECT DISTINCT company_id, company_key FROM _companies WHERE company_id IS NOT NULL"
    )


def name_table(con: duckdb.DuckDBPyConnection, q: str, c, mapping: Mapping) -> None:
    """``_names``: every distinct combination of the name columns with its name key
    (NFKC, lower-case, no spaces)."""
    fields = _name_fields(mapping)
    name = _name_expr(lambda f: f if f in fields else "CAST(NULL AS VARCHAR)")
    distinct = ", ".join(f"{c(f)} AS {f}" for f in fields) or "1"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _names AS
        SELECT *, nullif(lower(replace(replace(replace(senryoku_nfkc({name}),
            ' ', ''), '\t', ''), chr(12288), '')), '') AS name_key
        FROM (SELECT DISTINCT {distinct} FROM {q} t)
        """  # noqa: S608 - identifiers via quote_ident
    )


def _departed_sql(c, mapping: Mapping) -> tuple[str, str]:
    """SQL CASE branches: which departure signal a row shows, and the words found."""
    pattern = _lit(DEPARTED_RE)
    mapped = [f for f in DEPARTED_FIELDS if mapping.get(f)]
    # one regex per field (joining the fields first would build a string per row)
    checks = "\n".join(
        f"WHEN regexp_matches({c(f)}, {pattern}) THEN 'departed_{f}'" for f in mapped
    )
    words = "\n".join(f"WHEN 'departed_{f}' THEN regexp_extract({c(f)}, {pattern})" for f in mapped)
    return checks, words


def feature_table(con: duckdb.DuckDBPyConnection, q: str, c, mapping: Mapping) -> None:
    """``_features``: one row per lead row, numbers, flags and short values only."""
    flags = ", ".join(_lit(v) for v in RETIRED_FLAG_VALUES)
    # the stage as written (the stage map normalises each distinct value); a lifecycle
    # stage wins over a status
    stage_raw = c("status")
    if mapping.get("lifecycle_stage"):
        lifecycle = c("lifecycle_stage")
        stage_raw = f"CASE WHEN {_present(lifecycle)} THEN {lifecycle} ELSE {stage_raw} END"
    departed_checks, departed_words = _departed_sql(c, mapping)
    date_fields = _date_fields(mapping)
    date_joins = "\n".join(
        f"LEFT JOIN _dates d{i} ON d{i}.value = {c(f)}" for i, f in enumerate(date_fields)
    )
    activity = ", ".join(f"d{i}.day" for i in range(len(date_fields)))
    activity = f"coalesce({activity})" if date_fields else "CAST(NULL AS DATE)"
    con.execute(
        f"""
    CREATE OR REPLACE TEMP TABLE _features AS
    WITH src AS (
        SELECT _row,
            {c("email")} AS email_raw,
            coalesce(regexp_full_match({c("email")}, {_lit(EMAIL_RE)}), false) AS raw_valid,
            nullif({c("company")}, '') AS company,
            {c("phone")} AS phone, {c("mobile")} AS mobile,
            CASE
                WHEN {_filled(c("bounce"))} IS NOT NULL THEN 'departed_bounce'
                WHEN lower(trim(senryoku_nfkc({c("retired_flag")}))) IN ({flags})
                    THEN 'departed_flag'
                {departed_checks}
            END AS departed,
            CASE departed
                WHEN 'departed_bounce' THEN trim({c("bounce")})
                WHEN 'departed_flag' THEN trim({c("retired_flag")})
                {departed_words}
            END AS departed_value,
            {stage_raw} AS stage_raw,
            {activity} AS activity_date,
            n.name_key
        FROM {q} t
        {date_joins}
        LEFT JOIN _names n ON {_name_join(c, mapping)}
    ),
    checked AS (
        -- an e-mail valid as written is already normalised (the pattern allows no space,
        -- capital or character NFKC changes): only the others are normalised and tried again
        SELECT *, CASE WHEN raw_valid THEN email_raw ELSE {_email_norm("email_raw")} END
            AS email_norm
        FROM src
    ),
    normalised AS (
        SELECT *, CASE WHEN raw_valid THEN true
            ELSE coalesce(regexp_full_match(email_norm, {_lit(EMAIL_RE)}), false) END AS email_valid
        FROM checked
    )
    SELECT _row, email_valid,
        -- two hashes of the e-mail (the second of the e-mail and one more byte): 128 bits
        -- tell two e-mails apart without keeping either (a shared pair: ~n²/2¹²⁹)
        CASE WHEN email_valid THEN hash(email_norm) END AS email_hash,
        CASE WHEN email_valid THEN hash(email_norm || chr(1)) END AS email_check,
        CASE WHEN email_valid THEN split_part(email_norm, '@', 2) END AS domain,
        co.company_id,
        CASE WHEN name_key IS NOT NULL
            THEN hash(name_key, coalesce(co.company_id, 0)) END AS name_hash,
        -- a phone number matters only to rows without a valid e-mail
        CASE WHEN email_valid THEN true
            ELSE coalesce(regexp_matches(phone, {_lit(PHONE_RE)}), false)
                OR coalesce(regexp_matches(mobile, {_lit(PHONE_RE)}), false) END AS reachable,
        departed, departed_value, stage_raw, activity_date
    FROM normalised
    LEFT JOIN _companies co USING (company)
    """  # noqa: S608 - identifiers via quote_ident, values bound
    )


def duplicate_table(con: duckdb.DuckDBPyConnection, q: str, c, mapping: Mapping) -> None:
    """``_duplicates``: the rows that repeat an earlier one (the same e-mail; for rows
    without a valid e-mail, the same name at the same company), with that row.

    Grouping a million distinct strings is the expensive part: e-mails are grouped by
    their two hashes (no string is read); names are compared exactly for the few rows
    without a valid e-mail whose name hash repeats (through the side tables)."""
    con.execute(
        f"""
    CREATE OR REPLACE TEMP TABLE _duplicates AS
    WITH email_firsts AS (
        SELECT email_hash, email_check, min(_row) AS first_row FROM _features
        WHERE email_hash IS NOT NULL
        GROUP BY email_hash, email_check HAVING count(*) > 1
    ),
    wanted_names AS (
        SELECT DISTINCT name_hash FROM _features WHERE NOT email_valid AND name_hash IS NOT NULL
    ),
    -- any earlier row with the same name and company counts, whatever its e-mail
    name_rows AS (
        SELECT r._row, r.email_valid,
            min(r._row) OVER (PARTITION BY n.name_key, r.company_id) AS first_row
        FROM (
            SELECT _row, email_valid, company_id FROM _features
            SEMI JOIN wanted_names USING (name_hash)
        ) r
        JOIN {q} t USING (_row)
        JOIN _names n ON {_name_join(c, mapping)}
    )
    SELECT f._row, 'duplicate_email' AS duplicate, e.first_row
    FROM _features f JOIN email_firsts e USING (email_hash, email_check)
    WHERE e.first_row < f._row
    UNION ALL
    SELECT _row, 'duplicate_name', first_row FROM name_rows
    WHERE NOT email_valid AND first_row < _row
    """  # noqa: S608 - identifiers via quote_ident
    )
