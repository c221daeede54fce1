"""PRIM scenario discovery on synthetic sweeps with known failure regions."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from mktsim.params import Parameter, parse_params
from mktsim.sweep.designs import make_design
from mktsim.sweep.discovery import Box, discover, prim_box

PARAMS = parse_params(["x1=0:1", "x2=0:1", "x3=0:1", "strategy=lean,balanced,aggressive"])


def _sweep(seed: int, n: int = 2000) -> pd.DataFrame:
    return make_design("lhs", PARAMS, n, seed=seed).points


def _noisy(truth: pd.Series | np.ndarray, seed: int, rate: float = 0.05) -> np.ndarray:
    truth = np.asarray(truth, dtype=bool)
    flip = np.random.default_rng(seed).random(truth.size) < rate
    return np.where(flip, ~truth, truth)


def _corner(pts: pd.DataFrame) -> pd.Series:
    return (pts["x1"] > 0.7) & (pts["x2"] < 0.3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_prim_recovers_corner_box(seed: int) -> None:
    pts = _sweep(seed)
    boxes = discover(pts, _noisy(_corner(pts), seed + 50), PARAMS, threshold=0.9)
    assert boxes, "no box found"
    box = boxes[0]
    assert set(box.restrictions) == {"x1", "x2"}
    x1_low, x1_high = box.restrictions["x1"]
    x2_low, x2_high = box.restrictions["x2"]
    assert x1_low == pytest.approx(0.7, abs=0.05) and math.isinf(x1_high)
    assert math.isinf(x2_low) and x2_high == pytest.approx(0.3, abs=0.05)
    assert box.density > 0.85 and box.coverage > 0.55
    text = box.describe("sales_up", fails=True)
    assert text.startswith("the sales_up target fails in ")
    assert re.search(r"x1 > 0\.[67]\d?\b", text) and re.search(r"x2 < 0\.[23]\d?\b", text)
    assert "x3" not in text and "strategy" not in text


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_threshold_keeps_directions(seed: int) -> None:
    pts = _sweep(seed)
    box = discover(pts, _noisy(_corner(pts), seed + 50), PARAMS)[0]
    # Default favours coverage (density >= 0.8 x best): bounds may be a bit looser.
    assert set(box.restrictions) == {"x1", "x2"}
    assert box.restrictions["x1"][0] == pytest.approx(0.7, abs=0.1)
    assert box.restrictions["x2"][1] == pytest.approx(0.3, abs=0.1)
    assert "x1 > " in box.describe("t") and "x2 < " in box.describe("t")


def test_box_statistics_are_consistent() -> None:
    pts = _sweep(3)
    outcome = _noisy(_corner(pts), 9)
    box = discover(pts, outcome, PARAMS)[0]
    inside = box.contains(pts)
    assert box.runs == inside.sum() and box.hits == outcome[inside].sum()
    assert box.mass == pytest.approx(inside.mean())
    assert box.density == pytest.approx(outcome[inside].mean())
    assert box.coverage == pytest.approx(outcome[inside].sum() / outcome.sum())
    assert box.mass >= 0.05
    pct = f"{round(100 * box.density)}%"
    assert f"fails in {pct} of runs where" in box.describe("sales_up")
    assert f"density {pct})" in box.describe("sales_up")
    assert f"coverage {round(100 * box.coverage)}%" in box.describe("sales_up")


def test_categorical_restriction() -> None:
    pts = _sweep(4)
    truth = pts["strategy"].isin(["lean", "aggressive"]) & (pts["x3"] > 0.6)
    box = discover(pts, _noisy(truth, 4), PARAMS, threshold=0.9)[0]
    assert box.restrictions["strategy"] == frozenset({"lean", "aggressive"})
    assert box.restrictions["x3"][0] == pytest.approx(0.6, abs=0.05)
    text = box.describe("reach", fails=False)
    assert text.startswith("the reach target is met in ")
    assert "strategy is one of aggressive, lean" in text and "x3 > 0.6" in text


def test_single_level_and_between_wording() -> None:
    pts = _sweep(5)
    truth = (pts["strategy"] == "balanced") & pts["x1"].between(0.3, 0.7)
    box = discover(pts, _noisy(truth, 5, rate=0.02), PARAMS, threshold=0.9)[0]
    assert box.restrictions["strategy"] == frozenset({"balanced"})
    lo, hi = box.restrictions["x1"]
    assert lo == pytest.approx(0.3, abs=0.05) and hi == pytest.approx(0.7, abs=0.05)
    text = box.describe("profit")
    assert "strategy is balanced" in text and re.search(r"x1 is between 0\.\d+ and 0\.\d+", text)


@pytest.mark.parametrize("seed", [6, 11])
def test_covering_finds_second_box(seed: int) -> None:
    pts = _sweep(seed, n=3000)
    truth = _corner(pts) | (pts["x3"] > 0.85)  # two separate failure mechanisms
    boxes = discover(pts, _noisy(truth, seed, rate=0.02), PARAMS, threshold=0.9)
    assert 2 <= len(boxes) <= 3
    by_dims = {frozenset(b.restrictions): b for b in boxes[:2]}
    assert set(by_dims) == {frozenset({"x1", "x2"}), frozenset({"x3"})}
    slab = by_dims[frozenset({"x3"})].restrictions["x3"]
    assert slab[0] == pytest.approx(0.85, abs=0.05)
    corner = by_dims[frozenset({"x1", "x2"})].restrictions
    assert corner["x1"][0] == pytest.approx(0.7, abs=0.05)
    assert corner["x2"][1] == pytest.approx(0.3, abs=0.05)


def test_no_structure_gives_no_box() -> None:
    pts = _sweep(7)
    outcome = np.random.default_rng(7).random(len(pts)) < 0.2
    assert discover(pts, outcome, PARAMS) == []


def test_no_cases_gives_no_box() -> None:
    pts = _sweep(8, n=200)
    assert discover(pts, np.zeros(len(pts), dtype=bool), PARAMS) == []


def test_params_inferred_from_columns() -> None:
    pts = _sweep(9)
    truth = (pts["strategy"] == "lean") & (pts["x2"] > 0.5)
    box = prim_box(pts, _noisy(truth, 9, rate=0.02), threshold=0.9)
    assert box.restrictions["strategy"] == frozenset({"lean"})
    assert "point" not in box.restrictions


def test_outcome_length_checked() -> None:
    with pytest.raises(ValueError, match="one per run"):
        discover(_sweep(1, n=50), np.zeros(10, dtype=bool), PARAMS)


def test_describe_without_restrictions_and_number_format() -> None:
    box = Box({}, coverage=1.0, density=0.125, mass=1.0, runs=8, hits=1)
    assert box.describe("sales_up") == (
        "the sales_up target fails in 12% of all runs (coverage 100%, density 12%)"
    )
    box = Box(
        {"channels.kol.cost.cpm": (52.37, math.inf), "churn": (-math.inf, 0.3067)},
        coverage=0.71,
        density=0.83,
        mass=0.1,
        runs=10,
        hits=8,
    )
    assert box.describe("sales_up") == (
        "the sales_up target fails in 83% of runs where channels.kol.cost.cpm > 52 and "
        "churn < 0.31 (coverage 71%, density 83%)"
    )


def test_box_contains_uses_labels() -> None:
    pts = pd.DataFrame({"s": ["a", "b", "c"], "x": [0.1, 0.5, 0.9]})
    box = Box({"s": frozenset({"a", "c"}), "x": (0.2, math.inf)}, 0, 0, 0, 0, 0)
    assert box.contains(pts).tolist() == [False, False, True]


def test_numeric_levels_are_treated_as_numbers() -> None:
    params = [*PARAMS[:2], Parameter.from_levels("k", [1, 2, 3, 4])]
    pts = make_design("mc", params, 2000, seed=10).points
    truth = pts["k"] >= 3
    box = discover(pts, _noisy(truth, 10, rate=0.02), params, threshold=0.9)[0]
    lo, hi = box.restrictions["k"]
    assert 2 < lo < 3 and math.isinf(hi)


def test_unknown_level_is_reported() -> None:
    pts = _sweep(2, n=100)
    pts.loc[0, "strategy"] = "reckless"
    with pytest.raises(ValueError, match="not levels: reckless"):
        discover(pts, np.ones(len(pts), dtype=bool), PARAMS)
