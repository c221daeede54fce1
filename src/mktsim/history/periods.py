"""Periods of a history file: days, weeks, months or years, inferred from the dates.

A period starts on its row's date and ends the day before the next period starts; the
last period has the length its kind gives it (a month ends on the month's last day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from ..i18n import N_, _


class PeriodKind(StrEnum):
    """How long one row of a history file lasts."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


def next_start(kind: PeriodKind, date: dt.date) -> dt.date:
    """The first day of the period after the one that starts on `date`."""
    if kind is PeriodKind.DAY:
        return date + dt.timedelta(days=1)
    if kind is PeriodKind.WEEK:
        return date + dt.timedelta(days=7)
    if kind is PeriodKind.MONTH:
        year, month = divmod(date.month, 12)
        return _replace_day(date.replace(year=date.year + year, month=month + 1, day=1),
                            date.day)
    return _replace_day(date.replace(year=date.year + 1, day=1), date.day)


def month_starts(dates: list[dt.date]) -> list[dt.date]:
    """Monthly rows dated on their months' last days, moved to the months' first days (a
    row covers the calendar month it is dated in); any other dates unchanged."""
    if len(dates) < 2 or not all(_is_month_end(d) for d in dates):
        return dates
    firsts = [d.replace(day=1) for d in dates]
    steps = {(b.year - a.year) * 12 + b.month - a.month for a, b in pairwise(firsts)}
    return firsts if steps == {1} else dates


def _is_month_end(date: dt.date) -> bool:
    return (date + dt.timedelta(days=1)).day == 1 if date < dt.date.max else True


def _replace_day(date: dt.date, day: int) -> dt.date:
    """`date` on day-of-month `day`, or on the month's last day when it is shorter."""
    for d in range(day, 27, -1):
        try:
            return date.replace(day=d)
        except ValueError:
            continue
    return date.replace(day=min(day, 28))


@dataclass(frozen=True)
class Irregular:
    """Where the dates stop being regular: 0-based index of the offending row and why."""

    index: int
    message: str
    hint: str


def infer_kind(dates: list[dt.date]) -> PeriodKind | Irregular:
    """The period kind whose steps all the dates follow, or where they break."""
    for i in range(1, len(dates)):
        if dates[i] <= dates[i - 1]:
            return Irregular(i, _("date {date} is not after the previous row's {previous} "
                                  "(periods overlap or are out of order)").format(
                                      date=dates[i], previous=dates[i - 1]),
                             _("sort the rows by date and keep one row per period"))
    first_step = (dates[1] - dates[0]).days
    kind = _kind_of_step(dates[0], dates[1], first_step)
    if kind is None:
        return Irregular(1, _("a step of {n} days from {date} is not a day, week, month or "
                              "year").format(n=first_step, date=dates[0]),
                         _("use one row per day, week, month or year"))
    for i in range(1, len(dates)):
        try:
            expected = next_start(kind, dates[i - 1])
        except (OverflowError, ValueError):
            return Irregular(i, _("date {date} is too close to the end of the calendar")
                             .format(date=dates[i - 1]), _("check the year"))
        if dates[i] != expected:
            gap = _("a period is missing") if dates[i] > expected else _("periods overlap")
            return Irregular(i, _(_IRREGULAR[kind]).format(expected=expected,
                                                           previous=dates[i - 1],
                                                           found=dates[i], gap=gap),
                             _("add the missing row with empty cells, or fix the date"))
    return kind


_IRREGULAR = {
    PeriodKind.DAY: N_("irregular days: expected {expected} after {previous}, found {found} "
                       "({gap})"),
    PeriodKind.WEEK: N_("irregular weeks: expected {expected} after {previous}, found {found} "
                        "({gap})"),
    PeriodKind.MONTH: N_("irregular months: expected {expected} after {previous}, found "
                         "{found} ({gap})"),
    PeriodKind.YEAR: N_("irregular years: expected {expected} after {previous}, found {found} "
                        "({gap})"),
}


def _kind_of_step(a: dt.date, b: dt.date, days: int) -> PeriodKind | None:
    if days == 1:
        return PeriodKind.DAY
    if days == 7:
        return PeriodKind.WEEK
    for kind in (PeriodKind.MONTH, PeriodKind.YEAR):
        try:
            if next_start(kind, a) == b:
                return kind
        except (OverflowError, ValueError):
            return None
    return None


def period_bounds(kind: PeriodKind, dates: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """(first day, first day of the next period) of each row."""
    return [(d, next_start(kind, d)) for d in dates]
