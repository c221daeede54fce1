"""The `market.demand` section: what it accepts, and every refusal with its line and fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from demand_fixtures import DEMAND, with_demand
from mktsim.history import HistoryError
from mktsim.history.read import parse_history
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_text


def _problems(block: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_text(with_demand(block), "s.yaml")
    return [p.render() for p in info.value.problems]


def _line_of(text: str, needle: str, after: int = 0) -> int:
    return next(i + 1 for i, line in enumerate(text.splitlines())
                if i + 1 > after and needle in line)


def _line_of_path(text: str, where: str) -> int:
    """The line of a dotted path's last key, found key by key down the file."""
    line = 0
    for key in where.split(".")[1:]:
        line = _line_of(text, f"{key}:", line)
    return line


def test_the_agreed_schema_loads() -> None:
    demand = load_text(with_demand(), "s.yaml").spec.market.demand
    assert demand is not None and demand.trend is not None and demand.fourier is not None
    assert demand.trend.origin == dt.date(2024, 1, 1)
    assert demand.trend.change_points[0].growth_per_year == -0.02
    assert demand.fourier.sin == [0.10, 0.00]
    assert demand.controls["price_index"].values[dt.date(2026, 1, 12)] == 0.98
    assert demand.controls["competitor"].future == "hold"  # the default
    assert demand.events["double11"].occurrences == {dt.date(2026, 11, 9): 1.0}
    assert demand.events["double11"].future == "repeat_year"


def test_no_demand_section_is_none_and_fourier_defaults_to_zeros() -> None:
    assert load_text(with_demand(""), "s.yaml").spec.market.demand is None
    spec = load_text(with_demand("  demand:\n    fourier: {order: 3}\n"), "s.yaml").spec
    assert spec.market.demand is not None and spec.market.demand.fourier is not None
    assert spec.market.demand.fourier.sin == [0.0] * 3
    assert spec.market.demand.fourier.cos == [0.0] * 3


@pytest.mark.parametrize(("old", "new", "where", "message"), [
    ("2026-01-12: 0.98", "2026-01-01: 0.98", "market.demand.controls.price_index.values",
     "date 2026-01-01 is not after 2026-01-05; list the dates in increasing order"),
    ("- on: 2025-07-01", "- on: 2023-07-01", "market.demand.trend.change_points",
     "change point 2023-07-01 is not after the origin 2024-01-01"),
    ("sin: [0.10, 0.00]", "sin: [0.10]", "market.demand.fourier.sin",
     "1 coefficient(s) for order 2; give 2 values"),
    ("lift: 0.6", "lift: -1.5", "market.demand.events.double11.lift",
     "lift -1.5 is outside -1 to 100"),
    ("growth_per_year: 0.05", "growth_per_year: -1", "market.demand.trend.growth_per_year",
     "growth per year -1 is outside -1 to 10"),
    ("future: repeat_year\n      competitor", "future: hodl\n      competitor",
     "market.demand.controls.price_index.future", "unknown future path, did you mean 'hold'?"),
    ("future: repeat_year\n\"\"\"", "future: always\n", "market.demand.events.double11.future",
     "unknown future path, expected one of: none, repeat_year"),
    ("effect: linear", "effect: linaer", "market.demand.controls.competitor.effect",
     "unknown effect, did you mean 'linear'?"),
    ("2026-01-12: 0.98", "2026-01-12: 0", "market.demand.controls.price_index",
     "an elasticity control needs values above 0, got 0 at 2026-01-12; use effect: linear"),
    ("reference: 1.0", "reference: -1", "market.demand.controls.price_index",
     "an elasticity control needs values above 0, got -1 at reference"),
    ("          2026-11-09: 1.0\n", "          2026-11-09: 1.0\n          2026-11-12: 1\n",
     "market.demand.events.double11.occurrences",
     "the occurrence of 2026-11-12 starts before the one of 2026-11-09 ends (7 days)"),
])
def test_each_refusal_names_line_field_and_fix(old: str, new: str, where: str,
                                               message: str) -> None:
    block = (DEMAND + '"""').replace(old, new).removesuffix('"""')
    assert block != DEMAND
    text = with_demand(block)
    problems = _problems(block)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"s.yaml:{_line_of_path(text, where)}: {where}: ")
    assert message in problems[0]


def test_a_refused_value_is_reported_at_its_own_line() -> None:
    block = DEMAND.replace("lift: 0.6", "lift: -2")
    text = with_demand(block)
    (problem,) = _problems(block)
    assert problem.startswith(f"s.yaml:{_line_of(text, 'lift: -2')}: ")


