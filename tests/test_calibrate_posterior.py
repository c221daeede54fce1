"""The posterior sampler (calibrate.posterior) on log posteriors whose answer is known,
the rival optima and the identification rule (calibrate.identify)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from mktsim.calibrate.identify import WIDE, disagreeing, rival_optima, why_not_identified
from mktsim.calibrate.posterior import Component, effective_size, sample


def _gaussian(mean: np.ndarray, cov: np.ndarray):
    inv = np.linalg.inv(cov)

    def log_post(z: np.ndarray) -> float:
        d = z - mean
        return -0.5 * float(d @ inv @ d)

    return log_post


@pytest.mark.parametrize("laplace_scale", [0.05, 1.0, 3.0])
def test_a_gaussian_posterior_is_recovered_whatever_the_laplace_guess(laplace_scale: float
                                                                     ) -> None:
    # the Laplace covariance handed to the sampler is wrong by a factor 20 either way
    mean, cov = np.array([0.4, -0.3]), np.array([[0.09, 0.03], [0.03, 0.04]])
    post = sample(_gaussian(mean, cov), [mean], laplace_scale * cov, 2000,
                  np.random.default_rng(1))
    assert post.ess > 10
    assert post.mean == pytest.approx(mean, abs=0.1)
    assert np.sqrt(np.diag(post.cov)) == pytest.approx(np.sqrt(np.diag(cov)), rel=0.35)
    # the smoothed draws keep the weighted moments
    assert np.std(post.draws, axis=0) == pytest.approx(np.sqrt(np.diag(post.cov)), rel=0.15)


def test_a_flat_direction_comes_out_as_wide_as_the_prior() -> None:
    # the likelihood pins z0 and says nothing of z1: the posterior of z1 is the prior
    def log_post(z: np.ndarray) -> float:
        return -0.5 * ((z[0] - 1.0) / 0.1) ** 2 - 0.5 * float(z @ z)

    narrow = np.diag([0.01 ** 2, 0.03 ** 2])  # a Laplace curvature inflated by jitter
    post = sample(log_post, [np.array([1.0, 0.0])], narrow, 2000, np.random.default_rng(2))
    sd = np.sqrt(np.diag(post.cov))
    assert sd[0] < 0.2
    assert sd[1] > WIDE  # reported as not identified
    assert why_not_identified(0.0, float(sd[1])) is not None
    low, high = np.quantile(post.draws[:, 1], [0.05, 0.95])
    assert low < norm.ppf(0.15) and high > norm.ppf(0.85)


def test_two_optima_that_fit_as_well_are_both_covered() -> None:
    a, b = np.array([-1.2, 0.0]), np.array([1.2, 0.0])

    def log_post(z: np.ndarray) -> float:
        da, db = z - a, z - b
        return float(np.logaddexp(-0.5 * da @ da / 0.04, -0.5 * db @ db / 0.04))

    cov = np.eye(2) * 0.04
    rivals = rival_optima([(a, 0.0), (b, 0.3)], np.full(2, 0.2))
    assert len(rivals) == 1 and rivals[0][1] == pytest.approx(0.3)
    assert disagreeing(0, a, rivals) and not disagreeing(1, a, rivals)
    post = sample(log_post, [a, *(z for z, _ in rivals)], cov, 2000,
                  np.random.default_rng(3))
    near_b = np.mean(post.draws[:, 0] > 0)
    assert 0.25 < near_b < 0.75
    low, high = np.quantile(post.draws[:, 0], [0.05, 0.95])
    assert low < -1.0 and high > 1.0


def test_rival_optima_skip_worse_fits_and_neighbours() -> None:
    best = np.array([0.0, 0.0])
    optima = [(best, 10.0), (np.array([0.1, 0.0]), 10.2),  # a neighbour: the same optimum
              (np.array([2.0, 0.0]), 20.0),  # far, but fits much worse
              (np.array([0.0, 1.5]), 11.0)]  # far, about as good
    kept = rival_optima(optima, np.full(2, 0.05))
    assert [tuple(z) for z, _ in kept] == [(0.0, 1.5)]
    assert why_not_identified(0.0, 0.1, "0.2, 0.5") is not None
    assert why_not_identified(0.0, 0.1) is None


def test_effective_size_and_t_density() -> None:
    assert effective_size(np.ones(10)) == pytest.approx(10)
    assert effective_size(np.array([1.0, 0, 0])) == pytest.approx(1)
    t = Component(np.zeros(1), np.eye(1), 4.0)
    grid = np.linspace(-60, 60, 60001)[:, None]
    assert np.trapezoid(np.exp(t.log_density(grid)), grid[:, 0]) == pytest.approx(1, abs=2e-3)
    draws = t.draw(20000, np.random.default_rng(0))
    assert np.var(draws) == pytest.approx(2.0, rel=0.15)  # nu / (nu - 2)


def test_channels_spent_in_step_are_found_from_the_history_alone() -> None:
    """Two freed channels whose spend moved in one proportion are named, each with the
    other; a channel spent on its own, or not freed, is not."""
    from mktsim.calibrate.identify import collinear_spend

    rng = np.random.default_rng(1)
    social = rng.uniform(10, 20, 30)
    spend = {"social": social, "kol": 0.5 * social + 1e-9, "tv": rng.uniform(10, 20, 30)}
    paths = ["channels.social.awareness.per_year", "channels.kol.conversion.lift",
             "channels.tv.awareness.per_year", "market.size"]
    assert collinear_spend(paths, spend, 30) == {paths[0]: "kol", paths[1]: "social"}
    assert collinear_spend(paths[1:], spend, 30) == {}
