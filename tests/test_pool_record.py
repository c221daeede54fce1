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


def test_the_scratch_record_keeps_the_largest_and_zeroes_what_it_lends() -> None:
    """Chunks of varying size (`task_spans`) reuse the thread's largest scratch record:
    lent zeroed, contiguous, of the size asked."""
    from mktsim.engine.montecarlo import _scratch_record

    first = _scratch_record(50, 30)
    first[...] = 7.0
    smaller = _scratch_record(25, 30)
    assert smaller.shape[0] == 25 and smaller.flags.c_contiguous
    assert np.shares_memory(first, smaller) and not smaller.any()
    larger = _scratch_record(60, 30)
    assert larger.shape[0] == 60 and not larger.any()
    other = _scratch_record(10, 31)
    assert other.shape == (10, first.shape[1], 31) and not other.any()
