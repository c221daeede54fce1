"""Analyse a finished (or partly finished) sweep folder.

Outcomes are the targets: a replication row "meets" a target when its ``met:<id>`` column
is True. Probabilities are shares of replication rows (0..1). Sensitivity indices use, per
target and strategy, the share of a point's replications that meet the target.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..documents.base import clean
from .designs import Design
from .discovery import discover
from .runner import MET_PREFIX, STRATEGY_PATHS
from .sensitivity import morris_indices, outcome_probability, sobol_indices, tornado
from .store import SweepStore


def analyze_sweep(root: str | Path, bins: int = 4, max_boxes: int = 3) -> dict[str, Any]:
    """The analysis of a sweep folder as a JSON-ready dict (see docs/sweeps.md)."""
    store = SweepStore(root)
    manifest = store.read_manifest()
    design = Design.from_manifest(manifest["design"])
    rows = store.read()
    targets = [t for t in manifest["targets"] if MET_PREFIX + t in rows]
    factors = _factors(design, rows)
    outputs = list(_outputs(rows, targets))
    complete = len(rows["point"].unique()) == len(design.points)
    result: dict[str, Any] = {
        "kind": "analyze",
        "method": design.method,
        "points": {"total": len(design.points), "done": int(rows["point"].nunique())},
        "targets": {t: _target_summary(rows, t, factors, bins) for t in targets},
        "sobol": [], "morris": [], "tornado": [], "discovery": [], "notes": [],
    }
    if design.method in ("sobol", "morris") and not complete:
        result["notes"].append(f"{design.method} indices need every point; resume the "
                               "sweep first (a tornado from the data is shown instead)")
    for name, y in outputs:
        _sensitivity(result, design, name, y, complete)
    for t in targets:
        result["discovery"] += _discovery(rows, factors, t, max_boxes)
    return clean(result)


def _factors(design: Design, rows: pd.DataFrame) -> list[str]:
    """Columns describing the inputs: parameters, plus strategy when more than one ran."""
    cols = list(design.names)
    if rows["strategy"].nunique() > 1 and not any(p in cols for p in STRATEGY_PATHS):
        cols.append("strategy")
    return cols


def _outputs(rows: pd.DataFrame, targets: list[str]) -> Any:
    """(output name, Series of per-point share met, indexed by point) per target x strategy."""
    strategies = list(dict.fromkeys(rows["strategy"]))
    for t in targets:
        for s in strategies:
            sub = rows[rows["strategy"] == s]
            name = t if len(strategies) == 1 else f"{t} [{s}]"
            yield name, sub.groupby("point")[MET_PREFIX + t].mean().astype(float)


def _target_summary(rows: pd.DataFrame, t: str, factors: list[str], bins: int) -> dict:
    met = rows[MET_PREFIX + t].to_numpy(dtype=bool)
    by = outcome_probability(rows[factors], met, by=factors, bins=bins)
    by_strategy = rows.groupby("strategy", sort=False)[MET_PREFIX + t].mean()
    return {"probability": float(met.mean()), "runs": int(met.size),
            "by_strategy": {str(k): float(v) for k, v in by_strategy.items()},
            "by_parameter": by.to_dict(orient="records")}


def _sensitivity(result: dict[str, Any], design: Design, name: str, y: pd.Series,
                 complete: bool) -> None:
    if design.method == "sobol" and complete:
        df = sobol_indices(design, y.sort_index().to_numpy())
        result["sobol"] += [{"output": name, **r} for r in df.to_dict(orient="records")]
    elif design.method == "morris" and complete:
        df = morris_indices(design, y.sort_index().to_numpy())
        result["morris"] += [{"output": name, **r} for r in df.to_dict(orient="records")]
    else:
        df = tornado(design, _estimator(design, y))
        result["tornado"] += [{"output": name, **r} for r in df.to_dict(orient="records")]


def _estimator(design: Design, y: pd.Series, share: float = 0.25
               ) -> Callable[[dict[str, Any]], float]:
    """Outcome at a one-at-a-time move, estimated from the sweep data: the mean of ``y``
    over the points whose value of the moved parameter is among the nearest ``share``
    of points (the same level, for labels). With nothing moved: the mean of all points."""
    points = design.points.set_index("point").loc[y.index]
    start = {p.path: p.central for p in design.params}
    values = y.to_numpy(dtype=float)

    def evaluate(at: dict[str, Any]) -> float:
        moved = [k for k, v in at.items() if v != start.get(k)]
        if not moved:
            return float(values.mean())
        col = points[moved[0]]
        if not pd.api.types.is_numeric_dtype(col):
            mask = (col == at[moved[0]]).to_numpy()
        else:
            dist = np.abs(col.to_numpy(dtype=float) - float(at[moved[0]]))
            k = max(1, math.ceil(share * len(dist)))
            mask = dist <= np.sort(dist)[k - 1]
        return float(values[mask].mean()) if mask.any() else float("nan")

    return evaluate


def _discovery(rows: pd.DataFrame, factors: list[str], t: str, max_boxes: int) -> list[dict]:
    fails = ~rows[MET_PREFIX + t].to_numpy(dtype=bool)
    if fails.all() or not fails.any():
        return []
    boxes = discover(rows[factors].reset_index(drop=True), fails, max_boxes=max_boxes)
    return [{"target": t, "sentence": b.describe(t, fails=True), "coverage": b.coverage,
             "density": b.density, "conditions": b.conditions()} for b in boxes]


# --------------------------------------------------------------------------- sections

SECTIONS = ("targets", "sobol", "morris", "tornado", "discovery")


def section_frames(result: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Each non-empty section of an analysis as a table."""
    frames: dict[str, pd.DataFrame] = {}
    targets = [{"target": t, "probability": v["probability"], "runs": v["runs"],
                **{f"p ({s})": p for s, p in v["by_strategy"].items()}}
               for t, v in result["targets"].items()]
    by_param = [{"target": t, **r} for t, v in result["targets"].items()
                for r in v["by_parameter"]]
    for name, data in (("targets", targets), ("probability by parameter", by_param),
                       *((s, result[s]) for s in SECTIONS[1:])):
        if data:
            df = pd.DataFrame(data)
            frames[name] = df.drop(columns=["conditions"], errors="ignore")
    return frames
