"""Scenario discovery with PRIM (Patient Rule Induction Method).

Given the sweep's input values and a yes/no outcome per run (for example "the
sales target failed"), PRIM looks for simple boxes in the input space, such as
"CPM above 52 and young-segment churn above 0.31", where the outcome is much
more common than overall. Each :class:`Box` reports:

* ``coverage``: share of all runs with the outcome that fall inside the box;
* ``density``: share of the runs inside the box that have the outcome;
* ``mass``: share of all runs that fall inside the box.

All three are fractions 0..1 computed on the full sweep. Boxes found later
(after removing the runs inside earlier boxes) may overlap earlier ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..params import Level, Parameter, format_number

Restriction = tuple[float, float] | frozenset[Level]
_Side = tuple[str, int]  # ("low"|"high", numeric column) or ("cat", categorical column)


@dataclass
class Box:
    """A region of the inputs: ``restrictions`` maps each restricted path to
    ``(low, high)`` (open interval in the parameter's unit; -inf/inf for an open
    side) or to the set of allowed levels. Unlisted parameters are free."""

    restrictions: dict[str, Restriction]
    coverage: float
    density: float
    mass: float
    runs: int
    hits: int

    def contains(self, points: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the rows of ``points`` that fall inside the box."""
        mask = np.ones(len(points), dtype=bool)
        for path, r in self.restrictions.items():
            col = points[path]
            if isinstance(r, frozenset):
                mask &= col.isin(list(r)).to_numpy()
            else:
                x = col.to_numpy(dtype=float)
                mask &= (x > r[0]) & (x < r[1])
        return mask

    def conditions(self) -> list[str]:
        """One plain-language condition per restricted parameter."""
        return [_condition(path, r) for path, r in self.restrictions.items()]

    def describe(self, outcome_name: str, fails: bool = True) -> str:
        """Sentence such as "the sales_up target fails in 83% of runs where ...".

        ``fails`` says whether the outcome analysed was the target failing
        (True) or being met (False).
        """
        verb = "fails" if fails else "is met"
        conds = self.conditions()
        scope = "of runs where " + " and ".join(conds) if conds else "of all runs"
        return (
            f"the {outcome_name} target {verb} in {_pct(self.density)} {scope} "
            f"(coverage {_pct(self.coverage)}, density {_pct(self.density)})"
        )


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _condition(path: str, r: Restriction) -> str:
    if isinstance(r, frozenset):
        labels = sorted((str(v) for v in r), key=str)
        return (
            f"{path} is {labels[0]}"
            if len(labels) == 1
            else (f"{path} is one of {', '.join(labels)}")
        )
    lo, hi = r
    if math.isinf(lo):
        return f"{path} < {format_number(hi)}"
    if math.isinf(hi):
        return f"{path} > {format_number(lo)}"
    a, b = _distinct_pair(lo, hi)
    return f"{path} is between {a} and {b}"


def _distinct_pair(lo: float, hi: float) -> tuple[str, str]:
    for sig in range(2, 8):
        a, b = format_number(lo, sig), format_number(hi, sig)
        if a != b:
            return a, b
    return repr(lo), repr(hi)


# --------------------------------------------------------------------------- data and state


@dataclass
class _Data:
    num_names: list[str]
    x: np.ndarray  # (n, numeric columns), float
    cat_names: list[str]
    codes: np.ndarray  # (n, categorical columns), int level index
    levels: list[list[Level]]
    y: np.ndarray  # (n,), float 0/1

    def subset(self, rows: np.ndarray) -> _Data:
        x, codes, y = self.x[rows], self.codes[rows], self.y[rows]
        return _Data(self.num_names, x, self.cat_names, codes, self.levels, y)


@dataclass
class _State:
    low: np.ndarray
    high: np.ndarray
    allowed: list[np.ndarray]

    def copy(self) -> _State:
        return _State(self.low.copy(), self.high.copy(), [a.copy() for a in self.allowed])


