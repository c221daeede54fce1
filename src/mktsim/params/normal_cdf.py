"""The standard normal distribution function, the same numbers as ``scipy.special.ndtr``.

scipy's ``ndtr`` is Moshier's Cephes algorithm: with x = a / sqrt(2), 0.5 + 0.5 erf(x)
when |x| < 1/sqrt(2), else 0.5 erfc(|x|) (one minus it for x > 0); erf on |x| <= 1 is
x P(x^2)/Q(x^2), and erfc for |x| >= 1 is exp(-x^2) P(|x|)/Q(|x|) (one pair below 8,
one from 8 on; 0 once exp(-x^2) underflows). Every run's derived KPIs ask for it (the
net promoter score, `model.satisfaction`), and importing ``scipy.special`` costs a run
about 0.2 s of CPU (its array-API layer imports ``numpy.f2py`` and ``numpy.testing``;
nothing else on a run's path imports scipy, see ``engine.numba_load``), so the same
arithmetic is done here with the same coefficients in the same order; the exponentials
are the C library's (``math.exp``, as scipy's compiled code calls it), so the results
are scipy's bit for bit (``tests/test_normal_quantile.py``).

One source for both uses: the scalar functions (`ndtr_of` and its pieces, marked
`@jitable`) are plain Python that numba compiles into the net promoter score's kernel
(`model.satisfaction`); `normal_cdf` evaluates the same pieces on whole numpy arrays,
with the branches as masks (the decision layer, which loads neither numba nor scipy).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .jitable import jitable
from .normal_quantile import horner, horner_monic, scipy_pays

_SQRT1_2 = 0.70710678118654752440
#: Largest x with exp(x) finite; exp(-x^2) below exp(-MAXLOG) counts as underflow.
_MAXLOG = 7.09782712893383996843E2

# erf(x) = x T(x^2) / U(x^2) for |x| <= 1.
_T = (9.60497373987051638749E0, 9.00260197203842689217E1, 2.23200534594684319226E3,
      7.00332514112805075473E3, 5.55923013010394962768E4)
_U = (3.35617141647503099647E1, 5.21357949780152679795E2, 4.59432382970980127987E3,
      2.26290000613890934246E4, 4.92673942608635921086E4)
# erfc(x) = exp(-x^2) P(x) / Q(x) for 1 <= x < 8 ...
_P = (2.46196981473530512524E-10, 5.64189564831068821977E-1, 7.46321056442269912687E0,
      4.86371970985681366614E1, 1.96520832956077098242E2, 5.26445194995477358631E2,
      9.34528527171957607540E2, 1.02755188689515710272E3, 5.57535335369399327526E2)
_Q = (1.32281951154744992508E1, 8.67072140885989742329E1, 3.54937778887819891062E2,
      9.75708501743205489753E2, 1.82390916687909736289E3, 2.24633760818710981792E3,
      1.65666309194161350182E3, 5.57535340817727675546E2)
# ... and R(x) / S(x) from 8 on.
_R = (5.64189583547755073984E-1, 1.27536670759978104416E0, 5.01905042251180477414E0,
      6.16021097993053585195E0, 7.40974269950448939160E0, 2.97886665372100240670E0)
_S = (2.26052863220117276590E0, 9.39603524938001434673E0, 1.20489539808096656605E1,
      1.70814450747565897222E1, 9.60896809063285878198E0, 3.36907645100081516050E0)


@jitable
def erf_small(x: Any) -> Any:
    """erf of |x| <= 1, x T(x^2) / U(x^2), of a float or of each value of an array (odd
    in x, as scipy computes it)."""
    z = x * x
    return x * horner(z, _T) / horner_monic(z, _U)


@jitable
def erfc_ratio(z: Any, e: Any) -> Any:
    """erfc of 1 <= z < 8 given e = exp(-z^2): e P(z) / Q(z) (float or array)."""
    return e * horner(z, _P) / horner_monic(z, _Q)


@jitable
def erfc_ratio_far(z: Any, e: Any) -> Any:
    """erfc of z >= 8 given e = exp(-z^2): e R(z) / S(z) (float or array)."""
    return e * horner(z, _R) / horner_monic(z, _S)


@jitable
def erfc_positive(z: float) -> float:
    """erfc of one z >= 1/sqrt(2): 1 - erf below 1, `erfc_ratio` (`erfc_ratio_far` from
    8) above; 0 once exp(-z^2) underflows (scipy does not evaluate the polynomials then).
    """
    if z < 1.0:
        return 1.0 - erf_small(z)
    square = -z * z
    if square < -_MAXLOG:
        return 0.0
    e = math.exp(square)
    if z < 8.0:
        return erfc_ratio(z, e)
    return erfc_ratio_far(z, e)


@jitable
def ndtr_of(a: float) -> float:
    """P(N(0, 1) <= a) of one value (nan for nan), scipy.special.ndtr's bit for bit; the
    function the compiled net promoter score calls (`model.satisfaction`)."""
    if a != a:
        return a
    x = a * _SQRT1_2
    z = abs(x)
    if z < _SQRT1_2:
        return 0.5 + 0.5 * erf_small(x)
    half = 0.5 * erfc_positive(z)
    return 1.0 - half if x > 0 else half


def _erfc_positive_array(z: np.ndarray) -> np.ndarray:
    """`erfc_positive` of each value of `z` (all >= 1/sqrt(2)), its branches as masks."""
    out = np.empty_like(z)
    small = z < 1.0
    out[small] = 1.0 - erf_small(z[small])
    large = z[~small]
    with np.errstate(over="ignore"):
        square = -large * large
    under = square < -_MAXLOG
    kept = large[~under]
    e = np.array([math.exp(v) for v in square[~under].tolist()], dtype=float)
    ratio = np.empty_like(kept)
    near = kept < 8.0
    ratio[near] = erfc_ratio(kept[near], e[near])
    ratio[~near] = erfc_ratio_far(kept[~near], e[~near])
    rest = np.zeros_like(large)
    rest[~under] = ratio
    out[~small] = rest
    return out


def normal_cdf(a: np.ndarray) -> np.ndarray:
    """P(N(0, 1) <= a) for each value of `a` (any shape; nan for nan), scipy.special.ndtr's
    values bit for bit: `ndtr_of`'s arithmetic on the whole array, its branches as masks."""
    a = np.asarray(a, dtype=float)
    flat = a.ravel()
    x = flat * _SQRT1_2
    z = np.abs(x)
    out = np.full(flat.shape, np.nan)
    centre = z < _SQRT1_2
    out[centre] = 0.5 + 0.5 * erf_small(x[centre])
    tail = z >= _SQRT1_2
    half = 0.5 * _erfc_positive_array(z[tail])
    out[tail] = np.where(x[tail] > 0, 1.0 - half, half)
    return out.reshape(a.shape)


def ndtr(a: np.ndarray | float) -> np.ndarray:
    """scipy.special.ndtr of `a`: :func:`normal_cdf` until scipy pays
    (:func:`.normal_quantile.scipy_pays`), scipy's own from then on (the same values)."""
    a = np.asarray(a, dtype=float)
    if not scipy_pays(a.size):
        return normal_cdf(a)
    from scipy.special import ndtr as scipy_ndtr

    return np.asarray(scipy_ndtr(a))
