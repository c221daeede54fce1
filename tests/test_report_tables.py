"""The table model and its renderers: one Table, the same cells in every format."""

from __future__ import annotations

import io
import re

from rich.console import Console

from mktsim.report.render.html import plain_table_html, table_html
from mktsim.report.render.markdown import markdown_table
from mktsim.report.render.rich import rich_table
from mktsim.report.tables.model import PLAIN, RIGHT, records, text_table

ROWS = [{"name": "kol", "spend": 12345.6, "share": 0.25, "owner": None},
        {"name": "search|seo", "spend": 500.0, "share": None, "owner": None}]
COLUMNS = [("name", "Channel", "text"), ("spend", "Spend (CNY)", "money"),
           ("share", "Share", "percent"), ("owner", "Owner", "text")]


def _drawn(table) -> str:
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(rich_table(table))
    return console.file.getvalue()


def test_records_drops_only_the_optional_columns_without_values() -> None:
    every = records("c", "Channels", ROWS, COLUMNS)
    assert every is not None and every.columns == ["Channel", "Spend (CNY)", "Share"]
    kept = records("c", "Channels", ROWS, COLUMNS, optional=("share",))
    assert kept is not None and kept.columns == ["Channel", "Spend (CNY)", "Share", "Owner"]
    assert records("c", "Channels", [], COLUMNS) is None


def test_a_kind_per_row_formats_each_cell_by_its_own_kind() -> None:
    table = records("k", "KPIs", [{"v": 0.5}, {"v": 1234.0}], [("v", "Value",
                                                                 ["percent", "money"])])
    assert table is not None and table.text_rows() == [["50.0%"], ["1,234"]]


def test_markdown_aligns_by_kind_and_escapes_cells() -> None:
    table = records("c", "Channels", ROWS, COLUMNS)
    assert table is not None
    lines = markdown_table(table).splitlines()
    assert lines[0] == "| Channel | Spend (CNY) | Share |"
    assert lines[1] == "|:---|---:|---:|"
    assert lines[2] == "| kol | 12,346 | 25.0% |"
    assert lines[3] == r"| search\|seo | 500 |  |"
    plain = text_table("t", "T", ["a", "b"], [["x", "y"]])
    assert markdown_table(plain).splitlines()[1] == "|---|---|"


def test_every_renderer_draws_the_same_cells() -> None:
    table = records("c", "Channels", ROWS, COLUMNS)
    assert table is not None
    texts = [t for row in table.text_rows() for t in row if t]
    html, md, terminal = table_html(table), markdown_table(table), _drawn(table)
    for text in texts:
        assert text in html.replace("&#x27;", "'") and text in terminal
        assert text.replace("|", "\\|") in md
    assert re.search(r'<td class="num">12,346</td>', html)
    assert "<td>kol</td>" in plain_table_html(table)


def test_rich_shows_text_as_it_is_styles_cells_and_keeps_repeated_headings() -> None:
    table = text_table("v", "Verdicts [draft]", ["target", "a", "a"],
                       [["[bold]sales", ("met", "green"), "x"], ["reach", "y", "z"]],
                       [PLAIN, RIGHT, RIGHT], note="a note")
    drawn = _drawn(table)
    assert "Verdicts [draft]" in drawn and "[bold]sales" in drawn and "a note" in drawn
    assert table.text_rows() == [["[bold]sales", "met", "x"], ["reach", "y", "z"]]
    rich = rich_table(table)
    assert [c.justify for c in rich.columns] == ["left", "right", "right"]
    assert list(rich.columns[1].cells) == ["[green]met[/green]", "y"]
