"""Controllers, and the controls through which they act on a running replication.

The engine imports no controller (SimPy's `Environment` likewise imports none of the
processes that run in it). A controller is handed to `simulate` / `Replication` by the
layer that builds the run (the API hands the review loop of `mktsim.rules.review`); at
the start of each replication the engine calls `controller.start(controls)`, and the
controller registers its SimPy processes on `controls.env` and returns a picklable log
(or None), which comes back as `ReplicationResult.reviews` / `Run.reviews` (closed first,
`close_log`, when it has a `close()` method).

A controller sees the replication only through `Controls`: a few reads (channel totals,
a KPI to date, backlog, capacity, prices, headcount) and a few changes (scale a channel,
book a cost, set a price or a promotion, hire, train, schedule a change on a later day).
`Replication` implements it; nothing else of the engine's state is a controller's to
touch, so the kernel's arrays can change shape without a controller noticing.
See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np
    import simpy

    from ..model.plan import Plan


class Controls(Protocol):
    """What a controller may read and change in one replication.

    Indices are positions in the plan's name tuples (`plan.channels`, `plan.products`,
    `plan.teams`); days count from the plan's start (day 0); money is in the scenario's
    currency; KPI rows are `kpis.KPI_INDEX`.
    """

    @property
    def plan(self) -> Plan:
        """The compiled plan being run (read only)."""
        ...

    @property
    def env(self) -> simpy.Environment:
        """The SimPy environment: `env.now` in days, `env.timeout`, `env.process`."""
        ...

    @property
    def rng(self) -> np.random.Generator:
        """The replication's stream for event randomness (surveys)."""
        ...

    # --- time ------------------------------------------------------------------------
    def sync(self, day: int) -> None:
        """Advance the population to the start of `day` (call before reading)."""
        ...

    def refresh(self) -> None:
        """Recompute choice shares and team capacity after a change of prices or people."""
        ...

    def at(self, day: int, change: Callable[[], None]) -> None:
        """Schedule `change()` at the start of `day`, after the population is synced to
        it; a change on or after the horizon never happens. In a batch, a change with a
        `run_together(changes)` method and a `together_key` is carried out with the same
        day's changes of equal key of the other replications, in one call of the first
        one's `run_together` (`engine.batch.Batch.run_agendas`)."""
        ...

    # --- reading ---------------------------------------------------------------------
    def channel_totals(self) -> np.ndarray:
        """A copy of the channel totals to date, `[C, N_CH]` (columns: engine/layout.py:
        spend and commission in money, leads, new customers, units, revenue, margin)."""
        ...

    def kpi_on(self, k: int, day: int) -> float:
        """KPI row `k` on `day` (a stock's level, a flow's amount that day)."""
        ...

    def kpi_total(self, k: int, first: int, last: int) -> float:
        """Sum of KPI row `k` over days first..last-1 (0 for an empty range)."""
        ...

    def kpis_on(self, day: int) -> np.ndarray:
        """Every KPI row on `day`, [K] (a copy)."""
        ...

    def kpi_totals(self, first: int, last: int) -> np.ndarray:
        """Every KPI row summed over days first..last-1, [K] (zeros for an empty range)."""
        ...

    def kpi_history(self, last: int) -> np.ndarray:
        """Every KPI row on days 0..last-1, [K, last] (a copy)."""
        ...

    def backlog(self, team: int) -> int:
        """People waiting for the team now: leads of its channels (and complaints, for
        the service team)."""
        ...

    def capacity(self, team: int, day: float) -> float:
        """The team's capacity on `day`, in people served per day."""
        ...

    def channel_scale(self, channel: int) -> float:
        """The factor applied to the channel's planned future spend (1 = as planned)."""
        ...

    def channel_scales(self) -> np.ndarray:
        """Every channel's `channel_scale`, [C] (a copy)."""
        ...

    def list_price(self, product: int) -> float:
        """The product's list price now (money per unit)."""
        ...

    def discount(self, product: int) -> float:
        """The running promotion's depth on the product (share of the list price)."""
        ...

    def headcount(self, team: int) -> int:
        """People on the team now."""
        ...

    def competitor(self, competitor: int) -> np.ndarray:
        """A copy of the competitor's offer now: price, quality, awareness, brand constant
        (the columns of `plan.competitor_attr`)."""
        ...

    def on_sale(self, product: int) -> bool:
        """The product is on sale now (launched)."""
        ...

    # --- changing --------------------------------------------------------------------
    def scale_channel(self, channel: int, factor: float) -> None:
        """Multiply the channel's future spend by `factor` (0 pauses it)."""
        ...

    def set_channel_scale(self, channel: int, scale: float) -> None:
        """Set the factor on the channel's planned future spend; a stepped adstock's
        stock follows the money of its step's remaining days (`engine.stepped_adstock`)."""
        ...

    def book_cost(self, day: int, amount: float) -> None:
        """Book a one-off cost (research, training) on `day`, in money."""
        ...

    def set_list_price(self, product: int, price: float) -> None:
        """Set the product's list price (money per unit); call `refresh()` after."""
        ...

    def set_discount(self, product: int, depth: float) -> None:
        """Set the product's promotion depth (0 ends it); call `refresh()` after."""
        ...

    def set_competitor(self, competitor: int, column: int, value: float) -> None:
        """Set one column of the competitor's offer (0 price, 1 quality, 2 awareness,
        3 brand constant); call `refresh()` after."""
        ...

    def hire(self, team: int, count: int, day: float) -> None:
        """`count` people join the team on `day`, now; call `refresh()` after."""
        ...

    def train(self, team: int, skill_gain: float, day: float) -> None:
        """Raise the team's skill ceiling by `skill_gain` (0-1) from `day`."""
        ...


