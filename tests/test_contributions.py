"""Contributions of a calibration: each channel, the baseline and the season over the
history window; additivity, ROI, common random numbers, the document, the reports, and
the recovery of each channel's true contribution from a simulated history."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import mktsim
from contribution_fixtures import (
    shaped_history,
    two_channels,
    weekly_spend,
    write_simulated_history,
)
from mktsim.calibrate.contributions import ContributionSettings, contributions, held_at
from mktsim.calibrate.priors import Z_MAX, parse_priors
from mktsim.calibrate.simulator import WindowModel
from mktsim.cli import main
from mktsim.documents import CalibrateDocument
from mktsim.documents.contributions import Contributions

KOL = "channels.kol.awareness.per_year"
FEW = ContributionSettings(draws=6, per_draw=2)


def decompose(scenario: Path, weeks: int = 20, kol: bool = True,
              settings: ContributionSettings = FEW, free: tuple[str, ...] = (f"{KOL}=0.05:0.5",),
              values: dict[str, float] | None = None, seed: int = 11) -> Contributions:
    """Contributions over a window of `weeks` weeks at `settings.draws` draws of the free
    values around their prior median (or at `values`, nothing free)."""
    loaded = mktsim.load(scenario).loaded
    if values:
        loaded = mktsim.load(scenario, [f"{k}={v}" for k, v in values.items()]).loaded
    priors = parse_priors(free, None, loaded.source) if free else []
    history = shaped_history(weeks, weekly_spend(weeks, kol=kol))
    model = WindowModel(loaded, "actual", history, priors, 2, seed)
    zs = np.random.default_rng(1).normal(0.0, 0.3, size=(settings.draws, len(priors)))
    return contributions(model, zs, settings)


def in_total_sum(c: Contributions, kpi: str) -> float:
    return sum(e.values[kpi].contribution for e in c.entries if e.in_total)


def test_parts_and_interaction_add_up_to_the_total_in_every_period(tmp_path: Path) -> None:
    c = decompose(two_channels(tmp_path))
    names = [e.name for e in c.entries]
    assert names == ["base", "season", "social", "kol", "interaction", "total", "baseline"]
    assert c.kpis == ["revenue", "units"]
    for kpi in c.kpis:
        total = c.entry("total").values[kpi]
        assert in_total_sum(c, kpi) == pytest.approx(total.contribution, rel=1e-9)
        periods = np.sum([e.values[kpi].periods for e in c.entries if e.in_total], axis=0)
        np.testing.assert_allclose(periods, total.periods, rtol=1e-9)
        assert sum(total.periods) == pytest.approx(total.contribution, rel=1e-9)
        for e in c.entries:
            low, high = e.values[kpi].interval
            assert low <= e.values[kpi].contribution <= high, e.name
    # media sells; January to May are below the year's average month: the season takes
    revenue = {e.name: e.values["revenue"].contribution for e in c.entries}
    assert revenue["social"] > 0 and revenue["kol"] > 0 and revenue["season"] < 0
    assert 0 < revenue["baseline"] < revenue["total"] and revenue["base"] > 0


def test_roi_is_contribution_per_money_spent(tmp_path: Path) -> None:
    c = decompose(two_channels(tmp_path))
    spend = weekly_spend(20)
    for name in ("social", "kol"):
        e = c.entry(name)
        assert e.spend == pytest.approx(spend[name].sum(), rel=1e-9)
        for kpi in c.kpis:
            v = e.values[kpi]
            assert v.roi == pytest.approx(v.contribution / e.spend, rel=1e-12)
            assert v.roi_interval is not None and v.roi_interval[0] <= v.roi_interval[1]
            assert v.marginal_roi is not None and v.marginal_roi_interval is not None
    # revenue per unit is the price: the two ROIs differ by it
    social = c.entry("social").values
    assert social["revenue"].roi / social["units"].roi == pytest.approx(249, rel=1e-6)
    # diminishing returns: an extra yuan at last year's spend sells less than the average
    assert c.entry("social").values["revenue"].marginal_roi < social["revenue"].roi


def test_a_channel_that_spent_nothing_contributes_exactly_nothing(tmp_path: Path) -> None:
    """Common random numbers: the run without kol's (zero) spend is the same run."""
    c = decompose(two_channels(tmp_path, flat_season=True), kol=False)
    kol = c.entry("kol")
    assert kol.spend == 0
    for kpi in c.kpis:
        v = kol.values[kpi]
        assert v.contribution == 0 and v.interval == (0.0, 0.0)
        assert v.roi is None and v.marginal_roi is None
    names = [e.name for e in c.entries]
    assert names == ["baseline", "social", "kol", "interaction", "total"]  # a flat season
    assert in_total_sum(c, "revenue") == pytest.approx(
        c.entry("total").values["revenue"].contribution, rel=1e-9)
    frame = c.frame()
    assert len(frame) == len(c.entries) * len(c.kpis)
    social = frame[(frame.name == "social") & (frame.kpi == "revenue")].iloc[0]
    assert social.roi == pytest.approx(social.contribution / social.spend)


