"""`market.demand.media_scaling`: channels' purchases multiplied by the demand drivers to
that power (1, the default: scaled like organic purchases; 0: added to the demand the
drivers shape), checked in simulated units against the closed form, and the refusal."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mktsim.engine.montecarlo import simulate
from mktsim.kpis import KPI_INDEX
from mktsim.model.compile import compile_plan
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_text

#: A market like the one `init from-history` drafts: a large pool that considers the
#: category and buys at a low rate (purchases deplete it by under 0.1% over the run, so
#: a week's units are linear in the hazards), one conversion-only channel at a constant
#: spend, and a promotion week (days 28-34) that triples demand.
MARKET = """\
name: Additive media
horizon_days: 35
start_date: 2027-01-04
currency: CNY
seed: 3
replications: 10
market:
  size: 200_000_000
  word_of_mouth: {{innovation: 0, imitation: 0}}
  awareness_decay_per_year: 0
  consideration_decay_per_year: 0
  segments:
    buyers:
      share: 1.0
      initial_awareness: 0.5
      initial_consideration: 0.5
      consideration_per_year: 0
      purchase_per_year: 0.01
      repurchase_per_year: 0
  demand:
    media_scaling: {media}
    events:
      promo:
        lift: {promo}
        days: 7
        occurrences:
          2027-02-01: 1.0
products:
  band: {{price: 100, unit_cost: 60}}
channels:
  social:
    type: online
    cost: {{model: cpm, cpm: 30}}
    conversion: {{lift: {lift}, half_saturation: 0.0005}}
strategies:
  steady:
    budget: 2_000_000
    allocation: {{social: 1.0}}
"""
PROMO = 2.0
REPS = 60
NORMAL_WEEK, PROMO_WEEK = slice(21, 28), slice(28, 35)


def _weeks(media: float, lift: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Units of the week before the promotion and of the promotion week, per replication."""
    spec = load_text(MARKET.format(media=media, promo=PROMO, lift=lift)).spec
    units = simulate(compile_plan(spec, "steady"), REPS, seed).daily[:, KPI_INDEX["units"]]
    return units[:, NORMAL_WEEK].sum(axis=1), units[:, PROMO_WEEK].sum(axis=1)


def _diff(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean of a minus mean of b, and its variance (independent replications)."""
    return float(a.mean() - b.mean()), float(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))


@pytest.mark.parametrize("power", [0.0, 0.5, 1.0])
def test_a_channels_units_in_a_promotion_week_follow_the_drivers_to_the_power(
        power: float) -> None:
    """The channel's units (with spend minus without) in the promotion week over those of
    the week before: (1 + the promotion's lift)^media_scaling (1 additive, 3 scaled);
    within 4 standard errors (delta method over the replications)."""
    media, expected = power, (1.0 + PROMO) ** power
    normal_on, promo_on = _weeks(media, 1.0, 11)
    normal_off, promo_off = _weeks(media, 0.0, 12)
    in_promo, var_promo = _diff(promo_on, promo_off)
    in_normal, var_normal = _diff(normal_on, normal_off)
    ratio = in_promo / in_normal
    se = abs(ratio) * math.sqrt(var_promo / in_promo ** 2 + var_normal / in_normal ** 2)
    assert abs(ratio - expected) < 4 * se, (ratio, se)
    assert se < 0.05 * PROMO   # precise enough to tell 1 from 1 + the lift
    assert in_normal > 0.2 * normal_off.mean()   # the channel matters in this market


def test_organic_units_follow_the_drivers_whatever_the_media_form() -> None:
    """Without spend the two forms are the same market: the promotion week triples units."""
    normal, promo = _weeks(0.0, 0.0, 5)
    ratio = promo.mean() / normal.mean()
    se = ratio * math.sqrt(promo.var(ddof=1) / REPS / promo.mean() ** 2
                           + normal.var(ddof=1) / REPS / normal.mean() ** 2)
    assert abs(ratio - (1 + PROMO)) < 4 * se, (ratio, se)


def test_the_default_is_scaled_and_a_value_out_of_range_names_its_line() -> None:
    text = MARKET.format(media=0.0, promo=PROMO, lift=1.0)
    assert load_text(text.replace("    media_scaling: 0.0\n", "")
                     ).spec.market.demand.media_scaling == 1.0
    with pytest.raises(ScenarioError) as info:
        load_text(text.replace("media_scaling: 0.0", "media_scaling: 1.5"), "s.yaml")
    (problem,) = [p.render() for p in info.value.problems]
    line = text.splitlines().index("    media_scaling: 0.0") + 1
    assert problem.startswith(f"s.yaml:{line}: market.demand.media_scaling: "), problem
    assert "less than or equal to 1" in problem


def test_media_scaling_can_be_freed_and_reaches_the_compiled_rates() -> None:
    from mktsim.calibrate.priors import check_priors, parse_priors
    from mktsim.model import plan as P
    from mktsim.scenario.load import with_values

    loaded = load_text(MARKET.format(media=1.0, promo=PROMO, lift=1.0), "s.yaml")
    check_priors(loaded, parse_priors(["market.demand.media_scaling=beta(1, 1)"], None, "x"))
    spec = with_values(loaded, {"market.demand.media_scaling": 0.25}).spec
    rates = compile_plan(spec, "steady").seg_rates
    assert rates[:, P.R_MEDIA_SCALING].tolist() == [0.25]
    assert compile_plan(loaded.spec, "steady").seg_rates[0, P.R_MEDIA_SCALING] == 1.0
