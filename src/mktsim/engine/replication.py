"""One replication: a SimPy environment whose processes carry the discrete events, and the
compiled kernel advancing the population lazily from one event to the next."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from ..model import plan as P
from ..model.reused import Reused
from .controls import Controller, MissingController, batch_days, close_log
from .derived import fill_derived
from .kernel import _advance
from .layout import (
    M_BASS_MODE,
    M_COMPLAINT_RATE,
    M_DISCOUNT_RATE,
    M_LOYALTY_COST,
    M_MARKET_SIZE,
    M_SERVICE_TEAM,
    M_SMOOTH_DRAWS,
    M_WOM_CUSTOMERS,
    N_CH,
    N_CUM,
    N_KPI,
    N_LEAK,
    N_MISC,
    TC_A,
    TC_B,
    TC_REF,
)
from .market_state import MarketState
from .rng import ReplicationSeed, first_event_draws, span_key
from .stepped_adstock import mid_step_change
from .teams import Roster
from .variates import new_stream


@dataclass
class ReplicationResult:
    """Daily KPIs [K, D], channel totals [C, N_CH], leak counters, final funnel state
    [S, N_STATES]; at the end: people who ever bought [S] and each channel's adstock [C]."""

    daily: np.ndarray
    channels: np.ndarray
    leaks: np.ndarray
    state: np.ndarray
    reviews: Any = None  # rules.review.ReviewLog when the plan has rules
    adopters: np.ndarray | None = None
    adstock: np.ndarray | None = None


def kernel_misc(plan: P.Plan) -> np.ndarray:
    """The scalar controls of a kernel call, in the M_* columns of `engine.layout`."""
    misc = np.zeros(N_MISC)
    misc[M_MARKET_SIZE] = plan.market_size
    misc[M_BASS_MODE] = float(plan.bass_mode)
    misc[M_WOM_CUSTOMERS] = float(plan.wom_customers)
    misc[M_SERVICE_TEAM] = float(plan.service_team)
    misc[M_COMPLAINT_RATE] = plan.complaint_rate
    misc[M_LOYALTY_COST] = plan.loyalty_cost_per_day
    misc[M_DISCOUNT_RATE] = plan.discount_rate
    misc[M_SMOOTH_DRAWS] = float(plan.smooth_draws)
    return misc


