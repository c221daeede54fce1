"""Forecasts from earlier origins: how far the fit's forecast of the next periods
misses, measured on the fitted periods themselves, without refitting.

The band's conformal factor (calibrate.band, step 3) compares the fitted periods with
the fit that chose its values on them: it sees the noise and the model's misfit where
the data held the fit, not what a forecast adds, a level, trend or end state carried
past the periods that set it. A model that is a little wrong extrapolates a little
wrong, and the posterior draws, which assume the model, do not spread for it.

So the fit is refitted at earlier origins, cheaply: for each origin o among the last
`RECENT` fitted periods, one Gauss-Newton step from the optimum on the periods up to o
(the mean path linearised in z, the prior kept),

    dz_o = (G_o' G_o + I)^-1 (G_o' r_o - z)  -  the same over every fitted period,

G the Jacobian of the mean path in z over the noise model's sd (each series times the
square root of its weight and temper, as the fit weighs it), r the standardised residuals at the
optimum; the second term is zero at an exact optimum and removes what the linearisation
leaves. That refit's forecast of a later fitted period t moves the mean path by
J_t dz_o (J the Jacobian in the series' units). The band uses those moves
(`Origins.moves`) for periods up to `horizon` after each origin, the horizon of the
periods after the series' last observed fitted one (calibrate.band.series_band): a
holdout's, or the series' own last periods missing inside the window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .fit import Fit, difference_steps
from .simulator import Paths, WindowModel

Array = NDArray[np.float64]
#: the last fitted periods (a year of weeks): those whose coverage sets the band's
#: conformal factor (calibrate.band, step 3) and the forecasts' origins (step 6)
RECENT = 52


@dataclass(frozen=True)
class Origins:
    """Forecasts from earlier origins of one series: `moves` [origins, n_periods], the
    mean path's move (series units) of the refit at each period of `origins`; a period
    t is forecast from origin o where o < t <= o + `horizon`."""

    origins: NDArray[np.int_]
    moves: Array
    horizon: int

    def pairs(self, fitted: NDArray[np.bool_]) -> tuple[NDArray[np.int_], NDArray[np.int_]]:
        """(row of `moves`, period) of each fitted period forecast from an origin."""
        rows, periods = [], []
        cells = np.flatnonzero(fitted)
        for i, o in enumerate(self.origins):
            ahead = cells[(cells > o) & (cells <= o + self.horizon)]
            rows.append(np.full(ahead.size, i))
            periods.append(ahead)
        if not rows:
            return np.zeros(0, int), np.zeros(0, int)
        return np.concatenate(rows), np.concatenate(periods)


def origins_of(fitted: NDArray[np.bool_]) -> NDArray[np.int_]:
    """The origins of a series' forecasts: its last RECENT fitted periods but the last,
    none in the first half of them (a refit on fewer periods than that says more about
    a short window than about the fit's forecast)."""
    cells = np.flatnonzero(fitted)
    return cells[max(cells.size // 2, cells.size - 1 - RECENT):-1]


def mean_jacobian(model: WindowModel, z: Array, mean: Paths) -> dict[str, Array]:
    """{kpi: [n_periods, k]}: forward differences of the mean path (series units per
    unit of z) at `fit.difference_steps` (as the fit's own Jacobian), around `mean`,
    the mean path at z on the same random numbers."""
    cols: dict[str, list[Array]] = {kpi: [] for kpi in mean}
    for j, step in enumerate(difference_steps(z)):
        moved, _ = model.expected(z + step)
        for kpi in mean:
            cols[kpi].append((moved[kpi] - mean[kpi]) / step[j])
    return {kpi: np.column_stack(c) for kpi, c in cols.items()}


def refit_steps(r: Array, g: Array, periods: NDArray[np.int_], z: Array,
                origins: NDArray[np.int_]) -> Array:
    """[origins, k]: the linearised refit's step in z at each origin (module docstring)
    from the stacked standardised residuals `r` [rows], their Jacobian `g` [rows, k]
    (the mean's, over the sd) and each row's period."""
    k = len(z)

    def step(rows: NDArray[np.bool_]) -> Array:
        a = g[rows]
        return np.linalg.solve(a.T @ a + np.eye(k), a.T @ r[rows] - z)

    full = step(np.ones(r.size, bool))
    return np.array([step(periods <= o) - full for o in origins]).reshape(len(origins), k)


def forecast_origins(model: WindowModel, result: Fit, fitted: dict[str, NDArray[np.bool_]],
                     weights: dict[str, float] | None = None) -> dict[str, Origins]:
    """Each series' forecasts from earlier origins (module docstring), weighed as the
    fit weighs it (its noise model, its temper and its `weights`), for each series with
    a period after its last observed fitted one (`fitted`: the observed cells of the
    fitted periods), whether held out or missing; {} where no series has one (nothing
    is forecast: no simulation is run)."""
    n = model.history.n_periods
    last = {kpi: int(np.flatnonzero(m)[-1]) for kpi, m in fitted.items() if m.any()}
    if not any(p < n - 1 for p in last.values()):
        return {}
    jac = mean_jacobian(model, result.z, result.mean)
    rows_r, rows_g, rows_p = [], [], []
    for kpi, y in model.history.series.items():
        cells = np.flatnonzero(fitted[kpi])
        sd = np.sqrt(result.noise[kpi].variance(result.mean[kpi], result.sim_var[kpi]))[cells]
        weight = np.sqrt((weights or {}).get(kpi, 1.0) * result.tempers.get(kpi, 1.0))
        rows_r.append(weight * (y[cells] - result.mean[kpi][cells]) / sd)
        rows_g.append(weight * jac[kpi][cells] / sd[:, None])
        rows_p.append(cells)
    r, g, periods = np.concatenate(rows_r), np.concatenate(rows_g), np.concatenate(rows_p)
    out = {}
    for kpi, end in last.items():
        if end >= n - 1:
            continue
        origins = origins_of(fitted[kpi])
        steps = refit_steps(r, g, periods, np.asarray(result.z, float), origins)
        out[kpi] = Origins(origins, steps @ jac[kpi].T, n - 1 - end)
    return out
