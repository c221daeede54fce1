"""Reading a CSV file or an .xlsx sheet into a header and rows, within the limits of the
package's docstring; every refusal is a TableError naming the row and column."""

from __future__ import annotations

import codecs
import csv
import errno
import io
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..documents.staging import note_input
from ..i18n import N_, _
from .cells import FormulaCell
from .marks import decimal_mark, delimiter

MAX_BYTES = 50_000_000
MAX_CELL_CHARS = 10_000
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
#: the unpacked size of an .xlsx file's parts (a compressed file may unpack to much more)
MAX_UNPACKED = 250_000_000
#: characters no text table holds (C0 controls but tab and line breaks)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TableError(ValueError):
    """A table that cannot be read; `row`/`column` say where (row 1 is the header)."""

    def __init__(self, message: str, hint: str, row: int | None = None,
                 column: str | None = None, missing: bool = False) -> None:
        super().__init__(message)
        self.message, self.hint, self.row, self.column = message, hint, row, column
        self.missing = missing  # the file does not exist

    def where(self) -> str:
        """`row 5, column units: ` (what is known of it)."""
        return where(self.row, self.column)


def where(row: int | None, column: str | None) -> str:
    """`row 5, column units: ` (what is known of it), in the active language."""
    if row and column:
        return _("row {row}, column {column}: ").format(row=row, column=column)
    if row:
        return _("row {row}: ").format(row=row)
    return _("column {column}: ").format(column=column) if column else ""


@dataclass(frozen=True)
class Table:
    """The header (names stripped) and the rows under it (row i is the file's row i + 2),
    blank rows at the end dropped; a row never has more cells than the header."""

    header: list[str]
    rows: list[list[Any]]
    #: the decimal mark of the numbers written as text: "." or "," (shown by the file's
    #: numbers), "?" when none shows it and some could be read either way (`1,500`)
    decimal: str = "."
    #: every sheet of a workbook of several read at its first sheet by default, else ()
    sheets: tuple[str, ...] = ()


