"""The one Markdown table writer of mktsim: reports, calibration reports, `compare
--format md` and `analyze --format md` all draw their tables with it."""

from __future__ import annotations

from mktsim.report.tables.model import LEFT, PLAIN, RIGHT, Table

SEPARATORS = {LEFT: ":---", RIGHT: "---:", PLAIN: "---"}


def escape(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(table: Table) -> str:
    """A pipe table: numeric columns right-aligned, text left-aligned, unless the table
    says otherwise (PLAIN columns get a bare ``---``)."""
    columns = table.columns
    lines = [
        "| " + " | ".join(escape(c) for c in columns) + " |",
        "|" + "|".join(SEPARATORS[table.alignment(c)] for c in columns) + "|",
    ]
    lines += ["| " + " | ".join(escape(t) for t in row) + " |" for row in table.text_rows()]
    return "\n".join(lines)
