"""Lead-list profiler: categories, their order, stages, overrides, and the profile's
examples, lead age, completeness and top accounts, on small tables built here."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from engine.core.errors import InputError
from engine.core.sql import quote_ident
from engine.core.vocab import CATEGORIES
from engine.leads.ingest import IngestResult
from engine.leads.leadset import LeadSet
from engine.leads.lists import Lists, load_lists

HEADERS = ["会社名", "姓", "名", "メール", "電話", "役職", "部署", "状況", "メモ"]


def leadset_from_rows(rows: list[dict], headers: list[str] | None = None, mapping=None) -> LeadSet:
    """A LeadSet over a ``raw_leads`` table laid out as ingest writes it."""
    headers = headers or list(dict.fromkeys(k for r in rows for k in r))
    con = duckdb.connect()
    df = pd.DataFrame([[r.get(h) for h in headers] for r in rows], columns=headers, dtype=object)
    df.insert(0, "_row", range(1, len(df) + 1))
    cols = ", ".join(f"CAST(df.{quote_ident(h)} AS VARCHAR) AS {quote_ident(h)}" for h in headers)
    con.execute(
        f'CREATE TABLE raw_leads AS SELECT CAST("_row" AS BIGINT) AS "_row", {cols} FROM df'  # noqa: S608
    )
    result = IngestResult(
        table="raw_leads", encoding="utf-8", delimiter=",", headers=headers, rows=len(rows)
    )
    return LeadSet(con, result, mapping)


def lead(email=None, company="株式会社サンプル商事", last="山田", first="太郎", **extra) -> dict:
    row = {"会社名": company, "姓": last, "名": first, "メール": email}
    row.update(extra)
    return row


def categories_of(rows, lists: Lists | None = None, overrides=None, **kw) -> list[str]:
    with leadset_from_rows(rows, HEADERS, **kw) as leads:
        leads.profile(lists, overrides)
        got = leads.con.execute("SELECT category FROM _classified ORDER BY _row").fetchall()
    return [r[0] for r in got]


LISTS = load_lists(
    """
