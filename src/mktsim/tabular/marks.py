"""How a CSV file writes its cells: the separator, read from the header line, and the
decimal mark, read from the numbers that show it (a European spreadsheet's CSV is
separated by semicolons because its decimal mark is the comma; a LibreOffice export
separated by commas quotes its decimal commas, `"2,5"`)."""

from __future__ import annotations

import re
from typing import Any

_DELIMITERS = (";", "\t", "|")
#: what a number whose only separator is followed by three digits shows (`1,500`,
#: `12.000`): a decimal mark, or a grouping of thousands?
AMBIGUOUS = "?"


def delimiter(text: str) -> str:
    """The separator of CSV text, from its header line: a comma, or the semicolon, tab or
    vertical bar of a header without commas (a spreadsheet's export where the comma is
    the decimal mark)."""
    header = text.partition("\n")[0]
    if "," in header:
        return ","
    return next((sep for sep in _DELIMITERS if sep in header), ",")


def decimal_mark(rows: list[list[Any]], sep: str) -> str:
    """The decimal mark of a file's numbers, from the text cells after the first column
    that show it unambiguously (`12,5`, `1.234,5`, `0,125` for a comma; `1,234.5`, `12.5`,
    `1,234,567` for a point): "," when more show a comma than a point, else "."; when
    none shows it, "." unless a cell could be either (`1,500`, `12.000`: twelve, or twelve
    thousand?), then AMBIGUOUS ("?"): those cells are refused. In a comma-separated file
    `12.000` is read with a decimal point unless a quoted `"1,500"` makes the mark
    unclear."""
    marks = [cell_mark(c) for row in rows for c in row[1:] if isinstance(c, str)]
    if "," in marks or "." in marks:
        return "," if marks.count(",") > marks.count(".") else "."
    unclear = {AMBIGUOUS + ","} if sep == "," else {AMBIGUOUS + ",", AMBIGUOUS + "."}
    return AMBIGUOUS if unclear & set(marks) else "."


_NUMBER = re.compile(r"[+-]?[^0-9]{0,3}([0-9][0-9., \u00a0\u202f']*[0-9]|[0-9])[^0-9]{0,3}")
_ONE_GROUP = re.compile(r"[1-9][0-9]{0,2}", re.ASCII)


def cell_mark(cell: str) -> str | None:
    """The decimal mark a number's text shows: "," or "."; `?.` or `?,` (AMBIGUOUS and
    the separator) when its only separator is followed by three digits after one to
    three digits not starting with 0 (`12.000`, `1,500`); None when it has no separator
    or is no number."""
    m = _NUMBER.fullmatch(cell.strip())
    seps = [c for c in m[1] if c in ".,"] if m else []
    if not seps:
        return None
    last = seps[-1]
    other = "." if last == "," else ","
    if other in seps:  # both: the last is the decimal mark (`1.234,5`, `1,234.5`)
        return last
    if len(seps) > 1:  # one mark twice groups thousands (`1.234.567`)
        return other
    head, _sep, tail = m[1].rpartition(last)  # type: ignore[index]
    return AMBIGUOUS + last if len(tail) == 3 and _ONE_GROUP.fullmatch(head) else last


def is_ambiguous(text: str) -> bool:
    """Whether a number's text could be read with either decimal mark (`1,500`)."""
    return (cell_mark(text) or "").startswith(AMBIGUOUS)
