"""The normal quantile and distribution function computed without scipy give scipy's
numbers bit for bit (the run's draws and derived KPIs depend on them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtr as scipy_ndtr
from scipy.special import ndtri as scipy_ndtri

from mktsim.params import normal_quantile as module
from mktsim.params.distributions import ndtri
from mktsim.params.normal_cdf import ndtr, normal_cdf
from mktsim.params.normal_quantile import normal_quantile

EDGES = np.array([0.0, 1.0, -0.1, 1.1, np.nan, np.inf, -np.inf, 5e-324, 1e-310, 1e-300,
                  np.exp(-32.0), np.nextafter(np.exp(-32.0), 1.0), np.nextafter(1.0, 0.0),
                  0.5, 0.13533528323661269189, 1.0 - 0.13533528323661269189])


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal bit for bit, nan where the other is nan."""
    return bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def test_quantile_is_scipys_on_every_branch() -> None:
    rng = np.random.default_rng(22)
    u = np.concatenate([rng.random(100_000), rng.random(20_000) * 0.2,
                        1.0 - rng.random(20_000) * 0.2, np.exp(-rng.random(20_000) * 700.0),
                        1.0 - np.exp(-rng.random(10_000) * 36.0), EDGES])
    assert same(normal_quantile(u), scipy_ndtri(u))


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0))
def test_quantile_of_any_probability_is_scipys(u: float) -> None:
    assert same(normal_quantile(np.array([u])), scipy_ndtri(np.array([u])))


def test_quantile_keeps_the_shape() -> None:
    u = np.random.default_rng(3).random((4, 5))
    assert normal_quantile(u).shape == (4, 5)
    assert same(ndtri(u), scipy_ndtri(u))


def test_cdf_is_scipys_on_every_branch() -> None:
    rng = np.random.default_rng(22)
    a = np.concatenate([rng.normal(size=100_000) * 3.0, rng.normal(size=20_000) * 15.0,
                        rng.random(20_000) * 80.0 - 40.0,
                        np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1e-300, -5e-324, 1.0,
                                  -1.0, np.sqrt(2.0), -np.sqrt(2.0), 8.0 * np.sqrt(2.0),
                                  -8.0 * np.sqrt(2.0), 37.519379347, -37.519379347, -38.0,
                                  38.0, 1e308, -1e308])])
    assert same(normal_cdf(a), scipy_ndtr(a))
    assert normal_cdf(a.reshape(-1, 1)).shape == (a.size, 1)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False))
def test_cdf_of_any_number_is_scipys(a: float) -> None:
    assert same(normal_cdf(np.array([a])), scipy_ndtr(np.array([a])))


def test_compiled_net_promoter_score_is_scipys_arithmetic() -> None:
    """The derived KPIs' compiled NPS (`model.satisfaction._nps`, its own ndtr) gives the
    numbers of scipy's ndtr in numpy's arithmetic, bit for bit, on every branch."""
    from mktsim.model.satisfaction import SATISFACTION as M
    from mktsim.model.satisfaction import net_promoter_score

    rng = np.random.default_rng(23)
    sd = M.dispersion
    s = np.concatenate([rng.random(200_000) * 20.0 - 5.0, rng.normal(size=50_000) * 40.0,
                        np.array([np.nan, np.inf, -np.inf, 0.0, 10.0, M.promoter_cut,
                                  M.detractor_cut, M.promoter_cut - sd * np.sqrt(2.0),
                                  M.detractor_cut + 8.0 * sd * np.sqrt(2.0), 1e308])])
    expected = 100.0 * ((1.0 - scipy_ndtr((M.promoter_cut - s) / sd))
                        - scipy_ndtr((M.detractor_cut - s) / sd))
    assert same(net_promoter_score(s), expected)
    assert net_promoter_score(s.reshape(-1, 2)).shape == (s.size // 2, 2)
    assert net_promoter_score(7.0).shape == ()


def test_scipy_is_imported_only_once_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without scipy.special loaded, values are computed here until NUMPY_BUDGET of them
    have been; loaded, scipy computes them. Either way the numbers are scipy's."""
    monkeypatch.delitem(sys.modules, "scipy.special")
    monkeypatch.setattr(module, "_computed", [0])
    assert not module.scipy_pays(module.NUMPY_BUDGET)
    assert module.scipy_pays(1)
    monkeypatch.setattr(module, "_computed", [0])
    a = np.linspace(-9.0, 9.0, 101)
    assert same(ndtr(a), scipy_ndtr(a))
    assert module._computed == [a.size]
    monkeypatch.undo()
    assert module.scipy_pays(1)  # scipy.special is loaded again


_FRESH_RUN = """
import sys, tempfile
from pathlib import Path
from bit_identical_cases import cases, reference, same as same_numbers
with tempfile.TemporaryDirectory() as tmp:
    name = "smart_band/digital_first/sampled"
    same = same_numbers(cases(Path(tmp))[name](), reference()[name])
print(repr((same, "scipy.special" in sys.modules)))
"""


def test_a_run_without_scipy_special_gives_the_recorded_numbers() -> None:
    """In a fresh process (scipy.special never loaded) a run drawing normal and lognormal
    values gives the arrays recorded with scipy's functions, bit for bit."""
    tests = Path(__file__).resolve().parent
    done = subprocess.run([sys.executable, "-c", _FRESH_RUN], capture_output=True,
                          text=True, cwd=tests, check=True)
    assert done.stdout.strip().splitlines()[-1] == repr((True, False))