def test_same_draws_same_numbers_whatever_the_workers(tmp_path: Path) -> None:
    from mktsim.engine.workers import open_pool

    scenario = two_channels(tmp_path)
    loaded = mktsim.load(scenario).loaded
    priors = parse_priors((f"{KOL}=0.05:0.5",), None, loaded.source)
    history = shaped_history(12, weekly_spend(12))
    zs = np.array([[0.0], [0.5]])
    settings = ContributionSettings(draws=2, per_draw=2)
    one = contributions(WindowModel(loaded, "actual", history, priors, 2, 5), zs, settings)
    with open_pool("local", 2) as pool:
        two = contributions(WindowModel(loaded, "actual", history, priors, 2, 5, pool.workers,
                                        pool.executor), zs, settings)
    assert one.to_dict() == two.to_dict()


def test_points_at_the_optimum_and_intervals_over_the_draws(tmp_path: Path) -> None:
    """Given the fit's optimum, each value is the decomposition there (as the parameters'
    estimates are the optimum's) and each interval the draws', widened to hold it."""
    loaded = mktsim.load(two_channels(tmp_path)).loaded
    priors = parse_priors((f"{KOL}=0.05:0.5",), None, loaded.source)
    model = WindowModel(loaded, "actual", shaped_history(12, weekly_spend(12)), priors, 2, 5)
    zs = np.random.default_rng(3).normal(1.0, 0.3, size=(6, 1))  # draws above the optimum
    optimum = np.array([-1.5])
    settings = ContributionSettings(draws=6, per_draw=2, at_optimum=4)
    found = contributions(model, zs, settings, optimum=optimum)
    draws = contributions(model, zs, settings)
    point = contributions(model, optimum[None, :], ContributionSettings(1, 4))
    assert [e.name for e in found.entries] == [e.name for e in draws.entries]
    for e in found.entries:
        for kpi in found.kpis:
            v, d = e.values[kpi], draws.entry(e.name).values[kpi]
            p = point.entry(e.name).values[kpi]
            assert (v.contribution, v.periods, v.roi, v.marginal_roi) == (
                p.contribution, p.periods, p.roi, p.marginal_roi), e.name
            assert v.interval == (min(d.interval[0], v.contribution),
                                  max(d.interval[1], v.contribution)), e.name
            assert v.widened == (v.interval != d.interval
                                 or v.roi_interval != d.roi_interval
                                 or v.marginal_roi_interval != d.marginal_roi_interval), e.name
            if v.roi is not None:
                assert v.roi_interval[0] <= v.roi <= v.roi_interval[1], e.name
    # kol's awareness a year at the optimum is below every draw's: its point lies below the
    # draws' interval, which is widened down to it and keeps its upper end
    kol, kol_draws = found.entry("kol").values["revenue"], draws.entry("kol").values["revenue"]
    assert kol.contribution < kol_draws.interval[0]
    assert kol.interval == (kol.contribution, kol_draws.interval[1]) and kol.widened
    assert (found.at_optimum, draws.at_optimum) == (4, 0)
    assert not any(v.widened for e in draws.entries for v in e.values.values())
    assert in_total_sum(found, "revenue") == pytest.approx(
        found.entry("total").values["revenue"].contribution, rel=1e-9)


