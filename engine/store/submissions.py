"""Consented submissions: what a prospect chose to send to the operator, and what the
operator does with it (list, export, delete, compare peers).

A submission holds the facts, the sales ratings, the recommendation (the diagnosis
contract) and aggregate profile counts (rows, categories, stages) plus the contact the
prospect typed. It never holds lead rows, example rows or top accounts: the profile is
reduced to whitelisted integer counts before anything is written.

``python -m engine.store.submissions hash-password`` prints the ``[admin] password_hash``
line for ``.streamlit/secrets.toml``.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import json
import re
import secrets
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from engine.core.errors import ConfigError, InputError, SenryokuError
from engine.core.vocab import CATEGORIES, PHASES, STAGES
from engine.store.db import Store

PEER_MIN_N = 5

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS submissions (
        id TEXT PRIMARY KEY,
        created_at TIMESTAMP NOT NULL,
        lang TEXT,
        company TEXT NOT NULL,
        contact_name TEXT NOT NULL,
        email TEXT NOT NULL,
        industry TEXT,
        target_leads BIGINT,
        lead_base TEXT,
        placement TEXT,
        ratings TEXT,
        facts TEXT NOT NULL,
        recommendation TEXT NOT NULL,
        profile TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS submissions_industry ON submissions (industry)",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Contact(BaseModel):
    """Who sends the result: typed by the prospect on the results page."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    company: str
    name: str
    email: str

    @field_validator("company", "name", "email")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        value = _CONTROL.sub("", value)
        if not value:
            raise ValueError("empty")
        if len(value) > 200:
            raise ValueError("too long")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError("not an email address")
        return value

    @classmethod
    def from_form(cls, company: str, name: str, email: str) -> Contact:
        """Build a contact from form fields; an unusable field raises InputError naming it."""
        try:
            return cls(company=company or "", name=name or "", email=email or "")
        except ValidationError as exc:
            field = str(exc.errors()[0]["loc"][0])
            raise InputError(f"hosting.contact_{field}_invalid") from None


def ensure_schema(store: Store) -> None:
    """Create the submissions table when it does not exist yet."""
    store.ensure_schema("submissions", SCHEMA)


def _as_dict(obj: Any) -> dict:
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "to_contract"):
        return obj.to_contract()
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"cannot store {type(obj).__name__}")


def aggregate_profile(profile: Any) -> dict | None:
    """Reduce a profile (LeadProfile, its summary dict, or None) to counts only:
    ``{rows, categories, stages}``. Column names, examples and accounts are dropped."""
    if profile is None:
        return None
    if hasattr(profile, "summary"):
        profile = profile.summary()
    elif hasattr(profile, "to_contract"):  # a ProfileSummary
        profile = profile.to_contract()
    if not isinstance(profile, dict):
        return None

    def counts(node: Any, keys: tuple[str, ...]) -> dict[str, int]:
        node = node if isinstance(node, dict) else {}
        return {k: int(node.get(k) or 0) for k in keys}

    return {
        "rows": int(profile.get("rows") or 0),
        "categories": counts(profile.get("categories"), CATEGORIES),
        "stages": counts(profile.get("stages"), STAGES),
    }


def _ratings(facts: dict) -> dict[str, int] | None:
    ratings = (facts.get("sales") or {}).get("ratings")
    if not isinstance(ratings, dict):
        return None
    return {p: ratings[p] for p in PHASES if isinstance(ratings.get(p), int | float)}


def save_submission(
    store: Store,
    facts: Any,
    diagnosis: Any,
    profile_summary: Any,
    contact: Contact,
    consent: bool,
    lang: str = "ja",
) -> str:
    """Store one consented submission and return its id. Without consent nothing is
    written and InputError("hosting.consent_required") is raised."""
    if consent is not True:
        raise InputError("hosting.consent_required")
    if not isinstance(contact, Contact):
        raise TypeError("contact must be a Contact (use Contact.from_form)")
    facts_d = _as_dict(facts)
    contract = _as_dict(diagnosis)
    profile = aggregate_profile(profile_summary)
    industry = (facts_d.get("company") or {}).get("industry")
    target_leads = contract.get("target_leads")
    placement = (contract.get("inside_sales") or {}).get("placement")
    ensure_schema(store)
    submission_id = uuid.uuid4().hex
    store.execute(
        "INSERT INTO submissions (id, created_at, lang, company, contact_name, email, industry,"
        " target_leads, lead_base, placement, ratings, facts, recommendation, profile)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            submission_id,
            datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            lang,
            contact.company,
            contact.name,
            contact.email,
            str(industry) if industry else None,
            int(target_leads) if isinstance(target_leads, int | float) else None,
            contract.get("lead_base"),
            placement,
            json.dumps(_ratings(facts_d), ensure_ascii=False),
            json.dumps(facts_d, ensure_ascii=False, sort_keys=True),
            json.dumps(contract, ensure_ascii=False, sort_keys=True),
            json.dumps(profile, ensure_ascii=False) if profile else None,
        ],
    )
    return submission_id


def _decode(row: dict) -> dict:
    for key in ("ratings", "facts", "recommendation", "profile"):
        value = row.get(key)
        row[key] = json.loads(value) if isinstance(value, str) else None
    return row


def list_submissions(store: Store, limit: int | None = None) -> list[dict]:
    """Submissions, newest first, with their JSON fields decoded."""
    ensure_schema(store)
    sql = "SELECT * FROM submissions ORDER BY created_at DESC, id"
    params: list[Any] = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [_decode(r) for r in store.query(sql, params)]


def delete_submission(store: Store, submission_id: str) -> bool:
    """Delete one submission; True when it existed."""
    ensure_schema(store)
    found = store.query("SELECT id FROM submissions WHERE id = ?", [submission_id])
    if not found:
        return False
    store.execute("DELETE FROM submissions WHERE id = ?", [submission_id])
    return True


