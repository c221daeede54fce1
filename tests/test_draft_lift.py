"""A lift prior centred on the history (`benchmarks/lift_reading.py`, measured and not
drafted: `history.draft` centres each channel's lift on its money's share of the media
effect alone): the money share's centre moved towards a least-squares reading of the
history as far as the reading is precise."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mktsim.history.draft import RETENTION_PRIOR, channel_saturation, draft
from mktsim.history.draft_init import read_any_history
from mktsim.history.draft_text import model_level

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from lift_reading import MAX_MOVE_SDS, LiftReading, centred_lift, read_lifts, recentred
from synthetic_history import pymc


def _start_over_truth(seed: int, tmp_path: Path) -> dict[str, float]:
    """Each channel's effect over the window at the drafted prior's centre (lift x the
    drafted baseline x its saturation at the drafted retention, summed) over its truth,
    on PyMC-Marketing's example history of `seed`."""
    synthetic = pymc(seed)
    history = read_any_history(synthetic.write_csv(tmp_path / f"h{seed}.csv"))
    d = recentred(draft(history, "h.csv", "revenue"))
    baseline = d.level * 0.7 * 7.0
    out = {}
    for c in d.channels:
        saturation = channel_saturation(history, c, RETENTION_PRIOR[c.type][1])
        out[c.name] = c.lift * baseline * saturation.sum() / synthetic.truth.contributions[
            c.name]
    return out


@pytest.mark.parametrize("seed", [3, 6])
def test_the_prior_centre_gives_each_channel_about_its_true_effect(seed: int,
                                                                   tmp_path: Path) -> None:
    # x1 earns about twice per money what x2 does; split by money, x1's centre was about
    # half its truth and x2's 1.2-1.5 times (the fit's search starts there and can stop
    # short of the optimum on the simulation's graininess)
    ratios = _start_over_truth(seed, tmp_path)
    assert set(ratios) == {"x1", "x2"}
    for name, ratio in ratios.items():
        assert 0.8 < ratio < 1.2, (name, ratio)


def test_a_flat_kpi_gives_no_reading() -> None:
    n = 60
    rng = np.random.default_rng(1)
    sat = {"tv": rng.uniform(0, 1, n)}
    assert read_lifts(np.full(n, 1e6), [np.ones(n)], sat, np.full(n, 7e5), n) == {}


def test_a_reading_recovers_a_known_linear_effect() -> None:
    n = 120
    rng = np.random.default_rng(2)
    tv, search = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    kpi = 700.0 * (1 + 0.4 * tv + 0.1 * search) + rng.normal(0, 5.0, n)
    readings = read_lifts(kpi, [np.ones(n)], {"tv": tv, "search": search},
                          np.full(n, 700.0), n)
    assert readings["tv"].lift == pytest.approx(0.4, rel=0.05)
    assert readings["search"].lift == pytest.approx(0.1, rel=0.2)
    assert readings["tv"].log_se < readings["search"].log_se


def test_the_day_zero_level_stays_the_historys(tmp_path: Path) -> None:
    synthetic = pymc(4)
    history = read_any_history(synthetic.write_csv(tmp_path / "h.csv"))
    d = recentred(draft(history, "h.csv", "revenue"))
    assert model_level(d) == pytest.approx(d.level, rel=0.01)


@given(share=st.floats(0.01, 10.0), reading=st.floats(0.001, 100.0),
       log_se=st.floats(0.001, 5.0), sd=st.floats(0.1, 2.0))
def test_the_centre_lies_between_share_and_reading_within_the_cap(
        share: float, reading: float, log_se: float, sd: float) -> None:
    centre = centred_lift(share, LiftReading(reading, log_se), sd)
    low, high = sorted((share, reading))
    assert low * (1 - 1e-9) <= centre <= high * (1 + 1e-9)
    assert abs(math.log(centre / share)) <= MAX_MOVE_SDS * sd + 1e-9
    # the more precise reading moves the centre further
    closer = centred_lift(share, LiftReading(reading, log_se / 2), sd)
    assert abs(math.log(closer / reading)) <= abs(math.log(centre / reading)) + 1e-9


def test_no_reading_keeps_the_money_share() -> None:
    assert centred_lift(0.7, None, 0.5) == 0.7
    assert centred_lift(0.7, LiftReading(0.0, 0.1), 0.5) == 0.7
