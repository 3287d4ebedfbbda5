"""The report structure: what a report shows, built once from the engine's typed models and
rendered by every flavour (Markdown in :mod:`engine.reports.markdown`, HTML in
:mod:`engine.reports.html`), as ydata-profiling's ``report/presentation/core`` is.

A :class:`Report` is a title, an intro and :class:`Section` s of blocks. Text blocks
(:class:`Paragraph`, :class:`Bullets`, :class:`Table`) are the report's words, shown by
every flavour; visual blocks (:class:`Metrics`, :class:`Chart`) are the same numbers drawn,
shown by the visual flavours (HTML, the app) and left out of the Markdown text. Every string
is plain text: each flavour escapes for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class Column:
    """A table column: its title, for numbers how many decimals are shown, and whether its
    cells are user text (escaped by each flavour, never interpreted)."""

    title: str
    decimals: int | None = None
    user_text: bool = False


@dataclass(frozen=True)
class Table:
    """Columns and rows of cells (text, or a number shown with the column's decimals)."""

    kind: ClassVar[str] = "table"

    columns: tuple[Column, ...]
    rows: tuple[tuple[str | float, ...], ...]

    def cell_text(self, row: tuple[str | float, ...]) -> list[str]:
        """The row's cells as text, numbers with their column's decimals."""
        return [
            f"{value:.{column.decimals}f}" if column.decimals is not None else str(value)
            for column, value in zip(self.columns, row, strict=True)
        ]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text."""

    kind: ClassVar[str] = "paragraph"

    text: str


@dataclass(frozen=True)
class Item:
    """A list item: ``text``, led by a bold ``label`` and its ``joiner`` when given."""

    text: str
    label: str | None = None
    joiner: str = ": "


@dataclass(frozen=True)
class Bullets:
    """A list of items."""

    kind: ClassVar[str] = "bullets"

    items: tuple[Item, ...]


@dataclass(frozen=True)
class Metric:
    """A headline number: label, value, a note under it, and an anchor id to find it by."""

    label: str
    value: str
    note: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class Metrics:
    """Headline numbers side by side (visual)."""

    kind: ClassVar[str] = "metrics"

    metrics: tuple[Metric, ...]


@dataclass(frozen=True)
class Chart:
    """A chart's rows (a ``charts.*_data`` result) and how to draw them (visual).

    ``kind`` is ``bars`` (label, value, highlight) or ``timeline`` (the roadmap's horizons).
    """

    kind: str
    rows: tuple[dict, ...]
    title: str = ""
    color: str = ""


Block = Paragraph | Bullets | Table | Metrics | Chart


@dataclass(frozen=True)
class Section:
    """A heading (level 2 or 3) with its blocks and sub-sections."""

    heading: str
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    level: int = 2


@dataclass(frozen=True)
class Report:
    """A whole report in one language."""

    lang: str
    title: str
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]
    footer: tuple[str, ...] = field(default=())