def test_the_optimum_is_matched_to_the_draws_by_name_and_part(tmp_path: Path) -> None:
    """The point's entries are paired with the draws' by (name, part), not by position;
    an entry only one side has (which parts decided by the scenario's structure rule out)
    is an internal error that names it."""
    found = decompose(two_channels(tmp_path), weeks=12)
    shuffled = found.entries[::-1]
    held = held_at(found.entries, shuffled)
    assert [e.name for e in held] == [e.name for e in found.entries]
    for e, h in zip(found.entries, held, strict=True):
        assert h.values == {k: replace(v, widened=False) for k, v in e.values.items()}
    season = found.entry("season")
    with pytest.raises(ValueError, match=r"only over the draws: season \(driver\)"):
        held_at([e for e in found.entries if e is not season], found.entries)
    with pytest.raises(ValueError, match=r"only at the optimum: season \(channel\)"):
        held_at([replace(e, part="channel") if e is season else e for e in found.entries],
                found.entries)


def _document(entry: dict[str, object], settings: dict[str, object]) -> Contributions | None:
    """A one-entry contributions document (a total), `entry` and `settings` changed."""
    from mktsim.documents.base import Reader

    raw = {"total": {"part": "total", "in_total": False, "contribution": 1.0,
                     "interval": [0.5, 1.5], "widened": False, "periods": [1.0], **entry}}
    return Contributions.from_dict(Reader("calibration.json"), raw,
                                   {"kpi": "revenue", "at_optimum": 4, **settings})


def test_a_document_reads_its_flags_and_counts_typed() -> None:
    """true/false and whole numbers as written; a flag written as text or a count that is
    not a whole number 0 or more is refused naming the file and the key."""
    from mktsim.documents.base import DocumentError

    read = _document({"widened": True, "in_total": True}, {"draws": 40})
    assert read is not None
    total = read.entry("total")
    assert total.in_total and total.values["revenue"].widened
    assert (read.at_optimum, read.draws, read.replications) == (4, 40, 0)
    for key in ("widened", "in_total"):
        with pytest.raises(DocumentError, match=rf"calibration.json: .*\.{key} must be true"):
            _document({key: "false"}, {})
    for value in (2.7, -3, "4", True):
        with pytest.raises(DocumentError, match=r"contribution_settings.at_optimum must be"):
            _document({}, {"at_optimum": value})


