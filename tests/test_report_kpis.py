"""The report's list composition, KPI table and conclusion, from fixed diagnoses.

Numbers worked out by hand: a goal of 60 deals a year is 5 won a month; at a 25% win rate
20 SQL, at SAL → SQL 50% 40 ISQL (= SAL), at MQL → ISQL 50% 80 MQL, at lead → MQL 20% 400
new leads. Today's 200 new leads reach 40 MQL → 20 ISQL → 10 SQL → 2.5 won a month (30 a
year, 50% of the goal); 5 reps × 4 opportunities = 20 SQL a month, 5 won (60 a year).
"""

from __future__ import annotations

import re
from html import unescape

from engine.diagnosis.diagnose import diagnose
from engine.reports.diagnosis import build_report
from engine.reports.html import render_html
from engine.reports.markdown import render_markdown
from tests.test_plan_properties import ALLOWED_ENGLISH, ENGLISH

FACTS = {
    "marketing": {
        "target_leads": 2000,
        "monthly_new_leads": 200,
        "ma_in_use": True,
        "mql_definition_agreed": True,
        "conversion_rates": {"lead_to_mql": 0.2, "mql_to_sal": 0.5, "sal_to_sql": 0.5},
    },
    "sales": {
        "headcount": 5,
        "opportunities_per_rep_month": 4,
        "win_rate": 0.25,
        "sales_cycle_months": 3,
        "inside_sales_headcount": 0,
        "style": "other",
        "ratings": {"appointment": 2, "relationship": 2, "opportunity": 3, "closing": 5},
    },
    "goals": {"new_deals_per_year": 60},
}
CATEGORIES = {
    "target": 2000,
    "duplicate": 500,
    "invalid": 100,
    "internal": 50,
    "competitor": 50,
    "partner": 100,
    "departed": 100,
    "out_of_profile": 100,
}
PROFILE = {"rows": 3000, "categories": CATEGORIES, "stages": {}}
SAMPLE_STAGES = {"lead": 130, "mql": 9, "sal": 0, "sql": 30, "won": 13, "unknown": 26}


def _markdown(facts: dict, profile: dict | None, lang: str) -> str:
    return render_markdown(build_report(diagnose(facts, profile, lang)))


def _table_after(markdown: str, header_start: str) -> list[str]:
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return lines[start:end]


def test_composition_counts_and_shares_of_every_category():
    """Test that the list's 3,000 rows are shown by category with their share, in the
    profile's order, with the total."""
    md = _markdown(FACTS, PROFILE, "ja")
    assert "3,000 行のうち、ターゲットリードは 2,000 件 (66.7%) です。" in md
    assert _table_after(md, "| 区分 |") == [
        "| 区分 | 件数 | 割合 |",
        "|---|---|---|",
        "| ターゲット | 2,000 | 66.7% |",
        "| 重複 | 500 | 16.7% |",
        "| 連絡先なし | 100 | 3.3% |",
        "| 自社 | 50 | 1.7% |",
        "| 競合 | 50 | 1.7% |",
        "| パートナー | 100 | 3.3% |",
        "| 退職・異動・不達 | 100 | 3.3% |",
        "| 対象外 | 100 | 3.3% |",
        "| 合計 | 3,000 | 100% |",
    ]
    assert "| 区分 |" not in _markdown(FACTS, None, "ja")


def test_kpi_table_required_reachable_capacity_and_isal_with_inside_sales():
    """Test that with inside sales the table runs MQL → ISAL → ISQL → SAL → SQL → won with
    the plan's numbers, no ISAL number the plan does not compute, and what each rests on."""
    d = diagnose(FACTS, None, "en")
    assert d.inside_sales.placement == "qualify_before_sales"
    md = render_markdown(build_report(d))
    rows = _table_after(md, "| Stage | Needed")
    assert [r.split(" | ")[:5] for r in rows[2:]] == [
        ["| New leads", "400", "200", "—", "—"],
        ["| MQL", "80", "40", "—", "20%"],
        ["| ISAL", "—", "—", "—", "—"],
        ["| ISQL", "40", "20", "—", "50%"],
        ["| SAL", "40", "20", "—", "—"],
        ["| SQL (opportunity)", "20", "10", "20", "50%"],
        ["| Won", "5", "2.5", "5", "25%"],
    ]
    assert rows[4].endswith(
        "does not plan ISAL (MQLs inside sales accepted) on its own; measure it from month 1 |"
    )
    assert rows[6].endswith(
        "| As many as ISQL (sales accept each ISQL or return it with a reason: the SLA) |"
    )
    assert rows[8].endswith("| 25% | Your answer |")
    assert (
        "Won deals a year: goal 60 / reachable from today's inflow 30 / sales capacity 60 / "
        "expected in year 1 22.5"
    ) in md


