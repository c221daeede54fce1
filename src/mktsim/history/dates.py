"""The date column of a history file, read as analysts write it.

Besides the year-first dates and the date cells of `mktsim.tabular.as_date`, a column may
hold ISO week labels (`2024-W02`, `2024-W02-1`: the Monday of that week), months
(`2024-01`: its first day), Chinese dates (`2024年1月7日`, `2024年1月`) or day-first or
month-first dates (`07/01/2024`, `01/07/2024`, also with `.` or `-`). Which of the last two
a column holds is read from the whole column, never guessed cell by cell: a day above 12
settles it; otherwise the order in which the dates follow each other regularly (weeks,
months, ...) is taken, and a column regular both ways (`01/02/2024, 01/03/2024, ...`:
months or days?) is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import tabular
from ..i18n import N_, _
from ..scenario.errors import Problem
from .periods import Irregular, infer_kind, month_starts

_DAY_MONTH = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})"
                        r"(?: 00:00(?::00)?)?", re.ASCII)
_WEEK = re.compile(r"([0-9]{4})-?W([0-9]{1,2})(?:-([1-7]))?", re.ASCII | re.IGNORECASE)
_MONTH = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})", re.ASCII)
_CHINESE = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月(?:\s*([0-9]{1,2})\s*日)?")
_SHORT_YEAR = re.compile(r"[0-9]{1,2}([/.-])[0-9]{1,2}\1[0-9]{2}", re.ASCII)
_YEAR_FIRST = re.compile(r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}", re.ASCII)
_TOTAL_WORDS = ("total", "sum", "合计", "总计", "小计", "汇总")
DAY_FIRST, MONTH_FIRST = N_("day-first"), N_("month-first")


def read_dates(file: str, rows: list[list[Any]]) -> tuple[list[dt.date | None], list[Problem]]:
    """Each row's date, its first cell (None where it has none), and the problems, at the
    file's rows (the first is row 2). A row with every cell empty (a blank line between
    two years) has no date and no problem: it is left out."""
    cells = [row[0] if row else None for row in rows]
    order, problems = _order(file, cells)
    dates: list[dt.date | None] = []
    for i, cell in enumerate(cells):
        date, why = _date(cell, order)
        if date is None and not all(_empty(c) for c in rows[i]) and \
                not (problems and order is None and _in_years(_day_month(cell))):
            problems.append(Problem(file, i + 2, "date", *(why or _unreadable(cell))))
        dates.append(date)
    return dates, problems


def _date(cell: Any, order: str | None) -> tuple[dt.date | None, tabular.cells.Why | None]:
    date, why = tabular.as_date(cell)
    if date is None and isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return None, _unreadable(cell)
    if date is not None or not isinstance(cell, str):
        return date, why
    week = _WEEK.fullmatch(cell.strip())
    if week:
        return _week_start(week)
    day = _MONTH.fullmatch(cell.strip()) or _CHINESE.fullmatch(cell.strip())
    if day:
        return _calendar_day(day)
    parts = _day_month(cell)
    if parts and not _in_years(parts):
        return None, (_("the year of {cell} is outside the years {first}-{last}").format(
                          cell=repr(cell.strip()), first=tabular.FIRST_YEAR,
                          last=tabular.LAST_YEAR), _("check the year"))
    if parts and order is not None:
        date = _as(parts, order)
        if date is None:
            return None, (_("cannot read {cell} as a {order} date (no such day)").format(
                              cell=repr(cell.strip()), order=_(order)),
                          _("check the day and the month"))
        return _in_range(date)
    return None, why if _YEAR_FIRST.match(cell.strip()) else _unreadable(cell)


def _week_start(week: re.Match[str]) -> tuple[dt.date | None, tabular.cells.Why | None]:
    try:
        date = dt.date.fromisocalendar(int(week[1]), int(week[2]), int(week[3] or 1))
    except ValueError:
        return None, (_("{cell} is not a week of that year").format(cell=repr(week[0])),
                      _("write the week as YYYY-Www, weeks 01 to 52 or 53"))
    return _in_range(date)


def _in_range(date: dt.date) -> tuple[dt.date | None, tabular.cells.Why | None]:
    """(date, None), or (None, why) for a date outside the years mktsim reads."""
    why = tabular.date_problem(date)
    return (None, why) if why else (date, None)


def _in_years(parts: tuple[int, int, int] | None) -> bool:
    """Whether a `07/01/2024` cell's year is one mktsim reads (False for no such cell)."""
    return parts is not None and tabular.FIRST_YEAR <= parts[2] <= tabular.LAST_YEAR


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _calendar_day(m: re.Match[str]) -> tuple[dt.date | None, tabular.cells.Why | None]:
    """The date of `2024-01` (the month's first day) or `2024年1月7日` (`2024年1月`: the
    month's first day)."""
    month, day = (m[3], None) if m.re is _MONTH else (m[2], m[3])
    try:
        date = dt.date(int(m[1]), int(month), int(day or 1))
    except ValueError:
        return None, (_("cannot read {cell} as a date (no such day)").format(
                          cell=repr(m[0])), _("check the month and the day"))
    return _in_range(date)


