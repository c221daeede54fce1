"""Sweep designs: which combinations of uncertain values to run.

Every sampler first draws points in the unit cube [0, 1)^D (one column per
parameter) and then maps each column to values with :meth:`Parameter.ppf`.
Randomness comes only from the ``seed`` argument (an ``int`` or a
``numpy.random.Generator``); the same integer seed always gives an identical
design. Returned frames hold one column per parameter path with *values*
(labels for categorical parameters, never indices) and an integer ``point``
column numbering the runs 0..n-1.

Sobol and Morris designs sample the unit cube through SALib. Categorical
parameters there are read through equal bins of the unit interval (level
``floor(u * n)``), so their "effect" mixes the differences between levels in
the listed order; rank them, but do not read the index as a slope. In Morris
designs, distributions are explored between their 5th and 95th percentiles.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from SALib.sample import morris as salib_morris
from SALib.sample import sobol as salib_sobol
from scipy.stats import qmc

from ..params import Parameter, ParamSpecError, check_unique

Method = Literal["grid", "mc", "lhs", "sobol", "morris"]
Seed = int | np.random.Generator | None

#: Quantile window explored for distributions in Morris designs.
MORRIS_WINDOW = (0.05, 0.95)
MANIFEST_VERSION = 1


@dataclass
class Design:
    """A sweep design: the parameters, the unit-cube samples and the run values.

    ``samples`` is the size argument given to :func:`make_design` (levels per
    range for ``grid``, runs for ``mc``/``lhs``, base sample size for
    ``sobol``, trajectories for ``morris``). ``seed`` is ``None`` when a
    Generator was passed (such designs are reproducible only via the manifest).
    """

    method: Method
    params: list[Parameter]
    points: pd.DataFrame
    unit: np.ndarray
    problem: dict[str, Any]
    seed: int | None
    samples: int
    num_levels: int = 4

    @property
    def names(self) -> list[str]:
        """Parameter paths, in column order."""
        return [p.path for p in self.params]

    def to_manifest(self) -> dict[str, Any]:
        """JSON-serialisable description allowing the design to be rebuilt."""
        return {
            "version": MANIFEST_VERSION,
            "method": self.method,
            "seed": self.seed,
            "samples": self.samples,
            "num_levels": self.num_levels,
            "params": [p.to_dict() for p in self.params],
            "problem": self.problem,
            "unit": self.unit.tolist(),
        }

    @classmethod
    def from_manifest(cls, d: Mapping[str, Any]) -> Design:
        """Rebuild a design written by :meth:`to_manifest` (values recomputed)."""
        params = [Parameter.from_dict(p) for p in d["params"]]
        unit = np.asarray(d["unit"], dtype=float).reshape(-1, len(params))
        method = _check_method(d["method"])
        return cls(
            method=method,
            params=params,
            points=to_frame(params, unit, method),
            unit=unit,
            problem=dict(d["problem"]),
            seed=d.get("seed"),
            samples=int(d["samples"]),
            num_levels=int(d.get("num_levels", 4)),
        )


# --------------------------------------------------------------------------- helpers


def _check_method(method: str) -> Method:
    if method not in get_args(Method):
        raise ValueError(f"unknown design method {method!r}; use one of {get_args(Method)}")
    return method  # type: ignore[return-value]


def _check_params(params: Sequence[Parameter]) -> list[Parameter]:
    params = list(params)
    if not params:
        raise ParamSpecError("a sweep needs at least one parameter")
    check_unique(params)
    return params


def salib_problem(params: Sequence[Parameter]) -> dict[str, Any]:
    """SALib problem definition: names and bounds (unit bounds for non-ranges)."""
    return {
        "num_vars": len(params),
        "names": [p.path for p in params],
        "bounds": [list(p.bounds) for p in params],
    }


def _unit_problem(d: int) -> dict[str, Any]:
    return {"num_vars": d, "names": [f"u{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}


def to_frame(params: Sequence[Parameter], unit: np.ndarray, method: str) -> pd.DataFrame:
    """Map unit-cube samples (rows = runs) to a frame of values with a ``point`` column."""
    cols: dict[str, Any] = {"point": np.arange(unit.shape[0], dtype=np.int64)}
    for j, p in enumerate(params):
        u = unit[:, j]
        if method == "morris" and p.kind == "distribution":
            lo, hi = MORRIS_WINDOW
            u = lo + u * (hi - lo)
        cols[p.path] = p.ppf(u)
    return pd.DataFrame(cols)


def _seed_value(seed: Seed) -> int | None:
    return int(seed) if isinstance(seed, int | np.integer) else None


# --------------------------------------------------------------------------- unit samplers


def _grid_unit(params: Sequence[Parameter], k: int) -> np.ndarray:
    """Unit coordinates of the full factorial grid (first parameter varies slowest)."""
    if k < 2:
        raise ValueError("grid needs at least 2 values per range")
    axes = []
    for p in params:
        if p.kind == "range":
            axes.append(np.linspace(0.0, 1.0, k))
        elif p.kind == "levels":
            n = len(p.levels)
            axes.append((np.arange(n) + 0.5) / n)
        else:
            axes.append((np.arange(k) + 0.5) / k)
    return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(params))


def _mc_unit(d: int, n: int, seed: Seed) -> np.ndarray:
    return np.random.default_rng(seed).random((n, d))


def _lhs_unit(d: int, n: int, seed: Seed) -> np.ndarray:
    return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)


def _sobol_unit(d: int, n: int, seed: Seed) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.asarray(salib_sobol.sample(_unit_problem(d), n, calc_second_order=False, seed=rng))


def _morris_unit(d: int, trajectories: int, seed: Seed, num_levels: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.asarray(
        salib_morris.sample(_unit_problem(d), trajectories, num_levels=num_levels, seed=rng)
    )


# --------------------------------------------------------------------------- public API


def make_design(
    method: Method,
    params: Sequence[Parameter],
    samples: int,
    seed: Seed = 0,
    *,
    num_levels: int = 4,
) -> Design:
    """Build a design.

    ``samples`` means: values per range (``grid``), number of runs (``mc``,
    ``lhs``), base sample size N giving N*(D+2) runs (``sobol``; use a power
    of two), or number of trajectories giving T*(D+1) runs (``morris``, with
    ``num_levels`` grid levels per parameter).
    """
    method = _check_method(method)
    ps = _check_params(params)
    if samples < 1:
        raise ValueError("samples must be at least 1")
    d = len(ps)
    if method == "grid":
        unit = _grid_unit(ps, samples)
    elif method == "mc":
        unit = _mc_unit(d, samples, seed)
    elif method == "lhs":
        unit = _lhs_unit(d, samples, seed)
    elif method == "sobol":
        unit = _sobol_unit(d, samples, seed)
    else:
        unit = _morris_unit(d, samples, seed, num_levels)
    return Design(
        method=method,
        params=ps,
        points=to_frame(ps, unit, method),
        unit=unit,
        problem=salib_problem(ps),
        seed=_seed_value(seed),
        samples=samples,
        num_levels=num_levels,
    )


def _frame(design: Design) -> pd.DataFrame:
    frame = design.points
    frame.attrs["method"] = design.method
    frame.attrs["problem"] = design.problem
    return frame


def grid(params: Sequence[Parameter], levels_per_range: int) -> pd.DataFrame:
    """Full factorial: ranges at ``levels_per_range`` evenly spaced values (ends
    included), levels as given, distributions at quantiles (i+0.5)/k."""
    return _frame(make_design("grid", params, levels_per_range, None))


def monte_carlo(params: Sequence[Parameter], n: int, seed: Seed) -> pd.DataFrame:
    """``n`` independent random runs."""
    return _frame(make_design("mc", params, n, seed))


def latin_hypercube(params: Sequence[Parameter], n: int, seed: Seed) -> pd.DataFrame:
    """``n`` runs; each parameter's range is cut into ``n`` equally likely
    slices and every slice is used exactly once."""
    return _frame(make_design("lhs", params, n, seed))


def sobol(params: Sequence[Parameter], n: int, seed: Seed) -> pd.DataFrame:
    """Saltelli design for Sobol indices: ``n * (D + 2)`` runs.

    The SALib problem is in ``frame.attrs["problem"]``; prefer
    :func:`make_design` to keep everything needed for the analysis.
    """
    return _frame(make_design("sobol", params, n, seed))


def morris(
    params: Sequence[Parameter], trajectories: int, seed: Seed, num_levels: int = 4
) -> pd.DataFrame:
    """Morris elementary-effects design: ``trajectories * (D + 1)`` runs."""
    return _frame(make_design("morris", params, trajectories, seed, num_levels=num_levels))
