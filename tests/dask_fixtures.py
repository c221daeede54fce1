"""A real Dask cluster on loopback: a scheduler and two single-thread workers, each its own
process (`dask scheduler`, `dask worker`), as a module-scoped fixture."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

#: Seconds to wait for the scheduler and its workers to start.
START_SECONDS = 90


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as fh:
        return subprocess.Popen([sys.executable, "-m", *args], stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(check: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {seconds} s")


def _address(sched_file: Path) -> str | None:
    try:
        return json.loads(sched_file.read_text() or "{}").get("address")
    except (OSError, json.JSONDecodeError):  # not written yet, or half-written
        return None


def start_scheduler(folder: Path) -> tuple[subprocess.Popen, Path, str]:
    """A `dask scheduler` on loopback, without workers: (process, scheduler file, address)."""
    sched_file = folder / "scheduler.json"
    proc = _start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                   "--no-dashboard", "--scheduler-file", str(sched_file)],
                  folder / "scheduler.log")
    return proc, sched_file, _wait_for(lambda: _address(sched_file), START_SECONDS,
                                       "scheduler address")


def stop(procs: list[subprocess.Popen]) -> None:
    """Kill each process group, last started first."""
    for p in reversed(procs):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=10)


@pytest.fixture(scope="module", name="cluster")
def loopback_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address (tcp://127.0.0.1:PORT) of a dask scheduler with two single-thread
    workers on loopback, each a separate process; all killed at the end of the module."""
    folder = tmp_path_factory.mktemp("dask")
    procs: list[subprocess.Popen] = []
    try:
        scheduler, sched_file, address = start_scheduler(folder)
        procs.append(scheduler)
        for i in range(2):
            procs.append(_start(["distributed.cli.dask_worker", "--scheduler-file",
                                 str(sched_file), "--nthreads", "1", "--nworkers", "1",
                                 "--host", "127.0.0.1", "--no-dashboard", "--no-nanny"],
                                folder / f"worker{i}.log"))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=START_SECONDS)
        yield address
    finally:
        stop(procs)  # workers first, then the scheduler
