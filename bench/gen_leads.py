"""Deterministic generator of realistic, fictional Japanese B2B lead lists.

Writes the committed samples (``--samples sample_data``) in each tool's export format,
and large lists for benchmarks, streamed to disk with bounded memory::

    python -m bench.gen_leads --samples sample_data
    python -m bench.gen_leads --rows 1000000 --encoding cp932 --out bench/data/leads_1m.csv

Every list mixes what the profiler must find: duplicates, rows without e-mail and phone,
own staff, competitors, partners, people who left or moved, free-mail addresses, students.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

REFERENCE_DATE = dt.date(2026, 11, 1)
OWN_DOMAIN, OWN_COMPANY = "senryoku-demo.co.jp", "株式会社戦力デモ"
COMPETITOR_DOMAIN, COMPETITOR_COMPANY = "rival-ma.co.jp", "ライバルマーケ株式会社"
PARTNER_DOMAIN, PARTNER_COMPANY = "partner-agency.jp", "パートナー代理店株式会社"
FREE_MAIL = ["gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com", "outlook.jp", "ezweb.ne.jp"]

SURNAMES = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"), ("髙橋", "タカハシ", "takahashi"),
    ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
    ("石川", "イシカワ", "ishikawa"), ("前田", "マエダ", "maeda"), ("藤田", "フジタ", "fujita"),
    ("岡田", "オカダ", "okada"), ("後藤", "ゴトウ", "goto"), ("長谷川", "ハセガワ", "hasegawa"),
]  # fmt: skip
GIVEN_NAMES = [
    ("太郎", "タロウ", "taro"), ("花子", "ハナコ", "hanako"), ("健", "ケン", "ken"),
    ("翔太", "ショウタ", "shota"), ("美咲", "ミサキ", "misaki"), ("大輔", "ダイスケ", "daisuke"),
    ("由美", "ユミ", "yumi"), ("直樹", "ナオキ", "naoki"), ("陽子", "ヨウコ", "yoko"),
    ("誠", "マコト", "makoto"), ("拓也", "タクヤ", "takuya"), ("恵", "メグミ", "megumi"),
    ("亮", "リョウ", "ryo"), ("彩", "アヤ", "aya"), ("隆", "タカシ", "takashi"),
    ("真由美", "マユミ", "mayumi"), ("浩二", "コウジ", "koji"), ("智子", "トモコ", "tomoko"),
    ("雄一", "ユウイチ", "yuichi"), ("奈々", "ナナ", "nana"), ("修", "オサム", "osamu"),
    ("優子", "ユウコ", "yuko"), ("剛", "ツヨシ", "tsuyoshi"), ("千尋", "チヒロ", "chihiro"),
]  # fmt: skip
REGIONS = [
    ("", ""), ("東京", "tokyo"), ("大阪", "osaka"), ("名古屋", "nagoya"), ("福岡", "fukuoka"),
    ("札幌", "sapporo"), ("仙台", "sendai"), ("広島", "hiroshima"), ("横浜", "yokohama"),
    ("神戸", "kobe"), ("京都", "kyoto"), ("北陸", "hokuriku"), ("四国", "shikoku"),
]  # fmt: skip
STEMS = [
    ("サンプル", "sample"), ("テスト", "test"), ("みらい", "mirai"), ("あおば", "aoba"),
    ("ひかり", "hikari"), ("東都", "toto"), ("北斗", "hokuto"), ("大和", "yamato"),
    ("富士", "fuji"), ("桜", "sakura"), ("朝日", "asahi"), ("中央", "chuo"), ("日本", "nihon"),
    ("関東", "kanto"), ("西日本", "nishinihon"), ("アルファ", "alpha"), ("グローバル", "global"),
]  # fmt: skip
TRADES = [
    ("製作所", "seisakusho"), ("商事", "shoji"), ("工業", "kogyo"), ("システム", "system"),
    ("ソリューションズ", "solutions"), ("物流", "logistics"), ("建設", "kensetsu"),
    ("電機", "denki"), ("化学", "kagaku"), ("食品", "foods"), ("精機", "seiki"),
    ("不動産", "fudosan"), ("情報サービス", "infoservice"), ("ネットワークス", "networks"),
    ("薬品", "yakuhin"), ("印刷", "insatsu"), ("テクノロジー", "technology"),
]  # fmt: skip
LEGAL_FORMS = ["株式会社{}", "{}株式会社", "㈱{}", "(株){}", "（株）{}", "有限会社{}", "合同会社{}"]
LEGAL_WEIGHTS = [40, 30, 8, 8, 4, 6, 4]
ENGLISH_COMPANIES = [
    ("Example Co., Ltd.", "example.co.jp"), ("Acme Japan K.K.", "acme-japan.jp"),
    ("Northwind Trading Inc.", "northwind.example.com"), ("Contoso Japan G.K.", "contoso.jp"),
    ("Blue Harbor Systems Ltd.", "blueharbor.example.com"),
]  # fmt: skip
UNIVERSITIES = [("東都大学", "toto-u.ac.jp"), ("みらい工科大学", "mirai-tech.ac.jp")]
DEPARTMENTS = [
    "営業部", "マーケティング部", "情報システム部", "経営企画室", "総務部", "人事部",
    "製造部", "購買部", "開発部", "営業企画部", "カスタマーサクセス部", "DX推進室",
]  # fmt: skip
TITLES = [
    ("代表取締役社長", 2), ("取締役", 3), ("執行役員", 3), ("部長", 10), ("課長", 14),
    ("係長", 8), ("主任", 10), ("マネージャー", 8), ("リーダー", 5), ("", 22), ("担当", 15),
]  # fmt: skip
DEPARTED_NOTES = ["退職済み", "2025年3月退職", "異動（人事部へ）", "転職のため連絡先変更", "異動"]
BOUNCES = ["550 5.1.1 User unknown", "550 5.1.1 Recipient address rejected", "Mailbox not found"]
PREFECTURES = ["東京都", "大阪府", "愛知県", "福岡県", "北海道", "宮城県", "神奈川県", "兵庫県"]


@dataclass(frozen=True)
class Person:
    """One fictional contact and what the profiler should conclude about them."""

    kind: str  # target own competitor partner departed freemail student unreachable
    last: str
    first: str
    last_kana: str
    first_kana: str
    last_en: str
    first_en: str
    company: str
    domain: str
    email: str
    phone: str
    mobile: str
    title: str
    department: str
    note: str
    bounce: str
    retired: bool
    stage: int  # 0 lead .. 5 won, -1 lost/disqualified
    last_activity: dt.date
    created: dt.date
    prefecture: str


KIND_WEIGHTS = {
    "target": 70,
    "own": 3,
    "competitor": 3,
    "partner": 4,
    "departed": 6,
    "freemail": 6,
    "student": 2,
    "unreachable": 3,
}
STAGE_WEIGHTS = [(0, 45), (1, 18), (2, 9), (3, 8), (4, 6), (5, 4), (-1, 10)]


class LeadFactory:
    """Seeded source of people; ``unique=True`` numbers e-mail addresses so a large list
    has only the duplicates it is meant to have."""

    def __init__(self, seed: int = 7, unique: bool = False) -> None:
        self.rnd = random.Random(seed)
        self.unique = unique
        self.seq = 0

    def _company(self) -> tuple[str, str]:
        r = self.rnd
        if r.random() < 0.06:
            return r.choice(ENGLISH_COMPANIES)
        region, region_en = r.choice(REGIONS)
        stem, stem_en = r.choice(STEMS)
        trade, trade_en = r.choice(TRADES)
        form = r.choices(LEGAL_FORMS, LEGAL_WEIGHTS)[0]
        prefix = f"{region_en}-" if region_en else ""
        return form.format(f"{region}{stem}{trade}"), f"{prefix}{stem_en}-{trade_en}.co.jp"

    def _date(self, max_days: int = 3 * 365) -> dt.date:
        return REFERENCE_DATE - dt.timedelta(days=self.rnd.randint(0, max_days))

    def _phone(self) -> str:
        r = self.rnd
        area = r.choice(["03", "06", "052", "092", "011", "022", "045", "078"])
        local = 8 - len(area) + 2
        return (
            f"{area}-{r.randint(10 ** (local - 5), 10 ** (local - 4) - 1)}-{r.randint(1000, 9999)}"
        )

    def _mobile(self) -> str:
        r = self.rnd
        return f"{r.choice(['090', '080', '070'])}-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}"

    def person(self) -> Person:
        """A new fictional contact of a randomly drawn kind."""
        r = self.rnd
        kind = r.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
        last, last_kana, last_en = r.choice(SURNAMES)
        first, first_kana, first_en = r.choice(GIVEN_NAMES)
        company, domain = self._company()
        title = r.choices([t for t, _ in TITLES], [w for _, w in TITLES])[0]
        department = r.choice(DEPARTMENTS) if r.random() < 0.8 else ""
        note, bounce, retired = "", "", False
        if kind == "own":
            company, domain = OWN_COMPANY, OWN_DOMAIN
        elif kind == "competitor":
            company, domain = COMPETITOR_COMPANY, COMPETITOR_DOMAIN
        elif kind == "partner":
            company, domain = PARTNER_COMPANY, PARTNER_DOMAIN
        elif kind == "student":
            company, domain = r.choice(UNIVERSITIES)
            title, department = "学生", r.choice(["工学部", "経済学部", "大学院 情報学研究科"])
        elif kind == "departed":
            signal = r.random()
            if signal < 0.35:
                title = f"{title}（退職）" if title else "退職"
            elif signal < 0.65:
                note = r.choice(DEPARTED_NOTES)
            elif signal < 0.85:
                bounce = r.choice(BOUNCES)
            else:
                retired = True
        self.seq += 1
        local = r.choice([f"{first_en}.{last_en}", f"{last_en}", f"{first_en[0]}-{last_en}"])
        if self.unique:
            local = f"{local}{self.seq}"
        if kind == "freemail":
            domain = r.choice(FREE_MAIL)
            local = f"{first_en}{last_en}{r.randint(1, 999)}" + (
                str(self.seq) if self.unique else ""
            )
        elif kind == "student" and r.random() < 0.5:
            domain = "gmail.com"
        email = f"{local}@{domain}"
        phone, mobile = self._phone(), (self._mobile() if r.random() < 0.35 else "")
        if kind == "unreachable":
            email, phone, mobile = "", "", ""
        elif r.random() < 0.05:
            phone = ""
        stage = r.choices([s for s, _ in STAGE_WEIGHTS], [w for _, w in STAGE_WEIGHTS])[0]
        if kind != "target" and stage > 1:
            stage = 0
        created = self._date()
        last_activity = min(REFERENCE_DATE, created + dt.timedelta(days=r.randint(0, 400)))
        return Person(
            kind=kind,
            last=last,
            first=first,
            last_kana=last_kana,
            first_kana=first_kana,
            last_en=last_en.capitalize(),
            first_en=first_en.capitalize(),
            company=company,
            domain=domain,
            email=email,
            phone=phone,
            mobile=mobile,
            title=title,
            department=department,
            note=note,
            bounce=bounce,
            retired=retired,
            stage=stage,
            last_activity=last_activity,
            created=created,
            prefecture=r.choice(PREFECTURES),
        )

    def repeat(self, p: Person) -> Person:
        """The same person again: either the same e-mail, or the same name and company
        written differently (another address, another legal-form spelling)."""
        r = self.rnd
        if r.random() < 0.6 or not p.email:
            return replace(p, last_activity=self._date())
        company = p.company
        for long, short in (("株式会社", "㈱"), ("株式会社", "(株)")):
            if long in company:
                company = company.replace(long, short)
                break
        email = p.email.replace("@", ".work@", 1) if r.random() < 0.5 else ""
        return replace(p, company=company, email=email, phone=p.phone or self._phone())

    def people(self, n: int, duplicate_share: float = 0.07) -> Iterator[Person]:
        """``n`` rows of people, about ``duplicate_share`` of them repeats of earlier rows.
        Memory stays bounded: repeats are drawn from a small window of recent people."""
        window: list[Person] = []
        for _ in range(n):
            if window and self.rnd.random() < duplicate_share:
                yield self.repeat(self.rnd.choice(window))
                continue
            p = self.person()
            window.append(p)
            if len(window) > 500:
                window.pop(self.rnd.randrange(len(window)))
            yield p


# --------------------------------------------------------------------------------------
# Export formats: header + row function (+ description rows and footers)

SF_JA_STATUS = {0: "未対応", 1: "対応中", 2: "MQL", 3: "SQL", 4: "商談化", 5: "受注", -1: "対象外"}
SF_EN_STATUS = {
    0: "Open - Not Contacted",
    1: "Working - Contacted",
    2: "MQL",
    3: "SQL",
    4: "Closed - Converted",
    5: "Closed - Converted",
    -1: "Closed - Not Converted",
}
HS_LIFECYCLE = {
    0: "subscriber",
    1: "lead",
    2: "marketingqualifiedlead",
    3: "salesqualifiedlead",
    4: "opportunity",
    5: "customer",
    -1: "other",
}
HS_STATUS = {
    0: "NEW",
    1: "ATTEMPTED_TO_CONTACT",
    2: "OPEN",
    3: "IN_PROGRESS",
    4: "OPEN_DEAL",
    5: "CONNECTED",
    -1: "UNQUALIFIED",
}
MK_STATUS = {0: "新規", 1: "コンタクト中", 2: "MQL", 3: "SQL", 4: "商談", 5: "受注", -1: "失注"}
SOURCES_JA = ["Web", "展示会", "セミナー", "資料ダウンロード", "問い合わせ", "紹介", "購入リスト"]
SOURCES_EN = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other", "Trade Show"]
OWNERS = ["山田 一郎", "佐藤 恵", "中村 健", "高橋 由美"]


def _ymd(d: dt.date, sep: str = "/") -> str:
    return d.strftime(f"%Y{sep}%m{sep}%d")


def _mdy(d: dt.date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


@dataclass(frozen=True)
class ExportFormat:
    """One tool's export: its header, how a person becomes a row, and the extras."""

    header: list[str]
    row: Callable[[Person, random.Random], list[str]]
    encoding: str = "utf-8"
    delimiter: str = ","
    newline: str = "\n"
    quote_all: bool = False
    description: tuple[str, ...] = ()
    footer: Callable[[int], list[str]] | None = None


