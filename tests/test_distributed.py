"""Beyond one machine: run, compare, optimize, calibrate and track on a real Dask
scheduler with two worker processes on loopback give the numbers of local workers."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import mktsim
from conftest import TINY_SCENARIO
from dask_fixtures import loopback_cluster, start_scheduler, stop  # noqa: F401 (`cluster`)
from history_fixtures import simulate_history, write_history
from mktsim.cli import main
from mktsim.engine import workers as engine_workers
from mktsim.engine.workers import SchedulerError, check_scheduler, open_pool
from mktsim.history.periods import PeriodKind
from track_fixtures import SMART, even_scenario, model_actuals

pytest.importorskip("distributed")

BASS = Path(__file__).parents[1] / "src" / "mktsim" / "templates" / "bass.yaml"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.yaml"
    path.write_text(TINY_SCENARIO)
    return path


def _three_ways(call, cluster: str):
    """call(workers, scheduler) with 1 local worker, 2 local workers and on the cluster."""
    return call(1, None), call(2, None), call(1, cluster)


def test_the_cluster_runs_two_tasks_at_once(cluster) -> None:
    with open_pool("local", 1, cluster) as pool:
        assert pool.kind == "dask" and pool.workers == 2
        assert pool.executor is not None
        assert pool.executor.submit(sum, [1, 2]).result() == 3


def test_run_and_explain_give_the_local_numbers(tiny: Path, cluster) -> None:
    sc = mktsim.load(tiny)

    def run(workers, scheduler):
        return sc.run("pulsed", 30, 3, workers, scheduler=scheduler).to_dict()

    one, two, far = _three_ways(run, cluster)
    assert one == two == far
    assert all("incremental" in c for c in far["channels"])  # measured on the cluster too

    def explain(workers, scheduler):
        return sc.explain("steady", 10, curve_reps=5, seed=4, workers=workers,
                          scheduler=scheduler).to_dict()

    one, two, far = _three_ways(explain, cluster)
    assert one == two == far


def test_compare_gives_the_local_numbers(tiny: Path, cluster) -> None:
    sc = mktsim.load(tiny)

    def compare(workers, scheduler):
        return sc.compare(precision=0.001, max_reps=40, seed=11, workers=workers,
                          scheduler=scheduler).to_dict()

    one, two, far = _three_ways(compare, cluster)
    assert one == two == far
    assert far["replications"] == 40
    with open_pool(scheduler=cluster) as pool:  # one client shared by several calls
        shared = [sc.compare(precision=0.001, max_reps=40, seed=11, executor=pool).to_dict()
                  for _ in range(2)]
    assert shared == [one, one]


def test_optimize_gives_the_local_numbers(cluster) -> None:
    sc = mktsim.load(SMART)

    def optimize(workers, scheduler):
        return sc.optimize(evaluations=4, replications=10, verify_reps=10, seed=2,
                           workers=workers, scheduler=scheduler).to_dict()

    one, two, far = _three_ways(optimize, cluster)
    assert one == two == far


def test_calibrate_gives_the_local_numbers(tmp_path: Path, cluster) -> None:
    loaded = mktsim.load(BASS, ["market.size=100000"])
    start = dt.date(2027, 1, 1)
    series = simulate_history(loaded.loaded, {"market.word_of_mouth.imitation": 0.38},
                              ["new_customers"], start, 24, PeriodKind.MONTH, seed=5)
    dates = [start]
    for _ in range(23):
        dates.append(dt.date(dates[-1].year + dates[-1].month // 12,
                             dates[-1].month % 12 + 1, 1))
    history = write_history(tmp_path / "h.csv", tuple(dates), series)

    def fit(workers, scheduler):
        result = loaded.calibrate(history=history, params=("market.word_of_mouth."
                                                           "imitation=0.1:0.8",),
                                  starts=1, replications=8, workers=workers,
                                  scheduler=scheduler)
        doc = result.to_dict()
        return {k: doc[k] for k in ("parameters", "fit", "evaluations")}

    one, two, far = _three_ways(fit, cluster)
    assert one == two == far


def test_track_gives_the_local_numbers(cluster) -> None:
    sc = even_scenario()
    actuals = model_actuals(sc, 13, 1)

    def track(workers, scheduler):
        return sc.track(actuals, "baseline", 40, 9, workers,
                        scheduler=scheduler).to_dict(series=False)

    one, two, far = _three_ways(track, cluster)
    assert one == two == far


def test_cli_compare_on_the_scheduler_prints_the_local_json(tiny: Path,
                                                            cluster) -> None:
    args = ["compare", str(tiny), "--max-reps", "20", "--format", "json"]
    local = CliRunner().invoke(main, [*args, "-w", "1"])
    far = CliRunner().invoke(main, [*args, "--scheduler", cluster])
    assert local.exit_code == 0 and far.exit_code == 0, far.output
    assert json.loads(far.stdout) == json.loads(local.stdout)


@pytest.mark.parametrize("address", ["foo", "tcp://127.0.0.1", "http://127.0.0.1:8786",
                                     "tcp://127.0.0.1:99999"])
def test_a_malformed_scheduler_address_is_exit_2_before_anything_runs(
        tiny: Path, address: str) -> None:
    for command in ("run", "compare", "optimize", "calibrate", "track", "sweep"):
        res = CliRunner().invoke(main, [command, str(tiny), "--scheduler", address])
        assert res.exit_code == 2, (command, res.output)
        assert "--scheduler" in res.stderr and "tcp://HOST:PORT" in res.stderr
        assert "Traceback" not in res.output


def test_a_malformed_address_as_a_subprocess_is_one_line_and_exit_2(tiny: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "mktsim", "run", str(tiny), "--scheduler",
                           "tcp//127.0.0.1:8786"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: --scheduler: scheduler address 'tcp//127.0.0.1:8786' is not of the form "
        "tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786, as printed by `dask scheduler`)"]
    assert proc.stdout == ""


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_scheduler_is_exit_2_within_the_timeout(
        tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_workers, "CONNECT_SECONDS", 2.0)
    address = f"tcp://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    res = CliRunner().invoke(main, ["compare", str(tiny), "--scheduler", address])
    assert time.monotonic() - started < 20
    assert res.exit_code == 2, res.output
    assert f"cannot reach the Dask scheduler at {address}" in res.stderr
    assert "Traceback" not in res.output and not isinstance(res.exception, SchedulerError)


def test_a_scheduler_without_workers_is_exit_2_not_a_wait_forever(
        tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_workers, "CONNECT_SECONDS", 2.0)
    proc, _, address = start_scheduler(tmp_path)
    try:
        res = CliRunner().invoke(main, ["track", str(SMART), "--actuals", str(
            SMART.parent / "smart_band_actuals_h1.csv"), "-n", "4", "--scheduler", address])
    finally:
        stop([proc])
    assert res.exit_code == 2, res.output
    assert f"the Dask scheduler at {address} has no worker" in res.stderr


def test_scheduler_addresses_are_written_in_full() -> None:
    assert check_scheduler("127.0.0.1:8786") == "tcp://127.0.0.1:8786"
    assert check_scheduler(" tls://[::1]:8786/ ") == "tls://[::1]:8786"
    with pytest.raises(SchedulerError, match="tcp://HOST:PORT"):
        check_scheduler("tcp://:8786")
    with pytest.raises(ValueError, match="unknown executor"), open_pool("threads", 2):
        pass


def test_run_uses_every_core_by_default_with_the_numbers_of_one(tiny: Path) -> None:
    workers = next(p for p in main.commands["run"].params if p.name == "workers")
    assert workers.default == 0  # 0 = every core (engine.montecarlo.default_workers)
    args = ["run", str(tiny), "-n", "30", "--format", "json"]
    default = CliRunner().invoke(main, args)
    one = CliRunner().invoke(main, [*args, "-w", "1"])
    assert default.exit_code == 0 and one.exit_code == 0, default.output
    assert json.loads(default.stdout) == json.loads(one.stdout)


@pytest.mark.slow
def test_cli_dask_local_cluster_prints_the_local_json(tiny: Path) -> None:
    args = ["track", str(SMART), "-n", "20", "--format", "json"]
    actuals = Path(__file__).parents[1] / "scenarios" / "smart_band_actuals_h1.csv"
    args += ["--actuals", str(actuals)]
    local = CliRunner().invoke(main, [*args, "-w", "1"])
    far = CliRunner().invoke(main, [*args, "--dask", "-w", "2"])
    assert local.exit_code == 0 and far.exit_code == 0, far.output
    assert json.loads(far.stdout) == json.loads(local.stdout)
