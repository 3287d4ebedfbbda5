"""Company matching key and the text normalisation the profiler's SQL relies on.

The key is NFKC, lower-case, legal forms removed wherever they stand (株式会社, ㈱,
(株), Co., Ltd. in all spellings, K.K. ...), spaces and punctuation removed. It is only
a matching key: the displayed company name is never changed.

DuckDB has ``nfc_normalize`` but no NFKC, and a character table in ``translate()`` is
very slow, so NFKC is a Python function that the SQL calls only for the values that hold a
character NFKC can change (the gate), each distinct value once where it can. A Python
function rather than pyarrow's vectorised one: few values pass the gate, and importing
pyarrow would cost every command-line profile a tenth of a second.
"""

from __future__ import annotations

import importlib
import re
import sys
import threading
import unicodedata
from functools import cache
from pathlib import Path

import duckdb

from engine.leads.reference import legal_forms_file

DATA_DIR = Path(__file__).resolve().parent / "data"
NFKC_UDF = "senryoku_nfkc_udf"


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


GATE_FILE = DATA_DIR / "nfkc_gate.txt"


@cache
def nfkc_gate() -> str:
    """An RE2 character class of every character NFKC may change or combine: text
    without any of them is already NFKC, so the Python function is called only for the
    few values that need it. Read from ``engine/leads/data/nfkc_gate.txt`` (computing it costs
    every CLI run about 20 ms) when that file was written for this Python's Unicode
    version."""
    try:
        version, gate = GATE_FILE.read_text(encoding="utf-8").split("\n", 1)
    except (OSError, ValueError):
        return compute_nfkc_gate()
    return gate.strip() if version == unicodedata.unidata_version else compute_nfkc_gate()


def write_nfkc_gate() -> None:
    """Rewrite ``engine/leads/data/nfkc_gate.txt`` for this Python's Unicode version
    (``python -c "from engine.leads.companies import write_nfkc_gate; write_nfkc_gate()"``)."""
    # the gate is ASCII (\x{..} escapes): the encoding cannot matter (mutmut: equivalent)
    text = f"{unicodedata.unidata_version}\n{compute_nfkc_gate()}\n"
    GATE_FILE.write_text(text, encoding="utf-8")  # pragma: no mutate


def compute_nfkc_gate() -> str:
    """The gate's character class, computed from ``unicodedata``."""
    # NFKC changes nothing below U+00A0, at U+30000 or at the surrogates' edges, so moving
    # these bounds by one is no change a test can see (mutmut: equivalent)
    cps = [
        cp
        for cp in range(0xA0, 0x30000)  # pragma: no mutate
        if not 0xD800 <= cp < 0xE000  # pragma: no mutate
        and (unicodedata.combining(chr(cp)) or not unicodedata.is_normalized("NFKC", chr(cp)))
    ]
    cps += [*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]  # Hangul jamo that compose
    ranges: list[tuple[int, int]] = []
    for cp in sorted(set(cps)):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    part = lambda a, b: f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}"  # noqa: E731
    return "[" + "".join(part(a, b) for a, b in ranges) + "]"


@cache
def legal_forms() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(japanese substrings, english words) from ``engine/leads/data/legal_forms.yaml``,
    NFKC and lower-cased, longest first so 医療法人社団 goes before 医療法人."""
    data = legal_forms_file()
    ja = {unicodedata.normalize("NFKC", s).lower() for s in data.japanese}
    en = {unicodedata.normalize("NFKC", s).lower() for s in data.english}
    by_length = lambda s: (-len(s), s)  # noqa: E731
    return tuple(sorted(ja, key=by_length)), tuple(sorted(en, key=by_length))


@cache
def _patterns() -> tuple[str, str]:
    ja, en = legal_forms()
    ja_re = "|".join(re.escape(s) for s in ja)
    en_re = r"\b(?:" + "|".join(r"\s+".join(re.escape(w) for w in s.split()) for s in en) + r")\b"
    return ja_re, en_re


def preload() -> None:
    """Import what :func:`install` needs in a background thread: DuckDB imports numpy to
    register a Python function (0.16 s), which can happen while a list is being read
    (DuckDB releases the GIL)."""
    if "numpy" not in sys.modules:
        threading.Thread(target=importlib.import_module, args=("numpy",), daemon=True).start()


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Register the NFKC function and the ``senryoku_nfkc`` / ``company_key`` macros on a
    connection (idempotent). Call :func:`uninstall` before closing the connection."""
    # The types, "native" (the default) and side_effects (an optimiser hint) give the same
    # function whatever their spelling, and the "exists" wording is an older DuckDB's: no test
    # on the pinned DuckDB can tell their mutants apart (mutmut: equivalent).
    # pragma: no mutate start
    try:
        con.create_function(
            NFKC_UDF, _nfkc, ["VARCHAR"], "VARCHAR", type="native", side_effects=False
        )
    except duckdb.Error as exc:
        # DuckDB 1.x says "is already created" (NotImplementedException), older "exists"
        if "already created" not in str(exc) and "already exists" not in str(exc):
            raise
    # pragma: no mutate end
    ja_re, en_re = _patterns()
    # Macros cannot take bound parameters; the patterns come from our own data file,
    # not from user input, and are passed as SQL string literals.
    lit = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731
    # SQL keywords and names are case-blind: the case mutants of these lines are equivalent
    con.execute(
        "CREATE OR REPLACE TEMP MACRO senryoku_nfkc(x) AS "  # pragma: no mutate
        f"CASE WHEN strlen(x) = length(x) THEN x WHEN regexp_matches(x, {lit(nfkc_gate())}) "
        f"THEN {NFKC_UDF}(x) ELSE x END"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO company_key(x) AS nullif(regexp_replace("  # pragma: no mutate
        "regexp_replace(regexp_replace(regexp_replace(lower(senryoku_nfkc(x)), "  # pragma: no mutate
        f"{lit(ja_re)}, ' ', 'g'), '[.,]', ' ', 'g'), {lit(en_re)}, ' ', 'g'), "
        r"'[\s\p{P}\p{S}]+', '', 'g'), '')"
    )


def uninstall(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the Python function from the connection so nothing dangles at exit."""
    try:
        con.remove_function(NFKC_UDF)
    except (duckdb.Error, ValueError):
        pass


def company_keys(names: list[str | None]) -> list[str | None]:
    """Matching keys of several company names (same SQL as the profiler uses)."""
    con = duckdb.connect()
    try:
        install(con)
        rows = con.execute(
            # case-blind SQL: its case mutants are equivalent
            "SELECT company_key(n) FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS t(n, i) ORDER BY i",  # pragma: no mutate
            [list(names)],
        ).fetchall()
        return [r[0] for r in rows]
    finally:
        uninstall(con)
        con.close()


def company_key(name: str | None) -> str | None:
    """Matching key of one company name: ``company_key("㈱ＡＢＣ商事") == "abc商事"``;
    ``None`` when nothing is left (empty name or only a legal form)."""
    return company_keys([name])[0]


def nfkc(text: str) -> str:
    """NFKC in Python, for small values (list entries, keywords, header names)."""
    return unicodedata.normalize("NFKC", text)
