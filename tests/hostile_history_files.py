"""History files as analysts have them, and broken ones, written by code (no data blobs).

`write_case(name, folder)` writes the case `name` of GOOD or BAD into `folder` and returns
its path. Every good case holds the same money as `plain.csv` (30 weeks from 2024-01-01,
revenue near 1M a week, TV and search spend), written another way, unless its docstring
says otherwise, so that a test can compare what was read with the plain file's totals.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

START = dt.date(2024, 1, 1)
WEEKS = 30

Rows = list[list[Any]]


def plain_table(weeks: int = WEEKS, step_days: int = 7, seed: int = 3
                ) -> tuple[list[str], Rows]:
    """Header and rows: date (a dt.date), revenue (money a period), TV (on 6 periods in
    10) and search spend (money a period), with cents."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(weeks):
        rows.append([START + dt.timedelta(days=step_days * i),
                     round(float(1e6 * rng.uniform(0.9, 1.1)), 2),
                     round(float(1.2e5 * (i % 10 < 6) * rng.uniform(0.5, 1.5)), 2),
                     round(float(3.5e4 * rng.uniform(0.5, 1.5)), 2)])
    return ["date", "revenue", "spend.tv", "spend.search"], rows


def monthly_table(months: int = 24) -> tuple[list[str], Rows]:
    """Two years of months, each dated on its first day, revenue near 4M a month."""
    header, rows = plain_table(months)
    for i, row in enumerate(rows):
        row[0] = dt.date(START.year + i // 12, i % 12 + 1, 1)
        row[1:] = [round(4.3 * v, 2) for v in row[1:]]
    return header, rows


def write_csv(path: Path, header: list[str], rows: Rows, delimiter: str = ",",
              encoding: str = "utf-8", cell: Callable[[Any], str] | None = None) -> Path:
    """Rows as CSV text; `cell` writes one value (default: ISO dates, repr numbers)."""
    show = cell or _plain_cell
    with path.open("w", newline="", encoding=encoding) as fh:
        out = csv.writer(fh, delimiter=delimiter)
        out.writerow(header)
        for row in rows:
            out.writerow([show(v) for v in row])
    return path


def _plain_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def write_xlsx(path: Path, header: list[str], rows: Rows,
               edit: Callable[[Any], None] | None = None) -> Path:
    """Rows as the first sheet of a workbook (dates as date cells); `edit(sheet)` last."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet)
    book.save(path)
    return path


def _with(rows: Rows, column: int, values: dict[int, Any]) -> Rows:
    """A copy of `rows` with row i's cell `column` replaced by values[i]."""
    out = [list(r) for r in rows]
    for i, v in values.items():
        out[i][column] = v
    return out


def _decimal_comma(value: Any) -> str:
    return _plain_cell(value).replace(".", ",") if isinstance(value, float) else \
        _plain_cell(value)


def _thousands(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else _plain_cell(value)


def _currency(value: Any) -> str:
    return f"${value:,.2f}" if isinstance(value, float) else _plain_cell(value)


def _us_money(value: Any) -> str:
    """A US spreadsheet's "Unicode text" cell: `$1,234.50`, dates month-first."""
    return _currency(value) if isinstance(value, float) else _month_first(value)


def _german_shown(value: Any) -> str:
    """A cell as a German LibreOffice shows it: `1.234.567,89`."""
    if not isinstance(value, float):
        return _plain_cell(value)
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _hundreds_grouped(value: Any, sign: str = "") -> str:
    """Money in hundreds, whole and grouped (`10,123`, `1,234`, `523`): no cell shows
    whether the comma groups thousands or marks decimals."""
    return f"{sign}{round(value / 100):,}" if isinstance(value, float) else \
        _month_first(value) if sign else _plain_cell(value)


def _day_first(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else _plain_cell(value)


def _month_first(value: Any) -> str:
    return value.strftime("%m/%d/%Y") if isinstance(value, dt.date) else _plain_cell(value)


def _year_slash(value: Any) -> str:
    return f"{value.year}/{value.month}/{value.day}" if isinstance(value, dt.date) else \
        _plain_cell(value)


def _week_label(value: Any) -> str:
    if not isinstance(value, dt.date):
        return _plain_cell(value)
    year, week, _day = value.isocalendar()
    return f"{year}-W{week:02d}"


def _drivers_table() -> tuple[list[str], Rows]:
    header, rows = plain_table()
    header = [*header, "control.price_index", "event.promo"]
    for i, row in enumerate(rows):
        row += [round(float(1 + 0.05 * np.sin(i / 4)), 4), {5: 0.5, 15: 2.0, 25: 1.0}.get(i, 0.0)]
    return header, rows


def _many_channels() -> tuple[list[str], Rows]:
    _header, rows = plain_table()
    names = ["tv", "search", "social", "ooh", "radio", "print", "kol", "sms", "display"]
    rng = np.random.default_rng(8)
    for row in rows:
        row[2:] = [round(float(2e4 * rng.uniform(0.5, 1.5)), 2) for _ in names]
    return ["date", "revenue", *(f"spend.{n}" for n in names)], rows


def _good_cases() -> dict[str, Callable[[Path], Path]]:
    h, r = plain_table()
    return {
        "plain.csv": lambda p: write_csv(p, h, r),
        "monthly.csv": lambda p: write_csv(p, *monthly_table()),
        "daily.csv": lambda p: write_csv(p, *plain_table(120, step_days=1)),
        "dates_year_slash.csv": lambda p: write_csv(p, h, r, cell=_year_slash),
        "dates_day_first.csv": lambda p: write_csv(p, h, r, cell=_day_first),
        "dates_month_first.csv": lambda p: write_csv(p, h, r, cell=_month_first),
        "week_labels.csv": lambda p: write_csv(p, h, r, cell=_week_label),
        "excel_dates.xlsx": lambda p: write_xlsx(p, h, r),
        "bom.csv": lambda p: write_csv(p, h, r, encoding="utf-8-sig"),
        "semicolon_decimal_comma.csv": lambda p: write_csv(p, h, r, ";", cell=_decimal_comma),
        "thousands.csv": lambda p: write_csv(p, h, r, cell=_thousands),
        "currency.csv": lambda p: write_csv(p, h, r, cell=_currency),
        "trailing_blanks.csv": lambda p: write_csv(p, [*h, "", ""],
                                                   [[*x, None, None] for x in r]
                                                   + [[None] * (len(h) + 2)] * 3),
        "trailing_blanks.xlsx": lambda p: write_xlsx(p, h, r, _stray_blanks),
        "unsorted.csv": lambda p: write_csv(p, h, r[::2] + r[1::2]),
        "blank_spend.csv": lambda p: write_csv(p, h, _with(r, 2, {i: None for i in range(6, 10)}
                                                           | {i: None for i in range(16, 20)})),
        "blank_kpi.csv": lambda p: write_csv(p, h, _with(r, 1, {4: None, 11: None})),
        "drivers.csv": lambda p: write_csv(p, *_drivers_table()),
        "blank_control_event.csv": lambda p: write_csv(p, *_blank_drivers()),
        "zero_spend_channel.csv": lambda p: write_csv(p, h, _with(r, 3, dict.fromkeys(
            range(WEEKS), 0.0))),
        "constant_control.csv": lambda p: write_csv(p, [*h, "control.distribution"],
                                                    [[*x, 0.8] for x in r]),
        "header_case_spaces.csv": lambda p: write_csv(
            p, ["Date", " Revenue ", "Spend.TV", "spend.search "], r),
        "eight_channels.csv": lambda p: write_csv(p, *_many_channels()),
        "short_10_weeks.csv": lambda p: write_csv(p, h, r[:10]),
        "kpi_only.csv": lambda p: write_csv(p, h[:2], [x[:2] for x in r]),
        "units_kpi.csv": lambda p: write_csv(p, ["date", "units", *h[2:]],
                                             [[x[0], round(x[1] / 200), *x[2:]] for x in r]),
        "formula_saved.xlsx": lambda p: _formula_book(p, saved=True),
        "chinese_headers.csv": lambda p: write_csv(p, ["日期", "销售额", *h[2:]], r,
                                                   cell=_chinese_date),
        "year_month.csv": lambda p: write_csv(p, *monthly_table(), cell=_year_month),
        "utf16_tabs.csv": lambda p: write_csv(p, h, r, "\t", encoding="utf-16"),
        "unicode_text_us.csv": lambda p: write_csv(p, h, r, "\t", encoding="utf-16",
                                                   cell=_us_money),
        "german_commas.csv": lambda p: write_csv(p, h, r, cell=_german_shown),
        "chinese_columns.csv": lambda p: write_csv(p, ["日期", "销售额", "spend.电视",
                                                       "spend.搜索"], r),
        "channel_not_identifier.csv": lambda p: write_csv(
            p, ["date", "revenue", "spend.tv-national", "spend.电视"], r),
    }


def _chinese_date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, dt.date) \
        else _plain_cell(value)


def _year_month(value: Any) -> str:
    return f"{value.year}-{value.month:02d}" if isinstance(value, dt.date) else \
        _plain_cell(value)


def _blank_drivers() -> tuple[list[str], Rows]:
    header, rows = _drivers_table()
    return header, _with(_with(rows, 4, {3: None}), 5, {7: None})


def _stray_blanks(sheet: Any) -> None:
    """Cells formatted but empty right of and under the table, as a sheet keeps them."""
    sheet.cell(row=WEEKS + 5, column=8).value = None
    sheet.cell(row=WEEKS + 5, column=8).number_format = "0.00"
    sheet.cell(row=2, column=7).value = " "


def _formula_book(path: Path, saved: bool) -> Path:
    """A workbook whose week-3 search spend is a formula; with `saved`, its computed
    value stored too, as a spreadsheet program saves it."""
    h, r = plain_table()
    write_xlsx(path, h, r, lambda s: s.cell(row=4, column=4, value="=D2+D3"))
    if saved:
        _store_value(path, "D4", r[0][3] + r[1][3])
    return path


def _store_value(path: Path, ref: str, value: float) -> None:
    """Add the cached value of the formula at `ref` into the saved sheet XML."""
    import zipfile

    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as old:
        parts = {n: old.read(n) for n in old.namelist()}
    xml = parts[part].decode()
    start = xml.index(f'<c r="{ref}"')
    end = xml.index("</c>", start)
    cell = xml[start:end].replace("<v />", "").replace("<v/>", "")
    parts[part] = (xml[:start] + cell + f"<v>{value!r}</v>" + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)


def _bad_cases() -> dict[str, Callable[[Path], Path]]:
    h, r = plain_table()
    return {
        "empty.csv": lambda p: _bytes(p, b""),
        "header_only.csv": lambda p: _bytes(p, b"date,revenue\n"),
        "binary.csv": lambda p: _bytes(p, bytes(range(256)) * 8),
        "zip_as_csv.csv": lambda p: _xlsx_renamed(p),
        "history.yaml": lambda p: _bytes(p, b"name: shop\nrevenue: [1, 2, 3]\n"),
        "history.json": lambda p: _bytes(p, json.dumps({"date": ["2024-01-01"],
                                                         "revenue": [1]}).encode()),
        "missing_week.csv": lambda p: write_csv(p, h, r[:12] + r[13:]),
        "duplicated_dates.csv": lambda p: write_csv(p, h, [*r[:12], r[11], *r[12:]]),
        "negative_spend.csv": lambda p: write_csv(p, h, _with(r, 2, {7: -500.0})),
        "huge_number.csv": lambda p: write_csv(p, h, _with(r, 1, {9: 1e300})),
        "nan_text.csv": lambda p: write_csv(p, h, _with(r, 1, {9: "NaN"})),
        "formula_unsaved.xlsx": lambda p: _formula_book(p, saved=False),
        "second_sheet.xlsx": lambda p: _second_sheet(p),
        "ambiguous_dates.csv": lambda p: write_csv(*_ambiguous_monthly(p)),
        "total_row.csv": lambda p: write_csv(p, h, [*r, ["Total", *(round(sum(x[j] for x in r),
                                                                        2) for j in (1, 2, 3))]]),
        "title_row.csv": lambda p: _bytes(p, b"Weekly sales 2024\n" + write_csv(
            p, h, r).read_bytes()),
        "short_years.csv": lambda p: write_csv(p, h, r, cell=lambda v: v.strftime(
            "%d/%m/%y") if isinstance(v, dt.date) else _plain_cell(v)),
        "tabs_grouped_only.csv": lambda p: write_csv(p, h, r, "\t", cell=_hundreds_grouped),
        "pipes_grouped_only.csv": lambda p: write_csv(p, h, r, "|", cell=_hundreds_grouped),
        "quoted_grouped_only.csv": lambda p: write_csv(p, h, r, cell=_hundreds_grouped),
        "unicode_text_whole_dollars.csv": lambda p: write_csv(
            p, h, r, "\t", encoding="utf-16", cell=lambda v: _hundreds_grouped(v, "$")),
        "leading_zero_comma.csv": lambda p: write_csv(p, h, _with(r, 3, {1: "0,125"})),
        "leading_zero_point.csv": lambda p: write_csv(p, h, _with(r, 3, {1: "0.125"}), ";",
                                                      cell=_decimal_comma),
        "year_9999_months.csv": lambda p: write_csv(p, *monthly_table(4), cell=lambda v: (
            f"9999-{v.month + 8:02d}" if isinstance(v, dt.date) else _plain_cell(v))),
        "year_9999_weeks.csv": lambda p: write_csv(p, h, r[:4], cell=lambda v: (
            f"9999-W{v.isocalendar()[1] + 48}" if isinstance(v, dt.date) else _plain_cell(v))),
        "year_2500_chinese.csv": lambda p: write_csv(p, h, r, cell=lambda v: (
            _chinese_date(v.replace(year=2500)) if isinstance(v, dt.date) else _plain_cell(v))),
        "year_2500_day_first.csv": lambda p: write_csv(p, *monthly_table(4), cell=lambda v: (
            v.strftime("%d/%m/2500") if isinstance(v, dt.date) else _plain_cell(v))),
        "day_first_month_missing.csv": lambda p: write_csv(*_missing_march(p)),
        "control_not_a_name.csv": lambda p: write_csv(
            p, [*h, "control.价格指数", "event.double-11"], [[*x, 1.0, 0.0] for x in r]),
    }


def _ambiguous_monthly(path: Path) -> tuple[Path, list[str], Rows]:
    """Months on their first day written 01/02/2024: day-first months or month-first
    days, both regular."""
    header, rows = monthly_table(10)
    return path, header, [[d[0].strftime("%d/%m/%Y"), *d[1:]] for d in rows]


def _missing_march(path: Path) -> tuple[Path, list[str], Rows]:
    """Months on their first day written day-first (01/02/2024), March left out: neither
    reading is regular."""
    path, header, rows = _ambiguous_monthly(path)
    return path, header, rows[:2] + rows[3:]


def _second_sheet(path: Path) -> Path:
    """A workbook whose first sheet holds notes and whose second, `Data`, the table."""
    h, r = plain_table()

    def notes_first(sheet: Any) -> None:
        sheet.title = "Data"
        notes = sheet.parent.create_sheet("Notes", 0)
        notes["A1"] = "Weekly sales, from the finance team"

    return write_xlsx(path, h, r, notes_first)


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _xlsx_renamed(path: Path) -> Path:
    h, r = plain_table()
    write_xlsx(path.with_suffix(".xlsx"), h, r).rename(path)
    return path


GOOD = _good_cases()
BAD = _bad_cases()


def write_case(name: str, folder: Path) -> Path:
    """Write the case `name` (a key of GOOD or BAD) into `folder`; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    return (GOOD | BAD)[name](folder / name)
