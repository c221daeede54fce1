"""The profile of the log posterior along each parameter, following its ridge.

A market's size, innovation and imitation trade off along a long, thin, curved ridge of
the log posterior: moving one of them alone (the others held at the optimum) falls off
the ridge at once and makes the posterior look narrow, while the values along the ridge
fit about as well. The profile here moves parameter j to mode_j +- d (prior sds in z),
the others first along the Laplace regression line (the covariance's column j), then to
their conditional optimum by Gauss-Newton steps on the tempered residuals, when those
are given. Its points are where the ridge goes: the posterior sampler centres proposals
on them, and a point within the 90% profile drop of the best lies inside every
parameter's 90% profile interval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .priors import Z_MAX

Residuals = Callable[[np.ndarray], np.ndarray]

NEAR, FAR = 1.0, 2.0  # distances in z of the profile: FAR where NEAR falls less than LONG
SHORT = 0.3  # and this where NEAR falls FAR_DROP or more
LONG = 2.0  # a fall of log posterior below which the ridge is followed to FAR
FAR_DROP = 8.0  # a fall beyond which a profile point is too far to measure the width by
DIFF = 0.1  # finite-difference step in z (wider than the graininess of simulated counts)
STEPS_SMALL, STEPS_LARGE = 2, 1  # Gauss-Newton steps per point, up to SMALL_K values and above
SMALL_K = 6


@dataclass(frozen=True)
class Profile:
    """Per parameter the posterior sd its profile implies; every profile point and its
    log posterior; the evaluations spent."""

    sd: np.ndarray
    points: np.ndarray  # [m, k]
    log_posterior: np.ndarray  # [m]
    evaluations: int


def conditional_optimum(residuals: Residuals, z: np.ndarray, fixed: int, steps: int
                        ) -> tuple[np.ndarray, int]:
    """`z` with every value but `fixed` moved by up to `steps` Gauss-Newton steps
    (forward differences, a step halved once when it does not lower the sum of squares),
    kept inside the prior's range; and the residual evaluations spent."""
    z = np.asarray(z, dtype=float).copy()
    free = [i for i in range(len(z)) if i != fixed]
    r, spent = residuals(z), 1
    for _ in range(steps):
        jac = np.empty((len(r), len(free)))
        for c, i in enumerate(free):
            h = DIFF if z[i] + DIFF <= Z_MAX else -DIFF
            moved = z.copy()
            moved[i] += h
            jac[:, c] = (residuals(moved) - r) / h
            spent += 1
        step = np.linalg.lstsq(jac, -r, rcond=None)[0]
        for scale in (1.0, 0.5):
            trial = z.copy()
            trial[free] = np.clip(z[free] + scale * step, -Z_MAX, Z_MAX)
            rt = residuals(trial)
            spent += 1
            if rt @ rt < r @ r:
                z, r = trial, rt
                break
        else:
            break
    return z, spent


def profile(log_post: Callable[[np.ndarray], float], mode: np.ndarray, at_mode: float,
            cov: np.ndarray, residuals: Residuals | None = None) -> Profile:
    """The profile of each parameter either side of `mode` (see the module's docstring):
    sd = d / sqrt(2 fall) from the farthest point that fell less than FAR_DROP, the mean
    of both sides, at most 2 (a point's fall is against the best of `at_mode` and the
    profile's own points)."""
    k = len(mode)
    steps = STEPS_SMALL if k <= SMALL_K else STEPS_LARGE
    points, lps, spent = [], [], 0

    def at(j: int, offset: float) -> tuple[float, float] | None:
        nonlocal spent
        z = np.clip(mode + offset * cov[:, j] / cov[j, j], -Z_MAX, Z_MAX)
        z[j] = np.clip(mode[j] + offset, -Z_MAX, Z_MAX)
        if abs(z[j] - mode[j]) < 0.5 * abs(offset):
            return None  # the prior's bound is nearer than the step
        if residuals is not None:
            z, used = conditional_optimum(residuals, z, j, steps)
            spent += used
        lp = log_post(z)
        spent += 1
        points.append(z)
        lps.append(lp)
        return abs(z[j] - mode[j]), at_mode - lp

    sd = np.ones(k)
    for j in range(k):
        sides = [_side(at, j, sign) for sign in (-1.0, 1.0)]
        widths = [d / np.sqrt(2.0 * max(fall, 1e-3)) for d, fall in filter(None, sides)]
        sd[j] = min(float(np.mean(widths)), 2.0) if widths else 1.0
    return Profile(sd, np.array(points).reshape(-1, k), np.array(lps), spent)


def _side(at: Callable[[int, float], tuple[float, float] | None], j: int, sign: float
          ) -> tuple[float, float] | None:
    """(distance, fall) of the farthest usable profile point on one side of parameter j:
    NEAR, then SHORT when that fell too far, FAR when it fell little."""
    near = at(j, sign * NEAR)
    if near is None or near[1] >= FAR_DROP:
        short = at(j, sign * SHORT)
        return short if short is not None and short[1] < FAR_DROP else near
    if near[1] < LONG:
        far = at(j, sign * FAR)
        if far is not None and far[1] < FAR_DROP:
            return far
    return near
