"""The daily record written in its final place and runs begun on a pool: the same numbers
as stacking, joining and running one plan after another."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mktsim
from mktsim.engine.montecarlo import run_chunk, simulate, stacked, start_run
from mktsim.engine.replication import Replication
from mktsim.engine.rng import replication_seeds
from mktsim.simulate.sampled import uncertain_plans

SMART_BAND = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"


@pytest.fixture(scope="module")
def scenario():
    return mktsim.load(SMART_BAND)


@given(st.integers(1, 5), st.integers(0, 4))
def test_stacked_returns_the_array_whose_rows_are_given_and_copies_otherwise(n, drop):
    base = np.arange(n * 6, dtype=float).reshape(n, 2, 3).copy()  # owns its memory
    rows = [base[i] for i in range(n)]
    assert stacked(rows) is base
    if n > 1:  # not every row, or rows out of order: a new array with the same numbers
        part = rows[: n - 1 - min(drop, n - 2)] if drop else rows[::-1]
        new = stacked(part)
        assert new is not base
        np.testing.assert_array_equal(new, np.stack(part))
    copies = [r.copy() for r in rows]
    out = np.zeros_like(base)
    assert stacked(copies, out) is out
    np.testing.assert_array_equal(out, base)


def test_a_chunk_writes_its_daily_record_into_the_rows_given(scenario):
    plan = scenario.plan("adaptive")
    source = uncertain_plans(scenario.loaded, "adaptive", 4)
    record = np.zeros((9, *Replication(plan, replication_seeds(4, 1)[0]).out.shape))
    into = run_chunk(plan, 4, 2, 6, source, controllers=_loop(), out=record[3:])
    fresh = run_chunk(plan, 4, 2, 6, source, controllers=_loop())
    assert np.shares_memory(into[0], record) and not record[:3].any()
    for a, b in zip(into[:4], fresh[:4], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(record[3:], fresh[0])


def test_runs_begun_together_on_a_pool_equal_runs_one_after_another(scenario):
    plans = [scenario.plan(s) for s in ("baseline", "adaptive")]
    alone = [simulate(p, 10, 7, controllers=_loop()) for p in plans]
    with ThreadPoolExecutor(2) as pool:
        begun = [start_run(p, 10, 7, 2, pool=pool, controllers=_loop()) for p in plans]
        together = [b.result() for b in begun]
    for a, b in zip(alone, together, strict=True):
        for field in ("daily", "channels", "leaks", "states", "adopters", "adstock"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
        assert [log.decisions if log else None for log in a.reviews] == \
            [log.decisions if log else None for log in b.reviews]


def _loop():
    from mktsim.rules.review import ReviewLoop

    return (ReviewLoop(),)


def test_plans_run_together_chunk_by_chunk_equal_each_run_alone(scenario):
    from mktsim.engine.montecarlo import RunJob, start_runs

    names = ("baseline", "adaptive")
    sources = [uncertain_plans(scenario.loaded, s, 5) for s in names]
    plans = [scenario.plan(s) for s in names]
    alone = [simulate(p, 21, 5, source=src, controllers=_loop())
             for p, src in zip(plans, sources, strict=True)]
    seen = []
    with ThreadPoolExecutor(2) as pool:
        jobs = [RunJob(p, 5, src, _loop()) for p, src in zip(plans, sources, strict=True)]
        together = [r.result() for r in start_runs(jobs, 21, 2, pool, seen.append)]
    assert sum(seen) == 2 * 21
    for a, b in zip(alone, together, strict=True):
        for field in ("daily", "channels", "leaks", "states", "adopters", "adstock"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
        assert a.samples.equals(b.samples)
