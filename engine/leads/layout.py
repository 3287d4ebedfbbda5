"""Where the table is in a decoded sample: delimiter, header row, description rows above it,
report footers below the data, ragged rows.

Real exports put a report title and filter lines above the header (Japanese Salesforce
reports) and totals or a copyright line below the data; the header is found by its words
(Japanese and English), never asked.
"""

from __future__ import annotations

import contextlib
import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from engine.core.errors import InputError, LimitError
from engine.leads.intake import HEADER_SEARCH_ROWS, SAMPLE_BYTES, IngestLimits

DELIMITERS = (",", "\t", ";", "|")

_HEADER_WORDS = {
    # e-mail
    "email", "emailaddress", "mail", "mailaddress", "email1", "email2", "email(1)",
    "メール", "メールアドレス", "eメール", "eメールアドレス", "電子メール", "メールアドレス1",
    # company
    "company", "companyname", "company/account", "account", "accountname", "organization",
    "会社名", "会社名/取引先", "取引先", "取引先名", "企業名", "会社", "法人名", "所属",
    "associatedcompany", "primaryassociatedcompanyid",
    # person
    "lastname", "firstname", "fullname", "name", "contactname", "姓", "名", "氏名", "名前",
    "名前(姓)", "名前(名)", "姓カナ", "名カナ", "フリガナ", "ふりがな", "担当者名", "leadowner",
    "contactowner", "リード所有者", "所有者", "名刺所有者",
    # role
    "title", "jobtitle", "役職", "部署", "部署名", "department", "役職名", "肩書",
    # phone
    "phone", "phonenumber", "mobile", "mobilephone", "mainphone", "tel", "電話", "電話番号",
    "携帯", "携帯電話", "携帯番号", "tel1", "tel会社", "tel部門", "tel直通", "fax", "faxnumber",
    # stage / source / dates
    "status", "leadstatus", "状況", "リード状況", "リードのステータス", "lifecyclestage",
    "leadsource", "リードソース", "リードのソース", "originalsource", "lastactivity",
    "lastactivitydate", "最終活動日", "createdate", "作成日", "名刺交換日", "recordid",
    "リードid", "名刺id", "退職者フラグ", "住所", "address", "郵便番号", "url", "url1",
    "都道府県", "state", "country", "国", "業種", "industry", "評価", "rating",
    "従業員数", "employees", "e-mail",
}  # fmt: skip

_FOOTER_RE = re.compile(
    r"^\s*(?:"
    r"(?:grand\s+totals?|totals?|総計|合計)\s*[(（].*[)）]"
    r"|confidential\s+information.*"
    r"|機密情報.*"
    r"|copyright\s*(?:\(c\)|©).*"
    r")\s*$",
    re.IGNORECASE,
)


def _norm_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s_\-・.:：]+", "", text.replace("e-mail", "email"))


_HEADER_KEYS = {_norm_header(w) for w in _HEADER_WORDS}


def _header_score(cells: list[str]) -> int:
    return sum(1 for c in cells if c and _norm_header(c) in _HEADER_KEYS)


def is_footer_line(text: str) -> bool:
    """True for report footer lines such as ``Grand Totals (5700 records)``."""
    return bool(_FOOTER_RE.match(text or ""))


def unique_headers(raw: list[str]) -> tuple[list[str], list[str], int]:
    """Header names as column names: stripped, blanks named by position, repeated names
    (case-insensitively, as DuckDB compares them) made unique as ``Email (2)``."""
    names: list[str] = []
    seen: set[str] = {"_row"}
    repeated: list[str] = []
    blank = 0
    for i, cell in enumerate(raw, start=1):
        name = (cell or "").replace("\x00", "").replace("\ufeff", "").strip()
        if not name:
            blank += 1
            name = f"column_{i}"
        base, n = name, 1
        while name.lower() in seen:
            n += 1
            name = f"{base} ({n})"
        if n > 1:
            repeated.append(name)
        seen.add(name.lower())
        names.append(name)
    return names, repeated, blank


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> list[str]:
    return _LINE_RE.findall(text)


def _parse_rows(lines: list[str], delimiter: str, limit: int) -> list[tuple[list[str], int]]:
    """Rows parsed with ``delimiter`` and, for each, the number of physical lines consumed
    up to and including it."""
    reader = csv.reader(iter(lines), delimiter=delimiter, quotechar='"', strict=False)
    rows: list[tuple[list[str], int]] = []
    with _fields_up_to(SAMPLE_BYTES):
        try:
            for row in reader:
                rows.append((row, reader.line_num))
                if len(rows) >= limit:
                    break
        except csv.Error:
            pass
    return rows