def _sf_footer(n: int) -> list[str]:
    return [
        f"Grand Totals ({n} records)",
        "",
        "Confidential Information - Do Not Distribute",
        "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.",
    ]


def _sf_ja_row(p: Person, r: random.Random) -> list[str]:
    return [
        r.choice(OWNERS),
        p.last,
        p.first,
        p.title,
        p.company,
        p.email,
        p.phone,
        p.mobile,
        p.prefecture,
        SF_JA_STATUS[p.stage],
        r.choice(SOURCES_JA),
        _ymd(p.last_activity),
        _ymd(p.created),
        p.bounce,
        p.note,
    ]


def _sf_en_row(p: Person, r: random.Random) -> list[str]:
    return [
        r.choice(["Ichiro Yamada", "Megumi Sato", "Ken Nakamura"]),
        p.first_en,
        p.last_en,
        p.title,
        p.company,
        p.email,
        p.phone,
        p.mobile,
        r.choice(SOURCES_EN),
        SF_EN_STATUS[p.stage],
        _mdy(p.last_activity),
        _mdy(p.created),
        p.bounce,
        _mdy(p.last_activity) if p.bounce else "",
        p.note,
    ]


def _hubspot_row(p: Person, r: random.Random) -> list[str]:
    return [
        str(r.randint(10_000_000, 99_999_999)),
        p.first,
        p.last,
        p.email,
        p.phone,
        p.mobile,
        p.company,
        p.title,
        HS_LIFECYCLE[p.stage],
        HS_STATUS[p.stage],
        r.choice(["ORGANIC_SEARCH", "PAID_SEARCH", "OFFLINE", "DIRECT_TRAFFIC", "REFERRALS"]),
        f"{_ymd(p.last_activity, '-')} {r.randint(8, 19):02d}:{r.randint(0, 59):02d}",
        f"{_ymd(p.created, '-')} {r.randint(8, 19):02d}:{r.randint(0, 59):02d}",
        r.choice(OWNERS),
        "Hard bounce: " + p.bounce if p.bounce else "",
        "true" if p.bounce else "false",
        r.choice(["Marketing contact", "Non-marketing contact"]),
        p.company,
    ]


