"""A Gaussian approximation of the posterior from every log posterior evaluated so far:
a quadratic fitted by ridge regression (a "regression Laplace").

The Laplace approximation at the optimum rests on one curvature, taken by finite
differences of a jittery simulator; in a dozen dimensions it is off by a factor of two in
some directions, and a proposal built on it puts few draws where the posterior is (the
importance weights then rest on two or three draws). The draws already evaluated say
more: their log posterior, near the best, is a quadratic to within the simulation's
jitter. Fitting that quadratic needs 1 + k + k(k + 1)/2 coefficients (120 for 14 free
values) and a round gives fewer points near the best, so the fit is made in the
coordinates the Laplace covariance whitens (where the Laplace guess is the identity
precision) and its departure from that guess is shrunk by ridge regression, the
shrinkage chosen by generalised cross-validation: with few points the guess stands, with
many the points decide.

Coordinates are the prior's standard-normal z (calibrate.priors); precisions are in
1/z^2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: points within k/2 + this of the best log posterior are fitted (a Gaussian posterior's
#: draws fall at most ~k/2 + 4 below its peak 95% of the time)
FIT_DROP = 6.0
MIN_POINTS = 3  # times k: at least this many of the best points, however far they fall
#: eigenvalues of the fitted precision kept within these factors of the Laplace
#: guess's (in its whitened coordinates): a noisy fit neither collapses a direction nor
#: opens it past what the guess and the prior allow
MIN_RATIO, MAX_RATIO = 0.1, 25.0
MIN_PRECISION = 0.5  # in z: never wider than about the prior (whose own precision is 1)
#: ridge penalties tried, times the mean of the design's squared columns
RIDGE_GRID = (1e-4, 1e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
LIGHT = 30.0  # the gradient and the curvature's diagonal shrunk this many times less


@dataclass(frozen=True)
class Quadratic:
    """The fitted Gaussian: its mean and precision in z."""

    mean: np.ndarray  # [k]
    precision: np.ndarray  # [k, k]

    @property
    def cov(self) -> np.ndarray:
        """The covariance in z (the precision's inverse)."""
        cov = np.linalg.inv(self.precision)
        return 0.5 * (cov + cov.T)


def fit_quadratic(z: np.ndarray, lp: np.ndarray, centre: np.ndarray, guess: np.ndarray
                  ) -> Quadratic | None:
    """The quadratic through the log posterior `lp` at the rows of `z` within k/2 +
    FIT_DROP of the best (at least the MIN_POINTS k best), in the coordinates where
    `guess` (a covariance, the Laplace one) is the identity, centred on `centre`; its
    curvature's departure from the guess ridge-shrunk (`_ridge`). None with fewer than
    k + 2 points."""
    k = z.shape[1]
    ok = np.isfinite(lp)
    if ok.sum() < k + 2:
        return None
    floor = min(lp[ok].max() - (k / 2 + FIT_DROP),
                np.sort(lp[ok])[::-1][min(MIN_POINTS * k, ok.sum()) - 1])
    ok &= lp >= floor
    root = np.linalg.cholesky(guess)
    u = np.linalg.solve(root, (z[ok] - centre).T).T  # whitened: the guess is N(0, I)
    g, d = _departure(u, lp[ok])
    vals, vecs = np.linalg.eigh(np.eye(k) + d)
    a = (vecs * np.clip(vals, MIN_RATIO, MAX_RATIO)) @ vecs.T
    reach = np.max(np.abs(u), axis=0)  # the mean no further out than the points reach
    peak = np.clip(np.linalg.solve(a, g), -reach, reach)
    inv_root = np.linalg.inv(root)
    precision = inv_root.T @ a @ inv_root
    vals, vecs = np.linalg.eigh(0.5 * (precision + precision.T))
    precision = (vecs * np.maximum(vals, MIN_PRECISION)) @ vecs.T
    return Quadratic(centre + root @ peak, 0.5 * (precision + precision.T))


def _departure(u: np.ndarray, lp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The gradient g [k] and the curvature's departure D [k, k] from the identity of
    lp + |u|^2 / 2 = c + g.u - u' D u / 2 at whitened points u [n, k] (`_ridge`)."""
    k = u.shape[1]
    pairs = [(i, i) for i in range(k)] + [(i, j) for i in range(k) for j in range(i + 1, k)]
    quad = np.column_stack([-0.5 * u[:, i] * u[:, j] * (1.0 if i == j else 2.0)
                            for i, j in pairs])
    coef = _ridge(np.column_stack([u, quad]), lp + 0.5 * np.sum(u * u, axis=1), 2 * k)
    d = np.zeros((k, k))
    for c, (i, j) in zip(coef[k:], pairs, strict=True):
        d[i, j] = d[j, i] = c
    return coef[:k], d


def _ridge(design: np.ndarray, target: np.ndarray, light: int) -> np.ndarray:
    """Ridge regression of `target` on an intercept (not shrunk) and `design` (shrunk
    towards 0), the penalty picked from RIDGE_GRID (times the mean of the design's
    squared columns) by generalised cross-validation; the first `light` columns (the
    gradient and the curvature's diagonal) shrunk LIGHT times less than the rest (the
    curvature's cross terms, most of the coefficients and the least told)."""
    x = design - design.mean(axis=0)
    y = target - target.mean()
    gram, moment = x.T @ x, x.T @ y
    scale = float(np.trace(gram)) / gram.shape[0] or 1.0
    weight = np.ones(gram.shape[0])
    weight[:light] = 1.0 / LIGHT
    best, coef = np.inf, np.zeros(design.shape[1])
    n = len(y)
    for factor in RIDGE_GRID:
        system = gram + np.diag(factor * scale * weight)
        solved = np.linalg.solve(system, np.column_stack([moment, gram]))
        beta, dof = solved[:, 0], float(np.trace(solved[:, 1:]))
        if dof >= n - 1:
            continue
        gcv = float(np.sum((y - x @ beta) ** 2)) / (n - dof) ** 2
        if gcv < best:
            best, coef = gcv, beta
    return coef
