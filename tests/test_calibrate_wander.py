"""The random walk of a band's horizon (calibrate/serial.py `estimate_wander`): a local
level whose step variance is estimated from standardised residuals, against series of
known step variance, and the k-step-ahead intervals it gives against simulated futures."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from mktsim.calibrate.serial import WANDER_SIGNIFICANT, Wander, estimate_wander

N = 166  # fitted weeks of a three-year weekly history with 13 held out
HORIZON = 13


def _local_level(step: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """A local level (random walk of variance `step` a period) plus unit white noise."""
    return np.cumsum(rng.normal(0.0, np.sqrt(step), n)) + rng.standard_normal(n)


@pytest.mark.parametrize("step", [0.01, 0.05])
def test_step_variance_of_a_local_level_is_recovered(step: float) -> None:
    rng = np.random.default_rng(int(step * 1000))
    found = [estimate_wander(_local_level(step, N, rng), np.arange(N)) for _ in range(60)]
    steps = np.array([w.step for w in found])
    assert abs(np.median(steps) / step - 1) < 0.35, np.median(steps)
    assert np.mean(steps > 0) > (0.7 if step < 0.05 else 0.9)


def test_white_noise_rarely_wanders() -> None:
    # the boundary likelihood-ratio test at 5%: about 5% false alarms or fewer
    rng = np.random.default_rng(3)
    runs = 200
    used = sum(estimate_wander(rng.standard_normal(N), np.arange(N)).step > 0
               for _ in range(runs))
    assert binomtest(used, runs, 0.05, alternative="greater").pvalue > 0.01, used


def test_gaps_count_their_periods() -> None:
    # the same walk with a third of its periods missing gives about the same step per
    # period (a gap of d periods adds d steps)
    rng = np.random.default_rng(5)
    steps = []
    for _ in range(40):
        y = _local_level(0.05, N, rng)
        kept = np.flatnonzero(rng.uniform(size=N) > 1 / 3)
        steps.append(estimate_wander(y[kept], kept).step)
    assert abs(np.median(steps) / 0.05 - 1) < 0.4, np.median(steps)


def test_variance_grows_with_the_horizon_from_zero() -> None:
    w = Wander(0.02, 9.0)
    assert np.allclose(w.variance(np.array([-3, 0, 1, 13])), [0.0, 0.0, 0.02, 0.26])
    assert Wander().variance(np.array([5])) == 0.0
    assert w.to_dict() == {"step": 0.02, "gain": 9.0, "significant": True}


def test_constant_and_short_residuals_do_not_wander() -> None:
    assert estimate_wander(np.full(N, 0.3), np.arange(N)) == Wander()
    assert estimate_wander(np.arange(5.0), np.arange(5)) == Wander()
    assert WANDER_SIGNIFICANT > 0
