"""Sweep points: seeds, workers, strategies with common random numbers, failures."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from mktsim.sweep.batch import SweepConfig, run_sweep
from mktsim.sweep.runner import MET_PREFIX, PointTask, evaluate_point, point_seed
from sweep_fixtures import config, dataset, write_tiny


def test_point_seed_depends_on_sweep_seed_and_point_only():
    assert point_seed(1, 5) == point_seed(1, 5)
    assert len({point_seed(1, i) for i in range(50)} | {point_seed(2, 0)}) == 51
    assert 0 <= point_seed(3, 7) < 2**63


def test_one_and_two_workers_give_identical_rows(tmp_path):
    loaded, cfg = config(write_tiny(tmp_path))
    s1 = run_sweep(loaded, cfg, tmp_path / "w1", workers=1)
    s2 = run_sweep(loaded, cfg, tmp_path / "w2", workers=2)
    assert s1.complete and s2.complete and s1.done == 6
    a, b = dataset(tmp_path / "w1"), dataset(tmp_path / "w2")
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 6 * 2 * 3  # points x strategies x replications
    assert {"channels.social.cost.cpm", "units", "profit", MET_PREFIX + "sales"} <= set(a)
    assert a[MET_PREFIX + "sales"].dtype == bool


def test_rows_carry_parameter_values_not_indices(tmp_path):
    loaded, cfg = config(write_tiny(tmp_path), method="grid", samples=2,
                         params=["channels.social.cost.cpm=30,60"])
    run_sweep(loaded, cfg, tmp_path / "g")
    rows = dataset(tmp_path / "g")
    assert sorted(rows["channels.social.cost.cpm"].unique()) == [30, 60]


def test_strategies_share_replication_seeds(tmp_path):
    """Running one strategy alone gives the same rows as within the two-strategy sweep."""
    loaded, cfg = config(write_tiny(tmp_path), samples=3)
    run_sweep(loaded, cfg, tmp_path / "both")
    alone = SweepConfig(cfg.design, cfg.replications, ("high",), cfg.seed)
    run_sweep(loaded, alone, tmp_path / "high")
    both = dataset(tmp_path / "both")
    both = both[both["strategy"] == "high"].reset_index(drop=True)
    pd.testing.assert_frame_equal(both, dataset(tmp_path / "high"))


def test_invalid_point_is_retried_then_recorded(tmp_path):
    loaded, cfg = config(write_tiny(tmp_path), method="grid", samples=2,
                         params=["market.segments.everyone.share=1.0,2.0"])
    summary = run_sweep(loaded, cfg, tmp_path / "f", workers=2)
    assert summary.done == 1 and list(summary.failed) == [1]
    assert "share" in summary.failed[1]
    record = json.loads((tmp_path / "f" / "failed" / "point-000001.json").read_text())
    assert record["status"] == "failed" and record["attempts"] == 2
    manifest = json.loads((tmp_path / "f" / "manifest.json").read_text())
    assert manifest["point_status"] == ["done", "failed"]
    assert manifest["status"] == "incomplete" and "share" in manifest["errors"]["1"]


_CALLS: dict[int, int] = {}


def flaky(task: PointTask) -> pd.DataFrame:
    """Fails on the first attempt at each point, then works."""
    _CALLS[task.point] = _CALLS.get(task.point, 0) + 1
    if _CALLS[task.point] == 1:
        raise RuntimeError("worker hiccup")
    return evaluate_point(task)


def always_fails(task: PointTask) -> pd.DataFrame:
    raise RuntimeError(f"broken point {task.point}")


def test_a_point_failing_once_is_retried(tmp_path):
    _CALLS.clear()
    loaded, cfg = config(write_tiny(tmp_path), samples=3)
    summary = run_sweep(loaded, cfg, tmp_path / "r", evaluate=flaky)
    assert summary.complete and not summary.failed
    assert _CALLS == {0: 2, 1: 2, 2: 2}


@pytest.mark.parametrize("workers", [1, 2])
def test_failing_evaluator_never_stops_the_sweep(tmp_path, workers):
    loaded, cfg = config(write_tiny(tmp_path), samples=3)
    summary = run_sweep(loaded, cfg, tmp_path / "x", workers=workers, evaluate=always_fails)
    assert summary.done == 0
    assert summary.failed == {i: f"RuntimeError: broken point {i}" for i in range(3)}
