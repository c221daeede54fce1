"""Pareto smoothed importance sampling (Vehtari, Simpson, Gelman, Yao and Gabry 2024):
importance weights whose largest values are replaced by the expected order statistics
of a generalized Pareto fitted to them, and that fit's shape k-hat, which says whether
the weights can be trusted at all (above KHAT_LIMIT they cannot: a few draws carry the
estimate and its intervals are too narrow)."""

from __future__ import annotations

import numpy as np

#: k-hat above which importance weights cannot be trusted (Vehtari et al. 2024)
KHAT_LIMIT = 0.7
def pareto_smoothed(log_w: np.ndarray) -> tuple[np.ndarray, float]:
    """The normalised weights of log weights `log_w` (0 where -inf), their largest
    M = min(n/5, 3 sqrt n) replaced by the expected order statistics of a generalized
    Pareto fitted to them (Zhang and Stephens 2009), and its shape k-hat: inf with fewer
    than 10 finite weights, 0 when the largest are all equal."""
    finite = np.flatnonzero(np.isfinite(log_w))
    w = np.zeros(len(log_w))
    if finite.size == 0:
        return w, float("inf")
    lw = log_w[finite] - log_w[finite].max()
    n = lw.size
    tail = int(np.ceil(min(0.2 * n, 3.0 * np.sqrt(n))))
    k_hat = float("inf")
    if n >= 10 and tail >= 5:
        order = np.argsort(lw)
        cutoff = lw[order[-tail - 1]]
        exceed = np.exp(lw[order[-tail:]]) - np.exp(cutoff)
        k_hat = 0.0
        if exceed[-1] > exceed[0]:
            k_hat, sigma = _gpd_fit(exceed)
            if np.isfinite(k_hat):
                p = (np.arange(tail) + 0.5) / tail
                smoothed = np.log(_gpd_quantile(p, k_hat, sigma) + np.exp(cutoff))
                lw[order[-tail:]] = np.minimum(smoothed, 0.0)
    w[finite] = np.exp(lw)
    return w / w.sum(), k_hat


def _gpd_fit(x: np.ndarray) -> tuple[float, float]:
    """Shape and scale of a generalized Pareto fitted to sorted positive exceedances x
    (Zhang and Stephens 2009, with the weakly informative prior on the shape of
    Vehtari et al.)."""
    n = len(x)
    m = 30 + int(np.sqrt(n))
    b = 1.0 - np.sqrt(m / (np.arange(1, m + 1) - 0.5))
    quartile = max(float(x[max(int(n / 4 + 0.5) - 1, 0)]), 1e-12 * float(x[-1]))
    b = b / (3.0 * quartile) + 1.0 / x[-1]
    k = np.mean(np.log1p(-b[:, None] * x), axis=1)
    profile = n * (np.log(-b / k) - k - 1.0)
    weights = 1.0 / np.sum(np.exp(profile[None, :] - profile[:, None]), axis=1)
    b_hat = float(np.sum(b * weights) / np.sum(weights))
    k_hat = float(np.mean(np.log1p(-b_hat * x)))
    sigma = -k_hat / b_hat
    return (n * k_hat + 5.0) / (n + 10.0), sigma


def _gpd_quantile(p: np.ndarray, k: float, sigma: float) -> np.ndarray:
    """Quantiles of a generalized Pareto of shape k and scale sigma."""
    if abs(k) < 1e-12:
        return -sigma * np.log1p(-p)
    return sigma * np.expm1(-k * np.log1p(-p)) / k