def test_cli_json_document_and_reports(tmp_path: Path) -> None:
    scenario = two_channels(tmp_path)
    history = write_simulated_history(scenario, tmp_path / "h.csv", 16)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [
        "calibrate", str(scenario), "--history", str(history), "--param", f"{KOL}=0.05:0.5",
        "-n", "2", "--format", "json", "--out-dir", str(out), "--report", "md,html,xlsx"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    entries = doc["contributions"]
    for name in ("social", "kol"):
        e = entries[name]
        assert e["part"] == "channel" and e["in_total"] is True
        assert set(e) >= {"contribution", "interval", "roi", "roi_interval", "marginal_roi",
                          "marginal_roi_interval", "spend", "periods", "by_kpi"}
        assert e["roi"] == pytest.approx(e["contribution"] / e["spend"], rel=1e-9)
        assert len(e["periods"]) == 16 and set(e["by_kpi"]) == {"units"}
        assert e["by_kpi"]["units"]["roi"] > 0
    for name in ("base", "season", "baseline", "interaction", "total"):
        assert set(entries[name]) >= {"contribution", "interval", "periods"}
        assert "roi" not in entries[name]
    added = sum(e["contribution"] for e in entries.values() if e["in_total"])
    assert added == pytest.approx(entries["total"]["contribution"], rel=1e-9)
    settings = doc["contribution_settings"]
    assert settings["kpi"] == "revenue" and settings["draws"] == 100
    assert settings["replications"] == 1 and settings["at_optimum"] == 16
    for e in entries.values():
        low, high = e["interval"]
        assert isinstance(e["widened"], bool) and low <= e["contribution"] <= high
    assert settings["roi_units"]["revenue"] == "revenue per money spent"
    assert CalibrateDocument.from_dict(doc).to_dict() == doc
    html = (out / "calibration.html").read_text()
    assert "Contributions to revenue" in html and "Contributions over time" in html
    assert 'alt="contributions" src="data:image/png;base64,' in html
    assert (out / "calibration_contributions.png").is_file()
    with zipfile.ZipFile(out / "calibration.xlsx") as book:
        assert any(n.startswith("xl/charts/chart") for n in book.namelist())
        assert b"decomposition" in book.read("xl/workbook.xml")


def test_terminal_table_in_chinese(tmp_path: Path) -> None:
    scenario = two_channels(tmp_path)
    history = write_simulated_history(scenario, tmp_path / "h.csv", 12)
    result = CliRunner().invoke(main, [
        "calibrate", str(scenario), "--history", str(history), "--param", f"{KOL}=0.05:0.5",
        "-n", "2", "--lang", "zh"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "贡献" in result.output and "交互" in result.output


def test_each_channels_contribution_recovers_the_truth(tmp_path: Path) -> None:
    """A year of weekly history simulated at known values (kol's awareness effect free);
    the fitted contributions of each channel against the same decomposition of the true
    scenario with 200 replications: within 25%, and the truth inside the 90% interval.
    (With both channels' effects free the fit itself can miss, see docs/calibration.md,
    Limits; the contributions are as good as the fit.)"""
    truth = {KOL: 0.2, "channels.social.awareness.per_year": 0.3}
    scenario = two_channels(tmp_path)
    history = write_simulated_history(scenario, tmp_path / "h.csv", 52, truth, seed=21)
    fitted = mktsim.load(scenario).calibrate(history=history, params=(f"{KOL}=0.05:0.5",))
    assert fitted.contributions is not None
    true = decompose(scenario, weeks=52, free=(), values=truth,
                     settings=ContributionSettings(draws=1, per_draw=200))
    for name in ("social", "kol", "baseline", "season"):
        est = fitted.contributions.entry(name).values["revenue"]
        real = true.entry(name).values["revenue"].contribution
        assert est.contribution == pytest.approx(real, rel=0.25), name
        assert est.interval[0] <= real <= est.interval[1], (name, est.interval, real)
    for name in ("social", "kol"):  # the ROI follows: the spend is the history's
        est = fitted.contributions.entry(name).values["revenue"]
        assert est.roi == pytest.approx(true.entry(name).values["revenue"].roi, rel=0.25)


def test_each_demand_part_is_neutralised_alone(tmp_path: Path) -> None:
    from contribution_fixtures import TWO_CHANNELS
    from demand_fixtures import with_demand
    from mktsim.calibrate.counterfactuals import neutral_parts, neutralise_all

    path = tmp_path / "drivers.yaml"
    path.write_text(with_demand(text=TWO_CHANNELS))
    spec = mktsim.load(path).spec
    parts = neutral_parts(spec)
    assert list(parts) == ["season", "trend", "control.price_index", "control.competitor",
                           "event.double11"]
    demand = spec.market.demand
    season = parts["season"].market
    assert season.seasonality.by_month == [1.0] * 12 and season.demand.fourier is None
    assert season.demand.trend == demand.trend  # the other parts stay as they are
    assert parts["trend"].market.demand.trend is None
    price = parts["control.price_index"].market.demand.controls
    assert price["price_index"].coefficient == 0 and price["competitor"].coefficient == -0.1
    assert parts["event.double11"].market.demand.events["double11"].lift == 0
    assert spec.market.demand.events["double11"].lift == 0.6  # the scenario is untouched
    neutral = neutralise_all(spec, parts).market
    assert neutral.demand.trend is None and neutral.demand.fourier is None
    assert all(c.coefficient == 0 for c in neutral.demand.controls.values())
    assert all(e.lift == 0 for e in neutral.demand.events.values())


@pytest.mark.parametrize("values", [
    {"market.seasonality.by_month": [1.0] * 12},
    {"market.demand.fourier.sin": [0.0, 0.0], "market.demand.fourier.cos": [0.0, 0.0]},
    {"market.seasonality.by_month": [1.0] * 12, "market.demand.fourier.sin": [0.0, 0.0],
     "market.demand.fourier.cos": [0.0, 0.0]}])
def test_the_demand_parts_follow_the_structure_not_the_values(
        tmp_path: Path, values: dict[str, list[float]]) -> None:
    """A draw whose season happens to be neutral (by_month all 1, Fourier terms all 0)
    has the same parts as any other draw: every draw and the optimum share their keys."""
    from contribution_fixtures import TWO_CHANNELS
    from demand_fixtures import with_demand
    from mktsim.calibrate.counterfactuals import neutral_parts, neutralise_all
    from mktsim.scenario.load import with_values

    path = tmp_path / "drivers.yaml"
    path.write_text(with_demand(text=TWO_CHANNELS))
    loaded = mktsim.load(path).loaded
    neutral = with_values(loaded, values).spec
    parts = neutral_parts(neutral)
    assert list(parts) == list(neutral_parts(loaded.spec)) and "season" in parts
    assert neutralise_all(neutral, parts).market.demand.fourier is None


def test_monthly_multipliers_freed_make_a_season_in_every_draw(tmp_path: Path) -> None:
    """Without Fourier terms, by_month fixed at 1 is no season; freed, a draw at 1 is one
    (the parts of every draw follow what the calibration frees)."""
    from mktsim.calibrate.counterfactuals import has_season, neutral_parts

    flat = mktsim.load(two_channels(tmp_path, flat_season=True)).spec
    assert not has_season(flat) and "season" not in neutral_parts(flat)
    freed = has_season(flat, ["market.seasonality.by_month.3"])
    assert freed and "season" in neutral_parts(flat, freed)


def test_demand_drivers_contribute_where_they_act(tmp_path: Path) -> None:
    """Season, trend, a price-index control, a control at its reference and a Double 11
    week: the table still adds up; nothing differs before the event (common random
    numbers), and in its week the KPI is about 1 + lift times the KPI without it."""
    from contribution_fixtures import TWO_CHANNELS
    from demand_fixtures import with_demand

    path = tmp_path / "drivers.yaml"
    path.write_text(with_demand(text=TWO_CHANNELS))
    c = decompose(path, weeks=46)
    assert [e.name for e in c.entries] == [
        "base", "season", "trend", "control.price_index", "control.competitor",
        "event.double11", "social", "kol", "interaction", "total", "baseline"]
    for kpi in c.kpis:
        total = c.entry("total").values[kpi]
        assert in_total_sum(c, kpi) == pytest.approx(total.contribution, rel=1e-9)
    revenue = {e.name: e.values["revenue"] for e in c.entries}
    assert revenue["control.competitor"].contribution == 0  # held at its reference
    assert revenue["control.price_index"].contribution > 0  # price index 0.98, e = -1.5
    assert revenue["trend"].contribution > 0  # +5% a year since 2024
    event = np.array(revenue["event.double11"].periods)
    assert np.all(event[:44] == 0)  # week 44 is 2026-11-09
    week = revenue["total"].periods[44]
    assert week / (week - event[44]) == pytest.approx(1.6, rel=0.15)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 6), st.integers(1, 3), st.integers(0, 2**31))
def test_any_decomposition_adds_up_and_its_roi_is_per_money(draws: int, periods: int,
                                                           channels: int, seed: int) -> None:
    from mktsim.calibrate.contributions import decompose as decompose_sums

    rng = np.random.default_rng(seed)

    def sums() -> dict[str, np.ndarray]:
        return {"revenue": rng.normal(1000, 300, (draws, periods))}

    names = [f"c{i}" for i in range(channels)]
    total = sums()
    spend = rng.uniform(10, 100, (draws, channels))
    entries = decompose_sums(["revenue"], total, {n: sums() for n in names},
                             {n: sums() for n in names}, sums(), {"season": sums()}, sums(),
                             spend, 0.1 * spend)
    c = Contributions("revenue", ["revenue"], draws, 1, 0.1, entries)
    whole = c.entry("total").values["revenue"]
    assert in_total_sum(c, "revenue") == pytest.approx(whole.contribution, rel=1e-9, abs=1e-6)
    assert whole.contribution == pytest.approx(float(total["revenue"].sum(axis=1).mean()))
    for i, n in enumerate(names):
        v = c.entry(n).values["revenue"]
        assert v.roi == pytest.approx(v.contribution / spend[:, i].mean())


def test_the_marginal_raise_touches_only_the_last_52_weeks() -> None:
    from mktsim.calibrate.counterfactuals import YEAR_DAYS, last_year_spend, raised
    from mktsim.history import history_plan

    loaded = mktsim.load(Path(__file__).parents[1] / "scenarios" / "smart_band.yaml").loaded
    history = shaped_history(60, weekly_spend(60))
    plan = history_plan(loaded.spec, "baseline", history)
    row = plan.channels.index("kol")
    up = raised(plan, row, 0.1)
    days = plan.spend.shape[1]
    np.testing.assert_array_equal(up.spend[:, :days - YEAR_DAYS], plan.spend[:, :days - YEAR_DAYS])
    np.testing.assert_allclose(up.spend[row, days - YEAR_DAYS:],
                               1.1 * plan.spend[row, days - YEAR_DAYS:])
    others = [i for i in range(len(plan.channels)) if i != row]
    np.testing.assert_array_equal(up.spend[others], plan.spend[others])
    assert last_year_spend(plan)[row] == pytest.approx(weekly_spend(60)["kol"][-52:].sum())


@pytest.mark.slow
def test_drivers_contributions_recover_the_truth(tmp_path: Path) -> None:
    """A year of weekly history of the two-channel market with a trend, a Fourier season,
    controls and a Double 11 week; kol's effect and the event's lift free. Each channel's,
    the event's, the trend's and the season's revenue contribution against the true
    scenario's (200 replications): within 25% and inside the 90% interval."""
    from contribution_fixtures import TWO_CHANNELS
    from demand_fixtures import with_demand

    scenario = tmp_path / "drivers.yaml"
    scenario.write_text(with_demand(text=TWO_CHANNELS))
    truth = {KOL: 0.2, "market.demand.events.double11.lift": 0.6}
    history = write_simulated_history(scenario, tmp_path / "h.csv", 52, truth, seed=21)
    fitted = mktsim.load(scenario).calibrate(history=history, params=(
        f"{KOL}=0.05:0.5", "market.demand.events.double11.lift=0:1.5"))
    assert fitted.contributions is not None
    true = decompose(scenario, weeks=52, free=(), values=truth,
                     settings=ContributionSettings(draws=1, per_draw=200))
    for name in ("social", "kol", "event.double11", "trend", "season", "baseline"):
        est = fitted.contributions.entry(name).values["revenue"]
        real = true.entry(name).values["revenue"].contribution
        assert est.contribution == pytest.approx(real, rel=0.25), name
        assert est.interval[0] <= real <= est.interval[1], (name, est.interval, real)


def _random_cov(rng: np.random.Generator, k: int, scale: float) -> np.ndarray:
    a = rng.normal(0.0, scale, (k, k))
    return a @ a.T + 1e-3 * np.eye(k)


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 5), seed=st.integers(0, 10_000), scale=st.floats(0.02, 0.25))
def test_spread_draws_cover_both_the_draws_and_the_laplace_covariance(k: int, seed: int,
                                                                    scale: float) -> None:
    from mktsim.calibrate.contributions import spread_draws

    rng = np.random.default_rng(seed)
    own = _random_cov(rng, k, 0.2)
    laplace = _random_cov(rng, k, scale)
    zs = rng.multivariate_normal(rng.normal(0.0, 0.2, k), own, 400)
    spread = spread_draws(zs, laplace)
    before, after = np.atleast_2d(np.cov(zs, rowvar=False)), np.atleast_2d(
        np.cov(spread, rowvar=False))
    assert np.abs(spread).max() <= Z_MAX
    if np.abs(spread).max() < Z_MAX:  # nothing clipped at the prior's range
        assert np.allclose(spread.mean(axis=0), zs.mean(axis=0), atol=1e-6)
    # at least the draws' own covariance and the Laplace one, in every direction
    if np.abs(spread).max() >= Z_MAX:
        return
    for target in (before, laplace):
        assert np.linalg.eigvalsh(after - target).min() > -1e-6 * max(1.0, np.abs(target).max())