def export_frame(store: Store):
    """All submissions as one flat table (pandas DataFrame) for the operator's export."""
    import pandas as pd

    rows = []
    for s in list_submissions(store):
        rec = s["recommendation"] or {}
        initiatives = sorted(rec.get("initiatives") or [], key=lambda i: i.get("rank", 99))
        profile = s["profile"] or {}
        row = {
            "id": s["id"],
            "created_at": str(s["created_at"]),
            "company": s["company"],
            "name": s["contact_name"],
            "email": s["email"],
            "industry": s["industry"],
            "target_leads": s["target_leads"],
            "lead_base": s["lead_base"],
            "inside_sales_placement": s["placement"],
            "first_initiative": initiatives[0].get("id") if initiatives else None,
            "warnings": " ".join(w.get("id", "") for w in rec.get("warnings") or []),
        }
        for phase in PHASES:
            row[f"rating_{phase}"] = (s["ratings"] or {}).get(phase)
        row["profile_rows"] = profile.get("rows")
        for cat in CATEGORIES:
            row[f"category_{cat}"] = (profile.get("categories") or {}).get(cat)
        for stage in STAGES:
            row[f"stage_{stage}"] = (profile.get("stages") or {}).get(stage)
        row["facts_json"] = json.dumps(s["facts"], ensure_ascii=False, sort_keys=True)
        row["recommendation_json"] = json.dumps(rec, ensure_ascii=False, sort_keys=True)
        rows.append(row)
    return pd.DataFrame(rows)


def export_csv(store: Store) -> bytes:
    """All submissions as CSV (UTF-8 with BOM), formula-looking cells neutralised."""
    from engine.leads.export import csv_bytes

    return csv_bytes(export_frame(store))


def export_xlsx(store: Store) -> bytes:
    """All submissions as XLSX, formula-looking cells neutralised."""
    from engine.leads.export import xlsx_bytes

    return xlsx_bytes(export_frame(store), sheet_name="submissions")


def peer_comparison(
    store: Store, industry: str | None, target_leads: int | None, min_n: int = PEER_MIN_N
) -> dict | None:
    """Where ``target_leads`` stands among stored submissions of the same industry
    (all submissions when the industry is unknown). None below ``min_n`` comparable
    submissions. ``your_percentile``: share (0-100) of peers below, ties counted half."""
    if target_leads is None:
        return None
    ensure_schema(store)
    industry = str(industry) if industry else None
    rows = store.query(
        "SELECT count(*) AS n,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY target_leads) AS median,"
        " percentile_cont(0.25) WITHIN GROUP (ORDER BY target_leads) AS p25,"
        " percentile_cont(0.75) WITHIN GROUP (ORDER BY target_leads) AS p75,"
        " avg(CASE WHEN target_leads < ? THEN 1.0 WHEN target_leads = ? THEN 0.5"
        " ELSE 0.0 END) AS below"
        " FROM submissions WHERE target_leads IS NOT NULL"
        " AND (CAST(? AS TEXT) IS NULL OR industry = CAST(? AS TEXT))",
        [int(target_leads), int(target_leads), industry, industry],
    )
    n = int(rows[0]["n"]) if rows else 0
    if n < min_n:
        return None
    r = rows[0]
    return {
        "n": n,
        "median": float(r["median"]),
        "p25": float(r["p25"]),
        "p75": float(r["p75"]),
        "your_percentile": round(float(r["below"]) * 100, 1),
    }


# -- operator password -------------------------------------------------------------------
PBKDF2_ITERATIONS = 600_000


def hash_password(
    password: str, iterations: int = PBKDF2_ITERATIONS, salt: str | None = None
) -> str:
    """``pbkdf2_sha256$<iterations>$<salt>$<hash>`` (salt text, hash base64) for secrets."""
    if not password:
        raise InputError("hosting.password_empty")
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${base64.b64encode(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches a hash made by :func:`hash_password`. A malformed
    hash raises ConfigError (the operator's secrets are wrong, not the password)."""
    try:
        algorithm, iterations_s, salt, expected_b64 = str(encoded).split("$")
        iterations = int(iterations_s)
        expected = base64.b64decode(expected_b64, validate=True)
    except ValueError:
        raise ConfigError("hosting.password_hash_invalid") from None
    if algorithm != "pbkdf2_sha256" or iterations < 1 or not salt or not expected:
        raise ConfigError("hosting.password_hash_invalid")
    digest = hashlib.pbkdf2_hmac("sha256", (password or "").encode(), salt.encode(), iterations)
    return hmac.compare_digest(digest, expected)


def main(argv: list[str] | None = None) -> int:
    """``python -m engine.store.submissions hash-password``: read a password, print its hash."""
    from engine.core.i18n import t

    parser = argparse.ArgumentParser(prog="python -m engine.store.submissions")
    sub = parser.add_subparsers(dest="command", required=True)
    hp = sub.add_parser("hash-password", help="hash the admin password for secrets.toml")
    hp.add_argument("--iterations", type=int, default=PBKDF2_ITERATIONS)
    hp.add_argument("--lang", choices=["ja", "en"], default="ja")
    args = parser.parse_args(argv)
    try:
        if sys.stdin.isatty():
            password = getpass.getpass(t("hosting.cli.password_prompt", args.lang))
            again = getpass.getpass(t("hosting.cli.password_again", args.lang))
            if password != again:
                raise InputError("hosting.password_mismatch")
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        encoded = hash_password(password, iterations=args.iterations)
    except SenryokuError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    print("[admin]")
    print(f'password_hash = "{encoded}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
