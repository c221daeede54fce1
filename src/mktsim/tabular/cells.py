"""Numbers and dates of a table's cells, read strictly: a value is either read exactly as
written or refused with the reason and the fix (never guessed)."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from ..i18n import N_, _
from .marks import is_ambiguous

#: the largest size of a number in a table (money, people, units): beyond it the
#: simulation's sums lose every digit, so such a value is a typing error.
MAX_ABS = 1e12
FIRST_YEAR, LAST_YEAR = 1900, 2200

_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
# Year first (never ambiguous): 2026-02-09, 2026/2/9, 2026.02.09, and a spreadsheet's or
# pandas' midnight (2026-02-09 00:00:00, 2026-02-09T00:00). Day-first forms are refused.
_DATE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})"
                   r"(?:[ T]00:00(?::00(?:\.0+)?)?)?", re.ASCII)

Why = tuple[str, str]  # (what is wrong, how to fix it)


class FormulaCell(str):
    """An .xlsx formula whose value was never saved (the text is the formula)."""


def number_problem(cell: Any, share: bool = False) -> Why | None:
    """Why `cell` is not a number of a column (`share`: a fraction, where `23%` is
    legitimate), or None when it is one."""
    return as_number(cell, share)[1]


def as_number(cell: Any, share: bool = False, decimal: str = ".",
              grouped: bool = False) -> tuple[float | None, Why | None]:
    """(value, None) or (None, why not). A share may be written `23%` (= 0.23).
    `decimal` is the file's decimal mark ("." or ","); with `grouped`, text written as a
    spreadsheet shows money is read too: thousands grouped by threes (`1,234.5`, or
    `1.234,5` with a decimal comma) and one currency sign before or after (`$1,234.50`,
    `12,50 €`)."""
    if isinstance(cell, FormulaCell):
        return None, (_("formula {formula} has no saved value").format(formula=str(cell)[:40]),
                      _("open the file in a spreadsheet program and save it (that stores "
                        "the values), or type the value"))
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        return None, (_("{cell} is not a number").format(cell=_shown(cell)), _(_PLAIN_HINT))
    if isinstance(cell, str):
        text = cell.strip()
        body = shown_plainly(text, decimal) if grouped else text
        if body is None:
            return None, (_("{cell} is not a number").format(cell=_shown(text)),
                          _why_not_grouped(decimal, text))
        return _text_number(body, share, text)
    return _checked(float(cell), _shown(cell))


#: currency signs read before or after an amount (`$1,234.50`, `12,50 €`, `¥3000`)
CURRENCY = "$€£¥￥₹₩₽₺₫฿₦₴元"
#: the thousands separators read with each decimal mark (spaces as some locales write)
_GROUPS = {".": ",'\u00a0\u202f ", ",": ".\u00a0\u202f '"}


def shown_plainly(text: str, decimal: str = ".") -> str | None:
    """`text` as a plain number (`1,234.50` -> `1234.50`, `1.234,5` -> `1234.5` with a
    decimal comma, a currency sign dropped), the text itself when it has no separator,
    or None when its separators are not a grouping by threes (`1,23`: which is it?).
    `decimal` "?": a file that does not tell its mark; `12.000` and `1,500` there are
    None. A first group of 0 or starting with 0 (`0,125`) is never thousands."""
    body = without_currency(text)
    if decimal == "?":
        if is_ambiguous(body):
            return None
        decimal = "."
    for sep in _GROUPS[decimal]:
        if sep in body:
            if not _grouping(sep, decimal).fullmatch(body):
                return None
            body = body.replace(sep, "")
            break
    if decimal != "." and "." in body:
        return None
    return body.replace(decimal, ".") if body.count(decimal) == 1 else body


def without_currency(text: str) -> str:
    """`text` with one currency sign before the number (after its minus sign) or after
    it dropped."""
    sign = text[0] if text[:1] in "+-" and len(text) > 1 else ""
    rest = text[len(sign):]
    if rest[:1] and rest[0] in CURRENCY:
        return sign + rest[1:].strip()
    if text[-1:] and text[-1] in CURRENCY:
        return text[:-1].strip()
    return text


def _grouping(sep: str, decimal: str) -> re.Pattern[str]:
    return re.compile(rf"[+-]?[1-9][0-9]{{0,2}}(?:{re.escape(sep)}[0-9]{{3}})+"
                      rf"(?:{re.escape(decimal)}[0-9]*)?", re.ASCII)


def _why_not_grouped(decimal: str, text: str) -> str:
    if decimal == "?" and "," in text:
        return _("this file does not show whether a comma marks decimals or thousands: "
                 "write the number without separators (1500), or show the mark in one "
                 "number of the file (1,500.00 or 1.500,00)")
    if decimal == "?":
        return _("this file does not show whether a point marks decimals or thousands: "
                 "write 12000 for twelve thousand, or 12,0 for twelve")
    if decimal == ",":
        return _("this file writes decimals with a comma: write 1234,5 or 1.234,5 (thousands "
                 "grouped by threes)")
    return _("write 1234.5 or 1,234.5 (thousands grouped by threes, a point before the "
             "decimals)")


_PLAIN_HINT = N_("write a plain number with ASCII digits (1234.5, no units or separators), or "
               "leave the cell empty for a missing value")


def _text_number(text: str, share: bool, written: str | None = None
                 ) -> tuple[float | None, Why | None]:
    """The plain-number `text` (`written`: the cell as written, shown in messages)."""
    shown = _shown(written if written is not None else text)
    pct = text.endswith("%")
    body = text[:-1].strip() if pct else text
    if body.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return None, (_("{cell} is not a finite number").format(cell=shown),
                      _("leave the cell empty when the value is missing"))
    if not _PLAIN.fullmatch(body):
        return None, (_("{cell} is not a number").format(cell=shown),
                      _why_not_plain(body))
    if pct and not share:
        return None, (_("{cell} is a percentage, but this column is not a share").format(
                          cell=shown),
                      _("write the number itself (percentages are for share columns only)"))
    value, why = _checked(float(body), shown)
    return (value / 100.0 if pct and value is not None else value), why


def _why_not_plain(text: str) -> str:
    if text.startswith("#"):
        return _("a spreadsheet's error value: correct the formula, or leave the cell empty "
                 "for a missing value")
    if "_" in text or "," in text or "'" in text or " " in text:
        return _("write it without thousands separators or underscores (299796, 1234.5)")
    if any(c.isdigit() and not c.isascii() for c in text):
        return _("write it with the digits 0-9")
    return _(_PLAIN_HINT)


def _checked(value: float, shown: str) -> tuple[float | None, Why | None]:
    if not math.isfinite(value):
        return None, (_("{cell} is not a finite number").format(cell=shown),
                      _("leave the cell empty when the value is missing"))
    if abs(value) > MAX_ABS:
        return None, (_("{cell} is larger than {limit} in size").format(
                          cell=shown, limit=f"{MAX_ABS:.0e}"),
                      _("check the value (a typing error?) or change the unit"))
    return value, None


def as_date(cell: Any) -> tuple[dt.date | None, Why | None]:
    """(date, None) or (None, why not): `YYYY-MM-DD` text (also `/` or `.` between the
    parts, one-digit months and days, a midnight time after it) or a spreadsheet date (at
    midnight), between FIRST_YEAR and LAST_YEAR."""
    date: dt.date | None = None
    if isinstance(cell, dt.datetime):
        date = cell.date() if cell.time() == dt.time() else None
    elif isinstance(cell, dt.date):
        date = cell
    elif isinstance(cell, str):
        m = _DATE.fullmatch(cell.strip())
        if m:
            try:
                date = dt.date(int(m[1]), int(m[3]), int(m[4]))
            except ValueError:
                return None, (_("cannot read {cell} as a date (no such day)").format(
                                  cell=_shown(cell)), _("check the month and the day"))
    if date is None:
        return None, (_("cannot read {cell} as a date").format(cell=_shown(cell)),
                      _("write the period's first day as YYYY-MM-DD (2026-02-09)"))
    return (date, None) if date_problem(date) is None else (None, date_problem(date))


def date_problem(date: dt.date) -> Why | None:
    """Why a date is outside the years mktsim reads, or None."""
    if FIRST_YEAR <= date.year <= LAST_YEAR:
        return None
    return (_("date {date} is outside the years {first}-{last}").format(
                date=date.isoformat(), first=FIRST_YEAR, last=LAST_YEAR),
            _("check the year"))


def _shown(cell: Any) -> str:
    text = repr(cell) if not isinstance(cell, str) else repr(str(cell))
    return text if len(text) <= 42 else text[:40] + "...'"
