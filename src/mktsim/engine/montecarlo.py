"""Many replications of one plan, in this process or on a pool of worker processes.

Replication i always uses child i of the run's SeedSequence, so the numbers do not depend
on the number of workers or on the order in which chunks finish.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..model.measures import KpiReadings, Readings
from ..model.plan import Plan
from .collector import collector_paused
from .controls import Controller, batch_days, joined_tallies, tally_logs
from .network import NetworkShape
from .rng import chunk_seeds, replication_seeds
from .sources import PlanSource
from .workers import LazyPool, start_method

if TYPE_CHECKING:
    import pandas as pd

    from .replication import Replication, ReplicationResult

Progress = Callable[[int], None]


class EngineKind(StrEnum):
    """How a replication's population is held: counts per segment and funnel state, or
    one entry per customer (docs/model.md)."""

    COUNTS = "counts"
    AGENTS = "agents"

    @classmethod
    def lookup(cls, name: str | EngineKind) -> EngineKind:
        """The kind named `name` ("counts" or "agents", as the CLI and the API give it)."""
        try:
            return cls(name)
        except ValueError:
            raise ValueError(f"unknown engine {name!r}: use 'counts' or 'agents'") from None


class _Samples:
    """The `samples` field of a Run: set to a DataFrame, or to the rows as drawn (a list
    of {path: value}), which become a DataFrame (pandas) on first read only, so that a
    command that never reads them does not import pandas."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, run: Any, owner: type | None = None) -> Any:
        if run is None:
            return None  # the field's default
        value = run.__dict__.get(self.slot)
        if isinstance(value, list):
            import pandas as pd

            value = run.__dict__[self.slot] = pd.DataFrame(value)
        return value

    def __set__(self, run: Any, value: Any) -> None:
        run.__dict__[self.slot] = value


@dataclass
class Run:
    """Arrays of one plan's replications: daily [R, K, D] (or, for a run that kept only
    some cells of it, `model.measures.KpiReadings`), channels [R, C, N_CH],
    leaks [R, N_LEAK], final states [R, S, N_STATES]; the uncertain values drawn for each
    replication (`samples`, one column per path) when the scenario has uncertainties."""

    plan: Plan
    seed: int
    daily: np.ndarray
    channels: np.ndarray
    leaks: np.ndarray
    states: np.ndarray
    samples: pd.DataFrame | None = _Samples()  # type: ignore[assignment]
    reviews: list[Any] = field(default_factory=list)  # per replication: ReviewLog or None
    #: the review logs added up by the chunks that ran them (`controls.tally_logs`), None
    #: when no controller tallies them or the run is made of another's replications
    review_tally: Any = None
    adopters: np.ndarray | None = None  # [R, S] people who ever bought, at the end
    adstock: np.ndarray | None = None  # [R, C] each channel's adstock stock, at the end

    @property
    def replications(self) -> int:
        """R."""
        return int(self.daily.shape[0])

    def sample_paths(self) -> list[str] | None:
        """The paths drawn per replication (the columns of `samples`), None when nothing
        was drawn; read without building the DataFrame."""
        value = self.__dict__.get("_samples")
        if value is None:
            return None
        if isinstance(value, list):
            return [str(p) for p in dict.fromkeys(k for row in value for k in row)]
        return [str(c) for c in value.columns]


