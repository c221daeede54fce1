"""Replications that share a schedule of events, advanced together.

A replication whose controllers are all idle (a plan without review rules) has nothing
random between its kernel calls: it syncs on the days of its scheduled events only. Such
replications, with the same event days and array shapes, form a `Batch`: their arrays are
stacked ([R, ...], each replication keeps views of its rows), and every span between two
event days is one compiled call for all of them, parallel over replications. Each
replication draws from its own streams (keyed by its population key and the span's first
day, as when it runs alone), so the numbers are those of `Replication.run`, bit for bit,
whatever the number of threads. The rosters (stacked too) and the derived KPIs of a span
are one compiled call each for the batch as well; what is left per replication in Python
is the events themselves (a price, a hire).
Replications whose controllers act (review rules) sync on the days the controllers name
in advance; their changes of a day that can run together (`run_agendas`: the reviews of
`rules.batch_review`) are carried out for the whole batch in one call.

numba caches the loops of this file with `kernel._advance` (and the hazards and variates
it calls) compiled in, and checks only this file's date: after a change to those
modules, clear the cache (`__pycache__/*.nbi`, `*.nbc`) or change this file.
"""

# numba rebuilds this file's cached kernels only when this file changes: the key below
# digests what they compile with (tests/test_numba_cache_keys.py).
# numba cache key: f987767cc2dd1eb6
from __future__ import annotations

from collections.abc import Sequence

import numba
import numpy as np
from numba import njit, prange

from .controls import close_logs
from .derived import DerivedBatch
from .kernel import _advance
from .replication import Replication, ReplicationResult
from .rng import MASK64
from .teams_kernel import _advance_roster

#: Threads numba may run (NUMBA_NUM_THREADS, by default the machine's cores).
MAX_THREADS = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
#: Arrays each replication changes, stacked so that one call advances them all.
STATE_FIELDS = ("state", "adopters", "adstock", "queue", "cqueue", "pipe", "cum", "chan_tot",
                "leak", "out", "misc", "chan_scale", "extra_spend")
#: The plan's arrays the kernel reads (fixed for a replication; they differ between
#: replications whose uncertain values differ).
#: A roster's arrays (`engine.teams.Roster`), stacked so that one call advances them all;
#: the person arrays (the first two) padded to the widest roster of the batch.
ROSTER_FIELDS = ("joined", "start_skill", "count", "ceiling", "clock", "arrivals", "par",
                 "controls")
#: The state fields a replication that has not run holds as zeros (`Replication._alloc`):
#: a batch allocates them stacked (zeros) instead of copying the replications' zeros.
ZERO_FIELDS = ("queue", "cqueue", "pipe", "cum", "chan_tot", "leak", "out")
PLAN_FIELDS = ("seg_rates", "affinity", "chan_par", "kappa", "spend", "season", "team_par",
               "lost_after_complaint")


def schedule_key(rep: Replication) -> tuple[object, ...]:
    """Replications with equal keys can share a batch: the days of their events and the
    shapes of their arrays."""
    plan = rep.plan
    days = rep.sync_days()
    shapes = tuple(getattr(rep, f).shape for f in STATE_FIELDS)
    plan_shapes = tuple(getattr(plan, f).shape for f in PLAN_FIELDS)
    return days, shapes, plan_shapes, rep.roster.daily.shape, rep.shares.shape


