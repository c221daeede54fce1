"""The standard normal quantile, the same numbers as ``scipy.special.ndtri``.

scipy's ``ndtri`` is Moshier's Cephes algorithm: for 0.135 < u < 0.865 (exp(-2) from
either end) a rational function of (u - 0.5)**2; in the tails, with t = sqrt(-2 log p)
(p the nearer tail's probability), t - log(t)/t minus a rational function of 1/t (one
for t < 8, one for t >= 8, p below exp(-32)). Importing ``scipy.special`` costs a run
about 0.2 s of CPU (its array-API layer imports ``numpy.f2py`` and ``numpy.testing``;
nothing else on a run's path imports scipy, see ``engine.numba_load``), so the same
arithmetic is done here with the same coefficients and in the same order: each step is
one IEEE double operation rounded as in C, and the logarithms are the C library's
(``math.log``, as scipy's compiled code calls it; numpy's own ``log`` may use other SIMD
code), so the results are scipy's bit for bit (``tests/test_normal_quantile.py``
compares them on millions of points).
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

from .jitable import jitable

#: Values computed here per process (a second's work is about a million) before scipy's
#: compiled functions, the same numbers, are worth importing (about 0.2 s of CPU).
NUMPY_BUDGET = 250_000
_computed = [0]

#: exp(-2): below it (or above 1 - it) the tail formulas are used.
_EXP_M2 = 0.13533528323661269189
_SQRT_2PI = 2.50662827463100050242

# Centre, |u - 0.5| <= 3/8: numerator and denominator (leading 1 implied) in w = (u-0.5)^2.
_P0 = (-5.99633501014107895267E1, 9.80010754185999661536E1, -5.66762857469070293439E1,
       1.39312609387279679503E1, -1.23916583867381258016E0)
_Q0 = (1.95448858338141759834E0, 4.67627912898881538453E0, 8.63602421390890590575E1,
       -2.25462687854119370527E2, 2.00260212380060660359E2, -8.20372256168333339912E1,
       1.59056225126211695515E1, -1.18331621121330003142E0)
# Tails with 2 <= t < 8, in z = 1/t.
_P1 = (4.05544892305962419923E0, 3.15251094599893866154E1, 5.71628192246421288162E1,
       4.40805073893200834700E1, 1.46849561928858024014E1, 2.18663306850790267539E0,
       -1.40256079171354495875E-1, -3.50424626827848203418E-2, -8.57456785154685413611E-4)
_Q1 = (1.57799883256466749731E1, 4.53907635128879210584E1, 4.13172038254672030440E1,
       1.50425385692907503408E1, 2.50464946208309415979E0, -1.42182922854787788574E-1,
       -3.80806407691578277194E-2, -9.33259480895457427372E-4)
# Tails with t >= 8, in z = 1/t.
_P2 = (3.23774891776946035970E0, 6.91522889068984211695E0, 3.93881025292474443415E0,
       1.33303460815807542389E0, 2.01485389549179081538E-1, 1.23716634817820021358E-2,
       3.01581553508235416007E-4, 2.65806974686737550832E-6, 6.23974539184983293730E-9)
_Q2 = (6.02427039364742014255E0, 3.67983563856160859403E0, 1.37702099489081330271E0,
       2.16236993594496635890E-1, 1.34204006088543189037E-2, 3.28014464682127739104E-4,
       2.89247864745380683936E-6, 6.79019408009981274425E-9)


@jitable
def horner(x: Any, coefficients: tuple[float, ...]) -> Any:
    """Horner's rule, highest power first: c0 x^n + ... + cn, of a float or of each value
    of an array (Cephes' polevl; also compiled into kernels, `params.jitable`)."""
    total = coefficients[0]
    for c in coefficients[1:]:
        total = total * x + c
    return total


@jitable
def horner_monic(x: Any, coefficients: tuple[float, ...]) -> Any:
    """Horner's rule with a leading coefficient 1 not stored: x^n + c0 x^(n-1) + ..., of a
    float or of each value of an array (Cephes' p1evl)."""
    total = x + coefficients[0]
    for c in coefficients[1:]:
        total = total * x + c
    return total


def _centre(u: np.ndarray) -> np.ndarray:
    """The quantile for exp(-2) < u < 1 - exp(-2)."""
    y = u - 0.5
    y2 = y * y
    x = y + y * (y2 * horner(y2, _P0) / horner_monic(y2, _Q0))
    return x * _SQRT_2PI


def _tail(p: np.ndarray) -> np.ndarray:
    """Minus the quantile of the tail probability 0 < p <= exp(-2) (a positive number)."""
    log = math.log
    t = np.array([math.sqrt(-2.0 * log(v)) for v in p.tolist()], dtype=float)
    log_t = np.array([log(v) for v in t.tolist()], dtype=float)
    x0 = t - log_t / t
    z = 1.0 / t
    x1 = np.empty_like(z)
    near = t < 8.0
    w = z[near]
    x1[near] = w * horner(w, _P1) / horner_monic(w, _Q1)
    w = z[~near]
    x1[~near] = w * horner(w, _P2) / horner_monic(w, _Q2)
    return x0 - x1


def normal_quantile(u: np.ndarray) -> np.ndarray:
    """The standard normal quantile of each probability in `u` (any shape; -inf at 0,
    inf at 1, nan outside 0..1 and for nan), scipy.special.ndtri's values bit for bit."""
    u = np.asarray(u, dtype=float)
    flat = u.ravel()
    out = np.full(flat.shape, np.nan)
    upper = flat > 1.0 - _EXP_M2
    p = np.where(upper, 1.0 - flat, flat)
    centre = p > _EXP_M2
    out[centre] = _centre(p[centre])
    tail = (p > 0.0) & (p <= _EXP_M2)
    x = _tail(p[tail])
    out[tail] = np.where(upper[tail], x, -x)
    out[flat == 0.0] = -np.inf
    out[flat == 1.0] = np.inf
    return out.reshape(u.shape)


def scipy_pays(count: int) -> bool:
    """Whether `count` more values should come from scipy.special: it is loaded already,
    or this process has computed NUMPY_BUDGET values here (counting these)."""
    if "scipy.special" in sys.modules:
        return True
    _computed[0] += count
    return _computed[0] > NUMPY_BUDGET
