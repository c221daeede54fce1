"""Run a whole sweep: design -> tasks -> executor -> result store -> manifest.

Every point's seed derives from the sweep seed and the point index, and every strategy at
a point uses that same seed, so the stored rows do not depend on the executor, the number
of workers or the order in which points finish.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.workers import check_executor
from ..params import Parameter, parse_design_mapping
from .designs import Design, make_design
from .executors import Evaluate, run_dask, run_local
from .runner import Outcome, PointTask, plain, point_seed
from .store import StoreError, SweepStore

#: Keys of a design file that are settings, not parameters.
SETTINGS = ("method", "samples", "seed", "replications", "strategies")
#: Default design size per method (see docs/sweeps.md for what `samples` means).
DEFAULT_SAMPLES = {"grid": 3, "mc": 100, "lhs": 100, "sobol": 64, "morris": 10}
DEFAULT_REPLICATIONS = 10
#: Sampling methods of a design (see docs/sweeps.md).
METHODS = tuple(DEFAULT_SAMPLES)

Progress = Callable[[Outcome], None]


@dataclass(frozen=True)
class SweepConfig:
    """What to sweep: the design, replications per point x strategy, strategies, seed."""

    design: Design
    replications: int
    strategies: tuple[str, ...]
    seed: int


@dataclass
class SweepSummary:
    """How a sweep call ended: points written now, failed, skipped (already done)."""

    total: int
    done: int = 0
    failed: dict[int, str] = field(default_factory=dict)
    skipped: int = 0
    seconds: float = 0.0
    complete: bool = False


def read_design_file(data: Any) -> tuple[list[Parameter], dict[str, Any]]:
    """(parameters, settings) of a design file mapping.

    Parameters are listed under ``parameters:`` (or ``uncertainties:``), or at the top
    level next to the settings ``method``, ``samples``, ``seed``, ``replications`` and
    ``strategies``.
    """
    if not isinstance(data, dict):
        raise ValueError("a design file must be a mapping of parameters and settings")
    settings = {k: data[k] for k in SETTINGS if k in data}
    mapping = data.get("parameters", data.get("uncertainties"))
    if mapping is None:
        mapping = {k: v for k, v in data.items() if k not in SETTINGS}
    return parse_design_mapping(mapping), settings


def build_design(params: list[Parameter], method: str, samples: int | None, seed: int) -> Design:
    """A design of ``params`` (default size from DEFAULT_SAMPLES)."""
    if not params:
        raise ValueError("nothing to sweep: give --param, --design FILE or an "
                         "uncertainties: section in the scenario")
    size = samples or DEFAULT_SAMPLES[method]
    return make_design(method, params, size, seed)  # type: ignore[arg-type]


def manifest_for(loaded: Any, cfg: SweepConfig) -> dict[str, Any]:
    """The identity part of the manifest (compared on --resume)."""
    from .. import __version__
    from ..kpis import KPI_NAMES

    n = len(cfg.design.points)
    return {
        "kind": "sweep",
        "format": 1,
        "mktsim_version": __version__,
        "scenario_hash": loaded.content_hash,
        "scenario_source": loaded.source,
        "design": cfg.design.to_manifest(),
        "seed": cfg.seed,
        "replications": cfg.replications,
        "strategies": list(cfg.strategies),
        "point_seeds": [point_seed(cfg.seed, i) for i in range(n)],
        "kpis": list(KPI_NAMES),
        "targets": [t.id for t in loaded.spec.targets],
    }


def point_tasks(loaded: Any, cfg: SweepConfig, skip: set[int]) -> Iterator[PointTask]:
    """One task per point not in ``skip``, in point order."""
    points = cfg.design.points
    names = cfg.design.names
    for row in points.itertuples(index=False):
        i = int(row[0])
        if i in skip:
            continue
        values = {name: plain(v) for name, v in zip(names, row[1:], strict=True)}
        yield PointTask(i, values, point_seed(cfg.seed, i), cfg.replications,
                        cfg.strategies, loaded.data, loaded.source)


def _outcomes(tasks: Iterator[PointTask], executor: str, workers: int, scheduler: str | None,
              evaluate: Evaluate | None) -> Iterator[Outcome]:
    if executor == "dask":
        return run_dask(tasks, scheduler, workers, evaluate)
    return run_local(tasks, workers, evaluate)


def run_sweep(loaded: Any, cfg: SweepConfig, out: str | Path, *, resume: bool = False,
              executor: str = "local", workers: int = 1, scheduler: str | None = None,
              evaluate: Evaluate | None = None, progress: Progress | None = None,
              stop_after: int | None = None) -> SweepSummary:
    """Run (or, with ``resume``, finish) a sweep into the folder ``out``.

    ``executor`` is "local" (process pool of ``workers``) or "dask" (cluster at
    ``scheduler``, or a LocalCluster of ``workers``). ``stop_after`` stops after that
    many points have been written (for tests of interruption). Raises StoreError when the
    folder holds another sweep, or holds one and ``resume`` is False; SchedulerError (a
    ValueError) for a malformed scheduler address, before anything is written.
    """
    executor = check_executor(executor, scheduler)
    store = SweepStore(out)
    manifest = manifest_for(loaded, cfg)
    previous: dict[str, Any] = {}
    if resume and store.exists():
        previous = store.check_resume(manifest)
    elif store.exists() or store.done_points():
        raise StoreError(f"{store.root} already holds a sweep; add --resume to finish it, "
                         "or choose a new --out folder")
    done = store.done_points()
    summary = SweepSummary(total=len(cfg.design.points), skipped=len(done))
    started = time.perf_counter()
    manifest["started"] = previous.get("started", _now())
    store.write_scenario(loaded.data)
    store.write_manifest({**manifest, "status": "running"})
    point_seconds = dict(previous.get("point_seconds", {}))
    tasks = point_tasks(loaded, cfg, done)
    stream = _outcomes(tasks, executor, workers, scheduler, evaluate)
    try:
        for outcome in stream:
            _record(store, outcome, summary, point_seconds)
            if progress:
                progress(outcome)
            if stop_after is not None and summary.done >= stop_after:
                break
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
        summary.seconds = time.perf_counter() - started
        _finish(store, manifest, summary, point_seconds, previous, executor, workers)
    return summary


def _record(store: SweepStore, outcome: Outcome, summary: SweepSummary,
            point_seconds: dict[str, float]) -> None:
    point_seconds[str(outcome.point)] = round(outcome.seconds, 4)
    if outcome.ok and outcome.table is not None:
        store.write_point(outcome.point, outcome.table)
        summary.done += 1
    else:
        error = outcome.error or "no result"
        store.write_failure(outcome.point, error, outcome.attempts)
        summary.failed[outcome.point] = error


def _finish(store: SweepStore, manifest: dict[str, Any], summary: SweepSummary,
            point_seconds: dict[str, float], previous: dict[str, Any], executor: str,
            workers: int) -> None:
    done = store.done_points()
    failed = store.failed_points()
    status = ["done" if i in done else "failed" if i in failed else "missing"
              for i in range(summary.total)]
    summary.complete = len(done) == summary.total
    wall = float(previous.get("timings", {}).get("wall_seconds", 0.0)) + summary.seconds
    manifest.update({
        "status": "complete" if summary.complete else "incomplete",
        "finished": _now(),
        "executor": executor,
        "workers": workers,
        "points": {"total": summary.total, "done": len(done), "failed": len(failed)},
        "point_status": status,
        "errors": {str(k): v for k, v in sorted(failed.items())},
        "point_seconds": point_seconds,
        "timings": {
            "wall_seconds": round(wall, 3),
            "last_call_seconds": round(summary.seconds, 3),
            "points_per_second": round(summary.done / summary.seconds, 3)
            if summary.seconds > 0 else None,
        },
    })
    store.write_manifest(manifest)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


__all__ = [
    "StoreError",
    "SweepConfig",
    "SweepSummary",
    "build_design",
    "manifest_for",
    "read_design_file",
    "run_sweep",
]
