"""Sensitivity analysis of sweep results.

All indices describe one outcome ``y`` (one number per run, in the outcome's
own unit, e.g. sales in units or profit in currency):

* Sobol ``S1``/``ST`` are shares of the outcome's variance (0..1, no unit);
* Morris ``mu``, ``mu_star``, ``sigma`` are in outcome units per move of a
  parameter across its whole sampled range (the 5%-95% window for
  distributions, the level bins for levels);
* tornado swings are in outcome units.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol

from ..params import Level, Parameter, format_number
from .designs import Design

CONF_LEVEL = 0.95
#: Tornado swings use these quantiles for distributions.
TORNADO_QUANTILES = (0.05, 0.95)


def _outcome(design: Design, y: np.ndarray | Sequence[float], method: str) -> np.ndarray:
    if design.method != method:
        raise ValueError(f"{method} indices need a {method} design, got {design.method!r}")
    arr = np.asarray(y, dtype=float).ravel()
    if arr.shape[0] != design.unit.shape[0]:
        raise ValueError(f"expected {design.unit.shape[0]} outcomes (one per run), got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("outcomes contain missing or infinite values; rerun or drop the sweep")
    return arr


def sobol_indices(
    design: Design, y: np.ndarray | Sequence[float], seed: int | None = 0
) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95% confidence half-widths.

    S1: share of the outcome variance explained by the parameter alone. ST: share
    it is involved in, interactions included. ``seed`` drives the bootstrap.
    """
    arr = _outcome(design, y, "sobol")
    res = salib_sobol.analyze(
        design.problem, arr, calc_second_order=False, conf_level=CONF_LEVEL, seed=seed
    )
    return pd.DataFrame(
        {
            "parameter": design.names,
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )


def morris_indices(
    design: Design, y: np.ndarray | Sequence[float], seed: int | None = None
) -> pd.DataFrame:
    """Morris screening: ``mu`` (mean effect), ``mu_star`` (mean absolute effect,
    the ranking measure), its 95% confidence half-width, and ``sigma`` (spread of
    effects: non-linearity or interactions). Sorted by ``mu_star``, largest first.

    ``seed`` drives the bootstrap (defaults to the design seed).
    """
    arr = _outcome(design, y, "morris")
    res = salib_morris.analyze(
        design.problem,
        design.unit,
        arr,
        conf_level=CONF_LEVEL,
        num_levels=design.num_levels,
        seed=design.seed if seed is None else seed,
    )
    df = pd.DataFrame(
        {
            "parameter": design.names,
            "mu": np.asarray(res["mu"], dtype=float),
            "mu_star": np.asarray(res["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float),
            "sigma": np.asarray(res["sigma"], dtype=float),
        }
    )
    return df.sort_values("mu_star", ascending=False, ignore_index=True)


# --------------------------------------------------------------------------- tornado


def _swing_values(p: Parameter) -> list[Level]:
    """Values tried for one parameter: ends of ranges, 5th/95th percentiles of
    distributions, lowest/highest numeric level, or every label."""
    if p.kind == "range":
        return [p.bounds[0], p.bounds[1]]
    if p.kind == "distribution":
        return [p.percentile(q) for q in TORNADO_QUANTILES]
    if p.is_categorical:
        return list(p.levels)
    return [min(p.levels, key=float), max(p.levels, key=float)]


def _as_scalar(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def tornado(
    design_or_params: Design | Sequence[Parameter],
    evaluate: Callable[[dict[str, Any]], float],
    base: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One-at-a-time swings, largest first.

    Each parameter is moved on its own from the ``base`` values (missing entries
    use :attr:`Parameter.central`) to its low and high value; ``evaluate`` gets a
    dict ``{path: value}`` and returns the outcome. For labels every level is
    tried and the worst/best one is reported as low/high. ``swing`` =
    ``|y_high - y_low|`` in outcome units; ``frame.attrs["y_base"]`` holds the
    outcome at the base values.
    """
    params = design_or_params.params if isinstance(design_or_params, Design) else design_or_params
    start = {p.path: p.central for p in params}
    start.update(base or {})
    rows = [_swing_row(p, evaluate, start) for p in params]
    df = pd.DataFrame(
        rows, columns=["parameter", "low_value", "high_value", "y_low", "y_high", "swing"]
    )
    df = df.sort_values("swing", ascending=False, kind="stable", ignore_index=True)
    df.attrs["y_base"] = float(evaluate(dict(start)))
    return df


def _swing_row(
    p: Parameter, evaluate: Callable[[dict[str, Any]], float], start: dict[str, Any]
) -> list[Any]:
    values = [_as_scalar(v) for v in _swing_values(p)]
    ys = [float(evaluate({**start, p.path: v})) for v in values]
    if p.is_categorical:
        lo_i, hi_i = int(np.argmin(ys)), int(np.argmax(ys))
    else:
        lo_i, hi_i = 0, 1
    return [p.path, values[lo_i], values[hi_i], ys[lo_i], ys[hi_i], abs(ys[hi_i] - ys[lo_i])]


# --------------------------------------------------------------------------- probabilities


def outcome_probability(
    points: pd.DataFrame,
    outcome: pd.Series | np.ndarray | Sequence[bool],
    by: list[str] | None = None,
    bins: int = 4,
) -> pd.DataFrame:
    """Share of runs with ``outcome`` True, per level or value band of each column.

    Each column in ``by`` (default: every column except ``point``) is treated
    on its own. Numeric columns with more than ``bins`` distinct values are cut
    into ``bins`` bands holding about the same number of runs. Returns columns
    ``parameter``, ``level`` (label or "LOW to HIGH"), ``low``, ``high`` (band
    edges, NaN for levels), ``runs`` and ``probability`` (0..1).
    """
    flags = np.asarray(outcome, dtype=bool).ravel()
    if flags.shape[0] != len(points):
        raise ValueError(f"expected {len(points)} outcomes (one per run), got {flags.size}")
    columns = by if by is not None else [c for c in points.columns if c != "point"]
    frames = [_column_probability(points[c], flags, c, bins) for c in columns]
    return pd.concat(frames, ignore_index=True)


def _column_probability(col: pd.Series, flags: np.ndarray, name: str, bins: int) -> pd.DataFrame:
    numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    if numeric and col.nunique() > bins:
        codes, breaks = pd.qcut(
            col.astype(float), q=bins, labels=False, retbins=True, duplicates="drop"
        )
        keys = pd.Series(codes, index=col.index)
        edges = [(float(a), float(b)) for a, b in itertools.pairwise(breaks)]
        labels = [f"{format_number(a, 3)} to {format_number(b, 3)}" for a, b in edges]
    else:
        uniq = _sorted_levels(col.dropna().unique().tolist())
        keys = col.map({v: i for i, v in enumerate(uniq)})
        edges = [(np.nan, np.nan)] * len(uniq)
        labels = [str(v) for v in uniq]
    rows = []
    for i, label in enumerate(labels):
        mask = (keys == i).to_numpy()
        n = int(mask.sum())
        prob = float(flags[mask].mean()) if n else np.nan
        rows.append([name, label, edges[i][0], edges[i][1], n, prob])
    return pd.DataFrame(rows, columns=["parameter", "level", "low", "high", "runs", "probability"])


def _sorted_levels(values: list[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)