def run_chunk(plan: Plan, seed: int, first: int, count: int,
              source: PlanSource | None = None, engine: EngineKind | str = EngineKind.COUNTS,
              network: NetworkShape | None = None, controllers: Sequence[Controller] = (),
              threads: int = 1, out: np.ndarray | None = None,
              readings: Readings | None = None) -> tuple[Any, ...]:
    """Replications first..first+count-1 of `seed`, stacked, with their sampled values.

    Replications whose controllers act on days known in advance (none, or the review
    loop of rules with fixed delays; the counts engine) advance in batches
    (`engine.batch`), on `threads` threads; the numbers do not depend on the batch.
    `out`: zeros [count, K, D], the rows of the run's daily record these replications
    fill (a batch writes into them; returned as the chunk's daily record). `readings`:
    return only those cells of the daily record (`model.measures.KpiReadings`), not the
    record itself."""
    from .replication import Replication  # numba and simpy: only once something runs

    engine = EngineKind.lookup(engine)
    if readings is not None and out is None and engine == EngineKind.COUNTS:
        out = _scratch_record(count, plan.horizon)  # read, then written over by the next
    plans = source.plans_for(first, count) if source is not None else [(plan, {})] * count
    if engine == EngineKind.COUNTS and all(batchable(p, controllers) for p, _ in plans):
        results = run_batched([Replication(p, child, controllers) for (p, _), child
                               in zip(plans, chunk_seeds(seed, count, first), strict=True)],
                              threads, out)
    else:
        children = replication_seeds(seed, count, first)
        results = [_replication(p, child, seed, engine, network, controllers).run()
                   for (p, _), child in zip(plans, children, strict=True)]
    samples = [values for _, values in plans] if source is not None else []
    logs = [r.reviews for r in results]
    daily = stacked([r.daily for r in results], out)
    return (daily if readings is None else readings.of(daily),
            stacked([r.channels for r in results]),
            stacked([r.leaks for r in results]), stacked([r.state for r in results]),
            samples, logs, _ends(results, "adopters"), _ends(results, "adstock"),
            tally_logs(controllers, logs))


_SCRATCH = threading.local()


def _scratch_record(count: int, horizon: int) -> np.ndarray:
    """Zeros [count, K, horizon] for a chunk whose daily record is only read
    (`run_chunk(readings=)`): this thread's from its previous chunk, zeroed again, rather
    than fresh memory, whose page faults cost more than the zeroing (about 0.05-0.1 ms a
    replication in the kernel call)."""
    from .layout import N_KPI

    kept = getattr(_SCRATCH, "record", None)
    if kept is None or kept.shape[1:] != (N_KPI, horizon) or kept.shape[0] < count:
        kept = _SCRATCH.record = np.zeros((count, N_KPI, horizon))
        return kept
    record = kept[:count]  # the chunks' sizes vary (task_spans): the largest is kept
    record.fill(0.0)
    return record


def stacked(rows: Sequence[np.ndarray], out: np.ndarray | None = None) -> np.ndarray:
    """`rows` stacked ([R, ...]) without copying what is already in place: into `out`
    (only the rows not already its own), or, when the rows are the consecutive rows of one
    array (a batch's stacked state), that array itself; else a new array."""
    if out is not None:
        for i, row in enumerate(rows):
            if not _is_row(row, out, i):
                out[i] = row
        return out
    base = rows[0].base
    if (isinstance(base, np.ndarray) and base.shape == (len(rows), *rows[0].shape)
            and base.dtype == rows[0].dtype and base.flags.c_contiguous
            and all(_is_row(row, base, i) for i, row in enumerate(rows))):
        return base
    return np.stack(rows)


def _is_row(row: np.ndarray, array: np.ndarray, i: int) -> bool:
    """Whether `row` is row i of `array` (a view of the same memory, the same shape)."""
    return (row.base is (array if array.base is None else array.base)
            and row.shape == array.shape[1:] and row.strides == array.strides[1:]
            and row.ctypes.data == array.ctypes.data + i * array.strides[0])


def _ends(results: Sequence[Any], name: str) -> np.ndarray | None:
    """The replications' end-of-run arrays `name` (adopters, adstock), stacked; None when
    the engine kept none."""
    arrays = [getattr(r, name) for r in results]
    return None if any(a is None for a in arrays) else stacked(arrays)


