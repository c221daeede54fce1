"""A channel's contribution in the drafted weekly model (media added to the drivers'
demand) against its closed form: the baseline KPI per day x the channel's lift x its
saturation, the logistic curve of a stock stepped weekly, summed over the window. What
`calibrate` reports as a contribution (the same replications with the channel's spend at
zero) is what an additive marketing-mix truth such as PyMC-Marketing's calls one, up to
the little the drafted pool of buyers is depleted by the channel's own buyers."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from mktsim.calibrate.counterfactuals import without_channels
from mktsim.history import history_plan, period_values
from mktsim.history.draft import CONSIDERING, RETENTION_PRIOR, channel_saturation, draft
from mktsim.history.draft_init import read_any_history
from mktsim.history.draft_text import scenario_text
from mktsim.scenario.load import load_text, with_values
from mktsim.simulate import run_plan

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic_history import pymc

WEEKS = 60
REPLICATIONS = 8


@pytest.fixture(scope="module")
def drafted():
    synthetic = pymc(2, weeks=WEEKS)
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic.write_csv(Path(tmp) / "h.csv")
        history = read_any_history(path)
        d = draft(history, "h.csv", "revenue")
        loaded = load_text(scenario_text(d, "h.yaml", "en"), str(Path(tmp) / "h.yaml"))
    return d, history, loaded


def _revenue(plan) -> np.ndarray:
    run = run_plan(plan, REPLICATIONS, 7, workers=1)
    return run.daily


def test_a_channels_contribution_is_its_closed_form(drafted) -> None:
    d, history, loaded = drafted
    lifts = {"x1": 0.9, "x2": 1.3}
    values = {"market.demand.media_scaling": 0.0,
              **{f"channels.{c}.conversion.lift": v for c, v in lifts.items()}}
    spec = with_values(loaded, values).spec
    plan = history_plan(spec, "continue", history)
    full = period_values(_revenue(plan), history)["revenue"].mean(axis=0)
    baseline = (d.market_size * CONSIDERING * d.purchase_per_year / 365.0 * d.own_share
                * d.price)  # revenue per day without the channels on day 0
    for row, channel in enumerate(spec.channels):
        c = next(x for x in d.channels if x.name == channel)
        alone = period_values(_revenue(without_channels(plan, [row])), history)[
            "revenue"].mean(axis=0)
        saturation = channel_saturation(history, c, RETENTION_PRIOR[c.type][1])
        closed = baseline * lifts[channel] * 7.0 * saturation
        # the channel's own buyers deplete the pool a little: at most 2% under
        assert (full - alone).sum() == pytest.approx(closed.sum(), rel=0.03), channel
        assert np.corrcoef(full - alone, closed)[0, 1] > 0.98, channel