def _marketo_row(p: Person, r: random.Random) -> list[str]:
    return [
        p.first,
        p.last,
        p.email,
        p.company,
        p.title,
        p.department,
        r.choice(SOURCES_JA),
        MK_STATUS[p.stage],
        p.phone,
        _ymd(p.last_activity, "-"),
    ]


def _sansan_row(p: Person, r: random.Random) -> list[str]:
    return [
        p.company,
        p.department,
        p.title,
        p.last,
        p.first,
        p.last_kana,
        p.first_kana,
        p.phone,
        "",
        p.mobile,
        "",
        p.email,
        f"https://www.{p.domain}/" if p.domain.endswith(".co.jp") else "",
        r.choice(["", "展示会2025", "セミナー", "重要顧客"]),
        p.note,
        "JP",
        f"{p.prefecture}中央区1-2-3",
        f"{r.randint(100, 999)}-{r.randint(1000, 9999)}",
        p.prefecture,
        "中央区",
        "1-2-3",
        r.choice(["", "サンプルビル5F", "テストタワー12F"]),
        _ymd(p.last_activity),
        str(r.randint(1_000_000, 9_999_999)),
        r.choice(OWNERS),
        "1" if p.retired else "0",
        _ymd(p.last_activity) if "異動" in p.note else "",
    ]