class Batch:
    """Replications with one `schedule_key`, run together (`run`)."""

    def __init__(self, reps: Sequence[Replication], threads: int = 1,
                 out: np.ndarray | None = None) -> None:
        self.reps = list(reps)
        self.threads = max(1, threads)
        self.horizon = self.reps[0].plan.horizon
        self.days = self.reps[0].sync_days()
        self.state = self._stacked_state(out)
        #: the first day not yet simulated, [day] (the replications' `synced` read it)
        self.clock = [0]
        #: set by a roster that widened its person arrays (`Roster.widened`)
        self.widened = [False]
        for i, rep in enumerate(self.reps):
            for f in STATE_FIELDS:
                setattr(rep, f, self.state[f][i])
            rep.stack, rep.row, rep.clock = self.state, i, self.clock
            rep.roster.widened = self.widened
        self.plan_arrays = [np.stack([getattr(r.plan, f) for r in self.reps])
                            for f in PLAN_FIELDS]
        self.team_days = np.stack([r.roster.daily for r in self.reps])
        for i, rep in enumerate(self.reps):
            rep.roster.daily = self.team_days[i]
        self.shares = np.stack([r.shares for r in self.reps])
        for rep, row in zip(self.reps, self.shares, strict=True):
            rep.shares = row  # a refresh writes into it (`Replication.refresh`)
        self.rosters: dict[str, np.ndarray] = {}
        self._stack_rosters()
        self.synced = 0
        self.derived: DerivedBatch | None = None  # made at the first span's end
        #: the replications' population keys, [R] (their streams: `span_keys`)
        self.keys = np.array([r.key for r in self.reps], dtype=np.uint64)
        self.roster_keys = np.array([r.roster_key for r in self.reps], dtype=np.uint64)

    def _stacked_state(self, out: np.ndarray | None) -> dict[str, np.ndarray]:
        """The replications' state arrays stacked ([R, ...]). Those that are zeros before
        a replication runs (`ZERO_FIELDS`) are allocated, not copied; the daily record goes
        into `out` when given ([R, K, D] zeros: the rows of the run's record that the batch
        fills, so that it is written in its final place)."""
        if any(rep.synced for rep in self.reps):
            raise ValueError("a batch is made of replications that have not run yet")
        state = {}
        for f in STATE_FIELDS:
            rows = [getattr(r, f) for r in self.reps]
            if f == "out" and out is not None:
                if out.shape != (len(rows), *rows[0].shape):
                    raise ValueError(f"daily record of shape {out.shape} for {len(rows)} "
                                     f"replications of {rows[0].shape}")
                state[f] = out
            elif f in ZERO_FIELDS:
                state[f] = np.zeros((len(rows), *rows[0].shape), dtype=rows[0].dtype)
            else:
                state[f] = np.stack(rows)
        return state

    def _stack_rosters(self) -> None:
        """Stack the replications' roster arrays (`ROSTER_FIELDS`), each roster keeping
        views of its rows; again whenever a roster widened its person arrays for a hire
        (`Roster._make_room` makes new ones). Slots past a team's count are never read, so
        the padding changes no number."""
        width = max(r.roster.joined.shape[1] for r in self.reps)
        for f in ROSTER_FIELDS:
            rows = [getattr(r.roster, f) for r in self.reps]
            if f in ("joined", "start_skill"):
                rows = [a if a.shape[1] == width else np.pad(a, ((0, 0), (0, width - a.shape[1])))
                        for a in rows]
            self.rosters[f] = np.stack(rows)
        for i, rep in enumerate(self.reps):
            for f in ROSTER_FIELDS:
                setattr(rep.roster, f, self.rosters[f][i])

    def _advance_rosters(self, first: int, day: int) -> None:
        """Every replication's roster over days first..day-1 (one compiled call), each
        drawing from its own stream, keyed as `Replication.advance_roster` keys it."""
        if self.widened[0]:
            self._stack_rosters()
            self.widened[0] = False
        f = self.rosters
        _advance_rosters(first, day, self.horizon, span_keys(self.roster_keys, first),
                         f["joined"], f["start_skill"], f["count"], f["ceiling"], f["clock"],
                         f["arrivals"], f["par"], f["controls"], self.team_days)

    def run(self) -> list[ReplicationResult]:
        """Every replication to the horizon: the scheduled events on their days."""
        logs = [rep.start_in_batch() for rep in self.reps]
        event_days = self._event_days()
        for day in self.days:
            self.sync(day)
            if day in event_days:
                for rep in self.reps:
                    rep.apply_events(day)
            self.run_agendas(day)
        self.sync(self.horizon)
        for rep in self.reps:
            rep.run_agenda(self.horizon)  # nothing may be left before the horizon
        return [ReplicationResult(r.out, r.chan_tot, r.leak, r.state, log, r.adopters,
                                  r.adstock)
                for r, log in zip(self.reps, close_logs(logs, self.state["out"]), strict=True)]

    def _event_days(self) -> set[int]:
        """The days on which a replication of the batch has a scheduled event (the other
        sync days are the controllers' alone)."""
        plans = {id(rep.plan): rep.plan for rep in self.reps}
        return {event.day for plan in plans.values() for event in plan.events}

    def run_agendas(self, day: int) -> None:
        """Every replication's changes of `day`, each replication's in its order; changes
        that can run together (`Replication.run_agenda`) are carried out in groups, one
        call of the first one's `run_together` with the list of the group's changes (e.g.
        a review of every replication at once, `rules.batch_review`)."""
        # a replication with nothing on `day` is left alone (a change it scheduled on a
        # day that is not a sync day is found at the horizon, `run`)
        waiting = [rep for rep in self.reps if rep.agenda and day in rep.agenda]
        while waiting:
            groups: dict[object, list] = {}
            for rep in waiting:
                change = rep.run_agenda(day, grouped=True)
                if change is not None:
                    groups.setdefault(getattr(change, "together_key", None), []).append(
                        (rep, change))
            for members in groups.values():
                members[0][1].run_together([change for _, change in members])
            waiting = [rep for members in groups.values() for rep, _ in members
                       if day in rep.agenda]

    def sync(self, day: int) -> None:
        """Advance every replication up to the start of `day` (one compiled call)."""
        first, day = self.synced, min(day, self.horizon)
        if day <= first:
            return
        keys = span_keys(self.keys, first)
        self._advance_rosters(first, day)
        s = self.state
        seg_rates, affinity, chan_par, kappa, spend, season, team_par, lost_after = (
            self.plan_arrays)
        arrays = (s["state"], s["adopters"], s["adstock"], s["queue"], s["cqueue"], s["pipe"],
                  s["cum"], s["chan_tot"], s["leak"], s["out"], seg_rates, affinity, chan_par,
                  kappa, spend, s["extra_spend"], season, team_par, s["misc"], lost_after,
                  s["chan_scale"], self.shares, self.team_days)
        threads = min(self.threads, MAX_THREADS, len(self.reps))
        if threads <= 1:  # numba's threads are never started for one (workers can fork)
            _advance_rows(first, day, keys, arrays)
        else:
            previous = numba.get_num_threads()
            numba.set_num_threads(threads)
            try:
                _advance_many(first, day, keys, arrays)
            finally:
                numba.set_num_threads(previous)
        self._derive(first, day, seg_rates)

    def _derive(self, first: int, day: int, seg_rates: np.ndarray) -> None:
        """The derived KPIs of the span just advanced (one compiled call for the batch);
        every replication synced to `day`."""
        if self.derived is None:
            self.derived = DerivedBatch(self.reps)
        s = self.state
        self.derived.fill(first, day, s["out"], s["adopters"], s["leak"], self.shares,
                          seg_rates, self.plan_arrays[7])
        self.synced = self.clock[0] = day


