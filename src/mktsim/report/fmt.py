"""Number, date and label formatting shared by every writer.

Two styles exist: *short* values for sentences (``CNY 12.3 M``, ``84%``) and
*cell* values for tables (``12,345,678``, ``84.0%``) which keep enough digits
for a reader to copy them into another document.

Numbers and dates follow the active language (mktsim.i18n): in Chinese, large money
reads ``1,234.5 万元`` / ``1.2 亿元`` and dates ``2027年1月1日``.
"""

from __future__ import annotations

import math
from datetime import date

from ..i18n import _, is_zh
from .words import KPI_NAMES, UNITS, word

# Display kinds used by tables and the workbook.
MONEY = "money"
PERCENT = "percent"
COUNT = "count"
RATIO = "ratio"
DATE = "date"
TEXT = "text"
NUMBER = "number"

_LABELS = {
    "roi": "ROI",
    "cac": "CAC",
    "nps": "NPS",
    "kol": "KOL",
    "ltv": "LTV",
    "ctr": "CTR",
    "sem": "SEM",
    "seo": "SEO",
    "tv": "TV",
    "ooh": "OOH",
    "crm": "CRM",
}


def unit_kind(unit: str, currency: str) -> str:
    """Map a results-file unit (``share``, ``CNY``, ...) to a display kind."""
    if unit == "share":
        return PERCENT
    if unit in ("count", "units"):
        return COUNT
    if unit == "ratio":
        return RATIO
    if unit == "money_per_customer" or (currency and unit == currency):
        return MONEY
    if len(unit) == 3 and unit.isalpha() and unit.isupper():
        return MONEY  # another ISO currency code
    return NUMBER


def currency_unit(currency: str) -> str:
    """The currency as a unit: the code in English (``CNY``), 元 / 美元 ... in Chinese."""
    if not is_zh() or not currency:
        return currency
    if currency.upper() in ("CNY", "RMB"):
        return "元"
    try:
        from babel.numbers import get_currency_name

        return str(get_currency_name(currency.upper(), locale="zh_Hans_CN"))
    except Exception:  # an unknown code: shown as it is
        return currency


def unit_label(unit: str, currency: str) -> str:
    """Short unit text for column headers and axes (``CNY``, ``%``, ``count``)."""
    kind = unit_kind(unit, currency)
    if kind == PERCENT:
        return "%"
    if unit == "money_per_customer":
        return (_("{currency} per customer").format(currency=currency_unit(currency))
                if currency else _("per customer"))
    if kind == MONEY:
        return currency_unit(unit)
    return word(UNITS, unit, unit)


def label(name: str) -> str:
    """Turn an identifier into a heading (``brand_awareness`` -> ``Brand awareness``); KPI
    names in the active language."""
    if name in KPI_NAMES:
        return _(KPI_NAMES[name])
    words = [w for w in name.replace("-", "_").split("_") if w]
    if not words:
        return name
    out = [_LABELS.get(w.lower(), w) for w in words]
    first = out[0]
    if first == words[0]:
        out[0] = first[:1].upper() + first[1:]
    return " ".join(out)


def phrase(name: str) -> str:
    """Identifier in a sentence: ``brand_awareness``->``brand awareness``, ``cac``->``CAC``."""
    if is_zh():
        return label(name)
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in label(name).split())


def is_missing(value: object) -> bool:
    """True for ``None`` and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def na() -> str:
    """The text of a missing value."""
    return _("n/a")


def zh_large(value: float, unit: str = "") -> str:
    """A large number the Chinese way: ``1,234.5 万元``, ``1.2 亿元``, ``8,300 元``."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e8:
        text = f"{size / 1e8:,.2f}".rstrip("0").rstrip(".") + " 亿"
    elif size >= 1e4:
        text = f"{size / 1e4:,.1f}".rstrip("0").rstrip(".") + " 万"
    elif size >= 100:
        text = f"{size:,.0f} "
    else:
        text = f"{size:,.2f} "
    return (sign + text + unit).strip()


