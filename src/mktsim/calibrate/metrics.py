"""Fit quality per series, with the definitions of the marketing-mix tools (MODELS.md 9):
R^2 = 1 - SSE/SST, MAPE = mean |y - yhat| / y over y != 0, wMAPE = sum |y - yhat| / sum y,
NRMSE = RMSE / (max y - min y) (Robyn)."""

from __future__ import annotations

import math

import numpy as np


def fit_metrics(observed: np.ndarray, predicted: np.ndarray) -> dict[str, float | None]:
    """r2, mape, wmape, nrmse and the number of observations n (None where undefined)."""
    y, yhat = np.asarray(observed, float), np.asarray(predicted, float)
    n = int(y.size)
    if n == 0:
        return {"n": 0, "r2": None, "mape": None, "wmape": None, "nrmse": None}
    err = y - yhat
    sst = float(np.sum((y - y.mean()) ** 2))
    nonzero = y != 0
    total = float(np.sum(np.abs(y)))
    spread = float(y.max() - y.min())
    rmse = math.sqrt(float(np.mean(err ** 2)))
    return {
        "n": n,
        "r2": 1.0 - float(np.sum(err ** 2)) / sst if sst > 0 else None,
        "mape": float(np.mean(np.abs(err[nonzero]) / np.abs(y[nonzero])))
        if nonzero.any() else None,
        "wmape": float(np.sum(np.abs(err))) / total if total > 0 else None,
        "nrmse": rmse / spread if spread > 0 else None,
    }


def coverage(observed: np.ndarray, low: np.ndarray, high: np.ndarray) -> float | None:
    """Share of observations inside [low, high] (None without observations)."""
    if observed.size == 0:
        return None
    return float(np.mean((observed >= low) & (observed <= high)))


def autocorrelation(residuals: np.ndarray, lags: int = 4) -> np.ndarray:
    """The sample autocorrelation of a series at lags 1..`lags` (periods), about the mean
    of its observed cells: the mean lagged product over the pairs with both cells
    observed (NaN cells are left out) over the mean square."""
    x = np.asarray(residuals, float)
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return np.zeros(lags)
    d = np.where(ok, x - x[ok].mean(), 0.0)
    square = float(np.sum(d * d)) / ok.sum()
    if square <= 0:
        return np.zeros(lags)
    out = np.zeros(lags)
    for k in range(1, min(lags, len(d) - 1) + 1):
        pairs = int(np.sum(ok[k:] & ok[:-k]))
        if pairs:
            out[k - 1] = float(np.sum(d[k:] * d[:-k])) / pairs / square
    return out