HEADER = ["date", "units", "control.price_index", "event.double11"]


def _history(rows: list[list[object]], header: list[str] = HEADER):
    demand = load_text(with_demand(), "s.yaml").spec.market.demand
    return parse_history("h.csv", header, rows, ("social", "kol"), ("pulse_band",), demand)


def test_history_reads_control_and_event_columns() -> None:
    h = _history([["2026-01-05", 10, 1.0, 0], ["2026-01-12", 11, "", 1],
                  ["2026-01-19", 12, 0.95, ""]])
    assert h.controls["price_index"][0] == 1.0 and np.isnan(h.controls["price_index"][1])
    assert h.events["double11"].tolist()[:2] == [0.0, 1.0] and np.isnan(h.events["double11"][2])
    assert h.series.keys() == {"units"}


def _history_problems(header: list[str], rows: list[list[object]]) -> list[str]:
    with pytest.raises(HistoryError) as info:
        _history(rows, header)
    return [p.render() for p in info.value.problems]


@pytest.mark.parametrize(("header", "row", "expected"), [
    (["date", "control.price_idx"], ["2026-01-12", 1],
     "h.csv:1: control.price_idx: no control 'price_idx' in the scenario's "
     "market.demand.controls. did you mean 'control.price_index'?"),
    (["date", "event.double12"], ["2026-01-12", 1],
     "h.csv:1: event.double12: no event 'double12' in the scenario's market.demand.events. "
     "did you mean 'event.double11'?"),
    (["date", "price_index"], ["2026-01-12", 1],
     "h.csv:1: price_index: unknown column. did you mean 'control.price_index'?"),
    (["date", "double11"], ["2026-01-12", 1],
     "h.csv:1: double11: unknown column. did you mean 'event.double11'?"),
    (["date", "kol"], ["2026-01-12", 1],
     "h.csv:1: kol: unknown column. did you mean 'spend.kol'?"),
    (["date", "event.double11"], ["2026-01-12", -1],
     "h.csv:3: event.double11: event intensity -1 is outside 0 to 100. write 1 in the "
     "periods of the event"),
    (["date", "control.price_index"], ["2026-01-12", 0],
     "h.csv:3: control.price_index: value 0 of an elasticity control is not above 0. give "
     "the control's level"),
    (["date", "control.competitor"], ["2026-01-12", "lots"],
     "h.csv:3: control.competitor: 'lots' is not a number"),
])
def test_history_driver_column_errors(header: list[str], row: list[object],
                                      expected: str) -> None:
    problems = _history_problems(header, [["2026-01-05", 1], row])
    assert any(p.startswith(expected) for p in problems), problems


def test_unknown_column_lists_the_closest_first_then_every_accepted_column() -> None:
    (problem,) = _history_problems(["date", "revenu"], [["2026-01-05", 1], ["2026-01-12", 1]])
    assert "did you mean 'revenue'" in problem
    _head, rest = problem.split("Accepted columns also: ")
    assert "revenue" not in rest  # the closest come first, once
    for column in ("units", "spend.social", "spend.kol", "price.pulse_band",
                   "control.price_index", "control.competitor", "event.double11"):
        assert column in rest
    (problem,) = _history_problems(["date", "zzzz"], [["2026-01-05", 1], ["2026-01-12", 1]])
    assert "accepted columns: date, " in problem
    for column in ("units", "brand_awareness_n", "spend.kol", "event.double11"):
        assert column in problem


def test_a_linear_control_takes_any_finite_value() -> None:
    h = _history([["2026-01-05", 1, -3.5], ["2026-01-12", 2, 0]],
                 ["date", "units", "control.competitor"])
    assert h.controls["competitor"].tolist() == [-3.5, 0.0]