def format_money(value: float | None, currency: str) -> str:
    """Money for sentences: ``CNY 12.3 M`` from a million up, ``CNY 830,000`` below; in
    Chinese ``1,234.5 万元``."""
    if is_missing(value):
        return na()
    assert value is not None
    if is_zh():
        return zh_large(value, currency_unit(currency))
    prefix = f"{currency} " if currency else ""
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e6:
        return f"{prefix}{sign}{size / 1e6:,.1f} M"
    if size >= 100:
        return f"{prefix}{sign}{size:,.0f}"
    return f"{prefix}{sign}{size:,.2f}"


def format_percent(value: float | None, digits: int = 0) -> str:
    """A share as a percentage: ``0.842 -> 84%``."""
    if is_missing(value):
        return na()
    assert value is not None
    return f"{value * 100:.{digits}f}%"


def format_interval(interval: tuple[float, float] | None) -> str:
    """A probability interval: ``(0.79, 0.88) -> 79–88%``."""
    if not interval:
        return ""
    low, high = interval
    return f"{low * 100:.0f}–{high * 100:.0f}%"


def format_count(value: float | None) -> str:
    """A count with thousands separators."""
    if is_missing(value):
        return na()
    assert value is not None
    if is_zh() and abs(value) >= 1e5:
        return zh_large(value)
    if abs(value) >= 1e7:
        return f"{value / 1e6:,.1f} M"
    return f"{value:,.0f}"


def format_ratio(value: float | None) -> str:
    """A ratio with two decimals."""
    if is_missing(value):
        return na()
    return f"{value:,.2f}"


def format_value(value: float | None, unit: str, currency: str) -> str:
    """Short human value for a sentence, chosen by the unit of the KPI."""
    kind = unit_kind(unit, currency)
    if kind == MONEY:
        return format_money(value, currency)
    if kind == PERCENT:
        return format_percent(value, 1)
    if kind == COUNT:
        return format_count(value)
    if kind == RATIO:
        return format_ratio(value)
    if is_missing(value):
        return na()
    assert value is not None
    return plain_number(value)


def format_date(day: date | None) -> str:
    """A date for sentences: ``31 Dec 2027``, in Chinese ``2027年12月31日``."""
    if day is None:
        return na()
    if is_zh():
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%b %Y')}"


def format_month(year: int, month: int) -> str:
    """A month for axes: ``Jan 2027``, in Chinese ``2027年1月``."""
    if is_zh():
        return f"{year}年{month}月"
    return date(year, month, 1).strftime("%b %Y")


def cell_text(value: object, kind: str, currency: str = "") -> str:
    """Table cell text. Money cells carry the currency only when ``currency`` is given."""
    if is_missing(value):
        return ""
    if isinstance(value, date):
        return format_date(value) if is_zh() else value.isoformat()
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    number = float(value)
    if kind == MONEY:
        whole = abs(number) >= 1000 or number.is_integer()
        text = f"{number:,.0f}" if whole else f"{number:,.2f}"
        if currency and is_zh():
            return f"{text} {currency_unit(currency)}"
        return f"{currency} {text}" if currency else text
    if kind == PERCENT:
        return f"{number * 100:.1f}%"
    if kind == COUNT:
        return f"{number:,.0f}"
    if kind == RATIO:
        return f"{number:,.2f}"
    return plain_number(number)


def plain_number(number: float) -> str:
    """A number without exponent where possible: ``57,500,000``, ``0.031``."""
    if abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:.4g}"


def fmt_value(value: float | None, unit: str) -> str:
    """A number as the terminal shows it: 31.2%, 1,234,567, 12.35 (``unit``: a KPI unit of
    mktsim.kpis: money, share, ratio, count)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if unit == "money" and is_zh() and abs(value) >= 1e4:
        return zh_large(value)
    if unit == "share":
        return f"{value:.1%}"
    if unit == "ratio":
        return f"{value:.2f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"
