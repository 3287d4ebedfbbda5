"""The team result as one report structure, built once from the team models and rendered by
every flavour: the team page (``pages/team.py`` through ``ui/team_result.py``), the Markdown
report (:func:`engine.reports.markdown.team_to_markdown`) and the HTML report
(:func:`engine.reports.html.team_to_html`).

Every string here is plain text. ``company`` and the answers' ``display_name`` and
``comment`` are what users typed: each flavour escapes them for its format (Markdown
escapes, Jinja2 autoescapes, the page shows them as text), none interprets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.core.i18n import t
from engine.core.vocab import PHASES
from engine.reports.charts import team_chart_rows
from engine.reports.structure import Column, Table
from engine.team.models import ROLES, Response, TeamResult, TeamRound


@dataclass(frozen=True)
class RoleBar:
    """One bar of the role chart: a role's mean rating of a phase."""

    phase: str
    role: str
    mean: float
    color: str
    first_of_phase: bool


@dataclass(frozen=True)
class TeamReport:
    """What every team flavour shows, in one language."""

    lang: str
    company: str  # user text
    raters: int
    meta: tuple[str, ...]  # raters, started, closed
    heading: str
    empty: str  # shown instead of the result when nobody rated
    result: Table
    flag_notes: tuple[str, ...]
    flag_none: str
    chart_title: str
    bars: tuple[RoleBar, ...]
    gap_heading: str
    gap_lines: tuple[str, ...]  # empty until marketing and sales both answered
    gap_missing: str
    answers_heading: str
    answers: Table  # display name and comment are user text

    def title(self, company: str | None = None) -> str:
        """The report's title with ``company`` (the company as the flavour escaped it)."""
        return t(
            "team.report.title", self.lang, company=self.company if company is None else company
        )


def _stamp(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "-"


def _result_table(result: TeamResult, lang: str) -> Table:
    roles = [r for r in ROLES if r in result.role_means]
    columns = (
        Column(t("team.result.col_phase", lang)),
        Column(t("team.result.col_mean", lang), 1),
        Column(t("team.result.col_spread", lang), 1),
        Column(t("team.result.col_stdev", lang), 2),
        *[Column(t(f"team.role.{r}", lang), 1) for r in roles],
        Column(t("team.result.col_flag", lang)),
    )
    rows = []
    for p in PHASES if result.raters else ():
        s = result.phases[p]
        rows.append(
            (
                t(f"team.phase.{p}", lang),
                s.mean,
                s.spread,
                s.stdev,
                *[result.role_means[r][p] for r in roles],
                t("team.result.flag_yes", lang) if s.flagged else "",
            )
        )
    return Table(columns, tuple(rows))


def _answers_table(answers: list[Response], lang: str) -> Table:
    columns = (
        Column(t("team.answers.col_role", lang)),
        Column(t("team.answers.col_name", lang), user_text=True),
        *[Column(t(f"team.phase.{p}", lang), 1) for p in PHASES],
        Column(t("team.answers.col_comment", lang), user_text=True),
        Column(t("team.answers.col_when", lang)),
    )
    rows = tuple(
        (
            t(f"team.role.{a.role}", lang),
            a.display_name or "-",
            *[getattr(a.ratings, p) for p in PHASES],
            a.comment or "-",
            _stamp(a.updated_at),
        )
        for a in answers
    )
    return Table(columns, rows)


def _flag_notes(result: TeamResult, lang: str) -> tuple[str, ...]:
    return tuple(
        t(
            "team.result.flag_note",
            lang,
            phase=t(f"team.phase.{p}", lang),
            low=f"{result.phases[p].low:.1f}",
            high=f"{result.phases[p].high:.1f}",
            spread=f"{result.phases[p].spread:.1f}",
        )
        for p in result.flagged
    )


def _difference(gap: float, lang: str) -> str:
    """Sales' mean against marketing's in words ("営業のほうが 3.0 点高い"), not a signed number."""
    if round(gap, 1) == 0:
        return t("team.result.gap_same", lang)
    key = "gap_higher" if gap > 0 else "gap_lower"
    return t(f"team.result.{key}", lang, gap=f"{abs(gap):.1f}")


def _gap_lines(result: TeamResult, lang: str) -> tuple[str, ...]:
    gap = result.role_gap()
    return tuple(
        t(
            "team.result.gap_line",
            lang,
            phase=t(f"team.phase.{p}", lang),
            marketing=f"{result.role_means['marketing'][p]:.1f}",
            sales=f"{result.role_means['sales'][p]:.1f}",
            difference=_difference(gap[p], lang),
        )
        for p in PHASES
        if gap
    )


def _bars(result: TeamResult, lang: str) -> tuple[RoleBar, ...]:
    rows = sorted(team_chart_rows(result, lang), key=lambda r: (r["phase_order"], r["role_order"]))
    return tuple(
        RoleBar(
            phase=r["phase"],
            role=r["role"],
            mean=r["mean"],
            color=r["color"],
            first_of_phase=i == 0 or rows[i - 1]["phase_order"] != r["phase_order"],
        )
        for i, r in enumerate(rows)
    )


def build_team_report(
    team_round: TeamRound, result: TeamResult, answers: list[Response], lang: str = "ja"
) -> TeamReport:
    """The team report of a round: its result, the role chart's bars and who answered."""
    return TeamReport(
        lang=lang,
        company=team_round.company,
        raters=result.raters,
        meta=(
            t("team.report.raters", lang, count=result.raters),
            t("team.report.started", lang, date=_stamp(team_round.created_at)),
            t("team.report.closed", lang, date=_stamp(team_round.closed_at)),
        ),
        heading=t("team.result.heading", lang),
        empty=t("team.result.empty", lang),
        result=_result_table(result, lang),
        flag_notes=_flag_notes(result, lang),
        flag_none=t("team.result.flag_none", lang),
        chart_title=t("team.chart.title", lang),
        bars=_bars(result, lang),
        gap_heading=t("team.result.gap_heading", lang),
        gap_lines=_gap_lines(result, lang),
        gap_missing=t("team.result.gap_missing", lang),
        answers_heading=t("team.answers.heading", lang),
        answers=_answers_table(answers, lang),
    )