@contextlib.contextmanager
def _fields_up_to(chars: int) -> Iterator[None]:
    """csv's field size limit (a process-wide setting, 128 KB by default) raised for as
    long as a sample is parsed: a cell may be as long as the whole sample."""
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, chars + 1))
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _is_blank(row: list[str]) -> bool:
    return all(not c.strip() for c in row)


@dataclass
class Layout:
    delimiter: str
    header: list[str]
    data_start_line: int  # physical lines before the first data row
    data_start_chars: int  # characters before the first data row
    description_rows: int
    width: int  # columns to read
    ragged: bool
    bytes_per_row: float  # average in the sample, to estimate progress
    # DuckDB's ``skip`` counts the lines above the data as we do (one kind of line break
    # in the sample, no quoted line break above the data), so it can read the file
    # itself without a copy.
    plain_top: bool = True
    # DuckDB's parallel reader starts each thread at a line break it guesses is a row
    # boundary; only for plainly quoted text (every line of the sample has balanced
    # quotes, one kind of line break) is that as exact as reading on one thread.
    parallel_safe: bool = False


def _choose_delimiter(lines: list[str], complete: bool) -> str:
    body = lines if complete or len(lines) < 2 else lines[:-1]
    best, best_key = ",", (0.0, 0)
    for d in DELIMITERS:
        rows = [r for r, _ in _parse_rows(body, d, 400) if not _is_blank(r)]
        if not rows:
            continue
        counts = Counter(len(r) for r in rows)
        modal, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if modal < 2:
            continue
        key = (round(freq / len(rows), 2), modal)
        if key > best_key:
            best, best_key = d, key
    return best


def detect_layout(text: str, complete: bool, limits: IngestLimits, delimiter=None) -> Layout:
    lines = _lines(text)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut
    delimiter = delimiter or _choose_delimiter(lines, complete)
    parsed = _parse_rows(lines, delimiter, 2000)
    nonblank = [(r, n) for r, n in parsed if not _is_blank(r)]
    if not nonblank:
        raise InputError("ingest.empty_file")
    counts = Counter(len(r) for r, _ in nonblank)
    modal = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    if modal > limits.max_columns:
        raise LimitError("ingest.too_many_columns", columns=modal, max=limits.max_columns)

    candidates = nonblank[:HEADER_SEARCH_ROWS]
    chosen = None
    for idx, (row, _) in enumerate(candidates):
        if len(row) < max(1, modal // 2) and len(row) != modal:
            continue
        need = 1 if len(row) <= 2 else 2
        if _header_score(row) >= need:
            chosen = idx
            break
    if chosen is None:
        chosen = next(i for i, (r, _) in enumerate(nonblank) if len(r) == modal)
    header, consumed = nonblank[chosen]
    if len(header) > limits.max_columns:
        raise LimitError("ingest.too_many_columns", columns=len(header), max=limits.max_columns)
    data_rows = [r for r, n in parsed if n > consumed and not _is_blank(r)]
    width = len(header)
    if data_rows:
        width = max(width, Counter(len(r) for r in data_rows).most_common(1)[0][0])
    width = min(width, limits.max_columns)
    # Short rows are padded without loss; only rows cut to fit are worth telling.
    ragged = any(len(r) > width for r in data_rows)
    # DuckDB guesses the kind of line break from the start of what it reads.
    one_line_end = len({_line_end(x) for x in lines} - {""}) <= 1
    return Layout(
        delimiter=delimiter,
        header=header,
        data_start_line=consumed,
        data_start_chars=sum(len(x) for x in lines[:consumed]),
        description_rows=chosen,
        width=width,
        ragged=ragged,
        bytes_per_row=_bytes_per_row(lines, consumed, len(data_rows)),
        plain_top=one_line_end and _plain_lines(lines[:consumed]),
        parallel_safe=one_line_end and _plain_lines(lines),
    )


def _line_end(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else line[-1:] if line[-1:] in "\r\n" else ""


def _plain_lines(lines: list[str]) -> bool:
    text = "".join(lines)
    return all(x.count('"') % 2 == 0 for x in lines) and "\r" not in text.replace("\r\n", "")


def _bytes_per_row(lines: list[str], consumed: int, rows: int) -> float:
    body = lines[consumed:]
    if not rows or not body:
        return 100.0
    return max(sum(len(x.encode("utf-8")) for x in body[:2000]) / min(rows, 2000), 1.0)