def check_file(path: Path) -> os.stat_result:
    """The file's status; TableError for anything that is not a regular file we can read
    (saying what it is: a folder, a FIFO, a device, a symlink loop, missing)."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise TableError(_("the path is a loop of symbolic links"),
                             _("point the link at the file itself")) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise TableError(_("no such file"), _("check the path (relative paths are from "
                                                  "the current folder or the scenario file)"),
                             missing=True) from None
        raise TableError(_("cannot read the file: {reason}").format(reason=exc.strerror or exc),
                         _("check that it is a file you may read")) from None
    note_input(path)
    kind = _kind(info.st_mode)
    if kind:
        raise TableError(_("the path is {kind}, not a file").format(kind=_(kind)),
                         _("give the path of a .csv or .xlsx file"))
    if info.st_size > MAX_BYTES:
        raise TableError(_("the file is larger than {mb} MB").format(mb=MAX_BYTES // 1_000_000),
                         _("keep at most {n:,} rows").format(n=MAX_ROWS))
    return info


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISDIR, N_("a folder")),
                       (stat.S_ISFIFO, N_("a named pipe (FIFO)")),
                       (stat.S_ISCHR, N_("a device")), (stat.S_ISBLK, N_("a device")),
                       (stat.S_ISSOCK, N_("a socket"))):
        if test(mode):
            return name
    return N_("not a regular file")


def read_table(path: Path, sheet: str | None = None) -> Table:
    """A CSV file, or the first (or the named) sheet of an .xlsx/.xlsm workbook."""
    check_file(path)
    _check_kind(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if sheet is not None:
        raise TableError(_("only .xlsx files have sheets"), _("drop --sheet for a CSV file"),
                         column="--sheet")
    return read_csv(path)


#: the first bytes of a zip archive (an .xlsx workbook) and of an old .xls workbook
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
_DOCUMENTS = {".yaml": "YAML", ".yml": "YAML", ".json": "JSON", ".toml": "TOML"}


def _check_kind(path: Path) -> None:
    """Refuse, saying what it is, a file that is not a table: a scenario or other document
    (by its suffix), an old .xls workbook, a workbook under a .csv name."""
    suffix = path.suffix.lower()
    if suffix in _DOCUMENTS:
        raise TableError(_("a {kind} file, not a table").format(kind=_DOCUMENTS[suffix]),
                         _("give a .csv or .xlsx file of one row per period (a scenario "
                           "file is the command's first argument, not the history)"))
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise TableError(_("cannot read the file: {reason}").format(reason=exc.strerror or exc),
                         _("check that it is a file you may read")) from None
    if head == _OLE or suffix == ".xls":
        raise TableError(_("an old Excel .xls workbook"),
                         _("save it from a spreadsheet program as .xlsx or as CSV UTF-8"))
    if head == _ZIP and suffix not in (".xlsx", ".xlsm"):
        raise TableError(_("an Excel workbook (a zip archive) named {suffix}").format(
                             suffix=suffix or _("without .xlsx")),
                         _("rename it to .xlsx"))


def read_csv(path: Path) -> Table:
    """A comma-separated UTF-8 file (a BOM is fine)."""
    check_file(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TableError(_("cannot read the file: {reason}").format(reason=exc.strerror or exc),
                         _("check that it is a file you may read")) from None
    text = _decoded(raw)
    sep = delimiter(text)
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        start = text.rfind("\n", 0, at) + 1
        raise TableError(_("a NUL character (a binary file, not CSV text?)"),
                         _("save it as CSV (UTF-8) or as .xlsx"), row=line,
                         column=_column_name(text, text.count(sep, start, at), sep))
    table = _table(list(_records(text, sep)))
    return Table(table.header, table.rows, decimal_mark(table.rows, sep))


def _decoded(raw: bytes) -> str:
    """The text of a CSV file: UTF-8 (a BOM is fine), or UTF-16 with its BOM (a
    spreadsheet's "Unicode text" export)."""
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            text = ""
        if "\n" in text and not _CONTROL.search(text):  # lines of text, not a binary file
            return text
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(_("the file is not UTF-8 text"),
                         _("save it as CSV (UTF-8) or as .xlsx")) from None


def _records(text: str, sep: str = ",") -> Iterator[list[str]]:
    """Each row of CSV text separated by `sep`; a quote left open or a cell over the
    limit refused at its line."""
    old = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=sep)
        line = cells = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _csv_problem(exc, text, line + 1, sep) from None
            if reader.line_num > line + 1 or any("\n" in c or "\r" in c for c in record):
                raise _open_quote(text, line + 1, sep)
            line = reader.line_num
            cells += len(record)
            if cells > MAX_CELLS:
                raise _too_many_cells(line)
            if line > MAX_ROWS + 1:
                raise TableError(_("more than {n:,} rows").format(n=MAX_ROWS),
                                 _("keep one row per period (at most {n:,})").format(
                                     n=MAX_ROWS), row=line)
            yield record
    finally:
        csv.field_size_limit(old)


def _too_many_cells(row: int) -> TableError:
    return TableError(_("more than {n:,} cells").format(n=MAX_CELLS),
                      _("keep one row per period and one column per series"), row=row)


def _csv_problem(exc: csv.Error, text: str, line: int, sep: str = ",") -> TableError:
    """The CSV module's complaint about the record starting on `line`, located."""
    cells = _line(text, line).split(sep)
    if "field larger" in str(exc):
        long = next((j for j, c in enumerate(cells) if len(c) > MAX_CELL_CHARS), None)
        if long is None:
            return _open_quote(text, line, sep)
        return TableError(_("a cell of {n:,} characters, more than {limit:,}").format(
                              n=len(cells[long]), limit=MAX_CELL_CHARS),
                          _("keep one value per cell"), row=line,
                          column=_column_name(text, long, sep))
    if "EOF" in str(exc) or "end of data" in str(exc):
        return _open_quote(text, line, sep)
    return TableError(_("not readable as CSV ({reason})").format(reason=exc),
                      _("quote a cell whole (\"...\") or not at all"), row=line,
                      column=_quote_column(text, line, sep))


