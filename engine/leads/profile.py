"""Lead-list profile: every row gets one category, target rows a stage; all in DuckDB SQL.

Named steps, each a table in the session's in-memory DuckDB:

1. ``_features`` (depends only on the data and the column mapping): normalised e-mail
   as a hash, its validity and domain, company key id (computed once per distinct
   company), name hash, whether an e-mail or phone reaches the person, departure
   signals, raw stage, completeness bits, date; and ``_duplicates``: the rows that
   repeat an earlier one, with that row.
2. ``_classified`` (depends on the lists, the stage mapping and the user's overrides):
   the category with its reason, in the order duplicate > invalid > internal >
   competitor > partner > departed > out_of_profile > target, and the stage.
3. :func:`summarize` reads counts, examples, lead age, completeness and top accounts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache
from pathlib import Path

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict

from engine.core.i18n import t
from engine.core.sql import quote_ident
from engine.core.vocab import CATEGORIES, STAGES
from engine.leads.companies import company_keys
from engine.leads.lists import KIND_CATEGORY, Lists
from engine.leads.mapping import Mapping

DATA_DIR = Path(__file__).resolve().parent / "data"

AGE_BUCKETS = ("<3m", "3-12m", "1-2y", ">2y", "unknown")
COMPLETENESS_FIELDS = ("email", "company", "name", "phone", "title", "stage")
EXAMPLES_PER_CATEGORY = 5
TOP_ACCOUNTS = 10

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


def _completeness_mask(mapping: Mapping, alias: str) -> str:
    """SQL: one bit per field of COMPLETENESS_FIELDS, set when the row fills it (a name
    in the full-name or either name column, a phone in either phone column ...)."""
    columns = {
        "email": ["email"],
        "company": ["company"],
        "name": ["full_name", "last_name", "first_name"],
        "phone": ["phone", "mobile"],
        "title": ["title"],
        "stage": ["lifecycle_stage", "status"],
    }
    bits = []
    for i, field in enumerate(COMPLETENESS_FIELDS):
        mapped = [_present(_col(mapping, f, alias)) for f in columns[field] if mapping.get(f)]
        if mapped:
            bits.append(f"(CASE WHEN {' OR '.join(mapped)} THEN {1 << i} ELSE 0 END)")
    return f"CAST({' | '.join(bits) or '0'} AS UTINYINT)"


@cache
def stage_values() -> dict[str, str]:
    """Normalised stage value -> stage, from ``engine/leads/data/stages.yaml``."""
    with (DATA_DIR / "stages.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    out: dict[str, str] = {}
    for stage, values in data.items():
        if stage not in STAGES:
            raise ValueError(f"stages.yaml: unknown stage {stage!r}")
        for v in values:
            out[normalize_stage_value(str(v))] = stage
    return out


def normalize_stage_value(value: str) -> str:
    """NFKC, lower-case, spaces, ``_`` and ``-`` removed."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", value)).lower()


def stage_of(value: str | None, extra: dict[str, list[str]] | None = None) -> str:
    """The stage a raw lifecycle/status value means; extra values (from the mapping
    file, ``{mql: [ホット]}``) win over the built-in table."""
    if value is None or not value.strip():
        return "unknown"
    norm = normalize_stage_value(value)
    for stage, values in (extra or {}).items():
        if norm in {normalize_stage_value(v) for v in values}:
            return stage
    return stage_values().get(norm, "unknown")