def _build_data(
    points: pd.DataFrame, outcome: np.ndarray, params: Sequence[Parameter] | None
) -> _Data:
    if params is None:
        names = [c for c in points.columns if c != "point"]
        categorical = {c for c in names if not _is_numeric(points[c])}
        declared: dict[str, list[Level]] = {}
    else:
        names = [p.path for p in params]
        categorical = {p.path for p in params if p.is_categorical}
        declared = {p.path: list(p.levels) for p in params if p.is_categorical}
    num = [c for c in names if c not in categorical]
    cat = [c for c in names if c in categorical]
    x = points[num].to_numpy(dtype=float).reshape(len(points), len(num))
    levels = [declared.get(c) or list(dict.fromkeys(points[c].tolist())) for c in cat]
    codes = np.zeros((len(points), len(cat)), dtype=int)
    for k, c in enumerate(cat):
        mapped = points[c].map({v: i for i, v in enumerate(levels[k])})
        if mapped.isna().any():
            unknown = sorted({str(v) for v in points.loc[mapped.isna(), c]})
            raise ValueError(f"column {c!r} has values that are not levels: {', '.join(unknown)}")
        codes[:, k] = mapped.to_numpy(dtype=int)
    return _Data(num, x, cat, codes, levels, outcome.astype(float))


def _is_numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _initial(data: _Data) -> _State:
    d = data.x.shape[1]
    return _State(
        np.full(d, -np.inf), np.full(d, np.inf), [np.ones(len(lv), bool) for lv in data.levels]
    )


def _inside(data: _Data, s: _State, skip: _Side | None = None) -> np.ndarray:
    mask = np.ones(data.y.shape[0], dtype=bool)
    for j in range(data.x.shape[1]):
        if skip != ("low", j):
            mask &= data.x[:, j] > s.low[j]
        if skip != ("high", j):
            mask &= data.x[:, j] < s.high[j]
    for c, allowed in enumerate(s.allowed):
        if skip != ("cat", c):
            mask &= allowed[data.codes[:, c]]
    return mask


def _sides(s: _State) -> list[_Side]:
    out: list[_Side] = [("low", int(j)) for j in np.flatnonzero(np.isfinite(s.low))]
    out += [("high", int(j)) for j in np.flatnonzero(np.isfinite(s.high))]
    out += [("cat", c) for c, a in enumerate(s.allowed) if not a.all()]
    return out


def _relax(data: _Data, s: _State, side: _Side) -> _State:
    new = s.copy()
    kind, i = side
    if kind == "low":
        new.low[i] = -np.inf
    elif kind == "high":
        new.high[i] = np.inf
    else:
        new.allowed[i][:] = True
    return new


# --------------------------------------------------------------------------- peeling


def _peel_candidates(data: _Data, s: _State, mask: np.ndarray, alpha: float) -> list[_State]:
    """Boxes one peel smaller: an ``alpha`` share cut off either end of a numeric
    column (at least one distinct value), or one level dropped."""
    out = []
    for j in range(data.x.shape[1]):
        vals = np.unique(data.x[mask, j])
        if vals.size < 2:
            continue
        k = max(1, int(alpha * int(mask.sum())))
        sorted_all = np.sort(data.x[mask, j])
        lo_keep = max(sorted_all[min(k, sorted_all.size - 1)], vals[1])
        hi_keep = min(sorted_all[max(sorted_all.size - 1 - k, 0)], vals[-2])
        below = vals[vals < lo_keep][-1]
        above = vals[vals > hi_keep][0]
        new = s.copy()
        new.low[j] = (below + lo_keep) / 2
        out.append(new)
        new = s.copy()
        new.high[j] = (hi_keep + above) / 2
        out.append(new)
    for c in range(len(s.allowed)):
        present = np.unique(data.codes[mask, c])
        for level in present if present.size > 1 else []:
            new = s.copy()
            new.allowed[c][level] = False
            out.append(new)
    return out