def _open_quote(text: str, line: int, sep: str = ",") -> TableError:
    return TableError(_("a quote \" opened on this line is not closed on it"),
                      _("close the quote or remove it (a cell holds one value on one line)"),
                      row=line, column=_quote_column(text, line, sep))


def _line(text: str, line: int) -> str:
    """Line `line` (1-based) of `text`, without reading the lines after it."""
    for i, content in enumerate(io.StringIO(text, newline=""), start=1):
        if i == line:
            return content[:MAX_CELL_CHARS * MAX_COLUMNS].rstrip("\r\n")
    return ""


def _quote_column(text: str, line: int, sep: str = ",") -> str | None:
    content = _line(text, line)
    if '"' not in content:
        return None
    return _column_name(text, content[:content.find('"')].count(sep), sep)


def _column_name(text: str, index: int, sep: str = ",") -> str:
    """The header's name of the 0-based column `index` (`column 3` where it has none)."""
    names = _line(text, 1).split(sep)
    name = names[index].strip().strip('"').lstrip("\ufeff") if index < len(names) else ""
    return name if name and len(name) <= 100 else _column_word(index)


def _column_word(index: int) -> str:
    """`column 3` for the 0-based index 2 (a place in a row the header may not name)."""
    return _("column {n}").format(n=index + 1)


def _table(records: list[list[Any]]) -> Table:
    """Header and rows of the records; blank rows at the end dropped."""
    while records and all(_blank(c) for c in records[-1]):
        records.pop()
    if not records:
        raise TableError(_("the file is empty"),
                         _("write a header row, then one row per period"))
    header = ["" if c is None else str(c).strip() for c in records[0]]
    while header and not header[-1] and len(header) > 1:
        header.pop()
    _check_header(header)
    rows = records[1:]
    if len(rows) > MAX_ROWS:
        raise TableError(_("{n:,} rows, more than {limit:,}").format(n=len(rows),
                                                                      limit=MAX_ROWS),
                         _("keep at most {n:,} rows").format(n=MAX_ROWS), row=MAX_ROWS + 2)
    for i, row in enumerate(rows, start=2):
        extra = [c for c in row[len(header):] if not _blank(c)]
        if extra:
            raise TableError(_("{n} cells where the header has {columns}: {cell} is under "
                               "no column").format(n=len(row), columns=len(header),
                                                   cell=repr(str(extra[0])[:40])),
                             _extra_hint(header), row=i,
                             column=_column_word(len(header) + row[len(header):].index(extra[0])))
    return Table(header, [list(r[:len(header)]) for r in rows])


def _extra_hint(header: list[str]) -> str:
    """How to fix a row longer than the header: a header of one name is a title above
    the table; else a value under no column (a decimal comma?)."""
    if len(header) == 1:
        return _("is row 1 a title or a note? delete the rows above the table's header "
                 "(the header is row 1)")
    return _("name the column in the header, or remove the extra value (a decimal comma? "
             "write 1234.5)")


