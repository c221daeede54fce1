"""Numbers as users write them in parameter specifications (``30``, ``1_000``, ``30%``)."""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import ParamSpecError

NUMBER_RE = re.compile(
    r"[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d+)?%?",
    re.ASCII,  # 0-9 only: float() would also take other scripts' digits
)


def parse_number(text: str) -> int | float:
    """Parse ``30``, ``1_000``, ``2.5e3``, ``-4`` or ``30%`` (= 0.3).

    Integers without a decimal point, exponent or percent sign stay ``int``.
    Raises :class:`ParamSpecError` for anything else (including nan/inf).
    """
    s = text.strip()
    if not NUMBER_RE.fullmatch(s):
        raise ParamSpecError(f"'{text}' is not a number")
    if s.endswith("%"):
        return float(s[:-1]) / 100.0
    if any(c in s for c in ".eE"):
        return float(s)
    return int(s)


def as_number(value: Any, what: str) -> float:
    """Accept an int/float (not bool) or a numeric string; return a finite float."""
    if isinstance(value, bool):
        raise ParamSpecError(f"{what} must be a number, got {value!r}")
    if isinstance(value, int | float):
        out = float(value)
    elif isinstance(value, str):
        out = float(parse_number(value))
    else:
        raise ParamSpecError(f"{what} must be a number, got {value!r}")
    if not math.isfinite(out):
        raise ParamSpecError(f"{what} must be finite, got {value!r}")
    return out


def format_number(x: float, sig: int = 2) -> str:
    """Short human-readable number: ``sig`` significant digits, no exponent."""
    if x == 0 or not math.isfinite(x):
        return str(0 if x == 0 else x)
    decimals = max(0, sig - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