@cache
def free_mail_domains() -> tuple[str, ...]:
    """The free-mail / personal domains of ``engine/leads/data/free_mail.yaml``."""
    with (DATA_DIR / "free_mail.yaml").open(encoding="utf-8") as fh:
        return tuple(str(d).strip().lower() for d in yaml.safe_load(fh)["domains"])


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
    numbers, flags and short repeated values: the e-mail as its hash (and its domain),
    the company as its key. Values that repeat (companies, names, dates) are normalised
    once per distinct value in small side tables. The text the later steps need (title
    and company for keywords, the e-mail for exact duplicate checks) is read from the
    lead table through the ``_lead_text`` view, only for the rows that need it."""
    c = lambda f: _col(mapping, f, "t")  # noqa: E731
    q = quote_ident(table)
    flags = ", ".join(_lit(v) for v in RETIRED_FLAG_VALUES)
    email_norm = f"lower(trim(senryoku_nfkc({c('email')})))"
    name_fields = [f for f in NAME_FIELDS if mapping.get(f)]
    # the stage as written (the stage map normalises each distinct value); a lifecycle
    # stage wins over a status
    stage_raw = c("status")
    if mapping.get("lifecycle_stage"):
        lifecycle = c("lifecycle_stage")
        stage_raw = f"CASE WHEN {_present(lifecycle)} THEN {lifecycle} ELSE {stage_raw} END"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW _lead_text AS
        SELECT _row, {email_norm} AS email_norm, nullif({c("company")}, '') AS company,
            nullif({c("title")}, '') AS title
        FROM {q} t
        """  # noqa: S608 - identifiers via quote_ident
    )
    pattern = _lit(DEPARTED_RE)
    mapped = [f for f in DEPARTED_FIELDS if mapping.get(f)]
    departed_checks = ""
    if mapped:
        # One regex over the fields joined (a separator no pattern word contains) finds
        # the rare departed row; only those look at each field in turn.
        joined = f"concat_ws(chr(1), {', '.join(c(f) for f in mapped)})"
        per_field = " ".join(
            f"WHEN regexp_matches({c(f)}, {pattern}) THEN 'departed_{f}'" for f in mapped
        )
        departed_checks = f"WHEN regexp_matches({joined}, {pattern}) THEN CASE {per_field} END"
    departed_words = "\n".join(
        f"WHEN 'departed_{f}' THEN regexp_extract({c(f)}, {pattern})" for f in mapped
    )
    # Side tables: each distinct date, company and name normalised once.
    date_fields = [f for f in ("last_activity", "exchange_date") if mapping.get(f)]
    date_values = " UNION ".join(f"SELECT {c(f)} AS value FROM {q} t" for f in date_fields)  # noqa: S608
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dates AS
        SELECT value, lead_date(value) AS day
        FROM (
            SELECT DISTINCT value
            FROM ({date_values or "SELECT CAST(NULL AS VARCHAR) AS value"})
            WHERE value IS NOT NULL
        )
        """  # noqa: S608 - identifiers via quote_ident
    )
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
    # one id per company key: rows are grouped and joined on the integer
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _company_keys AS "
        "SELECT DISTINCT company_id, company_key FROM _companies WHERE company_id IS NOT NULL"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _names AS
        SELECT *, nullif(lower(replace(replace(replace(senryoku_nfkc(
            {_name_expr(lambda f: f if f in name_fields else "CAST(NULL AS VARCHAR)")}),
            ' ', ''), '\t', ''), chr(12288), '')), '') AS name_key
        FROM (SELECT DISTINCT {", ".join(f"{c(f)} AS {f}" for f in name_fields) or "1"} FROM {q} t)
        """  # noqa: S608 - identifiers via quote_ident
    )
    # rows find their name by the name columns as written (no text built per row)
    name_join = " AND ".join(f"n.{f} IS NOT DISTINCT FROM {c(f)}" for f in name_fields) or "false"
    date_joins = "\n".join(
        f"LEFT JOIN _dates d{i} ON d{i}.value = {c(f)}" for i, f in enumerate(date_fields)
    )
    activity = ", ".join(f"d{i}.day" for i in range(len(date_fields)))
    activity = f"coalesce({activity})" if date_fields else "CAST(NULL AS DATE)"
    features = f"""
    CREATE OR REPLACE TEMP TABLE _features AS
    WITH src AS (
        SELECT _row,
            {email_norm} AS email_norm,
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
            {_completeness_mask(mapping, "t")} AS completeness,
            {activity} AS activity_date,
            n.name_key
        FROM {q} t
        {date_joins}
        LEFT JOIN _names n ON {name_join}
    ),
    checked AS (
        SELECT *, coalesce(regexp_full_match(email_norm, {_lit(EMAIL_RE)}), false) AS email_valid
        FROM src
    )
    SELECT _row, email_valid,
        CASE WHEN email_valid THEN hash(email_norm) END AS email_hash,
        CASE WHEN email_valid THEN split_part(email_norm, '@', 2) END AS domain,
        co.company_id,
        CASE WHEN name_key IS NOT NULL
            THEN hash(name_key, coalesce(co.company_id, 0)) END AS name_hash,
        -- a phone number matters only to rows without a valid e-mail
        CASE WHEN email_valid THEN true
            ELSE coalesce(regexp_matches(phone, {_lit(PHONE_RE)}), false)
                OR coalesce(regexp_matches(mobile, {_lit(PHONE_RE)}), false) END AS reachable,
        departed, departed_value, stage_raw, completeness, activity_date
    FROM checked
    LEFT JOIN _companies co USING (company)
    """  # noqa: S608 - identifiers via quote_ident, values bound
    con.execute(features)
    # Grouping a million distinct strings is the expensive part: group their 64-bit
    # hashes, then compare the few rows with a repeated hash exactly (their e-mail
    # from the lead table; names and company keys through the side tables).
    con.execute(
        f"""
    CREATE OR REPLACE TEMP TABLE _duplicates AS
    WITH repeated_emails AS (
        SELECT email_hash FROM _features WHERE email_hash IS NOT NULL
        GROUP BY email_hash HAVING count(*) > 1
    ),
    email_rows AS (
        SELECT _row, min(_row) OVER (PARTITION BY l.email_norm) AS first_row
        FROM (SELECT _row FROM _features SEMI JOIN repeated_emails USING (email_hash)) r
        JOIN _lead_text l USING (_row)
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
        JOIN _names n ON {name_join}
    )
    SELECT _row, 'duplicate_email' AS duplicate, first_row FROM email_rows
    WHERE first_row < _row
    UNION ALL
    SELECT _row, 'duplicate_name', first_row FROM name_rows
    WHERE NOT email_valid AND first_row < _row
    """  # noqa: S608 - identifiers via quote_ident
    )


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
) -> None:
    """Step 2: the ``_classified`` table from ``_features``, the lists, the stage
    mapping and the user's overrides (which win over the computed category)."""
    _load_lists(con, lists)
    _load_stage_map(con, extra_stages or {})
    _load_overrides(con, overrides or {})
    pattern = _keyword_pattern(lists.icp.exclude_keywords)
    kw_expr = (
        "nullif(regexp_extract(lower(senryoku_nfkc(concat_ws(' ', lt.title, lt.company))), ?), '')"
        if pattern
        else "CAST(NULL AS VARCHAR)"
    )
    kw_join = "LEFT JOIN _lead_text lt USING (_row)" if pattern else ""
    party_cases = []
    for kind, category in KIND_CATEGORY.items():
        party_cases.append(
            (
                f"WHEN {kind}_domain IS NOT NULL THEN '{category}'",
                f"WHEN {kind}_domain IS NOT NULL THEN '{kind}_domain'",
                f"WHEN {kind}_domain IS NOT NULL THEN {kind}_domain",
            )
        )
        party_cases.append(
            (
                f"WHEN {kind}_company IS NOT NULL THEN '{category}'",
                f"WHEN {kind}_company IS NOT NULL THEN '{kind}_company'",
                f"WHEN {kind}_company IS NOT NULL THEN {kind}_company",
            )
        )
    cat_cases = "\n".join(p[0] for p in party_cases)
    reason_cases = "\n".join(p[1] for p in party_cases)
    value_cases = "\n".join(p[2] for p in party_cases)
    domain_cols = ", ".join(
        f"min(l.domain) FILTER (WHERE l.kind = '{k}') AS {k}_domain"
        for k in (*KIND_CATEGORY, "free")
    )
    company_cols = ", ".join(
        f"min(name) FILTER (WHERE kind = '{k}') AS {k}_company" for k in KIND_CATEGORY
    )
    sql = f"""
    CREATE OR REPLACE TEMP TABLE _classified AS
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
    con.execute(sql, [pattern] if pattern else [])


class LeadAge(BaseModel):
    """How long ago the leads were last active (or their card was exchanged)."""

    model_config = ConfigDict(extra="forbid")

    source: list[str] = []  # headers the dates come from
    as_of: dt.date | None = None
    buckets: dict[str, int] = {b: 0 for b in AGE_BUCKETS}
    median_months: float | None = None


class TopAccount(BaseModel):
    """One company: its display name, all its leads, its target leads."""

    model_config = ConfigDict(extra="forbid")

    company: str
    leads: int
    targets: int


class LeadProfile(BaseModel):
    """What a lead list holds. ``summary()`` is the CLI JSON contract."""

    model_config = ConfigDict(extra="forbid")

    rows: int
    encoding: str
    columns: dict[str, str]
    categories: dict[str, int]
    stages: dict[str, int]
    examples: dict[str, list[dict]] = {}
    lead_age: LeadAge = LeadAge()
    completeness: dict[str, float] = {}
    top_accounts: list[TopAccount] = []
    notes: list[tuple[str, dict]] = []

    @property
    def target_leads(self) -> int:
        """The real marketing strength: rows classified ``target``."""
        return self.categories.get("target", 0)

    def summary(self) -> dict:
        """The CLI JSON contract: rows, encoding, columns, categories, stages."""
        return {
            "rows": self.rows,
            "encoding": self.encoding,
            "columns": dict(self.columns),
            "categories": {c: self.categories.get(c, 0) for c in CATEGORIES},
            "stages": {s: self.stages.get(s, 0) for s in STAGES},
        }

    def examples_for(self, category: str, lang: str = "ja") -> list[dict]:
        """Example rows of one category with the reason as readable text."""
        out = []
        for ex in self.examples.get(category, []):
            row = {k: v for k, v in ex.items() if k != "reason_value"}
            row["reason"] = describe_reason(ex.get("reason"), ex.get("reason_value"), lang)
            out.append(row)
        return out


def describe_reason(code: str | None, value: str | None, lang: str = "ja") -> str:
    """Why a row got its category, as a sentence in ``lang``."""
    if not code:
        return ""
    if code == "override":
        value = t(f"profile.category.{value}", lang)
    return t(f"profile.reason.{code}", lang, value=value if value is not None else "")


def _display_exprs(mapping: Mapping, alias: str = "") -> dict[str, str]:
    c = lambda f: _col(mapping, f, alias)  # noqa: E731
    return {
        "name": _name_expr(lambda f: _filled(c(f))),
        "company": _filled(c("company")),
        "email": _filled(c("email")),
        "title": _filled(c("title")),
    }


def summarize(
    con: duckdb.DuckDBPyConnection,
    table: str,
    mapping: Mapping,
    encoding: str,
    notes: list[tuple[str, dict]] | None = None,
    as_of: dt.date | None = None,
) -> LeadProfile:
    """Step 3: read the profile from ``_classified`` (completeness from the bits in
    ``_features``; the example rows and company names from the lead table)."""
    categories = {c: 0 for c in CATEGORIES}
    stages = {s: 0 for s in STAGES}
    for category, stage, n in con.execute(
        "SELECT category, stage, count(*) FROM _classified GROUP BY ALL"
    ).fetchall():
        categories[category] = categories.get(category, 0) + int(n)
        if category == "target":
            stages[stage] = stages.get(stage, 0) + int(n)
    rows = sum(categories.values())
    q = quote_ident(table)
    disp_r = _display_exprs(mapping, "r")

    ex_sql = f"""
        WITH picks AS (
            SELECT unnest(min_by(_row, _row, ?)) AS _row FROM _classified GROUP BY category
        )
        SELECT c.category, c._row, {", ".join(f"{e} AS {k}" for k, e in disp_r.items())},
            c.reason, c.reason_value
        FROM picks JOIN _classified c USING (_row) JOIN {q} r USING (_row)
        ORDER BY c.category, c._row
    """  # noqa: S608 - identifiers via quote_ident, values bound
    examples: dict[str, list[dict]] = {c: [] for c in CATEGORIES}
    cur = con.execute(ex_sql, [EXAMPLES_PER_CATEGORY])
    names = [d[0] for d in cur.description]
    for rec in cur.fetchall():
        row = dict(zip(names, rec, strict=True))
        cat = row.pop("category")
        examples.setdefault(cat, []).append({"row": row.pop("_row"), **row})

    lead_age = _lead_age(con, mapping, as_of)

    bits = ", ".join(
        f"count_if(completeness & {1 << i} <> 0)" for i in range(len(COMPLETENESS_FIELDS))
    )
    share = con.execute(f"SELECT {bits} FROM _features").fetchone()  # noqa: S608 - our SQL
    total = rows or 1
    completeness = {
        f: round(int(n) / total, 4) if rows else 0.0
        for f, n in zip(COMPLETENESS_FIELDS, share, strict=True)
    }

    # Shown under the name its rows use most (the first one in the file on a tie).
    top = con.execute(
        f"""
        WITH counts AS (
            SELECT company_id, count(*) AS leads, count_if(category = 'target') AS targets
            FROM _classified WHERE company_id IS NOT NULL
            GROUP BY company_id
        ),
        top AS (
            SELECT counts.*, k.company_key FROM counts JOIN _company_keys k USING (company_id)
            ORDER BY targets DESC, leads DESC, company_key LIMIT {TOP_ACCOUNTS}
        ),
        names AS (
            SELECT t.company_id, l.company, count(*) AS n, min(c._row) AS first_row
            FROM top t JOIN _classified c USING (company_id) JOIN _lead_text l USING (_row)
            GROUP BY ALL
        )
        SELECT arg_max(n.company, (n.n, -n.first_row)), any_value(t.leads), any_value(t.targets)
        FROM top t JOIN names n USING (company_id)
        GROUP BY t.company_id
        ORDER BY any_value(t.targets) DESC, any_value(t.leads) DESC, any_value(t.company_key)
        """  # noqa: S608 - identifiers via quote_ident, values bound
    ).fetchall()
    top_accounts = [TopAccount(company=r[0], leads=int(r[1]), targets=int(r[2])) for r in top]

    return LeadProfile(
        rows=rows,
        encoding=encoding,
        columns={f: h for f, h in mapping.items() if h},
        categories=categories,
        stages=stages,
        examples=examples,
        lead_age=lead_age,
        completeness=completeness,
        top_accounts=top_accounts,
        notes=list(notes or []),
    )


def _lead_age(con: duckdb.DuckDBPyConnection, mapping: Mapping, as_of: dt.date | None) -> LeadAge:
    source = [mapping[f] for f in ("last_activity", "exchange_date") if mapping.get(f)]
    newest = con.execute("SELECT max(activity_date) FROM _classified").fetchone()[0]
    ref = as_of or dt.date.today()
    if newest is not None and newest > ref:
        ref = newest
    r = con.execute(
        """
        SELECT count(*) FILTER (WHERE months < 3),
            count(*) FILTER (WHERE months >= 3 AND months < 12),
            count(*) FILTER (WHERE months >= 12 AND months < 24),
            count(*) FILTER (WHERE months >= 24),
            count(*) FILTER (WHERE months IS NULL), median(months)
        FROM (SELECT datediff('day', activity_date, ?::DATE) / 30.4375 AS months FROM _classified)
        """,
        [ref],
    ).fetchone()
    return LeadAge(
        source=source,
        as_of=ref if newest is not None else None,
        buckets={b: int(n) for b, n in zip(AGE_BUCKETS, r[:5], strict=True)},
        median_months=round(float(r[5]), 1) if r[5] is not None else None,
    )


def list_company_keys(lists: Lists) -> dict[str, list[str | None]]:
    """Kind -> matching keys of its companies (for showing the user what will match)."""
    return {k: company_keys(getattr(lists, k).companies) for k in KIND_CATEGORY}
