"""Markdown report: headings, bullet summary, pipe tables and linked chart images."""

from __future__ import annotations

from mktsim.report.load import Results
from mktsim.report.sections import Section, cell, display_tables, is_numeric, title_line
from mktsim.report.tables import Table


def escape(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def table_markdown(table: Table) -> str:
    """A pipe table; numeric columns are right-aligned."""
    columns = [str(c) for c in table.frame.columns]
    lines = [
        "| " + " | ".join(escape(c) for c in columns) + " |",
        "|" + "|".join("---:" if is_numeric(table, c) else ":---" for c in columns) + "|",
    ]
    for row in range(len(table.frame)):
        lines.append("| " + " | ".join(escape(cell(table, c, row)) for c in columns) + " |")
    return "\n".join(lines)


def section_markdown(section: Section, image_dir: str) -> str:
    """One section: heading, sentences, tables with notes, then charts."""
    out = [f"## {section.heading}"]
    if section.paragraphs:
        prefix = "- " if section.bullets else ""
        sep = "\n" if section.bullets else "\n\n"
        out.append(sep.join(prefix + p for p in section.paragraphs))
    for table in (part for t in section.tables for part in display_tables(t)):
        if table.title != section.heading:
            out.append(f"### {table.title}")
        out.append(table_markdown(table))
        if table.note:
            out.append(f"*{table.note}*")
    for chart in section.charts:
        out.append(f"![{chart.title}]({image_dir}/{chart.path.name})\n\n*{chart.caption}*")
    return "\n\n".join(out)


def render_markdown(results: Results, sections: list[Section], image_dir: str) -> str:
    """The whole report as Markdown; images are referenced relative to the report."""
    head = f"# {results.name}\n\n*{title_line(results)}*"
    body = [section_markdown(s, image_dir) for s in sections]
    return "\n\n".join([head, *body]) + "\n"
