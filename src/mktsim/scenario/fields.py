"""Typed value fields of the scenario schema: shares, rates, money, dates.

Shares and probabilities are fractions from 0 to 1; `"30%"` is accepted for 0.3.
Large numbers may use `_` separators (`2_000_000`), also inside quoted strings.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field


def to_number(value: Any) -> Any:
    """Turn `"30%"`, `"2_000_000"` and `"1e6"` strings into numbers; leave the rest.

    `true`/`false` are refused (YAML reads them as booleans, which Python would take for 1
    and 0), and so is text with digits other than ASCII 0-9 (a full-width `２７`), which
    Python would read as 27 without a word."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    if not isinstance(value, str):
        return value
    if not value.isascii() and any(c.isdigit() for c in value):
        raise ValueError(f"'{value}' has digits other than 0-9 (full-width or another "
                         "script); write the number with ASCII digits 0-9")
    text = value.strip().replace("_", "").replace(",", "")
    try:
        if text.endswith("%"):
            return float(text[:-1]) / 100.0
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


#: The largest magnitude of any number in a scenario: beyond it sums of money, exposures
#: and utilities could overflow inside the engine. Fields with a tighter natural range
#: (shares, shapes, multipliers) state their own bounds.
LIMIT = 1e15

Number = Annotated[float, BeforeValidator(to_number), AfterValidator(_finite),
                   Field(ge=-LIMIT, le=LIMIT)]
Share = Annotated[float, BeforeValidator(to_number), Field(ge=0.0, le=1.0)]
Probability = Share
NonNegative = Annotated[float, BeforeValidator(to_number), AfterValidator(_finite),
                        Field(ge=0.0, le=LIMIT)]
Positive = Annotated[float, BeforeValidator(to_number), AfterValidator(_finite),
                     Field(gt=0.0, le=LIMIT)]
Multiplier = Annotated[float, BeforeValidator(to_number), AfterValidator(_finite),
                       Field(ge=0.0, le=100.0)]
"""A factor on another value (price sensitivity, a hazard ratio, a lift): 0 to 100."""
Shape = Annotated[float, BeforeValidator(to_number), AfterValidator(_finite),
                  Field(gt=0.0, le=10.0)]
"""An exponent (Hill shape, sBG parameters' kin): above 0, at most 10."""
Weight = Annotated[float, BeforeValidator(to_number), AfterValidator(_finite),
                   Field(ge=-1e6, le=1e6)]
"""A weight or constant of the choice model's utility: -10^6 to 10^6."""
Money = Annotated[float, BeforeValidator(to_number), AfterValidator(_finite),
                  Field(ge=0.0, le=1e15)]
RatePerYear = Annotated[float, BeforeValidator(to_number), AfterValidator(_finite),
                        Field(ge=0.0, le=10_000.0)]
Amount = Annotated[float, BeforeValidator(to_number), AfterValidator(_finite),
                   Field(ge=1e-6, le=1e15)]
"""A positive price, cost or count of exposures: at least 0.000001, at most 10^15."""
Count = Annotated[int, BeforeValidator(to_number), Field(ge=0, le=10**15)]
PositiveCount = Annotated[int, BeforeValidator(to_number), Field(ge=1, le=10**15)]
Headcount = Annotated[int, BeforeValidator(to_number), Field(ge=0, le=100_000)]
"""People on a team, or hired at once: at most 100,000."""
Days = Annotated[int, BeforeValidator(to_number), Field(ge=1, le=36_500)]
"""A whole number of days, 1 to 36,500 (a hundred years)."""
Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]