def batchable(plan: Plan, controllers: Sequence[Controller]) -> bool:
    """Whether replications of `plan` can run in a batch: no competitor that advertises
    or reacts (they run under SimPy), every controller idle for the plan or able to say on
    which days it may act (`controls.batch_days`), and a plan with review rules has a
    controller to run them."""
    if getattr(plan, "rivals", None) is not None:
        return False
    if plan.rules is not None and not controllers:
        return False
    return batch_days(controllers, plan) is not None


@collector_paused
def run_batched(reps: Sequence[Replication], threads: int = 1,
                out: np.ndarray | None = None) -> list[ReplicationResult]:
    """Run replications in batches of equal `batch.schedule_key`; results in their order.
    `out`: zeros [R, K, D], where a batch of consecutive replications writes its daily
    record (the others are copied there by `stacked`)."""
    from .batch import Batch, schedule_key

    groups: dict[tuple[object, ...], list[int]] = {}
    for i, rep in enumerate(reps):
        groups.setdefault(schedule_key(rep), []).append(i)
    results: list[Any] = [None] * len(reps)
    for members in groups.values():
        rows = (out[members[0]:members[-1] + 1] if out is not None
                and members[-1] - members[0] == len(members) - 1 else None)
        for i, result in zip(members, Batch([reps[i] for i in members], threads, rows).run(),
                             strict=True):
            results[i] = result
    return results


def _replication(plan: Plan, child: np.random.SeedSequence, seed: int, engine: EngineKind,
                 network: NetworkShape | None, controllers: Sequence[Controller]
                 ) -> Replication:
    """The counts engine's replication, or the per-customer engine's."""
    from .replication import Replication

    if engine == EngineKind.COUNTS:
        return Replication(plan, child, controllers)
    from .agents import AgentReplication
    from .network import social_graph

    graph = social_graph(network, int(plan.init_state.sum()), seed)
    return AgentReplication(plan, child, graph, network.seed_hubs if network else 0,
                            controllers)


#: Replications below which a chunk is not split further for load balancing: each task
#: costs a few milliseconds of its own (the plan and its source pickled, the sampled
#: scenarios prepared in the worker).
MIN_CHUNK = 16
#: Replications run in this process before a local pool's first fork (`forks_from_here`).
WARM_REPLICATIONS = 2


