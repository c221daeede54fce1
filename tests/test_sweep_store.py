"""The result store: atomic point files, manifest, interruption and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from mktsim.params import parse_params
from mktsim.sweep.batch import SweepConfig, build_design, run_sweep
from mktsim.sweep.store import StoreError, SweepStore
from sweep_fixtures import PARAMS, config, dataset, write_tiny


def test_interrupted_then_resumed_equals_one_run(tmp_path):
    loaded, cfg = config(write_tiny(tmp_path), samples=8)
    run_sweep(loaded, cfg, tmp_path / "full", workers=2)
    part = run_sweep(loaded, cfg, tmp_path / "part", workers=1, stop_after=3)
    assert part.done == 3 and not part.complete
    manifest = json.loads((tmp_path / "part" / "manifest.json").read_text())
    assert manifest["status"] == "incomplete"
    assert manifest["point_status"].count("done") == 3
    rest = run_sweep(loaded, cfg, tmp_path / "part", workers=2, resume=True)
    assert rest.skipped == 3 and rest.done == 5 and rest.complete
    pd.testing.assert_frame_equal(dataset(tmp_path / "full"), dataset(tmp_path / "part"))
    manifest = json.loads((tmp_path / "part" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["point_seconds"]) == 8


def test_resume_of_a_complete_sweep_runs_nothing(tmp_path):
    loaded, cfg = config(write_tiny(tmp_path), samples=3)
    run_sweep(loaded, cfg, tmp_path / "s")
    again = run_sweep(loaded, cfg, tmp_path / "s", resume=True)
    assert again.done == 0 and again.skipped == 3 and again.complete


def test_resume_refuses_another_design_or_scenario(tmp_path):
    loaded, cfg = config(write_tiny(tmp_path), samples=3)
    run_sweep(loaded, cfg, tmp_path / "s", stop_after=1)
    other = SweepConfig(build_design(parse_params(PARAMS), "lhs", 4, 11), 3, cfg.strategies, 11)
    with pytest.raises(StoreError, match="design differs"):
        run_sweep(loaded, other, tmp_path / "s", resume=True)
    reseeded = SweepConfig(cfg.design, 3, cfg.strategies, 12)
    with pytest.raises(StoreError, match="seed differs"):
        run_sweep(loaded, reseeded, tmp_path / "s", resume=True)
    import mktsim

    changed = mktsim.load(tmp_path / "tiny.yaml", ["market.size=200000"]).loaded
    with pytest.raises(StoreError, match="scenario hash differs"):
        run_sweep(changed, cfg, tmp_path / "s", resume=True)
    with pytest.raises(StoreError, match="--resume"):
        run_sweep(loaded, cfg, tmp_path / "s")


def test_reading_ignores_temporary_files(tmp_path):
    loaded, cfg = config(write_tiny(tmp_path), samples=2)
    run_sweep(loaded, cfg, tmp_path / "s")
    (tmp_path / "s" / "points" / ".point-000005.parquet.123.tmp").write_bytes(b"half")
    store = SweepStore(tmp_path / "s")
    assert store.done_points() == {0, 1}
    assert sorted(store.read()["point"].unique()) == [0, 1]


def test_empty_store_reports_clearly(tmp_path):
    with pytest.raises(StoreError, match="not a sweep"):
        SweepStore(tmp_path).read_manifest()
    with pytest.raises(StoreError, match="no finished points"):
        SweepStore(tmp_path).read()


@pytest.mark.slow
def test_killed_subprocess_then_resumed_equals_one_run(tmp_path):
    scenario = write_tiny(tmp_path)
    args = [sys.executable, "-m", "mktsim", "sweep", str(scenario), "--samples", "60",
            "--replications", "3", "--workers", "1", "--seed", "5"]
    for p in PARAMS:
        args += ["--param", p]
    subprocess.run([*args, "--out", str(tmp_path / "full")], check=True, timeout=300)
    proc = subprocess.Popen([*args, "--out", str(tmp_path / "cut")], start_new_session=True)
    deadline = time.monotonic() + 120
    store = SweepStore(tmp_path / "cut")
    while len(store.done_points()) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert 5 <= len(store.done_points()) < 60
    subprocess.run([*args, "--out", str(tmp_path / "cut"), "--resume"], check=True, timeout=300)
    pd.testing.assert_frame_equal(dataset(tmp_path / "full"), dataset(tmp_path / "cut"))


def _children(pid: int) -> set[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    found: set[int] = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            found |= {int(c) for c in handle.read().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_do_not_outlive_a_killed_sweep(tmp_path):
    scenario = write_tiny(tmp_path)
    args = [sys.executable, "-m", "mktsim", "sweep", str(scenario), "--samples", "200",
            "--replications", "3", "--workers", "2", "--seed", "5", "--out",
            str(tmp_path / "cut")]
    for p in PARAMS:
        args += ["--param", p]
    proc = subprocess.Popen(args, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    store = SweepStore(tmp_path / "cut")
    deadline = time.monotonic() + 120
    while len(store.done_points()) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert workers, "the sweep started no worker processes"
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, as a closed terminal would
    proc.wait(timeout=30)
    try:
        gone_by = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < gone_by:
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], "workers outlived the sweep"
    finally:
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
    done = len(store.done_points())
    assert done < 200
    subprocess.run([*args, "--resume"], check=True, timeout=300, capture_output=True)
    assert len(store.done_points()) == 200
    assert len(dataset(tmp_path / "cut")) == len(dataset(tmp_path / "cut").drop_duplicates())
