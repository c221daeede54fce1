"""KPI and target arithmetic shared by the review rules and the decision layer: KPI values
per replication (at the horizon, at a deadline, over a window, on day 0) and the threshold
and deadline of a SMART target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..kpis import KPI_INDEX, KPIS
from . import plan as P

if TYPE_CHECKING:
    from ..scenario.model import ScenarioSpec
    from ..scenario.targets import Target


#: One per-replication reading of the daily record: ("at", k, day, day + 1), KPI row k on
#: `day`; ("sum", k, first, last), row k summed over days first..last-1.
Cell = tuple[str, int, int, int]


class KpiReadings:
    """The readings of a run's daily record that a command reads (`Readings.of`), in place
    of the record [R, K, D]: `value_at`, `horizon_values` and `row_total` give the same
    numbers from it, bit for bit, for the cells it holds. `compare` has its workers send
    these (a few kilobytes a chunk) instead of the record (64 kB a replication)."""

    def __init__(self, values: dict[Cell, np.ndarray], shape: tuple[int, int, int]) -> None:
        self.values = values
        #: the shape of the record read, [R, K, D]
        self.shape = shape

    def cell(self, cell: Cell) -> np.ndarray:
        """The cell's values [R]."""
        try:
            return self.values[cell]
        except KeyError:
            raise KeyError(f"{cell} is not among the readings kept of this run") from None

    @staticmethod
    def joined(parts: list[KpiReadings]) -> KpiReadings:
        """The readings of consecutive chunks of replications, end to end."""
        first = parts[0]
        values = {c: np.concatenate([p.values[c] for p in parts]) for c in first.values}
        return KpiReadings(values, (sum(p.shape[0] for p in parts), *first.shape[1:]))


@dataclass(frozen=True)
class Readings:
    """Which cells (`Cell`) of the daily record a command reads."""

    cells: frozenset[Cell]

    def of(self, daily: np.ndarray) -> KpiReadings:
        """The cells of `daily` [R, K, D]."""
        return KpiReadings({c: np.array(read(daily, c)) for c in self.cells},
                           daily.shape)


def read(daily: np.ndarray | KpiReadings, cell: Cell) -> np.ndarray:
    """The values [R] of `cell` in a daily record [R, K, D] or in readings of one."""
    if isinstance(daily, KpiReadings):
        return daily.cell(cell)
    kind, k, first, last = cell
    if kind == "at":
        return daily[:, k, first]
    return daily[:, k, first:last].sum(axis=1)


def value_cell(metric: str, day: int, over_days: int | None = None) -> Cell:
    """The cell `value_at` reads."""
    k = KPI_INDEX[metric]
    if KPIS[metric].kind != "flow":
        return ("at", k, day, day + 1)
    first = 0 if over_days is None else max(0, day - over_days + 1)
    return ("sum", k, first, day + 1)


def value_at(daily: np.ndarray | KpiReadings, metric: str, day: int,
             over_days: int | None = None) -> np.ndarray:
    """Per-replication value of `metric` on `day` ([R, K, D] daily array, or readings of
    one that hold it).

    Stocks and ratios: the value recorded that day. Flows: the sum over the `over_days`
    days up to `day`, or since the start.
    """
    return read(daily, value_cell(metric, day, over_days))


def row_total(daily: np.ndarray | KpiReadings, k: int) -> np.ndarray:
    """KPI row k summed over the whole horizon, per replication [R]."""
    return read(daily, ("sum", k, 0, daily.shape[2]))


def horizon_values(daily: np.ndarray | KpiReadings, metric: str) -> np.ndarray:
    """Per-replication value at the horizon: flows summed, others on the last day."""
    return value_at(daily, metric, daily.shape[2] - 1)


def start_value(plan: P.Plan, metric: str) -> float:
    """Value of a stock KPI on day 0, before any simulated day (from the initial state)."""
    s = plan.init_state.sum(axis=0).astype(float)
    known = {
        "brand_awareness": (s[P.AWARE] + s[P.CONSIDERING] + s[P.WAITING] + s[P.CUSTOMER]
                            + s[P.LOYAL] + s[P.CHURNED]) / plan.market_size,
        "consideration": (s[P.CONSIDERING] + s[P.WAITING]) / plan.market_size,
        "customers": s[P.CUSTOMER] + s[P.LOYAL],
        "cumulative_adopters": float(P.initial_adopters(plan).sum()),
        "loyalty_members": s[P.LOYAL],
    }
    if metric not in known:
        raise ValueError(f"'{metric}' has no value on day 0")
    return float(known[metric])


def threshold_of(target: Target, plan: P.Plan) -> tuple[float, str]:
    """(threshold, 'at_least' | 'at_most') of a target."""
    if target.at_least is not None:
        return float(target.at_least), "at_least"
    if target.at_most is not None:
        return float(target.at_most), "at_most"
    change = float(target.change or 0.0)
    base = (start_value(plan, target.metric) if target.baseline == "start"
            else float(target.baseline or 0.0))
    return base * (1.0 + change), ("at_least" if change >= 0 else "at_most")


def deadline_day(target: Target, spec: ScenarioSpec) -> int:
    """Day index of the deadline, clamped to the last simulated day."""
    if target.by is None:
        return spec.horizon_days - 1
    return min(spec.day_of(target.by), spec.horizon_days - 1)
