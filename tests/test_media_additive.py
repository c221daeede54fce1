"""`market.demand.media`: channels' purchases multiplied by the demand drivers (`scaled`,
the default) or added to the demand they shape (`additive`), checked in simulated units
against the closed form of each, and the field's refusal."""

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
    media: {media}
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


def _weeks(media: str, lift: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Units of the week before the promotion and of the promotion week, per replication."""
    spec = load_text(MARKET.format(media=media, promo=PROMO, lift=lift)).spec
    units = simulate(compile_plan(spec, "steady"), REPS, seed).daily[:, KPI_INDEX["units"]]
    return units[:, NORMAL_WEEK].sum(axis=1), units[:, PROMO_WEEK].sum(axis=1)


def _diff(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean of a minus mean of b, and its variance (independent replications)."""
    return float(a.mean() - b.mean()), float(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))


@pytest.mark.parametrize(("media", "expected"), [("additive", 1.0), ("scaled", 1.0 + PROMO)])
def test_the_channel_adds_the_same_units_in_a_promotion_week_only_when_additive(
        media: str, expected: float) -> None:
    """The channel's units (with spend minus without) in the promotion week over those of
    the week before: 1 when media add to demand, 1 + the promotion's lift when they are
    scaled by it; within 4 standard errors (delta method over the replications)."""
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
    normal, promo = _weeks("additive", 0.0, 5)
    ratio = promo.mean() / normal.mean()
    se = ratio * math.sqrt(promo.var(ddof=1) / REPS / promo.mean() ** 2
                           + normal.var(ddof=1) / REPS / normal.mean() ** 2)
    assert abs(ratio - (1 + PROMO)) < 4 * se, (ratio, se)


def test_the_default_is_scaled_and_a_typo_names_its_line_and_the_fix() -> None:
    text = MARKET.format(media="scaled", promo=PROMO, lift=1.0)
    assert load_text(text.replace("    media: scaled\n", "")).spec.market.demand.media == "scaled"
    with pytest.raises(ScenarioError) as info:
        load_text(text.replace("media: scaled", "media: additiv"), "s.yaml")
    (problem,) = [p.render() for p in info.value.problems]
    line = text.splitlines().index("    media: scaled") + 1
    assert problem.startswith(f"s.yaml:{line}: market.demand.media: "), problem
    assert "did you mean 'additive'?" in problem