def test_validate_command_exits_2_with_the_demand_problem(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mktsim.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text(with_demand(DEMAND.replace("future: repeat_year\n      competitor",
                                              "future: yearly\n      competitor")),
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2, result.output
    assert "market.demand.controls.price_index.future: unknown future path" in result.output
    assert "Traceback" not in result.output
    good = tmp_path / "good.yaml"
    good.write_text(with_demand(), encoding="utf-8")
    assert CliRunner().invoke(main, ["validate", str(good)]).exit_code == 0


CALIBRATABLE = {"market.demand.trend.growth_per_year": "-0.1:0.2",
                "market.demand.trend.change_points.0.growth_per_year": "-0.2:0.2",
                "market.demand.fourier.sin.0": "-0.5:0.5",
                "market.demand.fourier.cos.1": "normal(0, 0.1)",
                "market.demand.controls.price_index.coefficient": "-3:0",
                "market.demand.events.double11.lift": "0:2"}


def test_the_calibratable_paths_are_accepted_as_priors_and_values() -> None:
    from mktsim.calibrate.priors import check_priors, parse_priors
    from mktsim.scenario.load import with_values

    loaded = load_text(with_demand(), "s.yaml")
    priors = parse_priors([f"{p}={s}" for p, s in CALIBRATABLE.items()], None, "s.yaml")
    check_priors(loaded, priors)  # every prior's extremes give a valid scenario
    demand = with_values(loaded, {p: 0.125 for p in CALIBRATABLE}).spec.market.demand
    assert demand is not None and demand.trend is not None and demand.fourier is not None
    assert demand.trend.growth_per_year == demand.trend.change_points[0].growth_per_year
    assert demand.fourier.sin == [0.125, 0.0] and demand.fourier.cos == [0.05, 0.125]
    assert demand.controls["price_index"].coefficient == 0.125
    assert demand.events["double11"].lift == 0.125


def test_a_fourier_list_left_out_can_be_freed_by_index() -> None:
    from mktsim.calibrate.priors import check_priors, parse_priors
    from mktsim.scenario.load import with_values

    loaded = load_text(with_demand("  demand:\n    fourier: {order: 2}\n"), "s.yaml")
    check_priors(loaded, parse_priors(["market.demand.fourier.cos.1=-0.3:0.3"], None, "x"))
    fourier = with_values(loaded, {"market.demand.fourier.cos.1": 0.2}).spec.market.demand
    assert fourier is not None and fourier.fourier is not None
    assert fourier.fourier.cos == [0.0, 0.2] and fourier.fourier.sin == [0.0, 0.0]
    with pytest.raises(ScenarioError, match="harmonic index 2 is not one of 0 to 1"):
        with_values(loaded, {"market.demand.fourier.sin.2": 0.1})


def test_a_prior_reaching_past_a_bound_is_refused_before_the_fit() -> None:
    from mktsim.calibrate.priors import check_priors, parse_priors

    loaded = load_text(with_demand(), "s.yaml")
    with pytest.raises(ScenarioError, match=r"lift -1\.9\d* is outside -1 to 100"):
        check_priors(loaded, parse_priors(["market.demand.events.double11.lift=-2:2"],
                                          None, "s.yaml"))


def test_the_demand_example_of_the_scenario_guide_validates() -> None:
    import re

    guide = (Path(__file__).parents[1] / "docs" / "scenario.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```yml\n(market:\n.*?)```", guide, re.S)
    block = example.split("  demand:\n", 1)[1]
    demand = load_text(with_demand("  demand:\n" + block), "s.yaml").spec.market.demand
    assert demand is not None and set(demand.events) == {"double11"}
    assert demand.controls["price_index"].effect == "elasticity"


def test_calibrate_as_a_process_refuses_a_misnamed_driver_column(tmp_path: Path) -> None:
    import subprocess
    import sys

    scenario = tmp_path / "s.yaml"
    scenario.write_text(with_demand(), encoding="utf-8")
    history = tmp_path / "h.csv"
    history.write_text("date,units,double11,control.price_idx\n2026-01-05,10,0,1\n"
                       "2026-01-12,11,1,0.9\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mktsim", "calibrate", str(scenario), "--history", str(history),
         "--param", "market.demand.events.double11.lift=0:2", "--out",
         str(tmp_path / "fitted.yaml")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    text = done.stdout + done.stderr
    assert f"{history}:1: double11: unknown column. did you mean 'event.double11'?" in text
    assert f"{history}:1: control.price_idx: no control 'price_idx'" in text
    assert "did you mean 'control.price_index'?" in text
    assert "Traceback" not in text and not (tmp_path / "fitted.yaml").exists()


def test_demand_drivers_are_refused_in_a_bass_consistent_market() -> None:
    text = with_demand().replace("market:\n", "market:\n  bass_consistent: true\n", 1)
    with pytest.raises(ScenarioError) as info:
        load_text(text, "s.yaml")
    (problem,) = [p.render() for p in info.value.problems if "market.demand" in p.where]
    assert problem.startswith(f"s.yaml:{_line_of(text, '  demand:')}: market.demand: demand "
                              "drivers act on category purchases")
    assert "set bass_consistent: false" in problem
