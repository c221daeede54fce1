"""How a CSV file writes its cells: the separator, read from the header line, and the
decimal mark, read from the numbers (a European spreadsheet's CSV is separated by
semicolons because its decimal mark is the comma)."""

from __future__ import annotations

import re
from typing import Any

_DELIMITERS = (";", "\t", "|")


def delimiter(text: str) -> str:
    """The separator of CSV text, from its header line: a comma, or the semicolon, tab or
    vertical bar of a header without commas (a spreadsheet's export where the comma is
    the decimal mark)."""
    header = text.partition("\n")[0]
    if "," in header:
        return ","
    return next((sep for sep in _DELIMITERS if sep in header), ",")


def decimal_mark(rows: list[list[Any]], sep: str) -> str:
    """The decimal mark of a file's numbers: "." in a comma-separated file; in a file
    separated otherwise, "," when more numbers show a decimal comma (`12,5`, `1.234,5`,
    and `1,500`: semicolons are the separator where the comma is the decimal mark) than
    a decimal point (`1,234.5`, `12.5`); "?" when none tells and a number could be
    either (`12.000`: twelve, or twelve thousand?); else "."."""
    if sep == ",":
        return "."
    cells = [c for row in rows for c in row[1:] if isinstance(c, str)]
    marks = [_last_mark(c) for c in cells]
    if "," in marks or "." in marks:
        return "," if marks.count(",") > marks.count(".") else "."
    return "?" if any(POINT_GROUPED.fullmatch(c.strip()) for c in cells) else "."


#: an integer whose points could be thousands separators (`12.000`, `1.234.567`)
POINT_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+", re.ASCII)
_NUMBER_MARKS = re.compile(r"[+-]?[^0-9]{0,3}[0-9][0-9., \u00a0\u202f']*([.,])([0-9]+)[^0-9]{0,3}")


def _last_mark(cell: str) -> str | None:
    """The decimal mark a number's text shows by its last separator: "," or ".", or None
    when the text does not tell (no separator; `1.234`: three digits after a point may be
    a grouping of thousands)."""
    m = _NUMBER_MARKS.fullmatch(cell.strip())
    if not m:
        return None
    before = m[0][:m.start(1) - m.start(0)]
    other = "." if m[1] == "," else ","
    if m[1] == "," or len(m[2]) != 3 or other in before:
        return m[1]
    return None
