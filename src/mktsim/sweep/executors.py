"""Where sweep points run: a local process pool, or a Dask distributed cluster.

Both executors take an iterable of :class:`PointTask` and yield an :class:`Outcome` per
point as points finish (in any order). At most ``window`` points are in flight at a time,
so memory stays bounded however large the sweep. A point that fails is retried once; a
point that fails again is yielded with its error text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any

from ..engine.workers import client_threads, dask_client, local_pool
from .runner import Outcome, PointTask, safe_evaluate

#: Attempts per point (one retry).
ATTEMPTS = 2

Evaluate = Callable[[PointTask], Any]


def _window(workers: int) -> int:
    return max(2, 4 * workers)


def _failed(task: PointTask, exc: BaseException) -> Outcome:
    return Outcome(task.point, None, f"{type(exc).__name__}: {exc}")


def _drive(tasks: Iterable[PointTask], submit: Callable[[PointTask], Any],
           wait_any: Callable[[set[Any]], set[Any]], result: Callable[[Any], Outcome],
           window: int) -> Iterator[Outcome]:
    """Submit up to ``window`` tasks, retry a failure once, yield each final outcome."""
    pending: dict[Any, tuple[PointTask, int]] = {}
    todo = iter(tasks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            task = next(todo, None)
            if task is None:
                exhausted = True
            else:
                pending[submit(task)] = (task, 1)
        if not pending:
            return
        for fut in wait_any(set(pending)):
            task, attempt = pending.pop(fut)
            try:
                out = result(fut)
            except Exception as exc:  # a worker died or the task could not run
                out = _failed(task, exc)
            out.attempts = attempt
            if not out.ok and attempt < ATTEMPTS:
                pending[submit(task)] = (task, attempt + 1)
            else:
                yield out


def _wait_local(futures: set[Future[Outcome]]) -> set[Future[Outcome]]:
    done, _ = wait(futures, return_when=FIRST_COMPLETED)
    return done


def run_local(tasks: Iterable[PointTask], workers: int,
              evaluate: Evaluate | None = None) -> Iterator[Outcome]:
    """Run points on ``workers`` local processes (in this process when workers is 1)."""
    fn = functools.partial(safe_evaluate, evaluate=evaluate)
    if workers <= 1:
        yield from _drive(tasks, _Immediate.of(fn), lambda fs: set(fs),
                          lambda f: f.result(), 1)
        return
    with local_pool(workers) as pool:
        yield from _drive(tasks, lambda t: pool.submit(fn, t), _wait_local,
                          lambda f: f.result(), _window(workers))


class _Immediate:
    """A finished 'future' for running in this process."""

    def __init__(self, value: Outcome) -> None:
        self.value = value

    def result(self) -> Outcome:
        return self.value

    @staticmethod
    def of(fn: Callable[[PointTask], Outcome]) -> Callable[[PointTask], _Immediate]:
        return lambda task: _Immediate(fn(task))


def run_dask(tasks: Iterable[PointTask], scheduler: str | None, workers: int,
             evaluate: Evaluate | None = None) -> Iterator[Outcome]:
    """Run points on Dask: on the cluster at ``scheduler`` (tcp://host:port), or on a
    LocalCluster of ``workers`` single-threaded worker processes when it is None
    (``engine.workers.dask_client``, the client of every command)."""
    with dask_client(scheduler, workers) as client:
        window = _window(client_threads(client, max(1, workers)))
        fn = functools.partial(safe_evaluate, evaluate=evaluate)
        yield from _drive(tasks, lambda t: client.submit(fn, t, pure=False),
                          _dask_wait, lambda f: f.result(), window)


def _dask_wait(futures: set[Any]) -> set[Any]:
    from distributed import wait as dask_wait

    return set(dask_wait(list(futures), return_when="FIRST_COMPLETED").done)
