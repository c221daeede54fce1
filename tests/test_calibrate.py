"""Calibration: recovery of known parameters, identification, the command and its files."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import mktsim
from history_fixtures import blank_history, simulate_history, write_history
from mktsim.calibrate.metrics import coverage, fit_metrics
from mktsim.cli import main
from mktsim.documents import CalibrateDocument
from mktsim.history.periods import PeriodKind

ROOT = Path(__file__).parents[1]
BASS = ROOT / "src" / "mktsim" / "templates" / "bass.yaml"
SMART = ROOT / "scenarios" / "smart_band.yaml"
P, Q, M = 0.03, 0.38, 100_000


def bass_cumulative(t_years: np.ndarray) -> np.ndarray:
    """Bass (1969) closed form F(t)."""
    e = np.exp(-(P + Q) * t_years)
    return (1 - e) / (1 + (Q / P) * e)


def noise_free_bass(path: Path, periods: int = 120) -> Path:
    h = blank_history(dt.date(2027, 1, 1), periods, PeriodKind.MONTH)
    days = np.array([(d - h.start).days for d in (*h.dates, h.ends[-1])]) / 365.0
    new = M * np.diff(bass_cumulative(days))
    return write_history(path, h.dates, {"new_customers": new})


def test_noise_free_bass_recovers_p_q_and_market_size(tmp_path: Path) -> None:
    history = noise_free_bass(tmp_path / "bass.csv")
    scenario = mktsim.load(BASS, ["market.size=100000"])
    result = scenario.calibrate(history=history, replications=16, params=(
        "market.word_of_mouth.innovation=0.005:0.1",
        "market.word_of_mouth.imitation=0.1:0.8",
        "market.size=50000:200000"))
    truth = {"market.word_of_mouth.innovation": P, "market.word_of_mouth.imitation": Q,
             "market.size": M}
    for est in result.parameters:
        assert est.estimate == pytest.approx(truth[est.path], rel=0.02), est
        assert est.identified
    assert result.fit["new_customers"]["r2"] > 0.99


def test_same_seed_same_result_whatever_the_workers(tmp_path: Path) -> None:
    history = noise_free_bass(tmp_path / "bass.csv", periods=60)
    scenario = mktsim.load(BASS, ["market.size=100000"])
    params = ("market.word_of_mouth.imitation=0.1:0.8",)
    one = scenario.calibrate(history=history, params=params, workers=1, starts=1,
                             replications=32)
    two = scenario.calibrate(history=history, params=params, workers=2, starts=1,
                             replications=32)  # on a pool of 2 processes
    assert one.to_dict()["parameters"] == two.to_dict()["parameters"]


def test_channels_spent_in_one_proportion_are_not_identified(tmp_path: Path) -> None:
    loaded = mktsim.load(SMART).loaded
    rng = np.random.default_rng(3)
    social = rng.uniform(20_000, 120_000, 52)
    spend = {"social": social, "kol": 0.5 * social}  # always the same proportion
    obs = simulate_history(loaded, {}, ["units", "brand_awareness"], dt.date(2026, 1, 5),
                           52, PeriodKind.WEEK, 1, spend)
    dates = blank_history(dt.date(2026, 1, 5), 52, PeriodKind.WEEK).dates
    history = write_history(tmp_path / "h.csv", dates, {
        "units": obs["units"], "brand_awareness": obs["brand_awareness"],
        "spend.social": spend["social"], "spend.kol": spend["kol"]})
    result = mktsim.load(SMART).calibrate(history=history, starts=2, params=(
        "channels.social.awareness.per_year=0.02:0.5",
        "channels.kol.awareness.per_year=0.02:0.5"))
    flagged = {p.path for p in result.parameters if not p.identified}
    flagged |= {path for pair in result.correlated for path in pair[:2]}
    assert flagged == {"channels.social.awareness.per_year",
                       "channels.kol.awareness.per_year"}
    assert any("spend on" in (p.would_identify or "") for p in result.parameters
               if not p.identified) or result.correlated


def test_metrics_follow_the_published_definitions() -> None:
    y = np.array([10.0, 20.0, 30.0, 40.0])
    yhat = np.array([12.0, 18.0, 33.0, 40.0])
    m = fit_metrics(y, yhat)
    assert m["r2"] == pytest.approx(1 - 17 / 500)
    assert m["mape"] == pytest.approx((0.2 + 0.1 + 0.1 + 0) / 4)
    assert m["wmape"] == pytest.approx(7 / 100)
    assert m["nrmse"] == pytest.approx(math.sqrt(17 / 4) / 30)
    assert coverage(y, y - 1, y + 1) == 1.0
    assert fit_metrics(np.array([]), np.array([]))["r2"] is None


def test_cli_json_out_and_reports(tmp_path: Path) -> None:
    history = noise_free_bass(tmp_path / "bass.csv", periods=60)
    fitted = tmp_path / "fitted.yaml"
    result = CliRunner().invoke(main, [
        "calibrate", str(BASS), "--set", "market.size=100000", "--history", str(history),
        "--holdout", "12",
        "--param", "market.word_of_mouth.imitation=0.1:0.8", "--format", "json",
        "--out", str(fitted), "--out-dir", str(tmp_path / "out"), "--report", "md,html,xlsx"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["kind"] == "calibrate"
    (param,) = doc["parameters"]
    assert set(param) >= {"path", "estimate", "interval", "prior", "identified"}
    fit = doc["fit"]["new_customers"]
    assert set(fit) >= {"r2", "mape", "wmape", "nrmse", "holdout", "coverage"}
    assert fit["holdout"]["n"] == 12 and fit["coverage"] is not None
    power = fit["noise_power"]  # the level's power in the noise sd (calibrate.noise_power)
    assert power["interval"][0] <= power["estimate"] <= power["interval"][1], power
    assert power["power"] == (power["estimate"] if power["significant"] else 0.5), power
    wander = fit["noise_wander"]  # the random walk that fans the band out (band.py step 5)
    assert wander["step"] >= 0 and wander["significant"] == (wander["step"] > 0), wander
    text = fitted.read_text()
    assert text.startswith("# Calibrated by mktsim calibrate")
    assert str(history) in text
    again = mktsim.load(fitted)
    assert again.spec.market.size == M  # the --set values are kept in the fitted file
    assert "market.word_of_mouth.imitation" in (again.loaded.data["uncertainties"] or {})
    assert again.spec.market.word_of_mouth.imitation == pytest.approx(param["estimate"],
                                                                      rel=1e-4)
    for name in ("calibration.json", "calibration.md", "calibration.html",
                 "calibration.xlsx", "calibration_new_customers.png"):
        assert (tmp_path / "out" / name).is_file()
    saved = json.loads((tmp_path / "out" / "calibration.json").read_text())
    assert saved == doc  # the same document on stdout and on disk, read back by its type
    assert CalibrateDocument.from_dict(saved).to_dict() == saved
    assert CalibrateDocument.from_dict(saved).posterior_draws.fitted == str(fitted)
    run = again.run(replications=20)
    assert run.run.samples is not None  # the posterior is carried into runs


def test_calibration_section_makes_it_reproducible(tmp_path: Path) -> None:
    noise_free_bass(tmp_path / "bass.csv", periods=60)
    scenario = tmp_path / "bass.yaml"
    scenario.write_text(BASS.read_text().replace("size: 1_000_000", "size: 100_000") + (
        "calibration:\n  history: bass.csv\n  holdout: 6\n  parameters:\n"
        "    market.word_of_mouth.imitation: '0.1:0.8'\n"))
    result = CliRunner().invoke(main, ["calibrate", str(scenario), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["holdout"] == 6
    assert doc["parameters"][0]["estimate"] == pytest.approx(Q, rel=0.05)


def test_bad_param_is_exit_2(tmp_path: Path) -> None:
    history = noise_free_bass(tmp_path / "bass.csv", periods=24)
    result = CliRunner().invoke(main, ["calibrate", str(BASS), "--history", str(history),
                                       "--param", "market.word_of_mouth.imitation=a,b"])
    assert result.exit_code == 2
    assert "a range or a distribution" in result.output


def test_fitted_file_in_another_folder_points_at_the_same_history(tmp_path: Path) -> None:
    noise_free_bass(tmp_path / "bass.csv", periods=36)
    scenario = tmp_path / "bass.yaml"
    scenario.write_text(BASS.read_text().replace("size: 1_000_000", "size: 100_000") + (
        "calibration:\n  history: bass.csv\n  parameters:\n"
        "    market.word_of_mouth.imitation: '0.1:0.8'\n"))
    fitted = tmp_path / "elsewhere" / "deep" / "fitted.yaml"
    fitted.parent.mkdir(parents=True)
    result = mktsim.load(scenario).calibrate(starts=1, out=fitted, out_dir=tmp_path / "o")
    again = mktsim.load(fitted)
    section = again.spec.calibration
    assert section is not None and section.history == "../../bass.csv"
    assert (fitted.parent / section.history).resolve() == (tmp_path / "bass.csv").resolve()
    saved = json.loads((tmp_path / "o" / "calibration.json").read_text())
    assert saved["parameters"] == json.loads(json.dumps(result.to_dict()))["parameters"]


def test_calibrate_document_errors_name_the_file_and_the_key() -> None:
    from mktsim.documents import DocumentError

    with pytest.raises(DocumentError, match=r"calibration\.json: missing key 'parameters'"):
        CalibrateDocument.from_dict({"kind": "calibrate"})
    with pytest.raises(DocumentError, match=r"calibration.json: parameters\[0\].estimate"):
        CalibrateDocument.from_dict({"parameters": [{"path": "p", "estimate": "high",
                                                     "interval": [0, 1]}]})
    with pytest.raises(DocumentError, match=r"correlated\[0\].pair must name two paths"):
        CalibrateDocument.from_dict({"parameters": [], "correlated": [{"pair": ["p"]}]})
