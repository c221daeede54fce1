"""A company's history: observed KPIs per period, and the spend and prices it lived with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..kpis import KPIS
from .periods import PeriodKind

SHARE_KPIS = frozenset(name for name, k in KPIS.items() if k.unit == "share")
# KPIs a history file may carry: levels and flows, and market share (a ratio to date)
OBSERVABLE_KPIS = tuple(name for name, k in KPIS.items()
                        if k.kind in ("stock", "flow") or name == "market_share")


@dataclass(frozen=True)
class History:
    """One row per period; every array has one entry per period, NaN where the cell was
    empty (a missing observation, never a zero).

    `series`: observed KPI values (flows: the period's total; stocks and shares: the level
    on the period's last day). `sample_sizes`: survey sample size of a share KPI.
    `spend`: money spent per channel in the period. `price`: average selling price.
    `controls`: the value of each demand control (`market.demand.controls`) in the period;
    `events`: each event's intensity in the period (0 = none, 1 = a full event)."""

    source: str
    kind: PeriodKind
    dates: tuple[dt.date, ...]
    ends: tuple[dt.date, ...]  # first day after each period
    series: dict[str, NDArray[np.float64]]
    sample_sizes: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    spend: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    price: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    controls: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    events: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    #: a channel's name as the file writes it, where it is not the key (`channel_1`: 电视)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def start(self) -> dt.date:
        """First day of the history window."""
        return self.dates[0]

    @property
    def days(self) -> int:
        """Days in the window (first day of the first period to the last period's end)."""
        return (self.ends[-1] - self.dates[0]).days

    @property
    def n_periods(self) -> int:
        """Rows."""
        return len(self.dates)

    @property
    def first_days(self) -> NDArray[np.int64]:
        """Day index (0 = window start) of each period's first day."""
        return np.array([(d - self.start).days for d in self.dates], dtype=np.int64)

    @property
    def last_days(self) -> NDArray[np.int64]:
        """Day index of each period's last day."""
        return np.array([(e - self.start).days - 1 for e in self.ends], dtype=np.int64)

    @property
    def period_days(self) -> NDArray[np.int64]:
        """Length of each period in days."""
        return self.last_days - self.first_days + 1

    def observations(self, holdout: int = 0) -> int:
        """Non-missing KPI cells in the fitted periods (all but the last `holdout`)."""
        keep = self.n_periods - holdout
        return int(sum(np.isfinite(v[:keep]).sum() for v in self.series.values()))
