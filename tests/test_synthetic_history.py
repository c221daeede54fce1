"""The generator of histories with a known truth (benchmarks/synthetic_history.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from mktsim.history.draft_init import read_any_history

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic_history import CHANNELS, additive, continued, drivers, generate


@pytest.fixture(scope="module")
def synthetic():
    return generate(seed=3, weeks=60, noise=0.05)


def test_same_seed_same_history_and_truth(synthetic) -> None:
    again = generate(seed=3, weeks=60, noise=0.05)
    for name, values in synthetic.columns.items():
        assert np.array_equal(values, again.columns[name]), name
    assert synthetic.truth.contributions == again.truth.contributions
    other = generate(seed=4, weeks=60, noise=0.05)
    assert not np.array_equal(other.columns["revenue"], synthetic.columns["revenue"])


def test_history_reads_back_with_every_kind_of_column(synthetic, tmp_path: Path) -> None:
    history = read_any_history(synthetic.write_csv(tmp_path / "h.csv"))
    assert history.n_periods == 60
    assert set(history.spend) == set(CHANNELS)
    assert set(history.controls) == {"price_index"} and set(history.events) == {"promo"}
    assert np.allclose(history.series["revenue"], synthetic.columns["revenue"])
    assert history.events["promo"].sum() == 2     # 618 and Double 11 of 2023


def test_truth_keeps_the_hill_curve_carried_daily_where_the_draft_steps_weekly(
        synthetic, tmp_path: Path) -> None:
    from mktsim.scenario.load import load_text

    truth = load_text(synthetic.scenario_text).spec.channels
    assert {(c.conversion.curve, c.adstock.step_days) for c in truth.values()} == {("hill", 1)}
    from mktsim.api import init_from_history

    drafted = load_text(Path(init_from_history(synthetic.write_csv(tmp_path / "h.csv"),
                                               tmp_path)).read_text()).spec.channels
    assert {(c.conversion.curve, c.adstock.step_days)
            for c in drafted.values()} == {("logistic", 7)}


def test_truth_is_consistent(synthetic) -> None:
    truth = synthetic.truth
    total = truth.expected.sum()
    assert all(0 < truth.contributions[c] < total for c in CHANNELS)
    assert sum(truth.contributions.values()) < 0.6 * total
    assert truth.next_year == pytest.approx(truth.next_year_weekly.sum())
    assert len(truth.next_year_weekly) == 52
    # one replication times noise: the observed revenue scatters around the expectation
    ratio = np.log(synthetic.columns["revenue"] / truth.expected)
    assert abs(ratio.mean()) < 0.05 and 0.03 < ratio.std() < 0.12


def test_continuation_repeats_the_last_year() -> None:
    columns = drivers(80, np.random.default_rng(0))
    full = continued(columns, 80)
    for name, values in full.items():
        assert len(values) == 132
        assert np.array_equal(values[80:], values[28:80]), name


def test_additive_generator_noise_and_contributions() -> None:
    synthetic = additive(seed=2, weeks=156, noise=0.05)
    ratio = np.log(synthetic.columns["revenue"] / synthetic.truth.expected)
    # the sample standard deviation of 156 normal draws of sd 0.05: within about 20%
    assert 0.04 < ratio.std() < 0.06
    assert all(v > 0 for v in synthetic.truth.contributions.values())
    assert set(synthetic.truth.contributions) == set(CHANNELS)


def test_two_channels_keep_the_same_random_numbers_and_truth_values() -> None:
    three = drivers(30, np.random.default_rng(7))
    two = drivers(30, np.random.default_rng(7), ("tv", "social"))
    assert set(two) == set(three) - {"spend.search"}
    assert all(np.array_equal(v, three[k]) for k, v in two.items())
    synthetic = additive(seed=2, weeks=60, channels=("tv", "social"))
    assert set(synthetic.truth.contributions) == {"tv", "social"}
    assert "spend.search" not in synthetic.columns


def test_information_tells_the_flighted_channel_better_than_the_always_on_ones() -> None:
    from synthetic_history import information

    # least squares with the true adstock: TV's on and off weeks against search's and
    # social's week-to-week variation, under the same 5% noise
    error = information(additive(seed=1, weeks=156, noise=0.05))
    assert error["tv"] < 0.25
    assert error["search"] > 2 * error["tv"] and error["social"] > 2 * error["tv"]
    quieter = information(additive(seed=1, weeks=156, noise=0.01))
    assert quieter["search"] < error["search"] / 3   # the noise sets what can be told


def test_scale_multiplies_one_channels_true_effect_only() -> None:
    """--scale search=3 social=0.5: a truth whose effects are not proportional to spend;
    in the additive formula each channel's contribution scales exactly, the others and
    the columns stay as they were."""
    from synthetic_history import parse_scale, true_values

    plain = additive(seed=2, weeks=60)
    scaled = additive(seed=2, weeks=60, scale=parse_scale(["search=3", "social=0.5"]))
    for channel, factor in (("tv", 1.0), ("search", 3.0), ("social", 0.5)):
        assert scaled.truth.contributions[channel] == pytest.approx(
            factor * plain.truth.contributions[channel], rel=1e-12)
    assert np.array_equal(plain.columns["spend.tv"], scaled.columns["spend.tv"])
    values = true_values(("tv", "search"), {"search": 3.0, "social": 0.5})
    assert values["channels.search.conversion.lift"] == pytest.approx(0.48)
    assert values["channels.tv.conversion.lift"] == pytest.approx(0.30)
    assert "channels.social.conversion.lift" not in values
    with pytest.raises(SystemExit, match="CHANNEL=FACTOR"):
        parse_scale(["radio=2"])


# --- the kind of PyMC-Marketing's example MMM

@pytest.fixture(scope="module")
def pymc_history():
    from synthetic_history import PYMC_SEED, pymc

    return pymc(PYMC_SEED)


def test_pymc_history_has_the_notebooks_shape(pymc_history, tmp_path: Path) -> None:
    import datetime as dt

    from synthetic_history import PYMC_SPEND_SCALE

    history = read_any_history(pymc_history.write_csv(tmp_path / "h.csv"))
    assert history.n_periods == 179 and history.start == dt.date(2018, 4, 2)
    assert set(history.spend) == {"x1", "x2"} and set(history.controls) == {"price_index"}
    assert set(history.events) == {"event_1", "event_2"}
    for name, day in (("event_1", dt.date(2019, 5, 13)), ("event_2", dt.date(2020, 9, 14))):
        on = [d for d, v in zip(history.dates, history.events[name], strict=True) if v]
        assert on == [day]
    x1 = history.spend["x1"] / PYMC_SPEND_SCALE["x1"]
    x2 = history.spend["x2"] / PYMC_SPEND_SCALE["x2"]
    # x1 uniform on [0, 1], halved unless above 0.9; x2 zero unless above 0.8
    assert x1.max() <= 1.0 and np.mean(x1 > 0.5) == pytest.approx(0.1, abs=0.05)
    assert np.mean(x2 == 0) == pytest.approx(0.8, abs=0.07) and x2[x2 > 0].min() > 0.8


def test_pymc_adstock_is_normalised_over_eight_weeks() -> None:
    from synthetic_history import pymc_adstock

    impulse = np.zeros(12)
    impulse[0] = 1.0
    weights = 0.4 ** np.arange(8)
    assert np.allclose(pymc_adstock(impulse, 0.4)[:8], weights / weights.sum())
    assert np.allclose(pymc_adstock(impulse, 0.4)[8:], 0.0)
    assert np.allclose(pymc_adstock(np.full(20, 0.3), 0.4)[7:], 0.3)


def test_pymc_truth_is_the_additive_terms_and_noise_the_notebooks(pymc_history) -> None:
    from synthetic_history import PYMC_REVENUE_SCALE, PYMC_SPEND_SCALE, pymc_media

    truth = pymc_history.truth
    for channel in ("x1", "x2"):
        x = pymc_history.columns[f"spend.{channel}"] / PYMC_SPEND_SCALE[channel]
        term = pymc_media(x, channel) * PYMC_REVENUE_SCALE
        assert truth.contributions[channel] == pytest.approx(term.sum(), rel=1e-9)
    # x1 (always on, beta 3) makes about 30% of revenue, x2 (off 80% of weeks) about 7%
    share = {c: v / truth.expected.sum() for c, v in truth.contributions.items()}
    assert 0.2 < share["x1"] < 0.4 and 0.03 < share["x2"] < 0.12
    residual = (pymc_history.columns["revenue"] - truth.expected) / PYMC_REVENUE_SCALE
    assert abs(residual.mean()) < 0.06 and 0.2 < residual.std() < 0.3   # N(0, 0.25)
    assert len(truth.next_year_weekly) == 52
    assert truth.next_year == pytest.approx(truth.next_year_weekly.sum())


def test_planned_next_year_spends_last_years_money_by_month() -> None:
    import datetime as dt

    from synthetic_history import planned_next_year

    dates = [dt.date(2021, 1, 4) + dt.timedelta(weeks=i) for i in range(60)]
    spend = np.where(np.arange(60) % 5 == 0, 1000.0, 0.0)     # one week in five
    weekly = planned_next_year(spend, dates)
    assert len(weekly) == 52
    # last year's money over the plan's 365 days, of which the 52 weeks hold 364
    assert spend[-52:].sum() * 364 / 366 < weekly.sum() <= spend[-52:].sum() * (1 + 1e-12)
    # spread over the days of every month that had money (most months): most weeks spend,
    # where the history spent one week in five
    assert (weekly > 0).mean() > 0.75 and (spend[-52:] > 0).mean() < 0.25


def test_pymc_information_tells_both_channels() -> None:
    from synthetic_history import PYMC_SEED, pymc, pymc_information

    error = pymc_information(pymc(PYMC_SEED, channels=("x1", "x2", "x3")))
    assert set(error) == {"x1", "x2", "x3"}
    assert all(0 < e < 0.15 for e in error.values())