def test_spread_draws_leave_draws_alone_where_they_are_wider() -> None:
    from mktsim.calibrate.contributions import spread_draws

    rng = np.random.default_rng(3)
    zs = rng.normal(0.0, 0.5, (300, 3))
    assert np.allclose(spread_draws(zs, 0.01 * np.eye(3)), zs)


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 5), seed=st.integers(0, 10_000), scale=st.floats(0.02, 0.25))
def test_spread_draws_centred_on_the_optimum_keep_their_spread(k: int, seed: int,
                                                              scale: float) -> None:
    """Given a centre (the fit's optimum), the spread draws' mean is there and their
    covariance is the one they have without it: only the location moves."""
    from mktsim.calibrate.contributions import spread_draws

    rng = np.random.default_rng(seed)
    zs = rng.multivariate_normal(rng.normal(0.0, 0.3, k), _random_cov(rng, k, 0.2), 300)
    laplace = _random_cov(rng, k, scale)
    centre = rng.normal(0.0, 0.5, k)
    free, centred = spread_draws(zs, laplace), spread_draws(zs, laplace, centre)
    if max(np.abs(free).max(), np.abs(centred).max()) >= Z_MAX:
        return  # clipped at the prior's range: neither mean nor spread is kept exactly
    assert np.allclose(centred.mean(axis=0), centre, atol=1e-9)
    assert np.allclose(centred - centre, free - free.mean(axis=0), atol=1e-9)


