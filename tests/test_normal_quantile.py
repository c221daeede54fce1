"""The normal quantile and distribution function computed without scipy give scipy's
numbers bit for bit (the run's draws and derived KPIs depend on them)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtri as scipy_ndtri

from mktsim.params.distributions import SCIPY_FROM, ndtri
from mktsim.params.normal_quantile import normal_quantile

EDGES = np.array([0.0, 1.0, -0.1, 1.1, np.nan, np.inf, -np.inf, 5e-324, 1e-310, 1e-300,
                  np.exp(-32.0), np.nextafter(np.exp(-32.0), 1.0), np.nextafter(1.0, 0.0),
                  0.5, 0.13533528323661269189, 1.0 - 0.13533528323661269189])


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal bit for bit, nan where the other is nan."""
    return bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def test_quantile_is_scipys_on_every_branch() -> None:
    rng = np.random.default_rng(22)
    u = np.concatenate([rng.random(100_000), rng.random(20_000) * 0.2,
                        1.0 - rng.random(20_000) * 0.2, np.exp(-rng.random(20_000) * 700.0),
                        1.0 - np.exp(-rng.random(10_000) * 36.0), EDGES])
    assert same(normal_quantile(u), scipy_ndtri(u))


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0))
def test_quantile_of_any_probability_is_scipys(u: float) -> None:
    assert same(normal_quantile(np.array([u])), scipy_ndtri(np.array([u])))


def test_quantile_keeps_the_shape_and_both_paths_agree() -> None:
    u = np.random.default_rng(3).random((4, 5))
    assert normal_quantile(u).shape == (4, 5)
    big = np.random.default_rng(4).random(SCIPY_FROM + 1)
    assert same(ndtri(big[:100]), normal_quantile(big[:100]))
    assert same(ndtri(big), scipy_ndtri(big))
