"""The Markdown flavour of the reports: the diagnosis (a consultant's short report, Japanese
or English, from :func:`engine.reports.diagnosis.build_report`) and the team report
(:class:`engine.reports.team.TeamReport`).

Text a user typed (a team's company, display names, comments) goes through
:func:`escape_markdown`, so a link, an image or HTML in it stays visible text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from engine.diagnosis.diagnose import Diagnosis, diagnose
from engine.diagnosis.facts import Facts
from engine.reports.diagnosis import build_report
from engine.reports.structure import Block, Bullets, Item, Paragraph, Report, Section, Table

if TYPE_CHECKING:
    from engine.reports.team import TeamReport


def to_markdown(diagnosis: Diagnosis, facts: Facts | None = None, lang: str | None = None) -> str:
    """The report in ``lang`` (the diagnosis' language by default). When ``lang`` differs
    from the diagnosis' and the facts are given, the diagnosis is redone in ``lang`` so
    headings and reasons never mix languages."""
    lang = "en" if (lang or diagnosis.lang) == "en" else "ja"
    if lang != diagnosis.lang and facts is not None:
        diagnosis = diagnose(facts, diagnosis.profile, lang)
    return render_markdown(build_report(diagnosis))


def render_markdown(report: Report) -> str:
    """A report's text blocks as Markdown: every heading and block followed by a blank
    line; charts and metric cards are left to the visual flavours."""
    out = [f"# {report.title}", ""]
    for block in report.intro:
        out += _block(block)
    for section in report.sections:
        out += _section(section)
    out += ["---", ""]
    for line in report.footer:
        out += [line, ""]
    return "\n".join(out)


def _section(section: Section) -> list[str]:
    out = [f"{'#' * section.level} {section.heading}", ""]
    for block in section.blocks:
        out += _block(block)
    for sub in section.sections:
        out += _section(sub)
    return out


def _block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text, ""]
    if isinstance(block, Bullets):
        return [_item(item) for item in block.items] + [""]
    if isinstance(block, Table):
        return [*_md_table(block), ""]
    return []  # Metrics and Chart: drawn by the visual flavours


def _item(item: Item) -> str:
    if item.label is None:
        return f"- {item.text}"
    return f"- **{item.label}**{item.joiner}{item.text}"


# CommonMark lets a backslash escape any ASCII punctuation, and an escaped character is
# always literal text: no link, image, emphasis, HTML tag, entity or table cell can start
# from it. GFM's literal autolinks (http://, www., e-mail) are found in the text after the
# escapes are resolved (remark-gfm in Streamlit, cmark-gfm), so an invisible WORD JOINER
# before every ":", "." and "@" keeps them from matching.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_AUTOLINK_PARTS = re.compile(r"([:.@])")
WORD_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown text on one line: every ASCII punctuation escaped, no
    autolink possible; it reads as ``text`` with runs of whitespace folded."""
    text = _AUTOLINK_PARTS.sub(WORD_JOINER + r"\1", " ".join(str(text).split()))
    return _PUNCTUATION.sub(r"\\\1", text)


def _md_cell(text: str) -> str:
    # Our own texts and numbers only need the cell separator kept out of the way.
    return text.replace("|", "\\|")


def _md_table(table: Table) -> list[str]:
    head = [_md_cell(c.title) for c in table.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in table.rows:
        cells = [
            escape_markdown(text) if column.user_text else _md_cell(text)
            for column, text in zip(table.columns, table.cell_text(row), strict=True)
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def team_to_markdown(report: TeamReport) -> str:
    """The team report in Markdown; the company, names and comments escaped as text."""
    lines = [f"# {report.title(escape_markdown(report.company))}", ""]
    lines += [f"- {m}" for m in report.meta]
    lines += ["", f"## {report.heading}", ""]
    if report.raters == 0:
        return "\n".join([*lines, report.empty, ""])
    lines += [*_md_table(report.result), ""]
    lines += [f"- {note}" for note in report.flag_notes]
    if report.gap_lines:
        lines += ["", f"## {report.gap_heading}", ""]
        lines += [f"- {line}" for line in report.gap_lines]
    lines += ["", f"## {report.answers_heading}", ""]
    lines += [*_md_table(report.answers), ""]
    return "\n".join(lines)
