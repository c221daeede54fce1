"""The Dask executor: a LocalCluster, and a real scheduler with two worker processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mktsim.sweep.batch import run_sweep
from sweep_fixtures import config, dataset, write_tiny

pytest.importorskip("distributed")


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as fh:
        return subprocess.Popen([sys.executable, "-m", *args], stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {seconds} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A dask scheduler and two single-thread workers on loopback, as separate processes."""
    folder = tmp_path_factory.mktemp("dask")
    sched_file = folder / "scheduler.json"
    procs = []

    def stop():
        for p in reversed(procs):  # workers first, then the scheduler
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)

    try:
        procs.append(_start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                             "--port", "0", "--no-dashboard", "--scheduler-file",
                             str(sched_file)], folder / "scheduler.log"))
        _wait_for(sched_file.exists, 60, "dask scheduler")
        address = _wait_for(lambda: json.loads(sched_file.read_text() or "{}").get("address"),
                            30, "scheduler address")
        for i in range(2):
            procs.append(_start(["distributed.cli.dask_worker", "--scheduler-file",
                                 str(sched_file), "--nthreads", "1", "--nworkers", "1",
                                 "--host", "127.0.0.1", "--no-dashboard", "--no-nanny"],
                                folder / f"worker{i}.log"))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        stop()


def test_dask_cluster_in_processes_gives_the_local_rows(tmp_path, cluster):
    loaded, cfg = config(write_tiny(tmp_path), samples=6)
    run_sweep(loaded, cfg, tmp_path / "local", workers=1)
    summary = run_sweep(loaded, cfg, tmp_path / "dask", executor="dask", scheduler=cluster)
    assert summary.complete
    pd.testing.assert_frame_equal(dataset(tmp_path / "local"), dataset(tmp_path / "dask"))
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["executor"] == "dask"


def test_dask_records_an_invalid_point(tmp_path, cluster):
    loaded, cfg = config(write_tiny(tmp_path), method="grid", samples=2,
                         params=["market.segments.everyone.share=1.0,2.0"])
    summary = run_sweep(loaded, cfg, tmp_path / "f", executor="dask", scheduler=cluster)
    assert summary.done == 1 and list(summary.failed) == [1]


@pytest.mark.slow
def test_local_dask_cluster_gives_the_local_rows(tmp_path):
    loaded, cfg = config(write_tiny(tmp_path), samples=4)
    run_sweep(loaded, cfg, tmp_path / "local", workers=2)
    run_sweep(loaded, cfg, tmp_path / "dask", executor="dask", workers=2)
    pd.testing.assert_frame_equal(dataset(tmp_path / "local"), dataset(tmp_path / "dask"))
