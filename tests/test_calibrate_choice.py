"""A form chosen from the data (`calibration.choices`): every candidate value of a path
fitted, the one with the highest Laplace evidence kept, said in the JSON and the
terminal and written into the fitted scenario; a bad choice list refused at its line."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import mktsim
from choice_fixtures import check_refused_at_its_line, write_market
from mktsim.calibrate.choice import kept_index, log_evidence
from mktsim.calibrate.fit import Fit
from mktsim.cli import main
from mktsim.scenario.errors import ScenarioError

PATH = "market.demand.media_scaling"


def test_the_choice_keeps_the_scaled_form_a_history_was_simulated_with(tmp_path: Path
                                                                      ) -> None:
    truth = 1.0
    result = mktsim.load(write_market(tmp_path, truth)).calibrate(holdout=6)
    choice = result.choice
    assert choice is not None and choice.kept == {PATH: truth}
    assert sorted(c.values[PATH] for c in choice.candidates) == [0.0, 1.0]
    kept = next(c for c in choice.candidates if c.kept)
    other = next(c for c in choice.candidates if not c.kept)
    assert kept.log_evidence > other.log_evidence + 3 and choice.clear
    assert kept.weight == pytest.approx(1.0, abs=1e-3)
    assert sum(c.weight for c in choice.candidates) == pytest.approx(1.0)
    # the wrong form also forecasts the held-out weeks worse (reported, not used)
    assert kept.holdout_mape["units"] < other.holdout_mape["units"]
    lift = next(p for p in result.parameters if p.path == "channels.social.conversion.lift")
    assert lift.estimate == pytest.approx(1.0, rel=0.05)
    assert not [w for w in result.warnings if "clearly" in w]


def test_an_additive_history_keeps_additive_in_json_terminal_and_fitted_file(
        tmp_path: Path) -> None:
    scenario = write_market(tmp_path, 0.0)
    out = CliRunner().invoke(main, ["calibrate", str(scenario), "--holdout", "6", "--out",
                                    str(tmp_path / "fitted.yaml"), "--out-dir",
                                    str(tmp_path / "calib"), "--report", "md"])
    assert out.exit_code == 0, out.output
    report = " ".join((tmp_path / "calib" / "calibration.md").read_text().split())
    assert f"chosen from the data: {PATH} = 0 (" in report
    assert f"chosen from the data: {PATH} = 0 ({PATH} = 1: log evidence" in " ".join(
        out.output.split())
    doc = json.loads((tmp_path / "calib" / "calibration.json").read_text())
    choice = doc["choice"]
    assert choice["paths"] == [PATH] and choice["kept"] == {PATH: 0.0}
    assert choice["criterion"] == "laplace evidence" and choice["clear"] is True
    assert [c["kept"] for c in choice["candidates"]].count(True) == 1
    assert all(math.isfinite(c["log_evidence"]) and set(c["holdout_mape"]) == {"units"}
               for c in choice["candidates"])
    assert doc["evaluations"] > choice["extra_evaluations"] > 0
    kept, other = sorted(choice["candidates"], key=lambda c: not c["kept"])
    assert kept["log_evidence"] > other["log_evidence"] + 3
    assert kept["holdout_mape"]["units"] < other["holdout_mape"]["units"]
    fitted = mktsim.load(tmp_path / "fitted.yaml")
    assert fitted.loaded.spec.market.demand.media_scaling == 0.0


def test_without_choices_nothing_is_chosen_and_python_may_give_them(tmp_path: Path
                                                                     ) -> None:
    scenario = write_market(tmp_path, 1.0)
    text = scenario.read_text().split("  choices:")[0]
    scenario.write_text(text)
    result = mktsim.load(scenario).calibrate(holdout=6, starts=1)
    assert result.choice is None and result.to_dict()["choice"] is None
    with pytest.raises(ScenarioError, match="two or more different values"):
        mktsim.load(scenario).calibrate(choices={PATH: (1.0,)})
    with pytest.raises(ScenarioError, match="both freed and chosen"):
        mktsim.load(scenario).calibrate(choices={"channels.social.conversion.lift": (1, 2)})
    with pytest.raises(ScenarioError, match="candidate 2: ") as refused:
        mktsim.load(scenario).calibrate(choices={PATH: (1.0, 2.0)})  # a share above 1
    assert str(refused.value).count(str(scenario)) == 1
    with pytest.raises(ScenarioError, match="candidate 1 is listed twice"):
        mktsim.load(scenario).calibrate(choices={PATH: (0, 1, 1)})
    chosen = mktsim.load(scenario).calibrate(holdout=6, starts=1, choices={PATH: (0, 1)})
    assert chosen.choice is not None and chosen.choice.kept == {PATH: 1.0}


@pytest.mark.parametrize(("choices", "message"), [
    (f"{PATH}: [1]", "a choice needs two or more different values"),
    (f"{PATH}: [1, 1]", "a choice needs two or more different values"),
    (f"{PATH}: [0, 1, 1]", "candidate 1 is listed twice"),
    (f"{PATH}: [0, 2]", "candidate 2: Input should be less than or equal to 1"),
    ("channels.social.conversion.half_saturation: [0.001, -1]", "candidate -1: "),
    (f"{PATH}: [0, one]", "calibration.choices"),
    ("market.demand.media_scalin: [0, 1]", "is not a number of this scenario"),
    ("seed: [1, 2]", "cannot be calibrated"),
    ("channels.social.conversion.lift: [0.5, 1]", "is both freed and chosen"),
    (f"{PATH}: [0, 0.5, 1]\n    channels.social.conversion.half_saturation: [0.0005, 0.001]",
     "6 combinations of choices; at most 4 are fitted"),
])
def test_a_bad_choice_is_refused_at_its_line(tmp_path: Path, choices: str,
                                             message: str) -> None:
    check_refused_at_its_line(tmp_path, choices, message)

def _exact_tempered_evidence(a: np.ndarray, y: np.ndarray, temper: float) -> float:
    """log of the integral of N(z; 0, I) exp(-temper |y - A z|^2 / 2) over z: that of
    sqrt(t) y = sqrt(t) A z + e, e ~ N(0, I), N(sqrt(t) y; 0, I + t A A') up to the
    constant of the y's dimension."""
    a_t, y_t = math.sqrt(temper) * a, math.sqrt(temper) * y
    s = np.eye(len(y)) + a_t @ a_t.T
    return float(-0.5 * y_t @ np.linalg.solve(s, y_t) - 0.5 * np.linalg.slogdet(s)[1])


def test_a_value_its_field_refuses_is_named_at_its_line_by_the_cli_process(tmp_path: Path
                                                                          ) -> None:
    scenario = write_market(tmp_path, 1.0)
    text = scenario.read_text().split("  choices:")[0] + f"  choices:\n    {PATH}: [0, 2]\n"
    scenario.write_text(text)
    line = text.splitlines().index(f"    {PATH}: [0, 2]") + 1
    done = subprocess.run([sys.executable, "-m", "mktsim", "calibrate", str(scenario)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    said = done.stdout + done.stderr
    assert f"{scenario}:{line}: calibration.choices.{PATH}: candidate 2: " in said
    assert said.count(str(scenario)) == 1 and "Traceback" not in said


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("own", [1.0, 0.4])
def test_laplace_evidence_is_exact_for_a_linear_gaussian_model(seed: int, own: float
                                                              ) -> None:
    """y = A z + e, e ~ N(0, I), z ~ N(0, I), fitted as `fit` does: the point is the
    untempered posterior's optimum, the covariance that of the likelihood tempered by the
    candidate's own temper. The evidence at its own temper and at a common temper below
    it is the exact evidence of the tempered linear model."""
    rng = np.random.default_rng(seed)
    n, k = 12, 3
    a, y = rng.normal(size=(n, k)), rng.normal(size=n) * 2
    z = np.linalg.solve(a.T @ a + np.eye(k), a.T @ y)
    cov = np.linalg.inv(own * a.T @ a + np.eye(k))
    cost = 0.5 * z @ z + own * 0.5 * np.sum((y - a @ z) ** 2)
    result = Fit(z, cov, {}, {}, {}, float(cost), True, tempers={"y": own})
    for temper in (own, own / 2, own / 5):
        exact = _exact_tempered_evidence(a, y, temper)
        assert log_evidence(result, temper) == pytest.approx(exact, rel=1e-9, abs=1e-9)
    # the untempered optimum is not the tempered one: the value there is lower
    a_h, y_h = math.sqrt(own / 2) * a, math.sqrt(own / 2) * y
    at_point = -(0.5 * z @ z + 0.5 * np.sum((y_h - a_h @ z) ** 2)) - 0.5 * np.linalg.slogdet(
        np.eye(k) + a_h.T @ a_h)[1]
    assert at_point < _exact_tempered_evidence(a, y, own / 2) - 1e-6


@pytest.mark.parametrize(("scores", "own_first", "kept"), [
    ([-100.0, -95.0], True, 1),   # the other form clearly better: changed
    ([-100.0, -98.0], True, 0),   # not clearly: the scenario's own kept
    ([-98.0, -100.0], True, 0),
    ([-100.0, -98.0], False, 1),  # no own value among them: the highest
    ([-100.0, -99.0, -90.0, -92.0], True, 0),  # best only 2 above the next
    ([-100.0, -99.0, -90.0, -93.5], True, 2),
])
def test_a_form_is_changed_on_strong_evidence_only(scores: list[float], own_first: bool,
                                                   kept: int) -> None:
    assert kept_index(scores, own_first) == kept


def _candidate_models(folder: Path, truth: float, values: tuple[float, ...]) -> list:
    """Candidates of the market of `truth` at `values` of the form, as `calibrate` builds
    them (its history, priors; 2 replications)."""
    from mktsim.calibrate.priors import parse_priors
    from mktsim.calibrate.simulator import WindowModel
    from mktsim.history import read_history
    from mktsim.scenario.load import with_values

    loaded = mktsim.load(write_market(folder, truth)).loaded
    section = loaded.spec.calibration
    priors = parse_priors((), section.parameters, loaded.source)
    history = read_history(folder / section.history, loaded.spec.channels,
                           loaded.spec.products, None, loaded.spec.market.demand)
    return [({PATH: v}, WindowModel(with_values(loaded, {PATH: v}), "steady", history,
                                    priors, 2, 5)) for v in values]


@pytest.mark.parametrize(("truth", "values"), [(1.0, (1.0, 1.0)), (1.0, (1.0, 0.0)),
                                               (0.0, (0.0, 1.0))])
def test_no_candidate_keeps_an_optimum_a_later_candidates_optimum_beats(
        tmp_path: Path, truth: float, values: tuple[float, float]) -> None:
    """Searches cut short (one start, one evaluation per parameter and round), so that a
    search from another candidate's optimum goes further. Two candidates that are the
    same model (two values the history cannot tell apart) show the order's bias
    plainly: the second starts from the first's optimum as well and ends lower; the
    first is then fitted again from the second's."""
    from mktsim.calibrate.choice import bettered, fit_candidates
    from mktsim.calibrate.fit import FitSettings

    settings = FitSettings(holdout=6, starts=1, max_evaluations=1)
    models = _candidate_models(tmp_path, truth, values)
    fitted = fit_candidates(models, settings, lambda: np.random.default_rng(3))
    for i, (_, model, result) in enumerate(fitted):
        later = [f.z for _, _, f in fitted[i + 1:]]
        assert not bettered(model, result, later, settings), i
