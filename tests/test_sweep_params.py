"""Parameter specifications: CLI syntax, design mappings, value mapping."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from mktsim.params import (
    ACCEPTED_FORMS,
    DISTRIBUTIONS,
    KINDS,
    Parameter,
    ParamSpecError,
    format_number,
    parse_design_mapping,
    parse_number,
    parse_param,
    parse_params,
)

# --------------------------------------------------------------------------- accepted forms


@pytest.mark.parametrize(
    ("spec", "path", "low", "high"),
    [
        ("channels.kol.cost.cpm=30:60", "channels.kol.cost.cpm", 30.0, 60.0),
        ("a.b=1_000:2_500", "a.b", 1000.0, 2500.0),
        (
            "market.segments.young.churn_per_year=10%:45%",
            "market.segments.young.churn_per_year",
            0.10,
            0.45,
        ),
        ("x=-5:5", "x", -5.0, 5.0),
        ("x = 1.5e3 : 2e3", "x", 1500.0, 2000.0),
        ("plan.waves.0.budget=.5:1", "plan.waves.0.budget", 0.5, 1.0),
    ],
)
def test_range_forms(spec: str, path: str, low: float, high: float) -> None:
    p = parse_param(spec)
    assert (p.kind, p.path) == ("range", path)
    assert p.low == pytest.approx(low) and p.high == pytest.approx(high)
    assert p.bounds == (p.low, p.high)
    assert not p.is_categorical


@pytest.mark.parametrize(
    ("spec", "levels", "categorical"),
    [
        ("strategy.name=aggressive,balanced,lean", ("aggressive", "balanced", "lean"), True),
        ("x=5", (5,), False),
        ("x=1,2.5,30%,1_000", (1, 2.5, 0.3, 1000), False),
        ("x= plan-b , 'plan c', 3", ("plan-b", "plan c", 3), True),
    ],
)
def test_level_forms(spec: str, levels: tuple[object, ...], categorical: bool) -> None:
    p = parse_param(spec)
    assert p.kind == "levels"
    if categorical:
        assert p.levels == levels
    else:
        assert p.levels == pytest.approx(levels)
    assert p.is_categorical is categorical
    assert p.bounds == (0.0, 1.0)


def test_integer_levels_stay_integers() -> None:
    p = parse_param("x=1,2,3")
    assert all(type(v) is int for v in p.levels)


@pytest.mark.parametrize(
    ("spec", "dist", "args"),
    [
        ("x=normal(40,5)", "normal", (40.0, 5.0)),
        ("x=Normal( 40 , 5 )", "normal", (40.0, 5.0)),
        ("x=lognormal(0,0.5)", "lognormal", (0.0, 0.5)),
        ("x=uniform(1_000,2_000)", "uniform", (1000.0, 2000.0)),
        ("x=triangular(1,2,4)", "triangular", (1.0, 2.0, 4.0)),
        ("x=triangular(1,1,4)", "triangular", (1.0, 1.0, 4.0)),
        ("x=beta(2,3)", "beta", (2.0, 3.0)),
        ("x=beta(2,3,10%,40%)", "beta", (2.0, 3.0, 0.1, 0.4)),
    ],
)
def test_distribution_forms(spec: str, dist: str, args: tuple[float, ...]) -> None:
    p = parse_param(spec)
    assert (p.kind, p.dist) == ("distribution", dist)
    assert p.dist_args == pytest.approx(args)
    assert p.bounds == (0.0, 1.0)


def test_numbers() -> None:
    assert parse_number("1_000") == 1000 and isinstance(parse_number("1_000"), int)
    assert parse_number("30%") == pytest.approx(0.3)
    assert parse_number("-2.5e-1") == pytest.approx(-0.25)
    for bad in ("nan", "inf", "1__0", "1e", "abc", "5%%"):
        with pytest.raises(ParamSpecError):
            parse_number(bad)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("spec", "phrase"),
    [
        ("channels.kol.cost.cpm=30-60", "expected PATH=LOW:HIGH, PATH=a,b,c or PATH=dist(args)"),
        ("channels.kol.cost.cpm=30-60", "--param 'channels.kol.cost.cpm=30-60'"),
        ("no_equals_sign", "expected PATH=LOW:HIGH"),
        ("x=", "nothing after '='"),
        ("x=60:30", "must be below HIGH"),
        ("x=5:5", "must be below HIGH"),
        ("x=1:2:3", "exactly one ':'"),
        ("x=a:60", "'a' is not a number"),
        ("x=nan:1", "'nan' is not a number"),
        ("x=normal(40,0)", "sigma must be > 0"),
        ("x=lognormal(1,-1)", "sigma must be > 0"),
        ("x=normal(40)", "takes 2 numbers, got 1"),
        ("x=normal()", "takes 2 numbers, got 0"),
        ("x=uniform(5,1)", "a must be below b"),
        ("x=triangular(1,5,4)", "low <= mode <= high"),
        ("x=triangular(2,2,2)", "low < high"),
        ("x=beta(0,2)", "a and b must be > 0"),
        ("x=beta(2,3,5,1)", "low must be below high"),
        ("x=beta(2,3,5)", "takes 2 numbers, got 3"),
        ("x=gamma(1,2)", "unknown distribution 'gamma'"),
        ("x=normal(40,abc)", "'abc' is not a number"),
        ("x=normal(40,5", "expected PATH=LOW:HIGH"),
        ("x=a,,b", "empty level"),
        ("x=a,b,a", "listed twice"),
        (".x=1:2", "bad path"),
        ("x..y=1:2", "bad path"),
        ("1x=1:2", "bad path"),
        ("x-y=1:2", "bad path"),
        ("=1:2", "bad path"),
        ("x=__import__('os').system('true')", "unknown distribution '__import__'"),
        ("x=open('f')", "unknown distribution 'open'"),
    ],
)
def test_bad_specs(spec: str, phrase: str) -> None:
    with pytest.raises(ParamSpecError) as err:
        parse_param(spec)
    message = str(err.value)
    assert phrase in message
    assert "\n" not in message
    assert message.startswith(f"--param '{spec}':")


def test_param_spec_error_is_value_error() -> None:
    assert issubclass(ParamSpecError, ValueError)


def test_duplicate_paths_rejected() -> None:
    with pytest.raises(ParamSpecError, match="more than once"):
        parse_params(["x=1:2", "y=a,b", "x=normal(1,2)"])
    assert [p.path for p in parse_params(["x=1:2", "y=a,b"])] == ["x", "y"]


def test_direct_construction_is_validated() -> None:
    with pytest.raises(ParamSpecError):
        Parameter.from_range("x", 2, 1)
    with pytest.raises(ParamSpecError):
        Parameter("x", "levels")
    with pytest.raises(ParamSpecError):
        Parameter.from_dist("x", "normal", [0, -1])


# --------------------------------------------------------------------------- ppf


def test_range_ppf_is_linear() -> None:
    p = parse_param("x=30:60")
    np.testing.assert_allclose(p.ppf(np.array([0.0, 0.25, 0.5, 1.0])), [30, 37.5, 45, 60])


def test_levels_ppf_returns_labels() -> None:
    p = parse_param("s=lean,balanced,aggressive")
    u = np.array([0.0, 0.33, 0.34, 0.66, 0.67, 0.999, 1.0])
    assert list(p.ppf(u)) == ["lean"] * 2 + ["balanced"] * 2 + ["aggressive"] * 3


def test_numeric_levels_ppf_returns_values() -> None:
    p = parse_param("x=10,20")
    out = p.ppf(np.array([0.1, 0.9]))
    assert out.dtype.kind in "if" and list(out) == [10, 20]


@pytest.mark.parametrize(
    ("spec", "frozen"),
    [
        ("x=normal(40,5)", stats.norm(40, 5)),
        ("x=lognormal(1,0.5)", stats.lognorm(s=0.5, scale=math.e)),
        ("x=uniform(2,6)", stats.uniform(2, 4)),
        ("x=triangular(1,2,4)", stats.triang(c=1 / 3, loc=1, scale=3)),
        ("x=beta(2,5)", stats.beta(2, 5)),
        ("x=beta(2,5,10,20)", stats.beta(2, 5, loc=10, scale=10)),
    ],
)
def test_distribution_ppf_matches_scipy(spec: str, frozen: object) -> None:
    u = np.linspace(0.01, 0.99, 25)
    np.testing.assert_allclose(parse_param(spec).ppf(u), frozen.ppf(u))


def test_distribution_ppf_is_finite_at_the_ends() -> None:
    out = parse_param("x=normal(0,1)").ppf(np.array([0.0, 1.0]))
    assert np.all(np.isfinite(out)) and out[0] < -6 and out[1] > 6


def test_lognormal_uses_underlying_normal() -> None:
    p = parse_param("x=lognormal(2,0.3)")
    assert p.percentile(0.5) == pytest.approx(math.exp(2))


def test_central_values() -> None:
    assert parse_param("x=30:60").central == pytest.approx(45)
    assert parse_param("x=normal(40,5)").central == pytest.approx(40)
    assert parse_param("x=b,a").central == "b"
    assert parse_param("x=3,1,2").central == 2


# --------------------------------------------------------------------------- design mappings


def test_design_mapping_forms() -> None:
    params = parse_design_mapping(
        {
            "channels.kol.cost.cpm": {"range": [30, 60]},
            "strategy.name": {"levels": ["lean", "aggressive"]},
            "market.size": {"dist": "normal", "args": [40, 5]},
            "market.growth": "normal(0.05, 0.01)",
            "channels.tv.cost.cpm": "30:60",
            "budget.split": "20%:40%",
            "a.b": {"range": ["1_000", "2_000"]},
            "a.c": {"dist": "triangular(1,2,3)"},
            "a.d": [1, 2, 3],
            "a.e": 7,
        }
    )
    by = {p.path: p for p in params}
    assert by["channels.kol.cost.cpm"].bounds == (30.0, 60.0)
    assert by["strategy.name"].levels == ("lean", "aggressive")
    assert by["market.size"].dist_args == (40.0, 5.0)
    assert by["market.growth"].dist == "normal"
    assert by["channels.tv.cost.cpm"].kind == "range"
    assert by["budget.split"].bounds == pytest.approx((0.2, 0.4))
    assert by["a.b"].bounds == (1000.0, 2000.0)
    assert by["a.c"].dist == "triangular"
    assert by["a.d"].levels == (1, 2, 3)
    assert by["a.e"].levels == (7,)


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ({"range": [60, 30]}, "must be below HIGH"),
        ({"range": [1, 2, 3]}, "range must be [LOW, HIGH]"),
        ({"levels": []}, "at least one level"),
        ({"dist": "normal", "args": [1, -1]}, "sigma must be > 0"),
        ({"dist": "weibull", "args": [1]}, "unknown distribution"),
        ({"dist": "normal", "args": 5}, "args must be a list"),
        ({"rnage": [1, 2]}, "unexpected keys"),
        ("30-60", "expected PATH=LOW:HIGH"),
        (None, "unsupported value"),
        (True, "unsupported value"),
    ],
)
def test_design_mapping_errors_name_the_key(value: object, phrase: str) -> None:
    with pytest.raises(ParamSpecError) as err:
        parse_design_mapping({"channels.kol.cost.cpm": value})
    assert str(err.value).startswith("uncertainty 'channels.kol.cost.cpm':")
    assert phrase in str(err.value)


def test_design_mapping_must_be_mapping() -> None:
    with pytest.raises(ParamSpecError):
        parse_design_mapping(["x=1:2"])


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    "spec",
    ["x.y=30:60", "x=a,b,c", "x=1,2.5", "x=normal(40,5)", "x=beta(2,3,1,9)", "x=plan b,c"],
)
def test_spec_and_dict_round_trip(spec: str) -> None:
    p = parse_param(spec)
    assert parse_param(p.to_spec()) == p
    assert Parameter.from_dict(p.to_dict()) == p


@given(
    low=st.floats(-1e6, 1e6, allow_nan=False),
    width=st.floats(1e-3, 1e6, allow_nan=False),
    u=st.floats(0, 1),
)
def test_range_round_trip_and_bounds(low: float, width: float, u: float) -> None:
    p = Parameter.from_range("x", low, low + width)
    assert parse_param(p.to_spec()) == p
    v = float(p.ppf(np.array([u]))[0])
    assert p.low is not None and p.high is not None
    assert p.low - 1e-9 * abs(p.high) <= v <= p.high + 1e-9 * abs(p.high)


def test_format_number() -> None:
    assert format_number(52.37) == "52"
    assert format_number(0.3067) == "0.31"
    assert format_number(1250) == "1250"
    assert format_number(0.70001) == "0.7"
    assert format_number(-0.0456) == "-0.046"
    assert format_number(0) == "0"


# --------------------------------------------------------------------------- registries

#: One specification of each registered kind and distribution (a new one needs a line).
KIND_SPECS = {"range": "x=1.5:2.5", "levels": "x=1,b", "distribution": "x=normal(1,2)",
              "draws": "x=draws(post.csv, c)"}
DISTRIBUTION_ARGS = {"normal": (40, 5), "lognormal": (1, 0.5), "uniform": (1, 3),
                     "triangular": (1, 2, 5), "beta": (2, 3)}


def test_every_kind_is_read_back_from_its_own_text() -> None:
    assert set(KIND_SPECS) == {str(k) for k in KINDS}
    for kind, spec in KIND_SPECS.items():
        p = parse_param(spec)
        assert p.kind == kind and p.rules is KINDS[p.kind]
        assert parse_param(p.to_spec()) == p
        assert p.to_dict()["kind"] == kind and type(p.to_dict()["kind"]) is str


def test_every_distribution_is_accepted_and_its_quantiles_rise() -> None:
    assert set(DISTRIBUTION_ARGS) == set(DISTRIBUTIONS)
    u = np.linspace(0.01, 0.99, 99)
    for name, args in DISTRIBUTION_ARGS.items():
        assert name in ACCEPTED_FORMS
        p = parse_param(f"x={name}({','.join(map(str, args))})")
        values = p.ppf(u)
        assert np.all(np.isfinite(values)) and np.all(np.diff(values) > 0)
        with pytest.raises(ParamSpecError, match=f"{name}\\("):
            parse_param(f"x={name}({','.join(['1'] * 7)})")
