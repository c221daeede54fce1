"""`run` with `workers=0` (the command line's default): every core for a run large enough
to pay for worker processes, this process alone below `POOL_MIN_WORK` replication-days;
the numbers are those of any number of workers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import mktsim
from mktsim.cli import main
from mktsim.engine import workers as workers_module
from mktsim.engine.montecarlo import chunk_size, default_workers
from mktsim.engine.workers import POOL_MIN_WORK, auto_workers

STRATEGY = "digital_first"


@pytest.fixture(scope="module")
def smart_band(smart_band_path: Path) -> mktsim.Scenario:
    return mktsim.load(smart_band_path)


@pytest.fixture
def pools_started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the local pools whose processes were started (each still started by
    the real `local_pool`)."""
    started: list[int] = []
    real = workers_module.local_pool

    def counted(workers: int) -> Any:
        started.append(workers)
        return real(workers)

    monkeypatch.setattr(workers_module, "local_pool", counted)
    return started


def test_small_work_runs_here_large_work_on_every_core() -> None:
    assert auto_workers(0, 4) == 1
    assert auto_workers(POOL_MIN_WORK - 1, 4) == 1
    assert auto_workers(POOL_MIN_WORK, 4) == 4
    assert auto_workers(None, 4) == 4


def test_a_run_in_this_process_is_one_batch() -> None:
    """No load to balance: one chunk of up to 100 replications (progress), not 16 + 4."""
    assert chunk_size(20, 1) == 20
    assert chunk_size(250, 1) == 100
    assert chunk_size(20, 2) == 10


def test_workers_zero_sizes_by_the_runs_replication_days(smart_band: mktsim.Scenario) -> None:
    horizon = smart_band.plan(STRATEGY).horizon
    small = smart_band.run_size(STRATEGY, 20, True)  # 20 and 20 without each channel
    assert small * horizon < POOL_MIN_WORK
    assert smart_band._run_workers(STRATEGY, 20, "counts", True, None, "local", None) == 1
    large = -(-POOL_MIN_WORK // horizon)  # replications whose days reach the bound
    assert smart_band._run_workers(STRATEGY, large, "counts", False, None, "local",
                                   None) == default_workers()
    assert smart_band._run_workers(STRATEGY, 20, "agents", True, None, "local",
                                   None) == default_workers()
    assert smart_band._run_workers(STRATEGY, 20, "counts", True, None, "dask",
                                   None) == default_workers()


@pytest.mark.skipif(default_workers() < 2, reason="needs two cores to start a pool")
def test_a_small_run_starts_no_worker_and_gives_the_pools_numbers(
        smart_band: mktsim.Scenario, pools_started: list[int]) -> None:
    here = smart_band.run(STRATEGY, 6, seed=3, workers=0, incremental_reps=3)
    assert pools_started == []
    pooled = smart_band.run(STRATEGY, 6, seed=3, workers=2, incremental_reps=3)
    assert pools_started == [2]  # an explicit number of workers is kept
    for name in ("daily", "channels", "leaks", "states"):
        assert np.array_equal(getattr(here.run, name), getattr(pooled.run, name))
    assert json.dumps(here.incremental) == json.dumps(pooled.incremental)


@pytest.mark.skipif(default_workers() < 2, reason="needs two cores to start a pool")
def test_the_command_lines_default_gives_the_numbers_of_two_workers(
        smart_band_path: Path, pools_started: list[int]) -> None:
    args = ["run", str(smart_band_path), "-s", STRATEGY, "-n", "4", "--format", "json"]
    runner = CliRunner()
    default = runner.invoke(main, args)
    assert default.exit_code == 0, default.output
    assert pools_started == []
    two = runner.invoke(main, [*args, "-w", "2"])
    assert two.exit_code == 0, two.output
    assert pools_started == [2]
    assert default.stdout == two.stdout
