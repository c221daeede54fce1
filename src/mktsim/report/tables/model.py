"""The table model shared by every writer: one :class:`Table` per table of a document,
drawn by the Rich (terminal), Markdown, HTML and Excel renderers.

A table holds its cells in a DataFrame: real numbers where the writer formats them from
the column's display kind (shares as fractions, money as plain amounts: the Excel sheets
keep them as numbers), or text already formatted (the terminal tables). A table of texts
keeps them as rows (`TextCells`) until its `frame` is read, so that the terminal draws its
tables without importing pandas (docs/architecture.md, "Start-up"). Everything a
renderer needs besides the cells is on the table: the kind and alignment of each column,
cell styles (a verdict in green), which columns never wrap, and a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mktsim.report.fmt import TEXT, cell_text, is_missing

if TYPE_CHECKING:
    import pandas as pd

LEFT, RIGHT, PLAIN = "left", "right", ""  # PLAIN: the renderer's default (left, `---`)


@dataclass(frozen=True)
class TextCells:
    """The cells of a table of texts, row by row, under their headings."""

    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


class _Frame:
    """The `frame` field of a Table: a DataFrame, or `TextCells` that become one (of
    objects) when first read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, table: Any, owner: type | None = None) -> Any:
        if table is None:
            raise AttributeError("frame")  # no default: the field is required
        value = table.__dict__[self.slot]
        if isinstance(value, TextCells):
            import pandas as pd

            value = table.__dict__[self.slot] = pd.DataFrame(
                [list(r) for r in value.rows], columns=list(value.header), dtype=object)
        return value

    def __set__(self, table: Any, value: Any) -> None:
        table.__dict__[self.slot] = value


@dataclass
class Table:
    """A titled DataFrame plus the display kind of each column.

    ``kinds[column]`` is either one kind for the whole column or a list with one kind
    per row (used where rows hold different KPIs). ``align[column]`` overrides the
    alignment (numeric columns are right-aligned, the rest left); ``styles[(row,
    column)]`` is a Rich style of one cell (ignored on paper); ``no_wrap`` names the
    columns the terminal never wraps; ``fold`` folds long cells instead of cutting them.
    ``note`` is printed under the table (the caption in the terminal).
    """

    key: str
    title: str
    frame: pd.DataFrame = _Frame()  # type: ignore[assignment]  # or TextCells until read
    kinds: dict[str, str | list[str]] = field(default_factory=dict)
    note: str = ""
    align: dict[str, str] = field(default_factory=dict)
    styles: dict[tuple[int, str], str] = field(default_factory=dict)
    no_wrap: frozenset[str] = frozenset()
    fold: bool = False

    def kind(self, column: str, row: int) -> str:
        """Display kind of one cell."""
        kind = self.kinds.get(column, TEXT)
        return kind[row] if isinstance(kind, list) else kind

    @property
    def columns(self) -> list[str]:
        """The column headings."""
        cells = self.__dict__.get("_frame")
        if isinstance(cells, TextCells):
            return list(cells.header)
        return [str(c) for c in self.frame.columns]

    def is_numeric(self, column: str) -> bool:
        """True when a column holds numbers (right-aligned unless told otherwise)."""
        kinds = self.kinds.get(column, TEXT)
        return any(k != TEXT for k in (kinds if isinstance(kinds, list) else [kinds]))

    def alignment(self, column: str) -> str:
        """LEFT, RIGHT or PLAIN (the renderer's default) for a column."""
        if column in self.align:
            return self.align[column]
        return RIGHT if self.is_numeric(column) else LEFT

    def text_rows(self) -> list[list[str]]:
        """Every row as display texts (by position: two columns may share a heading)."""
        cells = self.__dict__.get("_frame")
        if isinstance(cells, TextCells):
            return [[cell_text(v, self.kind(c, r)) for c, v in zip(cells.header, row, strict=True)]
                    for r, row in enumerate(cells.rows)]
        return [[cell_text(self.frame.iat[r, j], self.kind(c, r))
                 for j, c in enumerate(self.columns)] for r in range(len(self.frame))]


def text_table(key: str, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
               align: Sequence[str] | str = PLAIN, **extra: Any) -> Table:
    """A table of cells already formatted as text; ``align`` is one alignment for every
    column or one per column. A cell may be ``(text, style)`` for a Rich style."""
    aligns = [align] * len(header) if isinstance(align, str) else list(align)
    styles, texts = {}, []
    for r, row in enumerate(rows):
        line = []
        for c, value in zip(header, row, strict=True):
            if isinstance(value, tuple):
                value, styles[(r, c)] = value
            line.append(value)
        texts.append(line)
    cells = TextCells(tuple(header), tuple(tuple(line) for line in texts))
    return Table(key, title, cells,  # type: ignore[arg-type]  # a DataFrame when read
                 align=dict(zip(header, aligns, strict=True)), styles=styles, **extra)


def records(key: str, title: str, rows: Sequence[Mapping[str, Any]],
            columns: Sequence[tuple[str, str, str | list[str]]], note: str = "",
            optional: Iterable[str] | None = None) -> Table | None:
    """The report tables' one row builder: a table from a list of dicts, choosing
    ``(json key, header, kind)`` columns (a kind, or one kind per row). The ``optional``
    columns (json keys; default: every column) are left out when they hold no value.
    None without rows."""
    if not rows:
        return None
    import pandas as pd

    frame = pd.DataFrame([{h: r.get(k) for k, h, _kind in columns} for r in rows])
    heads = {k: h for k, h, _kind in columns}
    frame = drop_empty(frame, None if optional is None else [heads[k] for k in optional])
    kinds: dict[str, str | list[str]] = {h: kd for _k, h, kd in columns if h in frame.columns}
    return Table(key, title, frame, kinds, note)


def drop_empty(frame: pd.DataFrame, columns: Iterable[str] | None) -> pd.DataFrame:
    """Remove optional columns that hold no value at all."""
    candidates = list(frame.columns) if columns is None else [c for c in columns if c in frame]
    empty = [c for c in candidates if all(is_missing(v) or v == "" for v in frame[c])]
    return frame.drop(columns=empty)
