"""The conditioned probability of a target against a brute-force rejection estimate on
fresh replications (slow)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mktsim.history import SeriesNoise, log_likelihood, noise_of, observed_mask, period_values
from mktsim.track import track
from mktsim.track.run import conditioned_run, target_values
from track_fixtures import even_scenario, model_actuals


@pytest.mark.slow
def test_conditional_probability_agrees_with_rejection_sampling() -> None:
    scenario = even_scenario()
    actuals = model_actuals(scenario, 4, 5, kpis=("units",))
    sir = track(scenario, "baseline", actuals, 2000, seed=21, workers=2, beta=1.0)
    sales = next(t for t in sir.targets if t.conditional.target.id == "sales_up")
    # rejection: fresh replications kept with probability L / max L, same observation noise
    run = conditioned_run(scenario, "baseline", actuals, 6000, 77, workers=2)
    noise = {k: SeriesNoise(noise_of(actuals, k), s) for k, s in sir.conditioning.noise.items()}
    ll = log_likelihood(actuals, period_values(run.daily, actuals), noise,
                        observed_mask(actuals, 0))
    keep = np.random.default_rng(5).random(ll.size) < np.exp(ll - ll.max())
    values = target_values(run.daily, sales.conditional, actuals)[keep]
    p_rej = float(np.mean(values >= sales.conditional.threshold))
    n_rej = int(keep.sum())
    assert n_rej >= 100 and sir.ess >= 100
    p_sir = sales.conditional.probability
    se = math.sqrt(p_sir * (1 - p_sir) / sir.ess + p_rej * (1 - p_rej) / n_rej)
    assert abs(p_sir - p_rej) < 4 * max(se, 1e-3)
    # and the conditioning moved the probability away from the plan's own
    assert p_sir != pytest.approx(sales.unconditional.probability, abs=1e-9)
