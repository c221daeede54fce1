"""One replication with the per-customer engine.

The SimPy side (scheduled prices, promotions, launches, competitor moves, staff leaving,
reviews) is the counts engine's `Replication`; only the population differs: an array of
customers advanced by `agents_kernel._advance_agents`, optionally over a social network.
The funnel counts [S, N_STATES] the rest of mktsim reads are tallied from the customers
every day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np

from ..model import plan as P
from .agents_kernel import CLASS_SHIFT, STATE_MASK, _advance_agents
from .controls import Controller
from .limits import EngineLimit
from .network import SocialGraph
from .replication import Replication

MAX_CUSTOMERS = 5_000_000
MAX_SEGMENTS = (1 << 15 >> CLASS_SHIFT) - 1  # a customer's class is an int16
PLACEMENT_STREAM = 1  # spawn key, under the population key, of the placement generator

# filled in customer order within a segment's block, before shuffling the block
_PLACEMENT_ORDER = (P.LOYAL, P.CUSTOMER, P.CONSIDERING, P.AWARE, P.CHURNED, P.UNAWARE)


@dataclass
class Customers:
    """One entry per person: class (segment << 3 | funnel state, what the kernel reads
    and writes), ever bought, revenue brought so far (money), day of the first purchase in
    the run (-1: none)."""

    cls: np.ndarray  # [N] int16
    ever: np.ndarray  # [N] int8
    value: np.ndarray  # [N] float64
    adopted_on: np.ndarray  # [N] int32

    @property
    def state(self) -> np.ndarray:
        """Funnel state of each person [N] (a copy)."""
        return (self.cls & STATE_MASK).astype(np.int8)

    @property
    def segment(self) -> np.ndarray:
        """Segment (plan row) of each person [N] (a copy)."""
        return (self.cls >> CLASS_SHIFT).astype(np.int16)

    def counts(self, n_segments: int) -> tuple[np.ndarray, np.ndarray]:
        """Funnel counts [S, N_STATES] and people who ever bought [S]."""
        segment = self.segment
        flat = segment.astype(np.int64) * P.N_STATES + self.state
        counts = np.bincount(flat, minlength=n_segments * P.N_STATES)
        ever = np.bincount(segment, weights=self.ever, minlength=n_segments)
        return counts.reshape(n_segments, P.N_STATES).astype(np.int64), ever.astype(np.int64)


def check_market_size(plan: P.Plan) -> None:
    """Refuse markets the customer arrays would not fit in memory comfortably."""
    people = int(plan.init_state.sum())
    hint = "use the counts engine (engine='counts', or `mktsim run --engine counts`)"
    if plan.n_segments > MAX_SEGMENTS:
        raise EngineLimit([(
            "market.segments",
            f"the per-customer engine is for markets of up to {MAX_SEGMENTS:,} segments; "
            f"this one has {plan.n_segments:,}", hint)])
    if people > MAX_CUSTOMERS:
        raise EngineLimit([(
            "market.size",
            f"the per-customer engine is for markets up to {MAX_CUSTOMERS:,} people; "
            f"this one has {people:,}", hint)])


def place_customers(init_state: np.ndarray, rng: np.random.Generator,
                    hubs: np.ndarray | None = None) -> Customers:
    """Customers in contiguous segment blocks sized by the plan's initial counts; within a
    block the first get loyal, customer, considering, aware, churned, the rest unaware,
    and the block is then shuffled. `hubs` (person indices) become customers."""
    sizes = init_state.sum(axis=1)
    n = int(sizes.sum())
    state = np.empty(n, dtype=np.int8)
    start = 0
    for s, size in enumerate(sizes):
        block = np.repeat(np.array(_PLACEMENT_ORDER, dtype=np.int8),
                          [int(init_state[s, k]) for k in _PLACEMENT_ORDER])
        rng.shuffle(block)
        state[start: start + int(size)] = block
        start += int(size)
    segment = np.repeat(np.arange(len(sizes), dtype=np.int16), sizes)
    ever = ((state == P.CUSTOMER) | (state == P.LOYAL) | (state == P.CHURNED)).astype(np.int8)
    if hubs is not None and len(hubs):
        new = hubs[(state[hubs] != P.CUSTOMER) & (state[hubs] != P.LOYAL)]
        state[new] = P.CUSTOMER
        ever[new] = 1
    cls = (segment << CLASS_SHIFT) | state.astype(np.int16)
    return Customers(cls.astype(np.int16), ever, np.zeros(n), np.full(n, -1, dtype=np.int32))


def threads_launched() -> None:
    """Start numba's threading layer before the per-customer kernel (parallel) first runs
    in this process. Loaded from numba's cache in a fresh worker process (a pool's worker
    started by a fork server), the parallel kernel calls the layer's functions without
    having started it, and the process dies of a segmentation fault; compiling starts it,
    and so does asking for the number of threads."""
    numba.get_num_threads()


class AgentReplication(Replication):
    """A replication whose population is an array of customers (see module doc)."""

    def __init__(self, plan: P.Plan, seed: np.random.SeedSequence,
                 graph: SocialGraph | None = None, seed_hubs: int = 0,
                 controllers: Sequence[Controller] = ()) -> None:
        threads_launched()
        self.graph = graph
        self.seed_hubs = seed_hubs
        super().__init__(plan, seed, controllers)

    def _alloc(self) -> None:
        super()._alloc()
        plan = self.plan
        check_market_size(plan)
        people = int(plan.init_state.sum())
        if self.graph is not None and self.graph.size != people:
            raise ValueError(f"the network has {self.graph.size} people, the market {people}")
        hubs = self.graph.hubs(self.seed_hubs) if self.graph is not None else None
        rng = np.random.default_rng(np.random.SeedSequence(self.key,
                                                           spawn_key=(PLACEMENT_STREAM,)))
        self.customers = place_customers(plan.init_state, rng, hubs)
        self.state, self.adopters = self.customers.counts(plan.n_segments)
        empty = np.zeros(0, dtype=np.int64)
        self.indptr = self.graph.indptr if self.graph is not None else empty
        self.indices = self.graph.indices if self.graph is not None else empty.astype(np.int32)

    def advance(self, first: int, last: int) -> None:
        """Run the per-customer kernel over days first..last-1."""
        p, c = self.plan, self.customers
        _advance_agents(first, last, np.uint64(self.key), c.cls, c.ever, c.value,
                        c.adopted_on, self.indptr, self.indices, self.state, self.adopters,
                        self.adstock, self.cum, self.chan_tot, self.leak, self.out, p.seg_rates,
                        p.affinity, p.chan_par, p.kappa, p.spend, self.extra_spend, p.season,
                        p.team_par, self.misc, self.chan_scale, self.shares, self.roster.daily)