def test_draws_centred_on_the_optimum_only_when_the_weights_are_untrusted(
) -> None:
    from mktsim.calibrate.run import draws_centre

    z = np.array([0.3, -1.2])
    assert draws_centre({"trusted": False, "rival_optima": []}, z) is z
    assert draws_centre({"trusted": True, "rival_optima": []}, z) is None
    rival = [{"values": {"a": 1.0}, "gap": 0.4}]
    assert draws_centre({"trusted": False, "rival_optima": rival}, z) is None


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_posterior_draws_centred_move_only_their_location(k: int, seed: int) -> None:
    """The draws every later step uses (`calibrate.run.centred`): with a centre their
    mean is there and their deviations are untouched (unless the prior's range clips
    them); without one they are the same draws."""
    from mktsim.calibrate.run import centred

    rng = np.random.default_rng(seed)
    zs = rng.multivariate_normal(rng.normal(0.0, 0.5, k), _random_cov(rng, k, 0.3), 200)
    centre = rng.normal(0.0, 0.5, k)
    assert centred(zs, None) is zs
    moved = centred(zs, centre)
    assert np.all(np.abs(moved) <= Z_MAX)
    if np.abs(zs - zs.mean(axis=0) + centre).max() < Z_MAX:
        assert np.allclose(moved.mean(axis=0), centre, atol=1e-9)
        assert np.allclose(moved - centre, zs - zs.mean(axis=0), atol=1e-9)


def test_a_contribution_interval_holds_a_fresh_draw_ninety_percent_of_the_time() -> None:
    """Over 40 draws (the contributions' default), the interval between the 5% and 95%
    quantiles holds a fresh draw from the same distribution 90% of the time (type 6
    quantiles): 6,000 trials, the 99.9% binomial band about 0.9 is +-0.013."""
    from mktsim.calibrate.contributions import _interval

    rng = np.random.default_rng(21)
    trials = 6000
    values = rng.lognormal(0.0, 0.6, (trials, 41))
    held = [lo <= v[-1] <= hi for v in values for lo, hi in [_interval(v[:-1])]]
    assert np.mean(held) == pytest.approx(0.90, abs=0.013)
