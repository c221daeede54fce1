"""Markdown report: headings, bullet summary, pipe tables (``render.markdown``) and linked
chart images."""

from __future__ import annotations

from mktsim.report.load import Results
from mktsim.report.render.markdown import markdown_table
from mktsim.report.sections import Section, display_tables, title_line


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
        out.append(markdown_table(table))
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
