"""SMART targets: KPI, threshold (absolute or relative to a baseline), deadline, confidence."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from .base import Label, Section
from .fields import Days, Name, Number, Probability


class Target(Section):
    """One SMART target.

    Give the threshold as `at_least` or `at_most` (absolute), or as `change` relative
    to `baseline` (a number, or `start` for the value on day 0): `change: 30%` means at
    least 1.3 x baseline, `change: -10%` at most 0.9 x baseline.
    """

    id: Name
    label: Label | None = Field(None, description="Name shown in tables, charts and reports "
                                "(text, or {en: ..., zh: ...}); the key stays the identifier.")
    metric: str = Field(description="A KPI name, e.g. brand_awareness or revenue.")
    at_least: Number | None = None
    at_most: Number | None = None
    baseline: Number | Literal["start"] | None = None
    change: Number | None = Field(None, description="Relative change vs baseline (0.3 = +30%).")
    over_days: Days | None = Field(
        None, description="Flows: sum over the N days up to `by` (default: since the start)."
    )
    by: dt.date | None = Field(None, description="Deadline (default: end of horizon).")
    level: Literal["short", "mid", "long"] | None = None
    confidence: Probability | None = Field(
        None, description="Required probability of meeting the target (default 0.8)."
    )
    serves: Name | None = Field(None, description="The objective this target serves.")
    owner: str | None = None

    @model_validator(mode="after")
    def _one_threshold(self) -> Target:
        given = [k for k in ("at_least", "at_most", "change") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of at_least, at_most or change (with baseline); "
                f"got {', '.join(given) or 'none'}"
            )
        if self.change is not None and self.baseline is None:
            raise ValueError("a relative 'change' needs a 'baseline' (a number or 'start')")
        if self.change is None and self.baseline is not None:
            raise ValueError("'baseline' is only used with 'change'")
        return self
