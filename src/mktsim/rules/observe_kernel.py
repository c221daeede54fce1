"""The true values a batch's review logs record, read from the batch's daily records in
one compiled call (`true_cells`): the same numbers as `Observer.records` computes with
numpy, flows summed day by day in the order `numpy.cumsum` sums them."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def true_cells(daily, rows, as_of, kpi_rows, flows):
    """[len(rows), N, K] true values: for replication rows[r] of `daily` [R, K, D], review
    n and KPI column j, row kpi_rows[j] of the record on day as_of[n, j] (a stock), or
    summed over days 0..as_of[n, j] (a flow, flows[j]); 0 for a flow before day 0, NaN
    for a stock (the caller fills those)."""
    n_rev, n_kpi = as_of.shape
    found = np.empty((rows.shape[0], n_rev, n_kpi))
    for r in range(rows.shape[0]):
        record = daily[rows[r]]
        for j in range(n_kpi):
            line = record[kpi_rows[j]]
            if not flows[j]:
                for n in range(n_rev):
                    found[r, n, j] = line[as_of[n, j]] if as_of[n, j] >= 0 else np.nan
                continue
            total, summed = 0.0, -1  # the sum of days 0..summed
            for n in range(n_rev):
                day = as_of[n, j]
                if day < 0:
                    found[r, n, j] = 0.0
                    continue
                if day < summed:  # as-of days out of order: sum again from day 0
                    total, summed = 0.0, -1
                while summed < day:
                    summed += 1
                    total = line[0] if summed == 0 else total + line[summed]
                found[r, n, j] = total
    return found