def _peel(data: _Data, alpha: float, min_count: int) -> list[_State]:
    """Peeling trajectory from the full box down to ``min_count`` runs.

    Each step keeps the candidate with the largest gain in density per run
    removed, so small peels are not beaten by large ones by default.
    """
    state = _initial(data)
    trajectory = [state]
    mask = _inside(data, state)
    while True:
        n, mean = int(mask.sum()), float(data.y[mask].mean())
        best, best_gain, best_mask = None, -np.inf, mask
        for cand in _peel_candidates(data, state, mask, alpha):
            new_mask = mask & _inside(data, cand)
            m = int(new_mask.sum())
            if m < min_count or m == n:
                continue
            gain = (float(data.y[new_mask].mean()) - mean) / (n - m)
            if gain > best_gain:
                best, best_gain, best_mask = cand, gain, new_mask
        if best is None:
            return trajectory
        state, mask = best, best_mask
        trajectory.append(state)


def _stats(data: _Data, s: _State) -> tuple[float, float, int]:
    """(coverage, density, runs) of a box on ``data``."""
    mask = _inside(data, s)
    runs = int(mask.sum())
    hits = float(data.y[mask].sum())
    total = float(data.y.sum())
    return (hits / total if total else 0.0), (hits / runs if runs else 0.0), runs


def _choose(data: _Data, trajectory: list[_State], threshold: float | None) -> _State:
    """Box with the highest coverage among those with density >= threshold
    (default: 0.8 x the best density on the trajectory)."""
    st = np.array([_stats(data, s)[:2] for s in trajectory])
    cov, dens = st[:, 0], st[:, 1]
    limit = 0.8 * dens.max() if threshold is None else threshold
    ok = np.flatnonzero(dens >= limit - 1e-12)
    if ok.size == 0:
        return trajectory[int(np.argmax(dens))]
    return trajectory[int(ok[np.argmax(cov[ok])])]


# --------------------------------------------------------------------------- pasting and pruning


def _paste_candidates(data: _Data, s: _State, mask: np.ndarray, alpha: float) -> list[_State]:
    """Boxes one paste larger along each restricted side (or one level added back)."""
    out = []
    k = max(1, int(alpha * int(mask.sum())))
    for kind, i in _sides(s):
        extra = _inside(data, _relax(data, s, (kind, i))) & ~mask
        if not extra.any():
            continue
        if kind == "cat":
            for level in np.unique(data.codes[extra, i]):
                new = s.copy()
                new.allowed[i][level] = True
                out.append(new)
        else:
            out.append(_extend(s, kind, i, np.unique(data.x[extra, i]), k))
    return out


def _extend(s: _State, kind: str, j: int, vals: np.ndarray, k: int) -> _State:
    """Move one numeric bound outwards past the ``k`` nearest outside values."""
    new = s.copy()
    if kind == "low":
        t = vals[-min(k, vals.size)]
        new.low[j] = (vals[vals < t][-1] + t) / 2 if (vals < t).any() else -np.inf
    else:
        t = vals[min(k, vals.size) - 1]
        new.high[j] = (vals[vals > t][0] + t) / 2 if (vals > t).any() else np.inf
    return new


def _paste(data: _Data, s: _State, alpha: float) -> _State:
    """Grow the box while density does not drop."""
    while True:
        mask = _inside(data, s)
        mean = float(data.y[mask].mean())
        best, best_mean = None, mean
        for cand in _paste_candidates(data, s, mask, alpha):
            m = float(data.y[_inside(data, cand)].mean())
            if m >= best_mean:
                best, best_mean = cand, m
        if best is None:
            return s
        s = best


def _prune(data: _Data, s: _State, p_value: float) -> _State:
    """Drop restrictions whose excluded runs are not clearly less affected.

    For each restricted side, the runs it alone excludes are compared with the
    box density (one-sided binomial test); the least justified side is removed
    while its p-value is at least ``p_value``.
    """
    while True:
        mask = _inside(data, s)
        density = float(data.y[mask].mean())
        worst, worst_p = None, -1.0
        for side in _sides(s):
            extra = _inside(data, _relax(data, s, side)) & ~mask
            n, hits = int(extra.sum()), int(data.y[extra].sum())
            p = 1.0 if n == 0 else float(stats.binom.cdf(hits, n, density))
            if p > worst_p:
                worst, worst_p = side, p
        if worst is None or worst_p < p_value:
            return s
        s = _relax(data, s, worst)


