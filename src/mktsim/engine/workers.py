"""Where the work runs: in this process, on local worker processes, or on Dask.

`open_pool` is the one executor of every command (run, compare, optimize, explain,
calibrate, track): a `Pool` holds a `concurrent.futures.Executor` (None: this process) and
how many tasks it runs at once. `dask_client` (shared with the sweep's Dask executor)
connects to a scheduler or starts a LocalCluster. Replication i always uses child i of the
run's seed, so the executor never changes the numbers.

Local worker processes never outlive the process that started them. When the main process
is killed (SIGKILL, a closed terminal) it cannot shut its pool down, and the workers would
run on forever. Every pool started by mktsim therefore runs `exit_with_parent` in each
worker as it starts.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # multiprocessing and ctypes are imported when a pool starts
    from concurrent.futures import ProcessPoolExecutor

#: Seconds between a worker's checks that the process that started it still runs.
WATCHDOG_SECONDS = 1.0

_PR_SET_PDEATHSIG = 1  # linux/prctl.h

#: Where the work can run: local processes, or Dask distributed.
EXECUTORS = ("local", "dask")
#: Seconds to wait for a Dask scheduler to answer before giving up.
CONNECT_SECONDS = 15.0
#: Protocols of a Dask scheduler address (`tcp://HOST:PORT`).
_PROTOCOLS = ("tcp", "tls", "ws", "wss", "ucx")
_ADDRESS = re.compile(r"^(?:(?P<proto>[a-z]+)://)?(?P<host>\[[0-9a-fA-F:]+\]|[^\s:/\[\]]+)"
                      r":(?P<port>\d{1,5})/?$")


#: Replication-days (replications x horizon days, counts engine) from which a local pool
#: pays for itself: starting its processes and sending them their tasks (forks, each
#: worker's sampled plans, the chunks pickled both ways) costs about 0.15-0.2 s of CPU,
#: which the work shared out must pay back, also on a machine whose other cores are
#: partly busy. 100,000 is about 270 replication-years, 0.8 s of the smart band's work on
#: one core (`run -n 20` with its counterfactuals is 58,400: docs/architecture.md,
#: "Start-up").
POOL_MIN_WORK = 100_000


def auto_workers(work: float | None, cores: int) -> int:
    """Processes for a command whose work is `work` replication-days (None: not known, or
    not the counts engine's): all `cores` from POOL_MIN_WORK on, else 1 (this process).
    The numbers never depend on it."""
    if work is not None and work < POOL_MIN_WORK:
        return 1
    return cores


class SchedulerError(ValueError):
    """A Dask scheduler address that is malformed, or a scheduler that cannot be reached."""


@dataclass(frozen=True)
class Pool:
    """An open executor: `executor` (None: run in this process) and `workers`, how many
    tasks it runs at once (it sizes the chunks of replications, never the numbers)."""

    executor: Executor | None
    workers: int = 1
    kind: str = "local"


def check_executor(executor: str, scheduler: str | None) -> str:
    """The executor to use: "dask" when a scheduler is given, else `executor` (checked)."""
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor '{executor}': use one of {', '.join(EXECUTORS)}")
    if scheduler is not None:
        check_scheduler(scheduler)
        return "dask"
    return executor


def check_scheduler(address: str) -> str:
    """`address` as `PROTOCOL://HOST:PORT` (tcp when no protocol is given); raises
    SchedulerError naming the expected form."""
    found = _ADDRESS.match(address.strip())
    proto = (found.group("proto") or "tcp") if found else None
    if found is None or proto not in _PROTOCOLS or not 0 < int(found.group("port")) < 65536:
        raise SchedulerError(f"scheduler address '{address}' is not of the form "
                             "tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786, as printed by "
                             "`dask scheduler`)")
    return f"{proto}://{found.group('host')}:{int(found.group('port'))}"


@contextmanager
def open_pool(executor: str | Pool = "local", workers: int = 1,
              scheduler: str | None = None) -> Iterator[Pool]:
    """The executor of one command, closed at the end of the block.

    "local": `workers` processes (none, this process, for 1), started when the first task
    comes (`LazyPool`). "dask": the cluster at
    `scheduler` (tcp://HOST:PORT), or a LocalCluster of `workers` single-thread worker
    processes when it is None. A `Pool` already open is used as it is and left open (one
    cluster for several commands)."""
    if isinstance(executor, Pool):
        yield executor
        return
    kind = check_executor(executor, scheduler)
    if kind == "dask":
        with dask_client(scheduler, workers) as client:
            yield Pool(client.get_executor(pure=False), client_threads(client, workers), kind)
    elif workers <= 1:
        yield Pool(None, 1)
    else:
        with LazyPool(workers) as pool:
            yield Pool(pool, workers)


@contextmanager
def dask_client(scheduler: str | None, workers: int = 1) -> Iterator[Any]:
    """A `distributed.Client` of the cluster at `scheduler`, or of a LocalCluster of
    `workers` single-thread worker processes on loopback when it is None. Raises
    SchedulerError when the scheduler does not answer within CONNECT_SECONDS."""
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                               processes=True, host="127.0.0.1", dashboard_address=":0")
        client, address = Client(cluster), str(cluster.scheduler_address)
    else:
        address = check_scheduler(scheduler)
        try:
            client = Client(address, timeout=f"{CONNECT_SECONDS:g}s")
        except (OSError, TimeoutError) as exc:
            reason = str(exc).strip()
            if not reason or "timed out" in reason.lower():
                reason = f"no answer within {CONNECT_SECONDS:g} s"
            raise SchedulerError(
                f"cannot reach the Dask scheduler at {address} ({reason}); check the address, "
                "or start a scheduler with `dask scheduler` and its workers with "
                "`dask worker ADDRESS`") from None
    try:
        _wait_for_a_worker(client, address)
        yield client
    finally:
        client.close()
        if cluster is not None:
            with _quiet("distributed"):  # a worker slow to stop is killed, and says so
                cluster.close()


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Only errors from the logger `name` (and its children) inside the block."""
    import logging

    found = logging.getLogger(name)
    level = found.level
    found.setLevel(logging.ERROR)
    try:
        yield
    finally:
        found.setLevel(level)


def _wait_for_a_worker(client: Any, address: str) -> None:
    """Tasks sent to a scheduler without workers would wait forever: wait for one."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except TimeoutError:
        raise SchedulerError(f"the Dask scheduler at {address} has no worker after "
                             f"{CONNECT_SECONDS:g} s; start one with `dask worker {address}`"
                             ) from None


class LazyPool(Executor):
    """Local worker processes started on the first task only: a command that ends up
    running everything in its own process (one chunk) never pays for them. `workers` is
    how many processes it starts."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        """Whether the worker processes have been started."""
        return self._pool is not None

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Run `fn(*args, **kwargs)` on a worker process (started now if need be)."""
        with self._lock:
            if self._pool is None:
                self._pool = local_pool(self.workers)
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the worker processes, if they were started."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
                self._pool = None


def client_threads(client: Any, default: int = 1) -> int:
    """Tasks the cluster of `client` runs at once (its worker threads), else `default`."""
    return max(1, sum(int(n) for n in client.nthreads().values()) or default)


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes (forked on Linux) that end with this process."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    method = start_method()
    ctx = mp.get_context(method)
    if method == "forkserver":  # the server imports the engine once, never a __main__
        ctx.set_forkserver_preload(["mktsim.engine.montecarlo"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                               initializer=exit_with_parent,
                               initargs=(os.getpid(), method == "forkserver"))


def start_method() -> str:
    """How worker processes start: "fork" on Linux (fast: they inherit the loaded modules
    and compiled kernels), "spawn" elsewhere. Once this process has run numba's parallel
    threads (the per-customer kernel), a fork would copy a threading runtime that is not
    fork-safe (GNU OpenMP terminates the child), so workers start from a fresh server
    process then ("forkserver")."""
    if sys.platform != "linux":
        return "spawn"
    return "forkserver" if numba_threads_started() else "fork"


def numba_threads_started() -> bool:
    """This process has started numba's threading layer (run a parallel kernel)."""
    numba = sys.modules.get("numba")
    if numba is None:
        return False
    try:
        numba.threading_layer()
    except ValueError:  # "Threading layer is not initialized."
        return False
    return True


def exit_with_parent(parent: int, via_server: bool = False) -> None:
    """Worker start-up: end this worker when the process `parent` (a pid) is gone.

    On Linux the kernel sends SIGKILL when the parent dies (`PR_SET_PDEATHSIG`); on every
    system a daemon thread checks each `WATCHDOG_SECONDS` that the parent is still the
    same process and exits otherwise. A sweep killed this way resumes with `--resume`.
    `via_server`: the worker was forked by a fork server, which ends with `parent`: it
    watches the server instead.
    """
    _ask_kernel_for_death_signal()
    if via_server:
        parent = os.getppid()
    if os.getppid() != parent:  # the parent died before the signal was set up
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="mktsim-parent-watchdog").start()


def _ask_kernel_for_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the watchdog alone does the work
        pass


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)
