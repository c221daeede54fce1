"""Spend against budget: the lines add up to marketing_spend, media never exceeds the
budget, and the documents and tables show the lines."""

import json

import numpy as np
import pytest

import mktsim
from mktsim.documents.run import RunDocument
from mktsim.kpis import KPI_INDEX
from mktsim.simulate.spend import SPEND_LINES


@pytest.fixture(scope="module")
def band(smart_band_path):
    return mktsim.load(smart_band_path)


@pytest.mark.parametrize("strategy", ["experience_led", "adaptive"])
def test_spend_lines_sum_to_marketing_spend(band, strategy):
    result = band.run(strategy, replications=4, seed=3)
    lines = result.spend()
    total = result.run.daily[:, KPI_INDEX["marketing_spend"], :].sum(axis=1)
    parts = sum(getattr(lines, k) for k in SPEND_LINES)
    np.testing.assert_allclose(parts, total, rtol=1e-9)
    np.testing.assert_allclose(lines.total, total, rtol=1e-12)
    assert np.all(lines.media <= lines.budget * (1 + 1e-9))
    np.testing.assert_allclose(lines.channel_media.sum(axis=1) + lines.channel_commission.sum(
        axis=1), result.run.channels[:, :, 0].sum(axis=1), rtol=1e-9)
    assert np.all(lines.commissions > 0)  # the band sells on commission channels


def test_rule_bought_research_comes_out_of_the_budget(band):
    result = band.run("adaptive", replications=4, seed=3)
    lines = result.spend()
    assert lines.research.mean() > 0
    # what the rules bought is media money not spent
    assert np.all(lines.media + lines.research <= lines.budget * (1 + 1e-9))


def test_run_document_and_terminal_show_the_lines(band):
    result = band.run("experience_led", replications=3, seed=3)
    doc = result.to_dict()
    spend = doc["spend"]
    assert set(spend) == {"budget", "media", "commissions", "loyalty", "training",
                          "research", "total"}
    assert spend["budget"] == 13e6
    assert spend["training"] > 0  # the strategy schedules training
    assert spend["total"] == pytest.approx(doc["kpis"]["marketing_spend"]["mean"])
    assert sum(spend[k] for k in SPEND_LINES) == pytest.approx(spend["total"])
    channel = doc["channels"][0]
    assert channel["spend"]["mean"] == pytest.approx(
        channel["media"]["mean"] + channel["commission"]["mean"])
    back = RunDocument.from_dict(json.loads(json.dumps(doc)))
    assert back.spend == spend
    from rich.console import Console

    from mktsim.report.terminal import print_run

    console = Console(width=160, record=True)
    print_run(result, console)
    text = console.export_text()
    assert "Spend against budget" in text and "commissions on sales" in text


def test_compare_shows_budget_against_spend(band):
    comparison = band.compare(["baseline", "experience_led"], max_reps=4, seed=3)
    doc = comparison.to_dict()
    assert doc["spend"]["baseline"]["budget"] == 12e6
    assert doc["spend"]["experience_led"]["media"] <= 13e6 * (1 + 1e-9)
    from rich.console import Console

    from mktsim.report.terminal_decision import print_compare

    console = Console(width=200, record=True)
    print_compare(doc, console)
    assert "Budget against spend" in console.export_text()
