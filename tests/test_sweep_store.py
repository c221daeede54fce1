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