def _check_header(header: list[str]) -> None:
    if len(header) > MAX_COLUMNS:
        raise TableError(_("{n} columns, more than {limit}").format(n=len(header),
                                                                     limit=MAX_COLUMNS),
                         _("keep one column per series"), row=1)


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_xlsx(path: Path, sheet: str | None = None) -> Table:
    """The first (or the named) sheet of a workbook, from the cells it holds."""
    import openpyxl

    check_file(path)
    _check_unpacked(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(_("cannot read the workbook ({reason})").format(reason=str(exc)[:200]),
                         _("save it again from a spreadsheet program")) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            names = ", ".join(book.sheetnames[:10])
            raise TableError(_("no sheet '{sheet}'").format(sheet=sheet),
                             _("sheets: {names}").format(names=names), column="--sheet")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        if not hasattr(ws, "_get_source"):
            raise TableError(_("the first sheet is a chart, not a table"),
                             _("name the sheet of the table with --sheet"), column="--sheet")
        table = _table(_sheet_records(book, ws))
        sheets = tuple(book.sheetnames) if sheet is None and len(book.sheetnames) > 1 else ()
        return Table(table.header, table.rows, decimal_mark(table.rows, ","), sheets)
    except TableError:
        raise
    except Exception as exc:  # a damaged sheet
        raise TableError(_("cannot read the sheet ({reason})").format(reason=str(exc)[:200]),
                         _("save it again from a spreadsheet program")) from None
    finally:
        book.close()


def _check_unpacked(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_UNPACKED bytes."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    if size > MAX_UNPACKED:
        raise TableError(_("the workbook unpacks to {mb} MB, more than {limit} MB").format(
                             mb=f"{size / 1e6:,.0f}", limit=MAX_UNPACKED // 1_000_000),
                         _("keep only the table in it, or save it as CSV"))


def _sheet_records(book: Any, ws: Any) -> list[list[Any]]:
    """The rows of a sheet from the cells it holds (a sparse sheet costs its cells, not
    its rectangle)."""
    cells: dict[tuple[int, int], Any] = {}
    with ws._get_source() as src:
        parser = _parser(book, ws, src)
        for _idx, row in parser.parse():
            for cell in row:
                if cell["value"] is None or (isinstance(cell["value"], str)
                                             and not cell["value"].strip()):
                    continue
                r, c = cell["row"], cell["column"]
                if r > MAX_ROWS + 1 or c > MAX_COLUMNS:
                    raise TableError(_("cell {cell} holds a value, far outside a table of at "
                                       "most {rows:,} rows and {columns} columns").format(
                                         cell=_coordinate(r, c), rows=MAX_ROWS,
                                         columns=MAX_COLUMNS),
                                     _("clear that cell (the used range of the sheet must "
                                       "be the table)"), row=r, column=_letters(c))
                value = cell["value"]
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    raise TableError(_("cell {cell} holds {n:,} characters, more than "
                                       "{limit:,}").format(cell=_coordinate(r, c), n=len(value),
                                                           limit=MAX_CELL_CHARS),
                                     _("keep one value per cell"), row=r, column=_letters(c))
                cells[(r, c)] = value
                if len(cells) > MAX_CELLS:
                    raise _too_many_cells(r)
        merged = parser.merged_cells
    if merged is not None and merged.mergeCell:
        ref = merged.mergeCell[0].ref
        first = ref.split(":")[0]
        raise TableError(_("cells {cells} are merged").format(cells=ref),
                         _("unmerge them and write the value in every cell (a merged cell "
                           "holds a value only in its first cell)"),
                         row=int("".join(ch for ch in first if ch.isdigit())),
                         column=_("column {n}").format(
                             n="".join(ch for ch in first if ch.isalpha())))
    if not cells:
        return []
    rows = max(r for r, _ in cells)
    cols = max(c for _, c in cells)
    table: list[list[Any]] = [[None] * cols for _ in range(rows)]
    for (r, c), value in cells.items():
        table[r - 1][c - 1] = value
    return table


def _parser(book: Any, ws: Any, src: Any) -> Any:
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        """Marks a formula without a saved value (openpyxl gives None, like a blank)."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    cell["value"] = FormulaCell("=" + (formula.text or ""))
            return cell

    return Parser(src, ws._shared_strings, data_only=True, epoch=book.epoch,
                  date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)


def _letters(column: int) -> str:
    """`column XFD` for the 1-based column 16384."""
    from openpyxl.utils import get_column_letter

    return _("column {n}").format(n=get_column_letter(column))


def _coordinate(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"
