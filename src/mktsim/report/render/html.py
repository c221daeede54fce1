"""HTML renderers of the table model: the report's table and the plain table of the
calibration report."""

from __future__ import annotations

from html import escape

from mktsim.report.tables.model import RIGHT, Table


def table_html(table: Table) -> str:
    """A report table with right-aligned numeric columns."""
    columns = table.columns
    numeric = {c: table.alignment(c) == RIGHT for c in columns}

    def td(tag: str, col: str, text: str) -> str:
        css = ' class="num"' if numeric[col] else ""
        return f"<{tag}{css}>{escape(text)}</{tag}>"

    head = "".join(td("th", c, c) for c in columns)
    rows = "\n".join(
        "<tr>" + "".join(td("td", c, text) for c, text in zip(columns, row, strict=True))
        + "</tr>" for row in table.text_rows()
    )
    return (
        f'<div class="table-wrap"><table id="table-{escape(table.key)}">'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody></table></div>"
    )


def plain_table_html(table: Table) -> str:
    """A bare ``<table>``: heading row, then the rows (the calibration report)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in table.text_rows())
    return f"<table><tr>{head}</tr>{body}</table>"