def _eight_row(p: Person, r: random.Random) -> list[str]:
    return [
        p.company,
        p.department,
        p.title,
        p.last,
        p.first,
        p.email,
        f"{r.randint(100, 999)}-{r.randint(1000, 9999)}",
        f"{p.prefecture}中央区1-2-3",
        p.phone,
        "",
        "",
        "",
        p.mobile,
        f"https://www.{p.domain}/" if p.domain.endswith(".co.jp") else "",
        _ymd(p.last_activity),
        r.choice(["", "", "1"]),
        "",
        "",
    ]


FORMATS: dict[str, ExportFormat] = {
    "salesforce_ja": ExportFormat(
        header=[
            "リード 所有者", "姓", "名", "役職", "会社名 / 取引先", "メール", "電話", "携帯電話",
            "都道府県", "リード 状況", "リードソース", "最終活動日", "作成日", "メール不達の理由",
            "説明",
        ],
        row=_sf_ja_row,
        encoding="cp932",
        newline="\r\n",
        quote_all=True,
        description=("全リード（マーケティング部 共有レポート）", "絞り込み条件: すべてのリード"),
        footer=_sf_footer,
    ),
    "salesforce_en": ExportFormat(
        header=[
            "Lead Owner", "First Name", "Last Name", "Title", "Company / Account", "Email",
            "Phone", "Mobile", "Lead Source", "Lead Status", "Last Activity", "Create Date",
            "Email Bounced Reason", "Email Bounced Date", "Description",
        ],
        row=_sf_en_row,
        quote_all=True,
        footer=_sf_footer,
    ),
    "hubspot": ExportFormat(
        header=[
            "Record ID", "First Name", "Last Name", "Email", "Phone Number",
            "Mobile Phone Number", "Company Name", "Job Title", "Lifecycle Stage", "Lead Status",
            "Original Source", "Last Activity Date", "Create Date", "Contact owner",
            "Email hard bounce reason", "Invalid email address", "Marketing contact status",
            "Associated Company",
        ],
        row=_hubspot_row,
        encoding="utf-8-sig",
    ),
    "marketo": ExportFormat(
        header=[
            "名前(名)", "名前(姓)", "メールアドレス", "企業名", "役職", "部署", "リードのソース",
            "リードのステータス", "代表電話", "最終活動日",
        ],
        row=_marketo_row,
        delimiter="\t",
    ),
    "sansan": ExportFormat(
        header=[
            "会社名", "部署", "役職", "姓", "名", "姓カナ", "名カナ", "TEL1", "TEL2", "携帯番号",
            "Fax", "email1", "URL1", "タグ", "メモ", "国コード", "住所1", "郵便番号", "都道府県",
            "市区町村", "町域・番地", "ビル名", "名刺交換日", "名刺ID", "名刺所有者",
            "退職者フラグ", "人事異動発令日",
        ],
        row=_sansan_row,
        encoding="cp932",
        newline="\r\n",
    ),
    "eight": ExportFormat(
        header=[
            "会社名", "部署名", "役職", "姓", "名", "e-mail", "郵便番号", "住所", "TEL会社",
            "TEL部門", "TEL直通", "Fax", "携帯電話", "URL", "名刺交換日",
            "Eightでつながっている人", "再データ化中の名刺", "'?'を含んだデータ",
        ],
        row=_eight_row,
        encoding="cp932",
        newline="\r\n",
    ),
}  # fmt: skip


