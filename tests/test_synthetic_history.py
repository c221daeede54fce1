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