# --------------------------------------------------------------------------- public API


def prim_box(
    points: pd.DataFrame,
    outcome: np.ndarray | Sequence[bool],
    params: Sequence[Parameter] | None = None,
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    threshold: float | None = None,
    paste: bool = True,
    p_value: float = 0.01,
) -> Box:
    """One PRIM box for the runs where ``outcome`` is True (see :func:`discover`)."""
    flags = _flags(points, outcome)
    data = _build_data(points, flags, params)
    return _to_box(data, _search(data, len(points), alpha, min_mass, threshold, paste, p_value))


def _search(
    data: _Data,
    n_total: int,
    alpha: float,
    min_mass: float,
    threshold: float | None,
    paste: bool,
    p_value: float,
) -> _State:
    min_count = max(1, math.ceil(min_mass * n_total))
    state = _choose(data, _peel(data, alpha, min_count), threshold)
    if paste:
        state = _paste(data, state, alpha)
    return _prune(data, state, p_value)


def _flags(points: pd.DataFrame, outcome: Any) -> np.ndarray:
    flags = np.asarray(outcome, dtype=bool).ravel()
    if flags.shape[0] != len(points):
        raise ValueError(f"expected {len(points)} outcomes (one per run), got {flags.size}")
    return flags


def _to_box(data: _Data, s: _State) -> Box:
    restrictions: dict[str, Restriction] = {}
    for j, name in enumerate(data.num_names):
        if np.isfinite(s.low[j]) or np.isfinite(s.high[j]):
            restrictions[name] = (float(s.low[j]), float(s.high[j]))
    for c, name in enumerate(data.cat_names):
        if not s.allowed[c].all():
            restrictions[name] = frozenset(
                lv for lv, ok in zip(data.levels[c], s.allowed[c], strict=True) if ok
            )
    coverage, density, runs = _stats(data, s)
    hits = int(data.y[_inside(data, s)].sum())
    return Box(restrictions, coverage, density, runs / len(data.y), runs, hits)


def discover(
    points: pd.DataFrame,
    outcome: np.ndarray | Sequence[bool],
    params: Sequence[Parameter] | None = None,
    *,
    max_boxes: int = 3,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    threshold: float | None = None,
    paste: bool = True,
    p_value: float = 0.01,
) -> list[Box]:
    """Find up to ``max_boxes`` boxes where ``outcome`` (one bool per run) is common.

    ``params`` says which columns to use and which are categorical (default:
    every column except ``point``; text columns are categorical). After each
    box, the runs inside it are set aside and the search is repeated. A box is
    kept only if it restricts something and clearly lifts the outcome rate (see
    :func:`_worth_keeping`); the search stops at the first box that does not.
    Each box holds at least
    ``min_mass`` of all runs. ``threshold`` is the minimum density for choosing
    a box on the peeling path (default: 0.8 x the best density found).
    """
    flags = _flags(points, outcome)
    full = _build_data(points, flags, params)
    remaining = np.ones(len(points), dtype=bool)
    boxes: list[Box] = []
    for _ in range(max_boxes):
        data = full.subset(remaining)
        if data.y.sum() < 2:
            break
        state = _search(data, len(points), alpha, min_mass, threshold, paste, p_value)
        box = _to_box(full, state)
        if not box.restrictions or not _worth_keeping(data, state, box, float(flags.mean())):
            break
        boxes.append(box)
        remaining &= ~_inside(full, state)
    return boxes


def _worth_keeping(data: _Data, s: _State, box: Box, base: float, level: float = 0.01) -> bool:
    """A box must lift the outcome rate clearly: at least twice the overall rate
    (or half-way from it to 100% for common outcomes), and significantly above the
    rate among the runs searched (one-sided binomial test at ``level``)."""
    if box.density < min(2 * base, base + 0.5 * (1 - base)):
        return False
    mask = _inside(data, s)
    runs, hits = int(mask.sum()), int(data.y[mask].sum())
    searched = float(data.y.mean())
    return runs > 0 and float(stats.binom.sf(hits - 1, runs, searched)) < level
