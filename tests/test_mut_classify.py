"""Every row's category and reason, on a small list written here, with hand-written lists.

The expected categories follow the documented order (duplicate > invalid > internal >
competitor > partner > departed > out_of_profile > target; within a list a domain before
a company) and only the public LeadSet: they hold whatever SQL computes them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.leads.leadset import LeadSet
from engine.leads.lists import load_lists

HEADERS = ["会社名", "姓", "名", "メール", "電話", "役職", "ライフサイクルステージ", "メモ"]

LISTS = """
own:         {domains: [senryoku-demo.co.jp], companies: [株式会社戦力デモ]}
competitors: {domains: [rival-ma.co.jp], companies: [ライバルマーケ株式会社]}
partners:    {domains: [partner-agency.jp], companies: ["Partner Agency Co., Ltd."]}
icp:         {allow_free_mail: false, exclude_keywords: [学生, 学生課, Student]}
"""

# (company, e-mail, phone, title, stage, notes) -> (category, English reason)
ROWS = [
    (
        ("顧客株式会社", "a@customer.co.jp", "", "部長", "MQL", ""),
        ("target", "no exclusion applies"),
    ),
    (
        ("顧客株式会社", "b@senryoku-demo.co.jp", "", "", "", ""),
        ("internal", "own domain senryoku-demo.co.jp"),
    ),
    (
        ("顧客株式会社", "c@mail.senryoku-demo.co.jp", "", "", "", ""),
        ("internal", "own domain senryoku-demo.co.jp"),
    ),
    (
        ("他社株式会社", "d@notsenryoku-demo.co.jp", "", "", "SQL", ""),
        ("target", "no exclusion applies"),
    ),
    (("戦力デモ㈱", "e@other.co.jp", "", "", "", ""), ("internal", "own company 株式会社戦力デモ")),
    (
        ("顧客株式会社", "f@rival-ma.co.jp", "", "", "", ""),
        ("competitor", "competitor domain rival-ma.co.jp"),
    ),
    (
        ("ライバルマーケ（株）", "g@x.co.jp", "", "", "", ""),
        ("competitor", "competitor ライバルマーケ株式会社"),
    ),
    (
        ("顧客株式会社", "h@partner-agency.jp", "", "", "", ""),
        ("partner", "partner domain partner-agency.jp"),
    ),
    (
        ("PARTNER AGENCY CO.,LTD", "i@y.co.jp", "", "", "", ""),
        ("partner", "partner Partner Agency Co., Ltd."),
    ),
    (
        ("ライバルマーケ株式会社", "j@senryoku-demo.co.jp", "", "", "", ""),
        ("internal", "own domain senryoku-demo.co.jp"),
    ),
    (
        ("株式会社戦力デモ", "k@rival-ma.co.jp", "", "", "", ""),
        ("internal", "own company 株式会社戦力デモ"),
    ),
    (
        ("ライバルマーケ株式会社", "l@partner-agency.jp", "", "", "", ""),
        ("competitor", "competitor ライバルマーケ株式会社"),
    ),
    (
        ("Partner Agency Co., Ltd.", "m@rival-ma.co.jp", "", "", "", ""),
        ("competitor", "competitor domain rival-ma.co.jp"),
    ),
    (
        ("顧客株式会社", "n@customer.co.jp", "", "", "", "退職しました"),
        ("departed", 'notes contain "退職"'),
    ),
    (
        ("顧客株式会社", "o@senryoku-demo.co.jp", "", "", "", "退職"),
        ("internal", "own domain senryoku-demo.co.jp"),
    ),
    (
        ("顧客株式会社", "p@gmail.com", "", "", "", ""),
        ("out_of_profile", "free-mail domain gmail.com"),
    ),
    (
        ("顧客株式会社", "q@customer.co.jp", "", "学生課長", "", ""),
        ("out_of_profile", 'excluded keyword "学生課"'),
    ),
    (
        ("学生サポート株式会社", "r@customer.co.jp", "", "", "", ""),
        ("out_of_profile", 'excluded keyword "学生"'),
    ),
    (
        ("学生サポート株式会社", "s@customer.co.jp", "", "ＳＴＵＤＥＮＴ", "", ""),
        ("out_of_profile", 'excluded keyword "student"'),
    ),
    (
        ("顧客株式会社", "t@gmail.com", "", "学生", "", ""),
        ("out_of_profile", "free-mail domain gmail.com"),
    ),
    (("顧客株式会社", "u@gmail.com", "", "", "", "退職"), ("departed", 'notes contain "退職"')),
    (("株式会社戦力デモ", "", "", "", "", ""), ("invalid", "no valid e-mail and no phone number")),
    (("顧客株式会社", "a@customer.co.jp", "", "", "", ""), ("duplicate", "same e-mail as row 1")),
    (
        ("顧客株式会社", "B@senryoku-demo.co.jp", "", "", "", ""),
        ("duplicate", "same e-mail as row 2"),
    ),
    (("新規顧客株式会社", "", "03-1234-5678", "", "SAL", ""), ("target", "no exclusion applies")),
]


def _write(tmp_path: Path, rows) -> Path:
    path = tmp_path / "leads.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        for i, (company, email, phone, title, stage, notes) in enumerate(rows, start=1):
            w.writerow([company, "山田", f"太郎{i}", email, phone, title, stage, notes])
    return path


def _classified(tmp_path, rows, lists=LISTS, overrides=None, extra=None, lang="en"):
    with LeadSet.open(_write(tmp_path, rows)) as leads:
        if extra:
            leads.set_extra_stages(extra)
        profile = leads.profile(load_lists(lists), overrides)
        reasons = {}
        for category in set(leads.categories()):
            df = leads.rows(category, limit=1000, lang=lang)
            reasons.update(dict(zip(df["_row"], df["reason"], strict=True)))
        got = [(c, reasons[i]) for i, c in enumerate(leads.categories(), start=1)]
    return got, profile


def test_each_row_gets_the_first_category_that_applies(tmp_path):
    """Test that each row's category and reason follow the documented order and the lists."""
    got, _ = _classified(tmp_path, [r for r, _ in ROWS])
    assert got == [expected for _, expected in ROWS]