def span_keys(keys: np.ndarray, day: int) -> np.ndarray:
    """`rng.span_key` of every key of `keys` [R] uint64 (arithmetic modulo 2^64)."""
    z = keys ^ np.uint64(day * 0x632BE59BD9B4E019 & MASK64)
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _advance_rosters(d0, d1, horizon, keys, joined, start_skill, count, ceiling, clock,
                     arrivals, par, controls, daily):
    """`teams_kernel._advance_roster` of days d0..d1-1 for each replication r (the first
    axis of every array; keys [R] the streams' keys)."""
    rs = np.empty(1, dtype=np.uint64)
    for r in range(keys.shape[0]):
        rs[0] = keys[r]
        _advance_roster(rs, d0, d1, horizon, joined[r], start_skill[r], count[r], ceiling[r],
                        clock[r], arrivals[r], par[r], controls[r], daily[r])


@njit(cache=True)
def _advance_row(d0, d1, key, r, arrays):
    """`kernel._advance` of days d0..d1-1 for replication r: row r of each of `arrays`
    (the kernel's arguments after the generator state, stacked), drawing from the stream
    `key`."""
    (state, adopters, adstock, queue, cqueue, pipe, cum, chan_tot, leak, out, seg_rates,
     affinity, chan_par, kappa, spend, extra_spend, season, team_par, misc, lost_after,
     chan_scale, shares, team_cap) = arrays
    rs = np.empty(1, dtype=np.uint64)
    rs[0] = key
    _advance(d0, d1, rs, state[r], adopters[r], adstock[r], queue[r], cqueue[r], pipe[r],
             cum[r], chan_tot[r], leak[r], out[r], seg_rates[r], affinity[r], chan_par[r],
             kappa[r], spend[r], extra_spend[r], season[r], team_par[r], misc[r],
             lost_after[r], chan_scale[r], shares[r], team_cap[r])


@njit(cache=True)
def _advance_rows(d0, d1, keys, arrays):
    """`_advance_many` on this thread alone (no threading layer to start)."""
    for r in range(keys.shape[0]):
        _advance_row(d0, d1, keys[r], r, arrays)


@njit(cache=True, parallel=True)
def _advance_many(d0, d1, keys, arrays):
    """`kernel._advance` of days d0..d1-1 for each replication r (the first axis of every
    array of `arrays`; keys [R] the streams' keys), in parallel over r."""
    for r in prange(keys.shape[0]):
        _advance_row(d0, d1, keys[r], r, arrays)