own:         {domains: [senryoku-demo.co.jp], companies: [株式会社戦力デモ]}
competitors: {domains: [rival-ma.co.jp], companies: [ライバルマーケ株式会社]}
partners:    {domains: [partner-agency.jp], companies: ["Partner Agency Co., Ltd."]}
icp:         {allow_free_mail: false, exclude_keywords: [学生, Student]}
"""
)


def test_duplicate_by_normalized_email_points_to_first_row():
    """Test that an e-mail equal after NFKC, trim and lower-case is a duplicate of row 1."""
    rows = [
        lead("taro@sample.co.jp"),
        lead(" Taro@Sample.CO.JP "),
        lead("ｔａｒｏ＠ｓａｍｐｌｅ．ｃｏ．ｊｐ"),
        lead("hanako@sample.co.jp"),
    ]
    with leadset_from_rows(rows, HEADERS) as leads:
        p = leads.profile()
        review = leads.rows("duplicate", lang="en")
    assert p.categories["duplicate"] == 2 and p.categories["target"] == 2
    assert review["_row"].tolist() == [2, 3]
    assert review["reason"].tolist() == ["same e-mail as row 1"] * 2


def test_duplicate_by_name_and_company_key_when_email_invalid():
    """Test that a row without a valid e-mail repeats an earlier row with the same
    normalised name and company key, but a row with its own valid e-mail does not."""
    rows = [
        lead("taro@abc.co.jp", company="株式会社ABC", last="山田", first="太郎"),
        lead(None, company="ＡＢＣ㈱", last="山田", first="太郎", 電話="03-1234-5678"),
        lead("taro@", company="ABC", last="山田 ", first=" 太郎", 電話="03-1234-5678"),
        lead(None, company="XYZ株式会社", last="山田", first="太郎", 電話="03-1234-5678"),
        lead("other@abc.co.jp", company="株式会社ABC", last="山田", first="太郎"),
    ]
    assert categories_of(rows) == ["target", "duplicate", "duplicate", "target", "target"]


def test_invalid_without_valid_email_and_phone():
    """Test that rows with neither a valid e-mail nor a six-digit phone are invalid."""
    rows = [
        lead("no-at-sign.example.co.jp", last="A"),
        lead(None, last="B", 電話="03-12"),
        lead(None, last="C", 電話="０３－１２３４－５６７８"),
        lead("a@b", last="D"),
        lead("ok@sample.co.jp", last="E"),
        lead(None, last="F", 電話="(03) 1234 5678"),
    ]
    assert categories_of(rows) == ["invalid", "invalid", "target", "invalid", "target", "target"]


def test_internal_competitor_partner_by_domain_parent_domain_and_company_key():
    """Test that own/competitor/partner lists match the domain, a parent of it, or the
    company key, and that a look-alike domain does not match."""
    rows = [
        lead("a@senryoku-demo.co.jp", last="A"),
        lead("b@tokyo.senryoku-demo.co.jp", last="B"),
        lead("c@notsenryoku-demo.co.jp", company="他社", last="C"),
        lead("d@example.co.jp", company="(株)戦力デモ", last="D"),
        lead("e@rival-ma.co.jp", last="E"),
        lead("f@mail.example.jp", company="ﾗｲﾊﾞﾙﾏｰｹ㈱", last="F"),
        lead("g@partner-agency.jp", last="G"),
        lead("h@x.jp", company="PARTNER AGENCY CO.,LTD.", last="H"),
    ]
    got = categories_of(rows, LISTS)
    assert got == [
        "internal",
        "internal",
        "target",
        "internal",
        "competitor",
        "competitor",
        "partner",
        "partner",
    ]


def test_departed_signals():
    """Test that 退職/退社/転職/異動 and English phrases in title, department, status or
    notes, a filled bounce column, or a set retirement flag mark a row departed."""
    headers = HEADERS + ["Email Bounced Reason", "退職者フラグ"]
    rows = [
        lead("a@s.co.jp", last="A", 役職="営業部長（退職）"),
        lead("b@s.co.jp", last="B", 部署="人事異動により不明"),
        lead("c@s.co.jp", last="C", 状況="退社"),
        lead("d@s.co.jp", last="D", メモ="He LEFT THE COMPANY in May"),
        lead("e@s.co.jp", last="E", メモ="no longer with the firm"),
        lead("f@s.co.jp", last="F", **{"Email Bounced Reason": "550 user unknown"}),
        lead("g@s.co.jp", last="G", **{"退職者フラグ": "1"}),
        lead("h@s.co.jp", last="H", **{"退職者フラグ": "TRUE"}),
        lead("i@s.co.jp", last="I", **{"退職者フラグ": "0"}),
        lead("j@s.co.jp", last="J", 役職="部長", メモ="新任"),
    ]
    with leadset_from_rows(rows, headers) as leads:
        p = leads.profile()
        review = leads.rows("departed", lang="en")
    assert p.categories["departed"] == 8
    assert p.categories["target"] == 2
    assert review["reason"].tolist()[:6] == [
        'title contains "退職"',
        'department contains "異動"',
        'status contains "退社"',
        'notes contain "LEFT THE COMPANY"',
        'notes contain "no longer with"',
        "e-mail bounced (550 user unknown)",
    ]


def test_out_of_profile_free_mail_and_keywords():
    """Test that free-mail domains and ICP keywords (NFKC, any case) put a row out of
    profile, and that allow_free_mail keeps free-mail rows as targets."""
    rows = [
        lead("a@gmail.com", last="A"),
        lead("b@docomo.ne.jp", last="B"),
        lead("c@i.softbank.jp", last="C"),
        lead("d@s.co.jp", last="D", 役職="学生"),
        lead("e@s.co.jp", last="E", company="ＳＴＵＤＥＮＴ Union"),
        lead("f@s.co.jp", last="F", 役職="部長"),
    ]
    got = categories_of(rows, LISTS)
    assert got == ["out_of_profile"] * 5 + ["target"]
    allow = LISTS.model_copy(update={"icp": LISTS.icp.model_copy(update={"allow_free_mail": True})})
    assert categories_of(rows, allow)[:3] == ["target"] * 3


def test_order_of_precedence():
    """Test that each row gets the first category that applies, in the documented order."""
    rows = [
        lead("x@senryoku-demo.co.jp", last="A"),
        lead("X@senryoku-demo.co.jp", last="A2"),  # duplicate beats internal
        lead(None, company="株式会社戦力デモ", last="B"),  # invalid beats internal
        lead("c@rival-ma.co.jp", company="パートナー代理店", last="C"),  # competitor > partner
        lead("d@partner-agency.jp", last="D", 役職="退職"),  # partner beats departed
        lead("e@gmail.com", last="E", 役職="異動"),  # departed beats free mail
        lead("f@gmail.com", company="株式会社戦力デモ", last="F"),  # internal beats free mail
    ]
    lists = LISTS.add("partners", company="パートナー代理店")
    assert categories_of(rows, lists) == [
        "internal",
        "duplicate",
        "invalid",
        "competitor",
        "partner",
        "departed",
        "internal",
    ]


def test_user_overrides_win_and_are_explained():
    """Test that {row: category} overrides replace the computed category and say so."""
    rows = [lead("a@gmail.com", last="A"), lead("b@s.co.jp", last="B")]
    with leadset_from_rows(rows, HEADERS) as leads:
        p = leads.profile(LISTS, {1: "target", 2: "competitor"})
        assert p.categories["target"] == 1 and p.categories["competitor"] == 1
        assert p.categories["out_of_profile"] == 0
        review = leads.rows("target", lang="en")
        assert review["reason"].tolist() == ["set by you (computed: Out of profile)"]
        with pytest.raises(InputError) as exc:
            leads.profile(LISTS, {1: "vip"})
    assert exc.value.code == "profile.unknown_category"


def test_stages_lifecycle_wins_and_custom_values():
    """Test that a non-empty lifecycle stage wins over the status, stages count only
    target rows, and extra stage values from the mapping file apply."""
    headers = ["Email", "Last Name", "Lifecycle Stage", "Lead Status"]
    rows = [
        {"Email": "a@s.co.jp", "Lifecycle Stage": "marketingqualifiedlead", "Lead Status": "NEW"},
        {"Email": "b@s.co.jp", "Lifecycle Stage": "", "Lead Status": "Open - Not Contacted"},
        {"Email": "c@s.co.jp", "Lifecycle Stage": "Sales Qualified Lead", "Lead Status": ""},
        {"Email": "d@s.co.jp", "Lifecycle Stage": "customer"},
        {"Email": "e@s.co.jp", "Lifecycle Stage": "opportunity"},
        {"Email": "f@s.co.jp", "Lead Status": "ホット"},
        {"Email": "g@s.co.jp", "Lifecycle Stage": "ISQL"},
        {"Email": "h@s.co.jp", "Lifecycle Stage": "other"},
        {"Email": "i@gmail.com", "Lifecycle Stage": "customer"},
    ]
    with leadset_from_rows(rows, headers) as leads:
        p = leads.profile()
        assert p.stages == {
            "lead": 1,
            "mql": 1,
            "isal": 0,
            "isql": 1,
            "sal": 0,
            "sql": 2,
            "won": 1,
            "unknown": 2,
        }
        assert sum(p.stages.values()) == p.categories["target"] == 8
        leads.set_extra_stages({"mql": ["ホット"]})
        p2 = leads.profile()
    assert p2.stages["mql"] == 2 and p2.stages["unknown"] == 1


def test_profile_examples_lead_age_completeness_top_accounts():
    """Test the profile's examples, lead age buckets and median, completeness shares and
    top accounts (companies grouped by key) with real numbers."""
    headers = ["会社名", "氏名", "メール", "電話", "役職", "最終活動日"]
    rows = [
        {"会社名": "株式会社ABC", "氏名": "A", "メール": "a@abc.co.jp", "最終活動日": "2026/10/01"},
        {"会社名": "ABC㈱", "氏名": "B", "メール": "b@abc.co.jp", "最終活動日": "2026-05-01 10:00"},
        {"会社名": "株式会社ABC", "氏名": "C", "メール": "c@gmail.com", "最終活動日": "2025/06/01"},
        {
            "会社名": "XYZ",
            "氏名": "D",
            "メール": "d@xyz.jp",
            "役職": "部長",
            "最終活動日": "2020/1/1",
        },
        {"会社名": "XYZ", "氏名": "E", "電話": "03-1234-5678", "最終活動日": "不明"},
        {"氏名": "F"},
    ]
    with leadset_from_rows(rows, headers) as leads:
        p = leads.profile(as_of=dt.date(2026, 11, 1))
    assert p.rows == 6 and sum(p.categories.values()) == 6
    assert p.categories == {
        "target": 4,
        "duplicate": 0,
        "invalid": 1,
        "internal": 0,
        "competitor": 0,
        "partner": 0,
        "departed": 0,
        "out_of_profile": 1,
    }
    assert [e["row"] for e in p.examples["target"]] == [1, 2, 4, 5]
    assert p.examples["invalid"][0]["name"] == "F"
    assert p.examples_for("out_of_profile", "en")[0]["reason"] == "free-mail domain gmail.com"
    assert p.lead_age.source == ["最終活動日"]
    assert p.lead_age.buckets == {"<3m": 1, "3-12m": 1, "1-2y": 1, ">2y": 1, "unknown": 2}
    # 1.0, 6.0, 17.0 and 82.0 months -> median 11.5
    assert p.lead_age.median_months == pytest.approx(11.5, abs=0.1)
    assert p.completeness == {
        "email": round(4 / 6, 4),
        "company": round(5 / 6, 4),
        "name": 1.0,
        "phone": round(1 / 6, 4),
        "title": round(1 / 6, 4),
        "stage": 0.0,
    }
    top = [(a.company, a.leads, a.targets) for a in p.top_accounts]
    assert top == [("株式会社ABC", 3, 2), ("XYZ", 2, 2)]


def test_repeated_dates_companies_and_names_count_each_row_once():
    """Test that rows sharing a date, a company and a name (normalised once per distinct
    value) are each classified once: 5 rows in, 5 categories out, dates in one bucket."""
    headers = ["会社名", "氏名", "メール", "最終活動日"]
    rows = [
        {"会社名": "株式会社ABC", "氏名": "山田 太郎", "メール": m, "最終活動日": "2026/10/01"}
        for m in ("a@abc.co.jp", "b@abc.co.jp", "c@abc.co.jp", None, None)
    ]
    with leadset_from_rows(rows, headers) as leads:
        p = leads.profile(as_of=dt.date(2026, 11, 1))
        n = leads.con.execute("SELECT count(*) FROM _classified").fetchone()[0]
    assert p.rows == 5 and n == 5
    # rows 4 and 5 have no e-mail: same name and company as row 1, so duplicates of it
    assert p.categories["target"] == 3 and p.categories["duplicate"] == 2
    assert p.lead_age.buckets["<3m"] == 5
    assert [(a.company, a.leads, a.targets) for a in p.top_accounts] == [("株式会社ABC", 5, 3)]


def test_summary_contract_and_cleaned_targets():
    """Test that summary() is the CLI contract and cleaned_targets() keeps the original
    columns of target rows only, in file order."""
    rows = [lead("a@s.co.jp", last="A"), lead(None, last="B"), lead("c@s.co.jp", last="C")]
    with leadset_from_rows(rows, HEADERS) as leads:
        s = leads.profile().summary()
        clean = leads.cleaned_targets()
    assert list(s) == ["rows", "encoding", "columns", "categories", "stages"]
    assert list(s["categories"]) == list(CATEGORIES)
    assert s["rows"] == 3 and s["categories"]["target"] == 2 and s["categories"]["invalid"] == 1
    assert s["columns"]["email"] == "メール" and "phone" in s["columns"]
    assert list(clean.columns) == HEADERS
    assert clean["姓"].tolist() == ["A", "C"]


def test_hostile_headers_and_cells_are_data():
    """Test that quotes and SQL in header names and cells are read as text."""
    headers = ['Email"; DROP TABLE raw_leads;--', "Last Name"]
    rows = [
        {headers[0]: "a@s.co.jp", "Last Name": "'); DROP TABLE x;--"},
        {headers[0]: '=HYPERLINK("x")', "Last Name": "B"},
    ]
    with leadset_from_rows(rows, headers, mapping={"email": headers[0]}) as leads:
        p = leads.profile()
        assert p.categories["target"] == 1 and p.categories["invalid"] == 1
        assert leads.cleaned_targets()["Last Name"].tolist() == ["'); DROP TABLE x;--"]


def test_present_shortcut_equals_trimming_for_every_first_character():
    """Test that completeness's shortcut (decide by the first character when it is no
    space) counts exactly what trimming would, for every character up to U+3100 as a
    value alone and followed by a letter, and for empty and NULL cells."""
    from engine.leads.features import _present

    con = duckdb.connect()
    values = [None, ""] + [chr(cp) for cp in range(1, 0x3100) if not 0xD800 <= cp < 0xE000]
    values += [v + "a" for v in values[2:]]
    present = _present("v")
    sql = (
        f"SELECT count_if(({present}) <> coalesce(ltrim(v) <> '', false)), count_if({present}) "  # noqa: S608 - our SQL
        "FROM unnest(?::VARCHAR[]) AS t(v)"
    )
    got = con.execute(sql, [values]).fetchone()
    con.close()
    # 17 space separators alone are blank; everything else holds something
    assert got == (0, len(values) - 2 - 17)


def test_keyword_reason_is_the_titles_first_and_a_spaced_keyword_spans_both():
    """Test that an ICP keyword found in both title and company is reported from the
    title (as when they are read joined by a space), one in the company alone from the
    company, and that a keyword with a space
    matches across the end of the title and the start of the company."""
    rows = [
        lead("a@s.co.jp", last="A", company="Ｓｔｕｄｅｎｔ商会", 役職="学生"),
        lead("b@s.co.jp", last="B", company="学生協会", 役職="Student"),
        lead("c@s.co.jp", last="C", company="株式会社X", 役職="部長"),
        lead("d@s.co.jp", last="D", company="学生サポート株式会社", 役職="課長"),
    ]
    icp = LISTS.icp.model_copy(update={"exclude_keywords": ["Student", "学生"]})
    with leadset_from_rows(rows, HEADERS) as leads:
        leads.profile(LISTS.model_copy(update={"icp": icp}))
        values = leads.con.execute("SELECT reason_value FROM _classified ORDER BY _row").fetchall()
    assert values == [("学生",), ("student",), (None,), ("学生",)]
    spanning = LISTS.icp.model_copy(update={"exclude_keywords": ["部長 株式"]})
    got = categories_of(rows, LISTS.model_copy(update={"icp": spanning}))
    assert got == ["target", "target", "out_of_profile", "target"]