def _eight_people(factory: LeadFactory, n: int) -> Iterator[Person]:
    """Eight writes one row per card exchange: people repeat, some under a new company
    with the same e-mail (a job-change signal) or with no company or e-mail."""
    r = factory.rnd
    count = 0
    while count < n:
        p = factory.person()
        cards = r.choices([1, 2, 3, 4, 6], [78, 12, 5, 3, 2])[0]
        for i in range(min(cards, n - count)):
            q = p
            if i and r.random() < 0.3:
                company, domain = factory._company()
                q = replace(p, company=company, domain=domain)
            elif r.random() < 0.03:
                q = replace(p, company="")
            q = replace(q, last_activity=factory._date())
            count += 1
            yield q


def write_list(
    out: Path, fmt_name: str, rows: int, seed: int = 7, encoding: str | None = None
) -> int:
    """Write ``rows`` data rows in the export format ``fmt_name``; returns bytes written.
    Streams row by row (bounded memory), so a million rows is fine."""
    fmt = FORMATS[fmt_name]
    enc = encoding or fmt.encoding
    if enc == "utf-8" and fmt.encoding == "utf-8-sig":
        enc = "utf-8-sig"
    factory = LeadFactory(seed, unique=rows > 2000)
    people = _eight_people(factory, rows) if fmt_name == "eight" else factory.people(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    quoting = csv.QUOTE_ALL if fmt.quote_all else csv.QUOTE_MINIMAL
    with out.open("w", encoding=enc, errors="replace", newline="") as fh:
        writer = csv.writer(
            fh, delimiter=fmt.delimiter, lineterminator=fmt.newline, quoting=quoting
        )
        for line in fmt.description:
            writer.writerow([line])
        if fmt.description:
            fh.write(fmt.newline)
        writer.writerow(fmt.header)
        for p in people:
            writer.writerow(fmt.row(p, factory.rnd))
        if fmt.footer:
            fh.write(fmt.newline)
            for line in fmt.footer(rows):
                if line:
                    writer.writerow([line])
                else:
                    fh.write(fmt.newline)
    return out.stat().st_size


def write_xlsx(out: Path, rows: int, seed: int = 11) -> None:
    """A Japanese Salesforce-style sheet: a title row, a blank row, header, data, and a
    second sheet of notes (only the first sheet is read)."""
    import xlsxwriter

    fmt = FORMATS["salesforce_ja"]
    factory = LeadFactory(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("リード一覧")
    date_fmt = wb.add_format({"num_format": "yyyy/mm/dd"})
    ws.write_row(0, 0, ["リード一覧（営業部 共有）"])
    ws.write_row(2, 0, fmt.header)
    date_cols = {fmt.header.index("最終活動日"), fmt.header.index("作成日")}
    for i, p in enumerate(factory.people(rows), start=3):
        values = fmt.row(p, factory.rnd)
        for j, v in enumerate(values):
            if j in date_cols:
                ws.write_datetime(i, j, dt.datetime.strptime(v, "%Y/%m/%d"), date_fmt)
            else:
                ws.write_string(i, j, v)
    notes = wb.add_worksheet("メモ")
    notes.write_row(0, 0, ["このシートは読み込まれません"])
    wb.close()


SAMPLES = [
    ("salesforce_leads_ja.csv", "salesforce_ja", 300),
    ("salesforce_leads_en.csv", "salesforce_en", 200),
    ("hubspot_contacts.csv", "hubspot", 300),
    ("marketo_leads.tsv", "marketo", 200),
    ("sansan_cards.csv", "sansan", 250),
    ("eight_cards.csv", "eight", 300),
]


def write_samples(directory: Path) -> None:
    """The committed sample files (each a different seed, all under ~100 KB)."""
    for seed, (name, fmt_name, rows) in enumerate(SAMPLES, start=1):
        write_list(directory / name, fmt_name, rows, seed=seed)
    write_xlsx(directory / "leads.xlsx", 200)


def main(argv: list[str] | None = None) -> int:
    """CLI: write the samples or one large list."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, help="write the committed sample files here")
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--format", default="salesforce_ja", choices=sorted(FORMATS))
    ap.add_argument("--encoding", choices=["cp932", "utf-8"], default=None)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if args.samples:
        write_samples(args.samples)
        return 0
    if not args.out:
        ap.error("--out or --samples is required")
    size = write_list(args.out, args.format, args.rows, seed=args.seed, encoding=args.encoding)
    print(f"{args.out}: {args.rows} rows, {size / 1024 / 1024:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