class Replication:
    """The population, the market and the teams of one run; implements
    `engine.controls.Controls` for the controllers it runs."""

    def __init__(self, plan: P.Plan, seed: np.random.SeedSequence | ReplicationSeed,
                 controllers: Sequence[Controller] = ()) -> None:
        self.plan = plan
        #: (run seed, replication index) when the seed is a `ReplicationSeed` (its event
        #: stream's first draw can be computed without the generator, `first_event_draws`)
        self._seed_index: tuple[int, int] | None = None
        if isinstance(seed, ReplicationSeed):  # its keys computed for a chunk at once
            self.key, self.roster_key = seed.key, seed.roster_key
            self._events: Callable[[], np.random.SeedSequence] = seed.events
            self._seed_index = (seed.seed, seed.index)
        else:
            pop_seq, event_seq, roster_seq = seed.spawn(3)
            self.key = int(pop_seq.generate_state(1, np.uint64)[0])
            self.roster_key = int(roster_seq.generate_state(1, np.uint64)[0])
            self._events = lambda: event_seq
        self._rng: np.random.Generator | None = None
        #: draws of the event stream taken without its generator (`first_event_draws`)
        self._draws_taken = 0
        #: the plan's events by day, in its order (`apply_events`)
        self._events_on: dict[int, list[tuple[EventAction, P.Event]]] | None = None
        self.env = simpy.Environment()
        self.market = MarketState(plan)
        self.roster = Roster(plan)
        self._synced = 0
        #: in a batch (`engine.batch`): the batch's first day not yet simulated, which
        #: `synced` reads (one number for all its replications); None alone
        self.clock: list[int] | None = None
        self.derived: Any = None  # engine.derived.DerivedState after the first span
        #: in a batch (`engine.batch`): the batch's stacked state arrays ([R, ...], by field
        #: name) and this replication's row in them, so that a batch's reviews read the
        #: rows of all its replications at once; None when it runs alone
        self.stack: dict[str, np.ndarray] | None = None
        self.row = 0
        self._alloc()
        self.chan_scale = np.ones(len(plan.channels))
        self.extra_spend = plan.extra_spend.copy()  # rules may book research and training
        self.refresh()
        self.controllers = tuple(controllers)
        #: changes by day when the replication runs in a batch (`start_in_batch`), which
        #: carries them out on its sync days; None: SimPy schedules them
        self.agenda: dict[int, list[Callable[[], None]]] | None = None

    @property
    def rng(self) -> np.random.Generator:
        """The replication's event stream (child 1 of its seed; the controllers' draws),
        made when first asked for: most replications never draw from it."""
        if self._rng is None:
            self._rng = np.random.default_rng(self._events())
            for _ in range(self._draws_taken):  # taken already (`first_event_draws`)
                self._rng.integers(2**63)
        return self._rng

    @staticmethod
    def first_event_draws(reps: Sequence[Replication]) -> list[int | None]:
        """`int(rep.rng.integers(2**63))` of each replication whose event stream has not
        been drawn from (its first draw: None for the others, which draw it themselves),
        computed for all of them at once without making their generators
        (`rng.first_event_draws`); the streams go on after that draw. A replication given
        twice gets its first draw once (None the second time), as one by one."""
        fresh: dict[int, list[int]] = {}  # by run seed
        seen: set[int] = set()  # ids of the replications collected: each draws once
        for n, rep in enumerate(reps):
            if (rep._rng is None and rep._draws_taken == 0 and rep._seed_index is not None
                    and id(rep) not in seen):
                seen.add(id(rep))
                fresh.setdefault(rep._seed_index[0], []).append(n)
        found: list[int | None] = [None] * len(reps)
        for seed, members in fresh.items():
            draws = first_event_draws(seed, [reps[n]._seed_index[1] for n in members])  # type: ignore[index]
            for n, value in zip(members, draws, strict=True):
                found[n], reps[n]._draws_taken = value, 1
        return found

    def _alloc(self) -> None:
        plan = self.plan
        n_seg, n_ch = plan.n_segments, len(plan.channels)
        self.state = plan.init_state.copy()
        self.adopters = P.initial_adopters(plan)
        self.adstock = (np.zeros(n_ch) if plan.init_adstock is None
                        else plan.init_adstock.astype(float).copy())
        self.queue = np.zeros((n_ch, n_seg, plan.max_patience), dtype=np.int64)
        self.cqueue = np.zeros((n_seg, plan.max_patience), dtype=np.int64)
        self.pipe = np.zeros((n_ch, n_seg, plan.max_stages), dtype=np.int64)
        self.cum = np.zeros(N_CUM)
        self.chan_tot = np.zeros((n_ch, N_CH))
        self.leak = np.zeros(N_LEAK)
        self.out = np.zeros((N_KPI, plan.horizon))
        self.misc = kernel_misc(plan)

    @property
    def synced(self) -> int:
        """The first day not yet simulated (in a batch, the batch's)."""
        return self._synced if self.clock is None else self.clock[0]

    @synced.setter
    def synced(self, day: int) -> None:
        self._synced = day

    def refresh(self) -> None:
        """Recompute the kernel's controls after a change of prices (the roster keeps the
        team capacities up to date itself); in a batch, into the replication's row of the
        batch's stacked shares."""
        if self.stack is None:
            self.shares = self.market.shares()
        else:
            self.shares[...] = self.market.shares()

    def sync(self, day: int) -> None:
        """Advance the population up to the start of `day`."""
        day = min(day, self.plan.horizon)
        if day <= self.synced:
            return
        self.advance_roster(self.synced, day)
        self.advance(self.synced, day)
        fill_derived(self, self.synced, day)
        self.synced = day

    def advance_roster(self, first: int, last: int) -> None:
        """Let people leave and be replaced over days first..last-1 (its own stream)."""
        self.roster.advance(new_stream(span_key(self.roster_key, first)), first, last)

    def advance(self, first: int, last: int) -> None:
        """Run the population kernel over days first..last-1."""
        p = self.plan
        _advance(first, last, new_stream(span_key(self.key, first)), self.state, self.adopters,
                 self.adstock, self.queue, self.cqueue, self.pipe, self.cum, self.chan_tot,
                 self.leak, self.out, p.seg_rates, p.affinity, p.chan_par, p.kappa, p.spend,
                 self.extra_spend, p.season, p.team_par, self.misc, p.lost_after_complaint,
                 self.chan_scale, self.shares, self.roster.daily)

    def run(self) -> ReplicationResult:
        """Run the whole horizon and return the results."""
        self.env.process(self._scheduled())
        reviews = self._start_controllers()
        self.env.run(until=self.plan.horizon)
        self.sync(self.plan.horizon)
        return ReplicationResult(self.out, self.chan_tot, self.leak, self.state,
                                 close_log(reviews),
                                 self.adopters, self.adstock)

    def _start_controllers(self) -> Any:
        """Start every controller; the first log one returns (the review loop's)."""
        if self.plan.rules is not None and not self.controllers:
            raise MissingController(
                "the plan has review rules but no controller runs them: pass "
                "controllers=(ReviewLoop(),) from mktsim.rules.review")
        if getattr(self.plan, "rivals", None) is not None and not self.controllers:
            raise MissingController(
                "the plan has competitors that advertise or react but no controller runs "
                "them: pass controllers=(ReviewLoop(),) from mktsim.rules.review")
        logs = [c.start(self) for c in self.controllers]
        return next((log for log in logs if log is not None), None)

    # --- in a batch --------------------------------------------------------------------
    def start_in_batch(self) -> Any:
        """Start the controllers with their changes kept in `agenda` (for `engine.batch`);
        return the review loop's log."""
        self.agenda = {}
        return self._start_controllers()

    def run_agenda(self, day: int, grouped: bool = False) -> Callable[[], None] | None:
        """Carry out the controllers' changes of `day` (the population synced to it), in
        the order they were scheduled, including those scheduled for `day` meanwhile.
        With `grouped`, stop at a change that can run together with other replications'
        (one with a `run_together` attribute, `controls.Controls.at`) and return it, taken
        off the agenda, for the batch to carry out; call again to go on after it."""
        assert self.agenda is not None
        missed = day if grouped else min(self.agenda, default=day)  # grouped: a batch's,
        if missed < day:  # whose last call, at the horizon, is not grouped
            raise RuntimeError(f"a controller scheduled a change on day {missed}, "
                               "not one of the days its batch_days gave")
        while day in self.agenda:
            changes = self.agenda[day]
            while changes:
                change = changes.pop(0)
                if grouped and getattr(change, "run_together", None) is not None:
                    if not changes:  # nothing after it unless it schedules more
                        del self.agenda[day]
                    return change
                change()
            if not self.agenda.get(day, True):
                del self.agenda[day]
        return None

    # --- processes -------------------------------------------------------------------
    def event_days(self) -> tuple[int, ...]:
        """The days of the plan's scheduled events, in order (the plan keeps its events
        sorted by day, within the horizon)."""
        return tuple(sorted({e.day for e in self.plan.events}))

    def sync_days(self) -> tuple[int, ...]:
        """The days a batch syncs this replication on: its events' and those on which its
        controllers may act (`controls.batch_days`; the replication must be batchable)."""
        days = batch_days(self.controllers, self.plan) or ()
        return tuple(sorted(set(self.event_days()) | set(days)))

    def apply_events(self, day: int) -> None:
        """Carry out the scheduled changes of `day`, in the plan's order; the shares are
        recomputed once after them (they depend only on the state the day's events leave,
        and no event reads them)."""
        if self._events_on is None:
            events = self.plan.events
            self._events_on = _EVENTS_BY_DAY((events,), (), lambda: _events_by_day(events))
        changes = self._events_on.get(day)
        if changes:
            for change, event in changes:
                change(self, event)
            self.refresh()

    def _scheduled(self):
        for day in self.event_days():
            if day > self.env.now:
                yield self.env.timeout(day - self.env.now)
            self.sync(day)
            self.apply_events(day)

    def apply(self, event: P.Event) -> None:
        """Carry out one scheduled change."""
        EVENT_ACTIONS[P.EventKind(event.kind)](self, event)

    # --- controls (engine.controls.Controls) -------------------------------------------
    def at(self, day: int, change: Callable[[], None]) -> None:
        """Schedule `change()` at the start of `day`, after syncing to it."""
        if self.agenda is None:
            self.env.process(self._at(day, change))
        elif day < self.plan.horizon:
            self.agenda.setdefault(max(day, 0), []).append(change)

    def _at(self, day: int, change: Callable[[], None]) -> Generator[Any, Any, None]:
        yield self.env.timeout(max(0, day - self.env.now))
        if day >= self.plan.horizon:
            return
        self.sync(day)
        change()

    def channel_totals(self) -> np.ndarray:
        """A copy of the channel totals to date, [C, N_CH]."""
        return self.chan_tot.copy()

    def kpi_on(self, k: int, day: int) -> float:
        """KPI row k on `day`."""
        return float(self.out[k, day])

    def kpi_total(self, k: int, first: int, last: int) -> float:
        """Sum of KPI row k over days first..last-1."""
        return float(self.out[k, max(first, 0):max(last, 0)].sum())

    def kpis_on(self, day: int) -> np.ndarray:
        """Every KPI row on `day`, [K]."""
        return self.out[:, day].copy()

    def kpi_totals(self, first: int, last: int) -> np.ndarray:
        """Every KPI row summed over days first..last-1, [K]."""
        return self.out[:, max(first, 0):max(last, 0)].sum(axis=1)

    def kpi_history(self, last: int) -> np.ndarray:
        """Every KPI row on days 0..last-1, [K, last]."""
        return self.out[:, :max(last, 0)].copy()

    def backlog(self, team: int) -> int:
        """Leads of the team's channels waiting now (and complaints, for service)."""
        mine = self.plan.chan_par[:, P.C_TEAM].astype(np.int64) == team
        total = int(self.queue[mine].sum())
        if team == self.plan.service_team:
            total += int(self.cqueue.sum())
        return total

    def capacity(self, team: int, day: float) -> float:
        """People the team serves per day on `day` (skills ramping towards the ceiling)."""
        cap = self.roster.controls[team]
        tau = self.plan.team_par[team, P.T_TAU]
        return float(cap[TC_A] - cap[TC_B] * math.exp(-(day - cap[TC_REF]) / tau))

    def channel_scale(self, channel: int) -> float:
        """The factor on the channel's planned future spend."""
        return float(self.chan_scale[channel])

    def channel_scales(self) -> np.ndarray:
        """Every channel's factor on its planned future spend, [C]."""
        return self.chan_scale.copy()

    def list_price(self, product: int) -> float:
        """The product's list price now."""
        return float(self.market.list_price[product])

    def discount(self, product: int) -> float:
        """The product's promotion depth now."""
        return float(self.market.discount[product])

    def headcount(self, team: int) -> int:
        """People on the team now."""
        return int(self.roster.headcount(team))

    def competitor(self, competitor: int) -> np.ndarray:
        """A copy of the competitor's offer now (price, quality, awareness, constant)."""
        return self.market.competitors[competitor].copy()

    def on_sale(self, product: int) -> bool:
        """The product is on sale now."""
        return bool(self.market.on_sale[product])

    def set_competitor(self, competitor: int, column: int, value: float) -> None:
        """Set one column of the competitor's offer."""
        self.market.competitors[competitor, column] = value

    def scale_channel(self, channel: int, factor: float) -> None:
        """Multiply the channel's future spend by `factor`."""
        self.set_channel_scale(channel, self.chan_scale[channel] * factor)

    def set_channel_scale(self, channel: int, scale: float) -> None:
        """Set the factor on the channel's planned future spend (from day `synced` on);
        a stepped adstock's stock follows the money of its step's remaining days
        (`engine.stepped_adstock`)."""
        change = mid_step_change(self.plan.chan_par, self.plan.spend, self.misc[M_MARKET_SIZE],
                                 channel, self.synced, scale - self.chan_scale[channel])
        self.chan_scale[channel] = scale
        if change != 0.0:  # never below 0 by rounding when the rest of a step is paused
            self.adstock[channel] = max(0.0, self.adstock[channel] + change)

    def book_cost(self, day: int, amount: float) -> None:
        """Book a one-off cost on `day`."""
        self.extra_spend[day] += amount

    def set_list_price(self, product: int, price: float) -> None:
        """Set the product's list price."""
        self.market.list_price[product] = price

    def set_discount(self, product: int, depth: float) -> None:
        """Set the product's promotion depth."""
        self.market.discount[product] = depth

    def hire(self, team: int, count: int, day: float) -> None:
        """People join the team now."""
        self.roster.hire(team, count, day)

    def train(self, team: int, skill_gain: float, day: float) -> None:
        """Raise the team's skill ceiling from `day`."""
        self.roster.train(team, skill_gain, day)


