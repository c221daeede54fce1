"""Sensitivity analysis: Sobol on Ishigami, Morris screening, tornado, probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from mktsim.params import Parameter, parse_params
from mktsim.sweep.designs import Design, make_design
from mktsim.sweep.sensitivity import (
    morris_indices,
    outcome_probability,
    sobol_indices,
    tornado,
)

ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.fixture(scope="module")
def ishigami_result() -> pd.DataFrame:
    params = [Parameter.from_dist(f"x{i}", "uniform", [-np.pi, np.pi]) for i in (1, 2, 3)]
    design = make_design("sobol", params, 4096, seed=2024)
    y = ishigami(design.points[["x1", "x2", "x3"]].to_numpy())
    return sobol_indices(design, y, seed=1)


def test_sobol_columns(ishigami_result: pd.DataFrame) -> None:
    assert list(ishigami_result.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert ishigami_result["parameter"].tolist() == ["x1", "x2", "x3"]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_sobol_ishigami_matches_analytic(ishigami_result: pd.DataFrame, index: int) -> None:
    row = ishigami_result.iloc[index]
    for name, exact in (("S1", ISHIGAMI_S1[index]), ("ST", ISHIGAMI_ST[index])):
        tol = max(3 * row[f"{name}_conf"], 0.02)
        assert abs(row[name] - exact) <= tol, (name, row[name], exact, tol)


def test_sobol_needs_sobol_design_and_matching_outcomes() -> None:
    params = parse_params(["a=0:1", "b=0:1"])
    lhs = make_design("lhs", params, 10, seed=1)
    with pytest.raises(ValueError, match="need a sobol design"):
        sobol_indices(lhs, np.zeros(10), seed=0)
    design = make_design("sobol", params, 8, seed=1)
    with pytest.raises(ValueError, match="expected 32 outcomes"):
        sobol_indices(design, np.zeros(31), seed=0)
    with pytest.raises(ValueError, match="missing"):
        sobol_indices(design, np.full(32, np.nan), seed=0)


@pytest.fixture(scope="module")
def morris_design() -> Design:
    return make_design("morris", parse_params(["x1=0:1", "x2=0:1", "x3=0:1"]), 30, seed=7)


def test_morris_linear_function(morris_design: Design) -> None:
    x = morris_design.points
    y = (2 * x["x1"] + 0 * x["x2"] + 0.5 * x["x3"]).to_numpy()
    res = morris_indices(morris_design, y).set_index("parameter")
    assert list(res.columns) == ["mu", "mu_star", "mu_star_conf", "sigma"]
    assert res.index.tolist() == ["x1", "x3", "x2"]  # sorted by mu_star
    # Linear terms: every elementary effect equals the slope times the range.
    assert res.loc["x1", "mu_star"] == pytest.approx(2.0)
    assert res.loc["x3", "mu"] == pytest.approx(0.5)
    assert res.loc["x2", "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert res["sigma"].max() == pytest.approx(0.0, abs=1e-9)


def test_morris_detects_interaction(morris_design: Design) -> None:
    x = morris_design.points
    y = (x["x1"] * x["x2"]).to_numpy()
    res = morris_indices(morris_design, y).set_index("parameter")
    assert res.loc["x1", "sigma"] > 0.1 and res.loc["x2", "sigma"] > 0.1
    assert res.loc["x3", "mu_star"] == pytest.approx(0.0, abs=1e-12)


def test_morris_range_units() -> None:
    design = make_design("morris", parse_params(["cpm=30:60", "x=0:1"]), 10, seed=3)
    y = (0.1 * design.points["cpm"]).to_numpy()  # 0.1 per unit of cpm, range 30
    res = morris_indices(design, y).set_index("parameter")
    assert res.loc["cpm", "mu_star"] == pytest.approx(3.0)


# --------------------------------------------------------------------------- tornado


def _model(v: dict[str, Any]) -> float:
    bonus = {"lean": 0.0, "balanced": 4.0, "aggressive": -2.0}[v["strategy"]]
    return 10 * v["price"] - 0.5 * v["cpm"] + 3 * v["churn"] + bonus


def test_tornado_orders_by_swing() -> None:
    params = parse_params(
        ["cpm=30:60", "price=normal(10,1)", "churn=0:1", "strategy=lean,balanced,aggressive"]
    )
    base = {"cpm": 40.0, "price": 10.0, "churn": 0.5, "strategy": "lean"}
    calls: list[dict[str, Any]] = []

    def evaluate(v: dict[str, Any]) -> float:
        calls.append(dict(v))
        return _model(v)

    res = tornado(params, evaluate, base)
    assert list(res.columns) == [
        "parameter", "low_value", "high_value", "y_low", "y_high", "swing"
    ]  # fmt: skip
    assert res["parameter"].tolist() == ["price", "cpm", "strategy", "churn"]
    price = res.set_index("parameter").loc["price"]
    assert price["low_value"] == pytest.approx(10 - 1.6448536, rel=1e-6)
    assert price["swing"] == pytest.approx(10 * 2 * 1.6448536, rel=1e-6)
    cpm = res.set_index("parameter").loc["cpm"]
    assert (cpm["low_value"], cpm["high_value"]) == (30.0, 60.0)
    assert cpm["y_low"] > cpm["y_high"]  # higher cost lowers the outcome
    strategy = res.set_index("parameter").loc["strategy"]
    assert (strategy["low_value"], strategy["high_value"]) == ("aggressive", "balanced")
    assert strategy["swing"] == pytest.approx(6.0)
    assert res.attrs["y_base"] == pytest.approx(_model(base))
    # one parameter moves at a time, the others stay at base
    for call in calls:
        assert sum(call[k] != base[k] for k in base) <= 1


def test_tornado_fills_missing_base_with_central_values() -> None:
    design = make_design("lhs", parse_params(["a=0:10", "b=normal(5,1)"]), 8, seed=1)
    seen: list[dict[str, Any]] = []

    def evaluate(v: dict[str, Any]) -> float:
        seen.append(v)
        return float(v["a"] + v["b"])

    res = tornado(design, evaluate, {})
    assert seen[-1] == {"a": pytest.approx(5.0), "b": pytest.approx(5.0)}
    assert res["parameter"].tolist() == ["a", "b"]


# --------------------------------------------------------------------------- probabilities


def test_outcome_probability_by_level_and_band() -> None:
    params = parse_params(["x=0:1", "s=a,b"])
    pts = make_design("lhs", params, 400, seed=5).points
    outcome = (pts["x"] > 0.5) & (pts["s"] == "a")
    res = outcome_probability(pts, outcome.to_numpy())
    assert list(res.columns) == ["parameter", "level", "low", "high", "runs", "probability"]
    s = res[res["parameter"] == "s"].set_index("level")
    assert s.loc["a", "probability"] == pytest.approx(outcome[pts["s"] == "a"].mean())
    assert s.loc["b", "probability"] == 0.0
    x = res[res["parameter"] == "x"]
    assert len(x) == 4 and x["runs"].sum() == 400
    assert x["probability"].iloc[:2].max() == 0.0 and x["probability"].iloc[2:].min() > 0.3
    assert x["low"].iloc[0] == pytest.approx(pts["x"].min())
    assert x["high"].iloc[-1] == pytest.approx(pts["x"].max())


def test_outcome_probability_selected_columns_and_length_check() -> None:
    pts = pd.DataFrame({"point": range(6), "n": [1, 1, 2, 2, 3, 3], "z": range(6)})
    res = outcome_probability(pts, [True, False, True, True, False, False], by=["n"])
    assert res["level"].tolist() == ["1", "2", "3"]
    assert res["probability"].tolist() == [0.5, 1.0, 0.0]
    with pytest.raises(ValueError, match="expected 6 outcomes"):
        outcome_probability(pts, [True])
