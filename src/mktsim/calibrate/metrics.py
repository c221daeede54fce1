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