class Controller(Protocol):
    """Something that runs inside a replication: picklable (it travels to workers)."""

    def start(self, controls: Controls) -> Any:
        """Register the controller's processes; return its log (plain data) or None."""
        ...


def close_log(log: Any) -> Any:
    """A controller's log at the end of its replication: its `close()` is called, if it
    has one (e.g. to read the figures it noted from the finished days), and it is
    returned."""
    close = getattr(log, "close", None)
    if callable(close):
        close()
    return log


def close_logs(logs: Sequence[Any], daily: np.ndarray | None = None) -> list[Any]:
    """`close_log` of every log of `logs` (the replications of a batch, whose daily
    records are the rows of `daily` [R, K, D] when given), returned in order; logs of a
    type with a `close_together(logs, daily, rows)` static method are closed with one call
    of it (the review loop's read their observations from `daily` at once; `rows`: the
    logs' rows of `daily`)."""
    together: dict[type, list[int]] = {}
    for i, log in enumerate(logs):
        if callable(getattr(type(log), "close_together", None)):
            together.setdefault(type(log), []).append(i)
        else:
            close_log(log)
    for kind, rows in together.items():
        kind.close_together([logs[i] for i in rows], daily, rows)
    return list(logs)


def tally_logs(controllers: Sequence[Controller], logs: Sequence[Any]) -> Any:
    """What the logs of a chunk of replications add up to, made where the chunk ran: the
    first controller's `tally(logs)` that gives one (the review loop's, whose tallies of
    consecutive chunks join with `type(tally).joined(tallies)`); None when none does."""
    if not any(log is not None for log in logs):
        return None
    for controller in controllers:
        tally = getattr(controller, "tally", None)
        found = tally(logs) if callable(tally) else None
        if found is not None:
            return found
    return None


def joined_tallies(tallies: Sequence[Any]) -> Any:
    """The tallies of consecutive chunks (`tally_logs`) joined, in order; None when a
    chunk has none."""
    if not tallies or any(t is None for t in tallies):
        return None
    return tallies[0] if len(tallies) == 1 else type(tallies[0]).joined(tallies)


def idle(controller: Controller, plan: Any) -> bool:
    """Whether `controller` would register nothing in a replication of `plan`: its own
    `idle(plan)` says so (a controller without one counts as active). A replication whose
    controllers are all idle can run in a batch (`engine.batch`)."""
    check = getattr(controller, "idle", None)
    return bool(check(plan)) if callable(check) else False


def batch_days(controllers: Sequence[Controller], plan: Any) -> tuple[int, ...] | None:
    """The days on which `controllers` may change a replication of `plan`, known before it
    runs (each controller's `batch_days(plan)`; () for an idle one), or None when one of
    them cannot say (a controller without `batch_days`, or one whose days depend on the
    run). A replication whose days are known can run in a batch (`engine.batch`) synced on
    them: its controllers' changes are carried out there, on those days."""
    days: set[int] = set()
    for controller in controllers:
        if idle(controller, plan):
            continue
        own = getattr(controller, "batch_days", None)
        found = own(plan) if callable(own) else None
        if found is None:
            return None
        days.update(found)
    return tuple(sorted(days))


class MissingController(ValueError):
    """A plan with review rules simulated without a controller to run them."""