def test_conclusion_opens_with_the_answer_and_the_goals_feasibility():
    """Test that the report opens with placement, first initiative, target leads and the
    goal against inflow and capacity (30 of 60 reachable, 60 the team can close)."""
    md = _markdown(FACTS, None, "en")
    first = md.split("## ")[1].splitlines()
    labels = [line.split("**")[1] for line in first if line.startswith("- **")]
    assert labels == ["Inside sales", "Start with", "Target leads", "Deal goal"]
    assert (
        "- **Deal goal**: 60 deals a year — beyond what today's inflow reaches. Today's inflow "
        "reaches 30 a year (50% of the goal), the sales team can close 60 a year, 22.5 deals "
        "expected in year 1 (a 3-month sales cycle)"
    ) in md


def test_a_benchmark_says_why_the_list_did_not_give_the_rate():
    """Test that the sample's stages (no row at SAL) print SAL → SQL as the dated benchmark
    with its range and the reason, and the list's own rates with their rows."""
    facts = {k: dict(v) for k, v in FACTS.items()}
    facts["marketing"] = {"target_leads": 208, "monthly_new_leads": 20}
    facts["sales"] = {k: v for k, v in FACTS["sales"].items() if k != "win_rate"}
    profile = {"rows": 208, "categories": {"target": 208}, "stages": SAMPLE_STAGES}
    md = _markdown(facts, profile, "ja")
    sql = next(r for r in _table_after(md, "| 段階 | 目標に必要") if r.startswith("| SQL"))
    assert sql.endswith(
        "| 50% | Aporo, 2025 (目安の幅 40–60%、ベンダー推計) — リストでは SAL の段階を"
        "使っていない (この段階の行が 0 件) ため、ベンチマークを使いました |"
    )
    assert "| 30.2% | リストの段階 (43 件)、95% の幅 18.6%–45.1% |" in md


def test_markdown_and_html_sections_in_the_same_order():
    """Test that both flavours give the answer, then the reasons, then how to refine."""
    d = diagnose(FACTS, PROFILE, "ja")
    md = render_markdown(build_report(d, None))
    html = render_html(build_report(d, None))
    md_heads = re.findall(r"^## (.+)$", md, flags=re.M)
    html_heads = [unescape(h) for h in re.findall(r"<h2>(.+?)</h2>", html)]
    assert md_heads == html_heads
    assert md_heads[0] == "結論" and md_heads[-2:] == ["前提と出典", "精度を上げるには"]


def test_japanese_report_holds_no_english_words():
    """Test that the Japanese Markdown and HTML reports of the sample-like company hold no
    English word but funnel acronyms, product names and citation titles."""
    profile = {"rows": 3000, "categories": CATEGORIES, "stages": SAMPLE_STAGES}
    for facts in (FACTS, {"marketing": {"target_leads": 300}}):
        report = build_report(diagnose(facts, profile, "ja"))
        html = render_html(report)
        body = unescape(re.sub(r"<[^>]+>", " ", html.split("<body>", 1)[1]))
        for text in (render_markdown(report), body):
            stray = set(ENGLISH.findall(text)) - ALLOWED_ENGLISH - {"KPI"}
            assert not stray, stray


def test_waterfall_chart_shows_the_kpi_tables_numbers():
    """Test that the placement chart writes a monthly need as the table does: 24 deals a
    year at the sample's rates need 26.4638 MQL a month, shown as 27 in both."""
    from engine.reports.charts import placement_waterfall

    facts = {
        "marketing": {"target_leads": 208, "monthly_new_leads": 20},
        "sales": {k: v for k, v in FACTS["sales"].items() if k != "win_rate"},
        "goals": {"new_deals_per_year": 24},
    }
    profile = {"rows": 208, "categories": {"target": 208}, "stages": SAMPLE_STAGES}
    d = diagnose(facts, profile, "ja")
    # 2 won a month ÷ 0.3023 (list) ÷ 0.5 (SAL → SQL) ÷ 0.5 (MQL → SAL, benchmarks)
    assert d.plan.per_month.required.mql == 26.4638
    chart = {r["key"]: r["value"] for r in placement_waterfall(d, None, "ja")["rows"]}
    assert chart == {"mql": 27, "isql": 14, "sal": 14, "sql": 6.6}
    md = render_markdown(build_report(d))
    assert "| MQL | 27 | 5.7 |" in md
