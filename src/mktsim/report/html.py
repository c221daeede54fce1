"""One self-contained HTML file: inline CSS, charts embedded as base64 data URIs.

The file references nothing outside itself (no fonts, scripts or images from
the network), so it can be mailed, archived and printed; each section starts a
new page when printed.
"""

from __future__ import annotations

import base64
from html import escape

from mktsim.i18n import _, get_language
from mktsim.report.load import Results
from mktsim.report.render.html import table_html
from mktsim.report.sections import Section, display_tables, title_line

CSS = """
:root { --ink: #1d2630; --muted: #5f6b73; --line: #d8dee4; --band: #f4f6f8; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
    "WenQuanYi Micro Hei", sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
header h1 { margin: 8px 0 4px; font-size: 28px; }
header p { margin: 0; color: var(--muted); }
nav { margin: 16px 0 8px; padding: 8px 12px; background: var(--band); border-radius: 6px;
  font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 14px; white-space: nowrap; }
section { margin-top: 28px; }
h2 { font-size: 21px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
ul.summary li { margin: 4px 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--band); text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td:first-child { white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
p.note { color: var(--muted); font-size: 13px; margin: 2px 0 12px; }
figure { margin: 16px 0; }
figure img { width: 100%; max-width: 960px; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 13px; }
@media print {
  @page { size: A4 landscape; margin: 14mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-before: page; page-break-before: always; }
  section:first-of-type { break-before: auto; page-break-before: auto; }
  table, figure, tr { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .table-wrap { overflow: visible; }
}
"""

HTML_LANG = {"en": "en", "zh": "zh-CN"}


def image_data_uri(data: bytes) -> str:
    """A PNG as a ``data:`` URI."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def section_html(section: Section) -> str:
    """One section with its sentences, tables and embedded charts."""
    out = [f'<section id="{escape(section.key)}">', f"<h2>{escape(section.heading)}</h2>"]
    if section.bullets:
        items = "".join(f"<li>{escape(p)}</li>" for p in section.paragraphs)
        out.append(f'<ul class="summary">{items}</ul>')
    else:
        out.extend(f"<p>{escape(p)}</p>" for p in section.paragraphs)
    for table in (part for t in section.tables for part in display_tables(t)):
        if table.title != section.heading:
            out.append(f"<h3>{escape(table.title)}</h3>")
        out.append(table_html(table))
        if table.note:
            out.append(f'<p class="note">{escape(table.note)}</p>')
    for chart in section.charts:
        src = image_data_uri(chart.path.read_bytes())
        out.append(
            f'<figure><img src="{src}" alt="{escape(chart.title)}" width="1600" height="900">'
            "<figcaption>"
            f"{escape(_('{title}. {caption}').format(title=chart.title, caption=chart.caption))}"
            "</figcaption></figure>"
        )
    out.append("</section>")
    return "\n".join(out)


def render_html(results: Results, sections: list[Section]) -> str:
    """The whole report as one HTML document."""
    nav = " ".join(f'<a href="#{escape(s.key)}">{escape(s.heading)}</a>' for s in sections)
    body = "\n".join(section_html(s) for s in sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG.get(get_language(), "en")}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(results.name)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<header><h1>{escape(results.name)}</h1><p>{escape(title_line(results))}</p></header>\n"
        f"<nav>{nav}</nav>\n{body}\n</main>\n</body>\n</html>\n"
    )