def _unreadable(cell: Any) -> tabular.cells.Why:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return (_("cannot read the number {cell} as a date").format(cell=repr(cell)),
                _("format the column as dates in the spreadsheet program (a date shown "
                  "as a number is a day count), or write YYYY-MM-DD (2026-02-09)"))
    text = "" if cell is None else str(cell).strip()
    if not text:
        return (_("the date is empty"),
                _("write the period's first day, or remove the row (a total or a note?)"))
    if any(word in text.lower() for word in _TOTAL_WORDS):
        hint = _("a total row? remove it (mktsim adds the periods up itself)")
    elif _SHORT_YEAR.fullmatch(text):
        hint = _("write the year in full (2026), or the date as YYYY-MM-DD (2026-02-09)")
    else:
        hint = _("write the period's first day as YYYY-MM-DD (2026-02-09)")
    return _("cannot read {cell} as a date").format(cell=repr(cell)), hint


def _day_month(cell: Any) -> tuple[int, int, int] | None:
    """(first, second, year) of `07/01/2024`, or None."""
    m = _DAY_MONTH.fullmatch(cell.strip()) if isinstance(cell, str) else None
    return (int(m[1]), int(m[3]), int(m[4])) if m else None


def _as(parts: tuple[int, int, int], order: str) -> dt.date | None:
    first, second, year = parts
    day, month = (first, second) if order == DAY_FIRST else (second, first)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _order(file: str, cells: list[Any]) -> tuple[str | None, list[Problem]]:
    """DAY_FIRST or MONTH_FIRST for the column's `dd/mm/yyyy`-like cells (None when it
    has none), or a problem when the column does not tell."""
    rows = [(i, p) for i, c in enumerate(cells) if _in_years(p := _day_month(c))]
    if not rows:
        return None, []
    fits = [o for o in (DAY_FIRST, MONTH_FIRST) if all(_as(p, o) for _, p in rows)]
    regular = [o for o in fits if _regular([_as(p, o) for _, p in rows])]
    if len(fits) == 2:
        fits = regular or fits
    if len(fits) == 1:
        return fits[0], []
    if not fits:  # neither reads every cell: the one that reads more, the rest refused
        return max((DAY_FIRST, MONTH_FIRST),
                   key=lambda o: sum(_as(p, o) is not None for _, p in rows)), []
    i, parts = next(((i, p) for i, p in rows if _as(p, DAY_FIRST) != _as(p, MONTH_FIRST)),
                    rows[0])
    both = (N_("cannot tell whether {cell} is day-first ({day}) or month-first ({month}): "
               "the column reads regularly both ways") if regular else
            N_("cannot tell whether {cell} is day-first ({day}) or month-first ({month}): "
               "neither reading is regular (a missing period?)"))
    return None, [Problem(file, i + 2, "date", _(both).format(
        cell=repr(cells[i].strip()), day=_as(parts, DAY_FIRST),
        month=_as(parts, MONTH_FIRST)),
        _("write the dates year first, YYYY-MM-DD (2026-02-09)"))]


def _regular(dates: list[dt.date | None]) -> bool:
    known = sorted(d for d in dates if d is not None)
    return len(known) >= 2 and len(set(known)) == len(known) and \
        not isinstance(infer_kind(month_starts(known)), Irregular)


def repeated_dates(file: str, dates: list[dt.date | None]) -> list[Problem]:
    """A problem for each date written on a second row (the rows are 2, 3, ...)."""
    first: dict[dt.date, int] = {}
    problems = []
    for i, date in enumerate(dates):
        if date is None:
            continue
        if date in first:
            problems.append(Problem(file, i + 2, "date", _(
                "date {date} is also on row {row}").format(date=date, row=first[date]),
                _("keep one row per period (add the two rows' values into one)")))
        first.setdefault(date, i + 2)
    return problems


def by_date(dates: list[dt.date | None], rows: list[list[Any]]
            ) -> tuple[list[dt.date], list[list[Any]], list[int]]:
    """The dates and rows sorted by date (rows in any order are read by their dates), and
    each sorted row's number in the file (the first row under the header is 2); rows
    without a date are dropped (their problem is already reported)."""
    order = sorted((i for i, d in enumerate(dates) if d is not None),
                   key=lambda i: (dates[i], i))
    return ([dates[i] for i in order], [rows[i] for i in order],  # type: ignore[misc]
            [i + 2 for i in order])
