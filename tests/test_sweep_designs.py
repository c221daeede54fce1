"""Sweep designs: shapes, bounds, stratification, reproducibility, manifests."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mktsim.params import Parameter, ParamSpecError, parse_params
from mktsim.sweep.designs import (
    MORRIS_WINDOW,
    Design,
    Method,
    grid,
    latin_hypercube,
    make_design,
    monte_carlo,
    morris,
    sobol,
)

SPECS = [
    "channels.kol.cost.cpm=30:60",
    "strategy.name=lean,balanced,aggressive",
    "market.size=normal(40,5)",
    "market.segments.young.churn_per_year=beta(2,3,10%,40%)",
]
PATHS = [s.split("=")[0] for s in SPECS]
METHODS = [("grid", 3), ("mc", 50), ("lhs", 50), ("sobol", 16), ("morris", 6)]


@pytest.fixture(scope="module")
def params() -> list[Parameter]:
    return parse_params(SPECS)


def _expected_rows(method: str, samples: int, d: int) -> int:
    return {
        "grid": samples * 3 * samples * samples,  # range, 3 levels, two distributions
        "mc": samples,
        "lhs": samples,
        "sobol": samples * (d + 2),
        "morris": samples * (d + 1),
    }[method]


@pytest.mark.parametrize(("method", "samples"), METHODS)
def test_columns_and_counts(params: list[Parameter], method: Method, samples: int) -> None:
    design = make_design(method, params, samples, seed=11)
    pts = design.points
    assert list(pts.columns) == ["point", *PATHS]
    n = _expected_rows(method, samples, len(params))
    assert len(pts) == n and design.unit.shape == (n, len(params))
    assert pts["point"].tolist() == list(range(n))
    assert pd.api.types.is_integer_dtype(pts["point"])
    assert design.problem["names"] == PATHS
    assert design.problem["num_vars"] == len(params)


@pytest.mark.parametrize(("method", "samples"), METHODS)
def test_values_respect_bounds(params: list[Parameter], method: Method, samples: int) -> None:
    pts = make_design(method, params, samples, seed=5).points
    cpm = pts["channels.kol.cost.cpm"]
    assert cpm.between(30, 60).all()
    assert set(pts["strategy.name"]) <= {"lean", "balanced", "aggressive"}
    churn = pts["market.segments.young.churn_per_year"]
    assert churn.between(0.1, 0.4).all()
    assert np.isfinite(pts["market.size"]).all()


def test_categorical_labels_all_appear(params: list[Parameter]) -> None:
    pts = monte_carlo(params, 300, seed=1)
    assert set(pts["strategy.name"]) == {"lean", "balanced", "aggressive"}
    assert not pd.api.types.is_numeric_dtype(pts["strategy.name"])


def test_grid_values(params: list[Parameter]) -> None:
    pts = grid(params, 5)
    assert sorted(set(pts["channels.kol.cost.cpm"])) == pytest.approx([30, 37.5, 45, 52.5, 60])
    expected = 40 + 5 * np.array([-1.2815516, -0.5244005, 0.0, 0.5244005, 1.2815516])
    assert sorted(set(pts["market.size"])) == pytest.approx(expected, rel=1e-6)
    assert pts["strategy.name"].value_counts().to_dict() == {
        "lean": 125,
        "balanced": 125,
        "aggressive": 125,
    }
    combos = pts[PATHS].astype(str).drop_duplicates()
    assert len(combos) == len(pts)  # full factorial: every combination once


def test_grid_needs_two_values_per_range(params: list[Parameter]) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        grid(params, 1)


@pytest.mark.parametrize("n", [7, 40, 200])
def test_lhs_stratification(n: int) -> None:
    ps = parse_params(["a=0:1", "b=-10:10", "c=uniform(5,6)"])
    design = make_design("lhs", ps, n, seed=3)
    for j in range(3):
        strata = np.floor(design.unit[:, j] * n).astype(int)
        assert sorted(strata) == list(range(n))
    a_strata = np.floor(design.points["a"].to_numpy() * n).astype(int)
    assert sorted(a_strata) == list(range(n))


@pytest.mark.parametrize(("method", "samples"), METHODS[1:])
def test_same_seed_same_design_different_seed_differs(
    params: list[Parameter], method: Method, samples: int
) -> None:
    a = make_design(method, params, samples, seed=42)
    b = make_design(method, params, samples, seed=42)
    c = make_design(method, params, samples, seed=43)
    pd.testing.assert_frame_equal(a.points, b.points)
    np.testing.assert_array_equal(a.unit, b.unit)
    assert not np.array_equal(a.unit, c.unit)


def test_generator_seed_is_accepted(params: list[Parameter]) -> None:
    a = make_design("mc", params, 10, seed=np.random.default_rng(9))
    b = make_design("mc", params, 10, seed=np.random.default_rng(9))
    np.testing.assert_array_equal(a.unit, b.unit)
    assert a.seed is None


def test_sampling_does_not_touch_global_state(params: list[Parameter]) -> None:
    np.random.seed(123)
    before = np.random.random()
    np.random.seed(123)
    latin_hypercube(params, 20, seed=1)
    sobol(params, 8, seed=1)
    assert np.random.random() == before


@pytest.mark.parametrize(("method", "samples"), METHODS)
def test_manifest_round_trip(params: list[Parameter], method: Method, samples: int) -> None:
    design = make_design(method, params, samples, seed=8)
    text = json.dumps(design.to_manifest())
    back = Design.from_manifest(json.loads(text))
    assert back.method == design.method and back.seed == 8 and back.samples == samples
    assert back.params == design.params
    assert back.problem == design.problem
    np.testing.assert_array_equal(back.unit, design.unit)
    pd.testing.assert_frame_equal(back.points, design.points)


def test_sobol_problem_bounds(params: list[Parameter]) -> None:
    frame = sobol(params, 8, seed=2)
    problem = frame.attrs["problem"]
    assert problem["bounds"] == [[30.0, 60.0], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0]]


def test_sobol_saltelli_structure() -> None:
    ps = parse_params(["a=0:1", "b=0:1"])
    unit = make_design("sobol", ps, 8, seed=4).unit.reshape(8, 4, 2)
    a_rows, ab1, ab2, b_rows = unit[:, 0], unit[:, 1], unit[:, 2], unit[:, 3]
    np.testing.assert_array_equal(ab1[:, 0], b_rows[:, 0])  # column 0 from B
    np.testing.assert_array_equal(ab1[:, 1], a_rows[:, 1])
    np.testing.assert_array_equal(ab2[:, 1], b_rows[:, 1])
    np.testing.assert_array_equal(ab2[:, 0], a_rows[:, 0])


def test_morris_distributions_stay_in_window(params: list[Parameter]) -> None:
    pts = morris(params, 10, seed=3)
    lo, hi = (40 + 5 * np.array([-1.6448536, 1.6448536])).tolist()
    assert MORRIS_WINDOW == (0.05, 0.95)
    assert pts["market.size"].min() == pytest.approx(lo, rel=1e-6)
    assert pts["market.size"].max() == pytest.approx(hi, rel=1e-6)
    assert set(pts["channels.kol.cost.cpm"]) <= {30.0, 40.0, 50.0, 60.0}


def test_sampler_functions_match_make_design(params: list[Parameter]) -> None:
    pd.testing.assert_frame_equal(
        latin_hypercube(params, 12, seed=6), make_design("lhs", params, 12, seed=6).points
    )
    assert len(monte_carlo(params, 12, seed=6)) == 12


def test_bad_inputs(params: list[Parameter]) -> None:
    with pytest.raises(ValueError, match="unknown design method"):
        make_design("random", params, 5, seed=1)
    with pytest.raises(ParamSpecError, match="more than once"):
        make_design("mc", [*params, params[0]], 5, seed=1)
    with pytest.raises(ParamSpecError, match="at least one parameter"):
        make_design("mc", [], 5, seed=1)
    with pytest.raises(ValueError, match="at least 1"):
        make_design("mc", params, 0, seed=1)
