"""The team page's panels that show a round's result: drawn from the one
:class:`engine.reports.team.TeamReport` the downloads are rendered from too.

User text (the company, display names, comments) is shown as text: escaped where Streamlit
would read Markdown, plain cells in the tables.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine import team
from engine.reports import charts
from engine.reports.html import team_to_html
from engine.reports.markdown import escape_markdown, team_to_markdown
from engine.reports.structure import Table
from engine.reports.team import TeamReport
from ui.components import draw_chart
from ui.i18n import tr


def heading(key: str, company: str) -> None:
    """A page heading naming the company, which is user text: escaped, never Markdown."""
    st.header(tr(key, company=escape_markdown(company)))


def table_frame(table: Table) -> tuple[pd.DataFrame, dict]:
    """A report table as a DataFrame and the column formats that show its decimals."""
    titles = [c.title for c in table.columns]
    frame = pd.DataFrame([list(row) for row in table.rows], columns=titles)
    formats = {
        c.title: st.column_config.NumberColumn(format=f"%.{c.decimals}f")
        for c in table.columns
        if c.decimals is not None
    }
    return frame, formats


def render_table(table: Table) -> None:
    """A report table as a read-only grid (cells are text, never Markdown)."""
    frame, formats = table_frame(table)
    st.dataframe(frame, hide_index=True, column_config=formats)


def render_result(report: TeamReport, result: team.TeamResult, lang: str) -> None:
    """The team result: per phase table, flagged disagreements, marketing vs sales."""
    st.subheader(report.heading)
    if report.raters == 0:
        st.info(report.empty)
        return
    render_table(report.result)
    for note in report.flag_notes:
        st.warning(note, icon=":material/warning:")
    if not report.flag_notes:
        st.success(report.flag_none)
    st.subheader(report.gap_heading)
    draw_chart(charts.team_chart(result, lang))
    for line in report.gap_lines:
        st.markdown(f"- {line}")
    if not report.gap_lines:
        st.caption(report.gap_missing)


def render_downloads(report: TeamReport, team_round: team.TeamRound) -> None:
    """Markdown and HTML downloads of the team result."""
    left, right = st.columns(2)
    left.download_button(
        tr("team.lead.download_md"),
        team_to_markdown(report),
        file_name=f"team_{team_round.created_at:%Y%m%d}.md",
        mime="text/markdown",
        key="team_download_md",
    )
    right.download_button(
        tr("team.lead.download_html"),
        team_to_html(report),
        file_name=f"team_{team_round.created_at:%Y%m%d}.html",
        mime="text/html",
        key="team_download_html",
    )
