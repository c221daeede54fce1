"""A run on a pool of worker processes has its chunks' daily records copied into the run's
record as they come (`engine.montecarlo.PendingRun.collect`): the same record as the run
in this process, bit for bit, each chunk in its rows."""

from __future__ import annotations

import numpy as np

import mktsim


def test_a_pooled_run_s_record_is_the_one_of_this_process() -> None:
    sc = mktsim.load("scenarios/smart_band.yaml")
    alone = sc.run("adaptive", 37, 3, workers=1, incremental=False)
    pooled = sc.run("adaptive", 37, 3, workers=2, incremental=False)
    assert pooled.run.daily.shape == alone.run.daily.shape
    assert np.array_equal(pooled.run.daily, alone.run.daily, equal_nan=True)
    assert np.array_equal(pooled.run.channels, alone.run.channels)
    assert pooled.decisions == alone.decisions
