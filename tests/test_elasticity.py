"""The own-price elasticity the model implies: b_p P (1 - s), and the smart band's near
the published mean -2.62."""

import numpy as np
import pytest

import mktsim
from closed_forms import own_price_elasticity
from mktsim.decision.explain import price_elasticities
from mktsim.engine.market_state import MarketState
from mktsim.model import plan as P


def test_implied_elasticity_is_the_logit_formula(smart_band_path):
    plan = mktsim.load(smart_band_path).plan("baseline")
    market = MarketState(plan)
    shares = market.shares()
    found = price_elasticities(plan)
    (_product, e), = found.items()
    price = market.effective_prices()[0]
    b_p = plan.choice_weights[0]
    for s, seg in enumerate(plan.segments):
        expected = own_price_elasticity(b_p * plan.price_sensitivity[s], price,
                                        shares[s, P.S_OWN_CONSIDERING])
        assert e["by_segment"][seg] == pytest.approx(expected)
    size = plan.init_state.sum(axis=1)
    assert e["mean"] == pytest.approx(float(size @ list(e["by_segment"].values()) / size.sum()))
    # the share's response to a 0.1% price change agrees (finite difference)
    up = MarketState(plan)
    up.list_price[0] *= 1.001
    ratio = up.shares()[:, P.S_OWN_CONSIDERING] / shares[:, P.S_OWN_CONSIDERING]
    np.testing.assert_allclose(np.log(ratio) / np.log(1.001),
                               list(e["by_segment"].values()), rtol=2e-3)


def test_smart_band_matches_the_published_mean(smart_band_path):
    found = price_elasticities(mktsim.load(smart_band_path).plan("baseline"))
    assert found["pulse_band"]["mean"] == pytest.approx(-2.62, abs=0.03)


def test_explain_shows_the_elasticity(smart_band_path):
    from rich.console import Console

    from mktsim.report.terminal_decision import print_explain

    why = mktsim.load(smart_band_path).explain("baseline", replications=3, curves=False)
    doc = why.to_dict()
    assert doc["price_elasticity"]["pulse_band"]["mean"] == pytest.approx(-2.62, abs=0.03)
    console = Console(width=200, record=True)
    print_explain(doc, console)
    text = " ".join(console.export_text().split())
    assert "Own-price elasticity" in text and "incr. ROI" in text
    assert ("no team limits the plan" in text) == (doc["bottleneck"] is None)
