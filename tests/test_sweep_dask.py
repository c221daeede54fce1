"""The Dask executor: a LocalCluster, and a real scheduler with two worker processes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dask_fixtures import loopback_cluster  # noqa: F401  (fixture `cluster`)
from mktsim.sweep.batch import run_sweep
from sweep_fixtures import config, dataset, write_tiny

pytest.importorskip("distributed")


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