def test_stages_of_target_rows_are_counted(tmp_path):
    """Test that only target rows are counted by stage, unknown values as unknown."""
    _, profile = _classified(tmp_path, [r for r, _ in ROWS])
    # targets: row 1 MQL, row 4 SQL, row 25 SAL
    assert {k: v for k, v in profile.stages.items() if v} == {"mql": 1, "sql": 1, "sal": 1}


def test_extra_stage_values_win(tmp_path):
    """Test that a value the mapping file adds to a stage is counted there."""
    rows = [
        ("顧客株式会社", "a@customer.co.jp", "", "", "ホット", ""),
        ("顧客株式会社", "b@customer.co.jp", "", "", "MQL", ""),
        ("顧客株式会社", "c@customer.co.jp", "", "", "なぞ", ""),
    ]
    _, profile = _classified(tmp_path, rows, extra={"sql": ["ホット"], "won": ["mql"]})
    assert {k: v for k, v in profile.stages.items() if v} == {"sql": 1, "won": 1, "unknown": 1}


def test_free_mail_allowed_is_a_target(tmp_path):
    """Test that with free mail allowed a gmail address is a target (no keywords, no lists)."""
    lists = "icp: {allow_free_mail: true}"
    rows = [
        ("顧客株式会社", "p@gmail.com", "", "学生", "", ""),
        ("株式会社戦力デモ", "q@senryoku-demo.co.jp", "", "", "", ""),
    ]
    got, _ = _classified(tmp_path, rows, lists=lists)
    assert got == [("target", "no exclusion applies")] * 2


def test_keyword_with_a_space_spans_title_and_company(tmp_path):
    """Test that a keyword with a space matches across the title and the company joined."""
    lists = 'icp: {exclude_keywords: ["sales intern", "  "]}'
    rows = [
        ("Intern Co", "a@customer.co.jp", "", "Sales", "", ""),
        ("Sales Co", "b@customer.co.jp", "", "Intern", "", ""),
        ("Ｓａｌｅｓ Ｉｎｔｅｒｎ", "c@customer.co.jp", "", "", "", ""),
    ]
    got, _ = _classified(tmp_path, rows, lists=lists)
    assert got == [
        ("out_of_profile", 'excluded keyword "sales intern"'),
        ("target", "no exclusion applies"),
        ("out_of_profile", 'excluded keyword "sales intern"'),
    ]


def test_overrides_win_and_say_what_was_computed(tmp_path):
    """Test that a reviewed category wins naming the computed one; confirming keeps the reason."""
    rows = [r for r, _ in ROWS[:3]]
    got, profile = _classified(tmp_path, rows, overrides={1: "competitor", 2: "internal"})
    assert got == [
        ("competitor", "set by you (computed: Target)"),
        ("internal", "own domain senryoku-demo.co.jp"),
        ("internal", "own domain senryoku-demo.co.jp"),
    ]
    assert profile.categories["competitor"] == 1 and profile.categories["target"] == 0


def test_reasons_in_japanese(tmp_path):
    """Test that the reasons are given in Japanese too."""
    got, _ = _classified(tmp_path, [ROWS[1][0], ROWS[15][0]], lang="ja")
    assert [c for c, _ in got] == ["internal", "out_of_profile"]
    assert "senryoku-demo.co.jp" in got[0][1] and "gmail.com" in got[1][1]


@pytest.mark.parametrize("kind", ["own", "competitors", "partners"])
def test_each_list_by_domain_and_by_company(tmp_path, kind):
    """Test that each list alone catches its domain (and subdomains) and its company."""
    category = {"own": "internal", "competitors": "competitor", "partners": "partner"}[kind]
    lists = f"{kind}: {{domains: [example-{kind}.jp], companies: [株式会社{kind}商事]}}"
    rows = [
        ("顧客株式会社", f"a@example-{kind}.jp", "", "", "", ""),
        ("顧客株式会社", f"a@sub.example-{kind}.jp", "", "", "", ""),
        (f"{kind}商事", "b@customer.co.jp", "", "", "", ""),
        ("顧客株式会社", "c@customer.co.jp", "", "", "", ""),
    ]
    got, _ = _classified(tmp_path, rows, lists=lists)
    assert [c for c, _ in got] == [category, category, category, "target"]
