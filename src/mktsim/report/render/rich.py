"""Rich renderer of the table model: the terminal's tables."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table as RichTable

from mktsim.report.tables.model import RIGHT, Table


def rich_table(table: Table) -> RichTable:
    """The table for the terminal: its title, the note as caption, a cell's style as
    markup; every text is shown as it is (no markup of its own)."""
    out = RichTable(title=escape(table.title))
    for column in table.columns:
        out.add_column(escape(column), justify="right" if table.alignment(column) == RIGHT
                       else "left", no_wrap=column in table.no_wrap,
                       overflow="fold" if table.fold else "ellipsis")
    for r, row in enumerate(table.text_rows()):
        out.add_row(*(_styled(text, table.styles.get((r, c))) for c, text in
                      zip(table.columns, row, strict=True)))
    if table.note:
        out.caption = escape(table.note)
    return out


def _styled(text: str, style: str | None) -> str:
    return f"[{style}]{escape(text)}[/{style}]" if style else escape(text)


def print_tables(tables: list[Table], console: Any) -> None:
    """Each table on the console, in order."""
    for table in tables:
        console.print(rich_table(table))