def _set_price(rep: Replication, event: P.Event) -> None:
    rep.market.list_price[rep.plan.products.index(event.target)] = event.value


def _set_discount(rep: Replication, event: P.Event) -> None:
    rep.market.discount[rep.plan.products.index(event.target)] = event.value


def _launch(rep: Replication, event: P.Event) -> None:
    rep.market.on_sale[rep.plan.products.index(event.target)] = True


def _competitor_move(rep: Replication, event: P.Event) -> None:
    rep.market.competitors[rep.plan.competitors.index(event.target), int(event.extra)] = (
        event.value)


def _pull(rep: Replication, event: P.Event) -> None:
    rep.market.set_pull(rep.plan.products.index(event.target), event.value)


def _dip(rep: Replication, event: P.Event) -> None:
    rep.market.set_dip(rep.plan.products.index(event.target), event.value)


def _hire(rep: Replication, event: P.Event) -> None:
    rep.roster.hire(rep.plan.teams.index(event.target), int(event.value), float(event.day))


def _train(rep: Replication, event: P.Event) -> None:
    rep.roster.train(rep.plan.teams.index(event.target), event.value, float(event.day))


EventAction = Callable[["Replication", P.Event], None]


def _events_by_day(events: tuple[P.Event, ...]) -> dict[int, list[tuple[EventAction, P.Event]]]:
    """A plan's events by day, in its order, each with what it does (`EVENT_ACTIONS`)."""
    by_day: dict[int, list[tuple[EventAction, P.Event]]] = {}
    for event in events:
        by_day.setdefault(event.day, []).append((EVENT_ACTIONS[P.EventKind(event.kind)], event))
    return by_day


#: `_events_by_day` by the identity of a plan's events (the replications of a plan, and
#: the sampled plans that share their events, share it)
_EVENTS_BY_DAY = Reused(64)

#: What each kind of scheduled event does: a new kind is one entry here.
EVENT_ACTIONS: dict[P.EventKind, Callable[[Replication, P.Event], None]] = {
    P.EventKind.PRICE: _set_price,
    P.EventKind.DISCOUNT: _set_discount,
    P.EventKind.LAUNCH: _launch,
    P.EventKind.COMPETITOR: _competitor_move,
    P.EventKind.HIRE: _hire,
    P.EventKind.TRAINING: _train,
    P.EventKind.PULL: _pull,
    P.EventKind.DIP: _dip,
}
