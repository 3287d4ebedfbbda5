"""Step 3 of the profile: the counts, examples, lead age, completeness and top accounts
read from ``_classified`` into a :class:`~engine.leads.models.LeadProfile`."""

from __future__ import annotations

import datetime as dt

import duckdb

from engine.core.sql import quote_ident
from engine.core.vocab import CATEGORIES, STAGES
from engine.leads.features import (
    COMPLETENESS_FIELDS,
    DATE_FIELDS,
    _col,
    _filled,
    _name_expr,
    completeness_checks,
)
from engine.leads.mapping import Mapping
from engine.leads.models import AGE_BUCKETS, LeadAge, LeadProfile, TopAccount

EXAMPLES_PER_CATEGORY = 5
TOP_ACCOUNTS = 10


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
    counts_only: bool = False,
) -> LeadProfile:
    """Step 3: read the profile from ``_classified`` (completeness, the example rows and
    company names from the lead table)."""
    categories = {c: 0 for c in CATEGORIES}
    stages = {s: 0 for s in STAGES}
    for category, stage, n in con.execute(
        "SELECT category, stage, count(*) FROM _classified GROUP BY ALL"
    ).fetchall():
        categories[category] = categories.get(category, 0) + int(n)
        if category == "target":
            stages[stage] = stages.get(stage, 0) + int(n)
    rows = sum(categories.values())
    columns = {f: h for f, h in mapping.items() if h}
    if counts_only:
        return LeadProfile(
            rows=rows, encoding=encoding, columns=columns, categories=categories, stages=stages
        )
    return LeadProfile(
        rows=rows,
        encoding=encoding,
        columns=columns,
        categories=categories,
        stages=stages,
        examples=_examples(con, quote_ident(table), mapping),
        lead_age=_lead_age(con, mapping, as_of),
        completeness=_completeness(con, quote_ident(table), mapping, rows),
        top_accounts=_top_accounts(con),
        notes=list(notes or []),
    )


def _lead_age(con: duckdb.DuckDBPyConnection, mapping: Mapping, as_of: dt.date | None) -> LeadAge:
    source = [mapping[f] for f in DATE_FIELDS if mapping.get(f)]
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


def _examples(con: duckdb.DuckDBPyConnection, q: str, mapping: Mapping) -> dict[str, list[dict]]:
    """The first rows of each category, with name, company, e-mail, title and reason."""
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
    return examples


def _completeness(
    con: duckdb.DuckDBPyConnection, q: str, mapping: Mapping, rows: int
) -> dict[str, float]:
    """Share of rows that fill each field of COMPLETENESS_FIELDS."""
    counts = ", ".join(f"count_if({check})" for check in completeness_checks(mapping, "t"))
    share = con.execute(f"SELECT {counts} FROM {q} t").fetchone()  # noqa: S608 - our SQL
    total = rows or 1
    return {
        f: round(int(n) / total, 4) if rows else 0.0
        for f, n in zip(COMPLETENESS_FIELDS, share, strict=True)
    }


def _top_accounts(con: duckdb.DuckDBPyConnection) -> list[TopAccount]:
    """The companies with the most target leads (then the most leads)."""
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
    return top_accounts
