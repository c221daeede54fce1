"""Pareto smoothed importance weights (calibrate.psis) and the profile that follows a
curved ridge of the log posterior (calibrate.ridge), on answers known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from mktsim.calibrate.posterior import Posterior, joint_drop, sample
from mktsim.calibrate.psis import KHAT_LIMIT, pareto_smoothed
from mktsim.calibrate.ridge import conditional_optimum, profile


@pytest.mark.parametrize(("proposal_sd", "heavy"), [(2.0, False), (1.3, False), (0.4, True)])
def test_khat_tells_a_proposal_too_narrow_for_its_target(proposal_sd: float, heavy: bool
                                                         ) -> None:
    # target N(0, 1) from N(0, s^2): the weights' tail has shape 1 - s^2 for s < 1
    # (0.84 at s = 0.4), and lighter than exponential for s > 1
    x = np.random.default_rng(4).normal(0.0, proposal_sd, 4000)
    w, khat = pareto_smoothed(-0.5 * x * x + 0.5 * (x / proposal_sd) ** 2)
    assert (khat > KHAT_LIMIT) == heavy, khat
    assert w.sum() == pytest.approx(1.0)
    raw = np.exp(-0.5 * x * x + 0.5 * (x / proposal_sd) ** 2)
    order = np.argsort(raw)  # the smoothing keeps the weights' order
    assert np.all(np.diff(w[order]) >= -1e-15)


def test_smoothed_weights_give_zero_outside_and_few_draws_are_untrusted() -> None:
    log_w = np.array([0.0, -np.inf, -1.0, -2.0])
    w, khat = pareto_smoothed(log_w)
    assert w[1] == 0 and w.sum() == pytest.approx(1.0)
    assert khat == np.inf  # too few to fit a tail: not to be trusted


def _banana(bend: float = 0.5, width: float = 0.05):
    """-log posterior's residuals of a thin curved ridge z1 = bend z0^2 (width `width`),
    with the standard normal prior on z0."""
    def residuals(z: np.ndarray) -> np.ndarray:
        return np.array([(z[1] - bend * z[0] ** 2) / width, z[0]])

    def log_post(z: np.ndarray) -> float:
        r = residuals(z)
        return -0.5 * float(r @ r)

    return residuals, log_post


def test_the_conditional_optimum_lands_on_the_ridge() -> None:
    residuals, _ = _banana()
    z, spent = conditional_optimum(residuals, np.array([1.5, 0.0]), 0, steps=2)
    assert z[0] == 1.5 and z[1] == pytest.approx(0.5 * 1.5 ** 2, abs=1e-6)
    # the residuals, then per step one difference and one or two trials
    assert 1 + 2 * 2 <= spent <= 1 + 2 * 3


def test_the_profile_follows_a_curved_ridge_where_a_slice_falls_off_it() -> None:
    residuals, log_post = _banana()
    mode, cov = np.zeros(2), np.diag([1.0, 0.05 ** 2])  # the Laplace curvature at the mode
    along = profile(log_post, mode, 0.0, cov, residuals)
    # the profile of z0 is N(0, 1): its fall at 2 is 2, so sd = 2 / sqrt(4) = 1
    assert along.sd[0] == pytest.approx(1.0, rel=0.05)
    assert np.max(along.points[:, 1]) == pytest.approx(0.5 * 2 ** 2, abs=1e-3)
    sliced = profile(log_post, mode, 0.0, cov)  # the others held: off the ridge at once
    assert sliced.sd[0] < 0.4


@pytest.mark.parametrize("seed", range(4))
def test_intervals_on_a_banana_hold_its_far_end(seed: int) -> None:
    # z0 ~ N(0, 1) (90%: +-1.64) and z1 = z0^2 / 2 (95% quantile: chi2(1)'s 90% over 2,
    # 1.35); a thin ridge, with the Laplace curvature of its vertex as the first guess
    residuals, log_post = _banana(width=0.2)
    cov = np.diag([1.0, 0.2 ** 2])
    post = sample(log_post, [np.zeros(2)], cov, 2000, np.random.default_rng(seed), residuals)
    low0, high0 = post.interval(0)
    assert low0 < -1.3 and high0 > 1.3
    assert post.interval(1)[1] >= 0.9 * chi2.ppf(0.9, 1) / 2


def _evaluated(khat: float, ess: float) -> Posterior:
    """Three values; draws along the first at t in [-2.5, 2.5] whose log posterior is
    -t^2/2 (a N(0, 1) profile), but whose weights and smoothed draws hug t = 0."""
    t = np.linspace(-2.5, 2.5, 51)
    z = np.zeros((51, 3))
    z[:, 0] = t
    w = np.exp(-0.5 * t * t / 0.01)
    draws = np.random.default_rng(7).normal(0.0, 0.1, (400, 3))
    return Posterior(draws, np.zeros(3), np.eye(3) * 0.01, ess, 51, 1, (z, w / w.sum()),
                     -0.5 * t * t, 0.0, khat)


def test_untrusted_weights_widen_to_the_joint_region() -> None:
    trusted, heavy, few = _evaluated(0.3, 50.0), _evaluated(0.9, 50.0), _evaluated(0.3, 5.0)
    assert trusted.trusted and not heavy.trusted and not few.trusted
    # trusted: the evaluated draws inside the 90% profile interval, |t| <= 1.64
    assert trusted.interval(0) == pytest.approx((-1.6, 1.6))
    # not: those inside the joint 90% region of three values, |t| <= sqrt(chi2(3) 90%)
    edge = np.floor(np.sqrt(2 * joint_drop(3)) * 10) / 10
    assert joint_drop(3) == pytest.approx(chi2.ppf(0.9, 3) / 2)
    for post in (heavy, few):
        assert post.interval(0) == pytest.approx((-edge, edge))
