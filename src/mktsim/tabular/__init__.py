"""One reader for the tables mktsim reads: history and actuals files (CSV or .xlsx) and
joint-draws CSVs. The limits are stated here, once:

- a file of at most MAX_BYTES; a regular file (not a folder, FIFO, device or symlink loop);
- CSV: UTF-8, comma-separated, or separated by semicolons, tabs or vertical bars when the
  header has no comma (`Table.decimal` is the mark the numbers that show one show: `12,5`,
  `1.234,5` for a comma, `1,234.5` for a point; "?" when none does and `1,500` or
  `12.000` could be read either way: those are refused), a cell of at most MAX_CELL_CHARS
  characters on one line (an unbalanced quote is refused at the line where it opens), no
  row with more values than the header;
- a YAML, JSON or TOML file, an old .xls workbook and a workbook under a .csv name are
  refused saying what they are;
- .xlsx: the used range is read from the cells the sheet holds, never from its declared
  dimension, so a stray cell far away costs nothing (and is refused, named); a formula
  without a saved value and merged cells are refused;
- at most MAX_ROWS rows, MAX_COLUMNS columns and MAX_CELLS cells; an .xlsx file whose
  parts unpack to more than MAX_UNPACKED bytes is refused before it is opened; a text
  cell of a sheet holds at most MAX_CELL_CHARS characters too;
- a number is finite, at most MAX_ABS in size, and written in plain ASCII decimals
  (`1234.5`, `-3`, `2.5e3`): no underscores or other digits; thousands grouped by threes
  and one currency sign only where the caller asks (`as_number(grouped=True)`: history
  files); a percentage (`23%`) only where a share is expected;
- a date is `YYYY-MM-DD` (or a spreadsheet date) between FIRST_YEAR and LAST_YEAR.

Every refusal is a TableError that says where (row: the spreadsheet's row, the header is
row 1; column: the header's name) and how to fix it.
"""

from .cells import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_ABS,
    as_date,
    as_number,
    date_problem,
    number_problem,
)
from .read import (
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED,
    Table,
    TableError,
    check_file,
    read_csv,
    read_table,
    read_xlsx,
    where,
)

__all__ = [
    "FIRST_YEAR", "LAST_YEAR", "MAX_ABS", "MAX_BYTES", "MAX_CELLS", "MAX_CELL_CHARS",
    "MAX_COLUMNS", "MAX_ROWS", "MAX_UNPACKED", "Table", "TableError", "as_date", "as_number",
    "check_file", "date_problem", "number_problem", "read_csv", "read_table", "read_xlsx",
    "where",
]
