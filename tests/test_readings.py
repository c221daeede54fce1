"""Readings of a daily record (`model.measures.Readings`): what `compare`'s workers send
instead of the record gives the same numbers, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktsim.kpis import KPI_NAMES, KPIS
from mktsim.model.measures import (
    KpiReadings,
    Readings,
    horizon_values,
    row_total,
    value_at,
    value_cell,
)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.integers(2, 60), st.integers(0, 2**32 - 1),
       st.sampled_from(KPI_NAMES), st.integers(0, 59), st.none() | st.integers(1, 30),
       st.integers(1, 8))
def test_readings_of_chunks_joined_are_the_record_s_values(reps, days, seed, metric, day,
                                                           over, chunk) -> None:
    from mktsim.engine.layout import N_KPI

    day = min(day, days - 1)
    daily = np.random.default_rng(seed).lognormal(0.0, 3.0, (reps, N_KPI, days))
    readings = Readings(frozenset({value_cell(metric, day, over), value_cell(metric, days - 1),
                                   ("sum", 3, 0, days)}))
    parts = [readings.of(daily[i:i + chunk]) for i in range(0, reps, chunk)]
    joined = KpiReadings.joined(parts)
    assert joined.shape == daily.shape
    assert np.array_equal(value_at(joined, metric, day, over), value_at(daily, metric, day, over))
    assert np.array_equal(horizon_values(joined, metric), horizon_values(daily, metric))
    assert np.array_equal(row_total(joined, 3), daily[:, 3, :].sum(axis=1))


def test_a_cell_not_kept_is_refused_by_name() -> None:
    daily = np.ones((2, len(KPI_NAMES), 10))
    flow = next(k for k in KPI_NAMES if KPIS[k].kind == "flow")
    readings = Readings(frozenset({value_cell(flow, 9)})).of(daily)
    assert np.array_equal(horizon_values(readings, flow), np.full(2, 10.0))
    with pytest.raises(KeyError, match="not among the readings"):
        value_at(readings, flow, 4)
