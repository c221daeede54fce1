"""How a series' observation noise grows with its level: sd proportional to level^k.

The fit's noise model for counts and money is quasi-Poisson, variance s * mu: the sd
grows as the square root of the level (k = 0.5). A history's noise need not: a
measurement error of constant size in money (PyMC-Marketing's example adds normal noise
of constant sd, k = 0) is relatively larger in low weeks, a multiplicative one (lognormal,
as mktsim's own synthetic histories, k = 1) in high weeks. A band of the wrong shape is
too narrow where the level is far from the fitted weeks' (a low season held out) and too
wide elsewhere. So the power is estimated, as the variance power of a GLM's
quasi-likelihood (Tweedie-like: variance s * mu^(2 k)), by maximum likelihood from the
standardised residuals at the fit's optimum: Gaussian residuals of variance
s * level^(2 k) + the simulation's own variance, the scale s profiled out, k on a grid over
[0, 1]; its 90% interval is the profile's (twice the log-likelihood within 2.706 of the
best, chi-square with one degree of freedom).

The estimate is used only where it fits significantly better than the default k = 0.5
(a likelihood-ratio test at 5%: 3.841): a power estimated from a history whose level
moves little is close to flat (PyMC example, seed 327: k 0.17, interval 0 to 0.85),
and a fit without that evidence keeps every number it had. Where used, only the
predictive band draws its noise with it (calibrate.band.predictive_noise); the likelihood
keeps quasi-Poisson: refitting with the estimated power made the held-out forecast of
PyMC's example worse on every history where it was significant (docs/calibration.md,
"Noise that grows with the level, measured").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..history import History, noise_of
from ..history.observe import DEFAULT_POWER, Noise, base_variance

Array = NDArray[np.float64]
POWERS = np.linspace(0.0, 1.0, 41)  # the grid of k the profile is taken on
SIGNIFICANT = 3.841  # twice the log-likelihood gain over k = 0.5 needed (chi-square 1, 95%)
INTERVAL = 2.706  # the 90% profile interval (chi-square 1, 90%)
MIN_CELLS = 12  # observed fitted periods needed to estimate a power


@dataclass(frozen=True)
class NoisePower:
    """A series' estimated power k of the level in its noise sd."""

    estimate: float  # the maximum-likelihood k on the grid
    interval: tuple[float, float]  # its 90% profile interval
    gain: float  # twice the log-likelihood gain of the estimate over k = 0.5
    power: float = DEFAULT_POWER  # the k the fit uses: the estimate where significant

    @property
    def used(self) -> bool:
        """Whether the fit uses the estimate instead of the default k = 0.5."""
        return self.power != DEFAULT_POWER

    @classmethod
    def default(cls) -> NoisePower:
        """No estimate (a share, a survey, too few periods): the default, flat."""
        return cls(DEFAULT_POWER, (0.0, 1.0), 0.0)

    def to_dict(self) -> dict[str, object]:
        """The document's `fit.<kpi>.noise_power`."""
        return {"power": round(self.power, 3), "estimate": round(self.estimate, 3),
                "interval": [round(self.interval[0], 3), round(self.interval[1], 3)],
                "significant": self.used}


SCALE_ROUNDS = 30  # fixed-point rounds of the profiled scale


def _profiled(e2: Array, base: Array, sim_var: Array, floor: Array) -> Array:
    """The Gaussian log-likelihood of squared residuals `e2` [n] of variance
    max(s * base, floor) + sim_var, maximised over the scale s, for each row of `base`
    [powers, n]: the score equation's fixed point s = sum(b (e2 - v) / V^2) /
    sum(b^2 / V^2), V at the current s, from the moment estimate."""
    s = np.maximum(np.mean((e2 - sim_var) / base, axis=1), 1e-12 * np.mean(e2 / base, axis=1))
    for _ in range(SCALE_ROUNDS):
        var = np.maximum(s[:, None] * base, floor) + sim_var + 1e-300
        step = np.sum(base * (e2 - sim_var) / var ** 2, axis=1) / np.sum(base ** 2 / var ** 2,
                                                                        axis=1)
        s = np.maximum(step, 1e-6 * s)
    var = np.maximum(s[:, None] * base, floor) + sim_var + 1e-300
    return -0.5 * np.sum(e2 / var + np.log(var), axis=1)


def profile(residuals: Array, level: Array, sim_var: Array, noise: Noise = Noise.MONEY,
            powers: Array = POWERS) -> Array:
    """The log-likelihood of `residuals` (observed - expected, series units) at each power
    k of `powers`, the scale profiled out; `level` the expected values, `sim_var` the
    simulation's own variance at each period (counts: never below Poisson)."""
    e2 = np.asarray(residuals, float) ** 2
    level = base_variance(noise, np.asarray(level, float))  # max(|mu|, 1)
    floor = level if noise is Noise.COUNT else np.zeros_like(level)
    # the level over its geometric mean: the scale stays of one size for every k
    relative = level / float(np.exp(np.mean(np.log(level))))
    base = relative[None, :] ** (2.0 * np.asarray(powers, float)[:, None])
    return _profiled(e2, base, np.asarray(sim_var, float), floor)


def estimate_power(residuals: Array, level: Array, sim_var: Array,
                   noise: Noise = Noise.MONEY) -> NoisePower:
    """The power of the level in the noise's sd from one series' fitted residuals
    (module docstring): the estimate, its 90% interval, and the power to use."""
    if noise not in (Noise.MONEY, Noise.COUNT) or np.size(residuals) < MIN_CELLS:
        return NoisePower.default()
    ll = profile(residuals, level, sim_var, noise)
    best = int(np.argmax(ll))
    at_default = float(np.interp(DEFAULT_POWER, POWERS, ll))
    gain = 2.0 * (float(ll[best]) - at_default)
    inside = POWERS[ll >= ll[best] - INTERVAL / 2]
    estimate = float(POWERS[best])
    return NoisePower(estimate, (float(inside.min()), float(inside.max())), gain,
                      estimate if gain > SIGNIFICANT else DEFAULT_POWER)


def noise_powers(history: History, mean: Mapping[str, Array], sim_var: Mapping[str, Array],
                 mask: Mapping[str, NDArray[np.bool_]]) -> dict[str, NoisePower]:
    """Each series' power of the level in its noise sd (`estimate_power`) from its
    residuals around `mean` over the cells of `mask`."""
    out = {}
    for kpi, observed in history.series.items():
        m = mask[kpi]
        out[kpi] = estimate_power(observed[m] - mean[kpi][m], mean[kpi][m], sim_var[kpi][m],
                                  noise_of(history, kpi))
    return out
