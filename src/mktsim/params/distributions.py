"""The probability distributions of ``PATH=dist(args)``, one registry entry each.

A :class:`Distribution` holds what users write (its name and argument names), what makes
its arguments inconsistent, and its quantile function. A new distribution is one entry
of :data:`REGISTRY`. Quantiles use scipy.special only (scipy.stats takes about a second
to import, which every run would pay), and the normal quantile not even that for a
run's few draws (:mod:`.normal_quantile`, the same numbers).

Arguments are in the unit of the scenario value. For ``lognormal(mu, sigma)`` they are
the mean and standard deviation of the *logarithm* of the value (median = exp(mu)).
``beta(a, b)`` lives on 0..1; ``beta(a, b, low, high)`` is stretched onto low..high.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import ParamSpecError
from .normal_quantile import normal_quantile, scipy_pays
from .numbers import as_number

Args = Sequence[float]


@dataclass(frozen=True)
class Distribution:
    """One distribution: ``name(args)``, or ``name(wide_args)`` when it has a second,
    longer argument list (beta stretched onto low..high)."""

    name: str
    args: tuple[str, ...]
    quantile: Callable[[Args, np.ndarray], np.ndarray]
    problem: Callable[[Args], str | None]
    wide_args: tuple[str, ...] = ()

    def checked(self, args: tuple[float, ...]) -> tuple[float, ...]:
        """The arguments as finite floats; raises :class:`ParamSpecError` naming the usage
        (``normal(mu,sigma)``) when their number or their values do not fit."""
        names = self.wide_args if self.wide_args and len(args) == len(self.wide_args) \
            else self.args
        usage = f"{self.name}({','.join(names)})"
        if len(args) != len(names):
            raise ParamSpecError(f"{usage} takes {len(names)} numbers, got {len(args)}")
        vals = [as_number(a, f"{self.name} argument") for a in args]
        problem = self.problem(vals)
        if problem:
            raise ParamSpecError(f"{problem} in {usage}")
        return tuple(vals)


# scipy.special.ndtri at the probabilities a scenario check asks for (the 0.1% and 99.9%
# tails, the median), bit for bit: `mktsim validate` then computes no quantile at all
KNOWN_NDTRI = {0.001: -3.090232306167813, 0.999: 3.090232306167813, 0.5: 0.0}


def ndtri(u: np.ndarray) -> np.ndarray:
    """The standard normal quantile of `u`: scipy.special.ndtri's values bit for bit (a
    table for the probabilities of KNOWN_NDTRI; the same algorithm in numpy for a run's
    few draws, :func:`.normal_quantile.scipy_pays`; scipy's otherwise)."""
    flat = np.asarray(u, dtype=float).ravel()
    if flat.size <= len(KNOWN_NDTRI) and all(x in KNOWN_NDTRI for x in flat.tolist()):
        return np.array([KNOWN_NDTRI[x] for x in flat.tolist()]).reshape(np.shape(u))
    if not scipy_pays(flat.size):
        return normal_quantile(u)
    from scipy.special import ndtri as scipy_ndtri

    return np.asarray(scipy_ndtri(u))


def _normal(a: Args, u: np.ndarray) -> np.ndarray:
    return np.asarray(a[0] + a[1] * ndtri(u))


def _lognormal(a: Args, u: np.ndarray) -> np.ndarray:
    return np.asarray(np.exp(a[0] + a[1] * ndtri(u)))


def _uniform(a: Args, u: np.ndarray) -> np.ndarray:
    return a[0] + u * (a[1] - a[0])


def _triangular(a: Args, u: np.ndarray) -> np.ndarray:
    low, mode, high = a
    c = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
    return np.where(u < c, left, right)


def _beta(a: Args, u: np.ndarray) -> np.ndarray:
    from scipy.special import betaincinv

    lo, hi = (a[2], a[3]) if len(a) == 4 else (0.0, 1.0)
    return np.asarray(lo + (hi - lo) * betaincinv(a[0], a[1], u))


def _positive_sigma(a: Args) -> str | None:
    return "sigma must be > 0" if a[1] <= 0 else None


def _ordered_ab(a: Args) -> str | None:
    return None if a[0] < a[1] else "a must be below b"


def _triangle(a: Args) -> str | None:
    ok = a[0] <= a[1] <= a[2] and a[0] < a[2]
    return None if ok else "need low <= mode <= high and low < high"


def _beta_shape(a: Args) -> str | None:
    if a[0] <= 0 or a[1] <= 0:
        return "a and b must be > 0"
    if len(a) == 4 and not a[2] < a[3]:
        return "low must be below high"
    return None


#: The distributions, by the name users write.
REGISTRY: dict[str, Distribution] = {d.name: d for d in (
    Distribution("normal", ("mu", "sigma"), _normal, _positive_sigma),
    Distribution("lognormal", ("mu", "sigma"), _lognormal, _positive_sigma),
    Distribution("uniform", ("a", "b"), _uniform, _ordered_ab),
    Distribution("triangular", ("low", "mode", "high"), _triangular, _triangle),
    Distribution("beta", ("a", "b"), _beta, _beta_shape, wide_args=("a", "b", "low", "high")),
)}

#: Distribution names and their argument lists, as written by users.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {name: d.args for name, d in REGISTRY.items()}


def distribution(name: str | None, written: str | None = None) -> Distribution:
    """The distribution called ``name`` (lower case); the error quotes ``written`` (the
    name as the user wrote it) when given."""
    found = REGISTRY.get(name) if isinstance(name, str) else None
    if found is None:
        shown = f"'{written}'" if written is not None else repr(name)
        raise ParamSpecError(f"unknown distribution {shown}; use one of " + ", ".join(REGISTRY))
    return found