def chunk_size(replications: int, workers: int) -> int:
    """Replications per task: about four tasks a worker, at most 100 (progress), at least
    MIN_CHUNK unless that would leave a worker idle. The numbers never depend on it."""
    if workers <= 1:  # in this process: no balancing, one batch (at most 100)
        return max(1, min(100, replications))
    balanced = -(-replications // max(1, workers * 4))
    return max(1, min(100, max(balanced, min(MIN_CHUNK, -(-replications // max(1, workers))))))


def in_process_threads(plan: Plan, engine: EngineKind, controllers: Sequence[Controller],
                       workers: int, pool: Executor | None) -> int:
    """Threads for running the replications in this process, in batches (0: not so).

    Without a pool to use, batched replications (`batchable`) run here on `workers`
    threads rather than on processes started for this call alone. With a pool (local
    processes or a Dask cluster, `engine.workers.open_pool`) the chunks go to it, each a
    batch on one thread: the processes share the Python work too, and numba's threads are
    never started, so the local ones keep forking cheaply (`engine.workers.start_method`).
    Plans with review rules go to processes too: their reviews are Python work."""
    if pool is not None or workers <= 1 or engine != EngineKind.COUNTS:
        return 0
    if plan.rules is not None:  # reviews run in Python: worker processes share them
        return 0
    return workers if batchable(plan, controllers) else 0


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def new_pool(workers: int) -> LazyPool:
    """A pool of `workers` processes (forked on Linux) that end with this process, started
    when the first task needs them."""
    return LazyPool(workers)


def simulate(plan: Plan, replications: int, seed: int, workers: int = 1,
             progress: Progress | None = None, source: PlanSource | None = None,
             pool: Executor | None = None, engine: EngineKind | str = EngineKind.COUNTS,
             network: NetworkShape | None = None, controllers: Sequence[Controller] = (),
             first: int = 0) -> Run:
    """Run replications first..first+replications-1 of `plan` (or of `source`'s plans).

    `pool`: an executor to reuse (left open) instead of starting one for this call: a
    local process pool or a Dask client's (`engine.workers.open_pool`); `workers` is then
    how many tasks it runs at once, which sizes the chunks but never changes the numbers.
    `engine`: an `EngineKind` or its name, "counts" (default) or "agents" (per customer,
    over `network` if given). `controllers`: run in every replication (the review loop,
    `rules.review.ReviewLoop`); a plan with rules needs one. The wiring of a scenario's
    run (its sampled plans, network, review loop) is `mktsim.simulate.run_plan`'s."""
    return start_run(plan, replications, seed, workers, progress, source, pool,
                     engine=engine, network=network, controllers=controllers,
                     first=first).result()


def start_run(plan: Plan, replications: int, seed: int, workers: int = 1,
              progress: Progress | None = None, source: PlanSource | None = None,
              pool: Executor | None = None, engine: EngineKind | str = EngineKind.COUNTS,
              network: NetworkShape | None = None, controllers: Sequence[Controller] = (),
              first: int = 0, readings: Readings | None = None) -> PendingRun:
    """`simulate`, begun: on `pool` (an executor given, left open) the chunks are
    submitted and the returned run's `result()` waits for them, so that the runs of several
    plans can be on the pool at once (`compare`: no worker idles while one plan's last
    chunk ends and the next is submitted); otherwise the replications run now. The same
    numbers as `simulate` with the same arguments. `readings`: the run keeps only those
    cells of its daily record (`run_chunk`)."""
    engine = EngineKind.lookup(engine)
    if engine == EngineKind.AGENTS:
        from .agents import check_market_size

        check_market_size(plan)
    threads = in_process_threads(plan, engine, controllers, workers, pool)
    chunk = chunk_size(replications, workers)
    if threads > 1:  # one batch a chunk, parallel over its replications
        chunk = min(100, replications)
    starts = list(range(first, first + replications, chunk))
    last = first + replications
    run = partial(_chunk_of, plan, seed, last, source, engine, network, controllers,
                  readings=readings)
    parts: list[tuple[Any, ...]] = []
    # the run's daily record: the chunks run here write their rows into it, those from a
    # pool are copied into it as they come (`PendingRun.collect`), not joined at the end
    record = None if readings is not None else _daily_record(plan, replications, engine)
    if threads or (pool is None and (workers <= 1 or len(starts) == 1)):
        for begin in starts:
            rows = None if record is None else record[begin - first:begin - first + chunk]
            parts.append(run(begin, chunk, max(1, threads), rows))
            if progress:
                progress(parts[-1][0].shape[0])
    else:
        with nullcontext(pool) if pool is not None else new_pool(workers) as ex:
            if forks_from_here(ex):  # warm this process first; one chunk: all of it here
                n = chunk if len(starts) == 1 else WARM_REPLICATIONS
                parts.append(run(first, n, 1, None if record is None else record[:n]))
                starts = list(range(first + parts[0][0].shape[0], last, chunk))
                if progress:
                    progress(parts[-1][0].shape[0])
            futures = [ex.submit(run_chunk, plan, seed, f, min(chunk, last - f), source,
                                 engine, network, controllers, readings=readings)
                       for f in starts]
            pending = PendingRun(plan, seed, parts, futures, progress, record)
            if pool is not None:
                return pending  # the caller's pool stays open: collected by result()
            pending.collect()
    return PendingRun(plan, seed, parts, [], progress, record)


@dataclass
class PendingRun:
    """A run begun by `start_run`: its chunks done (`parts`) and those on a pool (`futures`,
    in replication order); `result()` waits for them and joins them into the Run."""

    plan: Plan
    seed: int
    parts: list[tuple[Any, ...]]
    futures: list[Any]
    progress: Progress | None = None
    #: the run's daily record, [R, K, D]: the chunks run in this process wrote into it,
    #: those from the pool are copied into it as they come
    record: np.ndarray | None = None

    @collector_paused
    def collect(self) -> None:
        """Wait for the chunks on the pool, in order, each placed in `record` as it comes
        (while the later ones run) rather than all joined at the end; the collector paused
        meanwhile (the parts arriving would make it walk the heap, `engine.collector`)."""
        for fut in self.futures:
            self.parts.append(self._placed(fut.result()))
            if self.progress:
                self.progress(self.parts[-1][0].shape[0])
        self.futures = []

    def _placed(self, part: tuple[Any, ...]) -> tuple[Any, ...]:
        """The next chunk's `part` with its daily record copied into its rows of
        `record` (and those rows in its place, so that its own array is freed)."""
        if self.record is None:
            return part
        start = sum(p[0].shape[0] for p in self.parts)
        rows = self.record[start:start + part[0].shape[0]]
        rows[...] = part[0]
        return (rows, *part[1:])

    def result(self) -> Run:
        """The Run of every chunk, joined."""
        self.collect()
        return _joined_run(self.plan, self.seed, self.parts, self.record)


def _joined_run(plan: Plan, seed: int, parts: list[tuple[Any, ...]],
                record: np.ndarray | None) -> Run:
    """The Run of the chunks' results `parts` (in replication order); `record`: the daily
    record they were written into, when they were."""
    daily = record if record is not None else _daily_joined([p[0] for p in parts])
    channels, leaks, states = (_concatenated([p[i] for p in parts]) for i in range(1, 4))
    rows = [row for p in parts for row in p[4]]
    return Run(plan, seed, daily, channels, leaks, states,
               samples=rows or None,  # type: ignore[arg-type]  # a DataFrame when read
               reviews=[log for p in parts for log in p[5]],
               review_tally=joined_tallies([p[8] for p in parts]),
               adopters=_joined(parts, 6), adstock=_joined(parts, 7))


@dataclass(frozen=True)
class RunJob:
    """One plan's run among several on the same replications (`start_runs`): what
    `run_chunk` needs of it besides the replications."""

    plan: Plan
    seed: int
    source: PlanSource | None = None
    controllers: Sequence[Controller] = ()
    #: what the run keeps of its daily record (None: all of it)
    readings: Readings | None = None


def run_chunks(jobs: Sequence[RunJob], first: int, count: int,
               engine: EngineKind | str = EngineKind.COUNTS,
               network: NetworkShape | None = None) -> list[tuple[Any, ...]]:
    """`run_chunk` of replications first..first+count-1 of each of `jobs` in turn, in one
    task: replication i's sampled scenario, the same for every plan of `compare`, is then
    built once in the process that runs it (`simulate.sampled`, `_SPECS`)."""
    return [run_chunk(j.plan, j.seed, first, count, j.source, engine, network, j.controllers,
                      readings=j.readings)
            for j in jobs]


@dataclass(frozen=True)
class _ChunkOf:
    """Plan k's part of a `run_chunks` task (a future of its parts)."""

    future: Any
    k: int

    def result(self) -> tuple[Any, ...]:
        return cast(tuple[Any, ...], self.future.result()[self.k])


def start_runs(jobs: Sequence[RunJob], replications: int, workers: int, pool: Executor,
               progress: Progress | None = None,
               engine: EngineKind | str = EngineKind.COUNTS,
               network: NetworkShape | None = None) -> list[PendingRun]:
    """The runs of several plans on replications 0..replications-1, begun on `pool` (left
    open): each task runs a chunk of replications for every plan (`run_chunks`), half the
    size `simulate` would give one plan, so the tasks stay short enough to share out
    evenly. The same numbers as `simulate` of each plan."""
    engine = EngineKind.lookup(engine)
    chunk = max(1, min(MIN_CHUNK, replications), chunk_size(replications, workers) // 2)
    parts: list[list[tuple[Any, ...]]] = [[] for _ in jobs]
    records = [None if j.readings is not None else _daily_record(j.plan, replications, engine)
               for j in jobs]
    pending = [PendingRun(j.plan, j.seed, parts[k], [], progress, records[k])
               for k, j in enumerate(jobs)]
    begin = 0
    if forks_from_here(pool):  # warm this process first (the kernels loaded once)
        begin = min(WARM_REPLICATIONS, replications)
        for k, part in enumerate(run_chunks(jobs, 0, begin, engine, network)):
            parts[k].append(pending[k]._placed(part))
            if progress:
                progress(part[0].shape[0])
    futures = [pool.submit(run_chunks, jobs, f, n, engine, network)
               for f, n in task_spans(begin, replications, chunk, workers)]
    for k, run in enumerate(pending):
        run.futures = [_ChunkOf(f, k) for f in futures]
    return pending


def task_spans(begin: int, end: int, chunk: int, workers: int) -> list[tuple[int, int]]:
    """(first, count) of the tasks of replications begin..end-1: chunks of `chunk`, but the
    last `workers` chunks' worth in halves (not below MIN_CHUNK // 2), so that the workers
    finish closer together (the one that ends first waits about half a task, not a whole
    one). The numbers never depend on it."""
    tail = min(end - begin, workers * chunk)
    half = max(1, min(chunk, max(MIN_CHUNK // 2, chunk // 2)))
    spans = [(f, min(chunk, end - tail - f)) for f in range(begin, end - tail, chunk)]
    return spans + [(f, min(half, end - f)) for f in range(end - tail, end, half)]


def _chunk_of(plan: Plan, seed: int, last: int, source: PlanSource | None,
              engine: EngineKind, network: NetworkShape | None,
              controllers: Sequence[Controller], start: int, chunk: int,
              threads: int = 1, out: np.ndarray | None = None,
              readings: Readings | None = None) -> tuple[Any, ...]:
    """`run_chunk` of replications start..min(start + chunk, last) - 1, in this process
    (their daily record written into `out` when given)."""
    return run_chunk(plan, seed, start, min(chunk, last - start), source, engine, network,
                     controllers, threads, out, readings)


def _daily_record(plan: Plan, replications: int, engine: EngineKind) -> np.ndarray | None:
    """The run's daily record [R, K, D] (zeros) for the chunks run in this process to fill
    in place (the counts engine; None for the other: its chunks are joined)."""
    if engine != EngineKind.COUNTS:
        return None
    from .layout import N_KPI

    return np.zeros((replications, N_KPI, plan.horizon))


def forks_from_here(executor: Executor) -> bool:
    """Whether `executor` is a local pool whose worker processes are not started yet and
    will be forked from this process: they then inherit the kernels this process has
    loaded, so running a few replications here first (`WARM_REPLICATIONS`) spares each
    worker loading numba's cached kernels, the engine's modules and scipy again (about a
    second of CPU a worker, longer than a short run)."""
    return isinstance(executor, LazyPool) and not executor.started \
        and start_method() == "fork"


def _joined(parts: list[tuple[Any, ...]], i: int) -> np.ndarray | None:
    """Item i of every chunk, concatenated; None when a chunk has none."""
    arrays = [p[i] for p in parts]
    return None if any(a is None for a in arrays) else _concatenated(arrays)


def _daily_joined(parts: list[Any]) -> np.ndarray | KpiReadings:
    """The chunks' daily records end to end, or their readings (`run_chunk(readings=)`)."""
    if isinstance(parts[0], KpiReadings):
        return KpiReadings.joined(parts)
    return _concatenated(parts)


def _concatenated(arrays: list[np.ndarray]) -> np.ndarray:
    """The chunks' arrays end to end; a single chunk's own array (`run_chunk` stacked it
    afresh, and copying a run's daily record costs about as much as deriving its KPIs)."""
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
