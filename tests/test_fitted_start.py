"""A fitted scenario starts where its history ends: the start state keys, the fitted
file (start date, state columns, record), and a forecast that continues the market."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import mktsim
from history_fixtures import blank_history, write_history
from mktsim.cli import main
from mktsim.engine.montecarlo import simulate
from mktsim.history import History, history_plan, period_values
from mktsim.history.periods import PeriodKind
from mktsim.kpis import KPI_INDEX
from mktsim.model.compile import compile_plan
from mktsim.model.plan import CHURNED, CUSTOMER, LOYAL

START = dt.date(2026, 1, 5)  # a Monday
WEEKS = 104
BUDGET = 2_600_000.0  # a year's media money of the scenario below (364 days)

SCENARIO = """\
# A small market whose truth is known: two channels with carry-over, word of mouth
name: Continuation check
horizon_days: 364
start_date: 2026-01-05
seed: 11
replications: 40
market:
  size: 300_000
  word_of_mouth: {innovation: 0.01, imitation: 0.45, source: adopters}
  awareness_decay_per_year: 0.3
  segments:
    everyone:
      share: 1.0
      initial_awareness: 0.05   # aware on day 0
      initial_consideration: 0.01
      consideration_per_year: 1.5
      purchase_per_year: 0.8
      repurchase_per_year: 0.3
      loyalty_per_year: 0.2
      churn_per_year: 0.3
      winback_per_year: 0.2
products:
  widget:
    price: 100
    unit_cost: 60
channels:
  social:
    type: online
    cost: {model: cpm, cpm: 40}
    awareness: {per_year: 0.8, half_saturation: 2.0}
    adstock: {retention_per_week: 0.5}
  search:
    type: online
    cost: {model: cpm, cpm: 60}
    conversion: {lift: 1.0, half_saturation: 0.5}
    adstock: {retention_per_week: 0.3}
strategies:
  steady:
    budget: 2_600_000          # per 364 days
    allocation: {social: 0.6, search: 0.4}
  lean:
    budget: 1_300_000
    allocation: {social: 0.5, search: 0.5}
"""


def _scenario(tmp_path: Path) -> Path:
    path = tmp_path / "truth.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_start_state_keys_default_to_todays_start(tmp_path: Path) -> None:
    """initial_lapsed, initial_adopters and adstock.initial: 0, customers + loyal + lapsed,
    0 by default; given, they are the counts and the stock of day 0."""
    plain = mktsim.load(_scenario(tmp_path)).spec
    plan = compile_plan(plain, "steady")
    assert plan.init_adstock is None and plan.init_adopters is None
    assert plan.init_state[:, CHURNED].sum() == 0
    given = mktsim.load(_scenario(tmp_path), [
        "market.segments.everyone.initial_awareness=0.4",
        "market.segments.everyone.initial_customers=0.1",
        "market.segments.everyone.initial_lapsed=0.05",
        "market.segments.everyone.initial_adopters=0.2",
        "channels.social.adstock.initial=0.03"]).spec
    plan = compile_plan(given, "steady")
    assert plan.init_state[0, CUSTOMER] == 30_000 and plan.init_state[0, CHURNED] == 15_000
    assert plan.init_adopters is not None and plan.init_adopters[0] == 60_000
    assert plan.init_adstock is not None and list(plan.init_adstock) == [0.03, 0.0]
    run = simulate(plan, 4, 1)
    assert (run.daily[:, KPI_INDEX["cumulative_adopters"], 0] >= 60_000).all()
    assert plan.init_state[0, LOYAL] == 0


def test_adopters_below_customers_is_refused(tmp_path: Path) -> None:
    with pytest.raises(mktsim.ScenarioError, match="initial_adopters"):
        mktsim.load(_scenario(tmp_path), [
            "market.segments.everyone.initial_awareness=0.4",
            "market.segments.everyone.initial_customers=0.1",
            "market.segments.everyone.initial_adopters=0.05"])


def _weekly_spend(rng: np.random.Generator, weeks: int, varied: int = WEEKS
                  ) -> dict[str, np.ndarray]:
    """Spend per week: the steady plan's weekly money, varied +-40% over the history,
    exactly the plan over the year after it."""
    week = BUDGET / 52.0
    out = {}
    for name, share in (("social", 0.6), ("search", 0.4)):
        factor = np.ones(weeks)
        factor[:varied] = rng.uniform(0.6, 1.4, varied)
        out[name] = week * share * factor
    return out


def _truth(loaded: mktsim.Scenario, spend: dict[str, np.ndarray], weeks: int,
           reps: int) -> dict[str, np.ndarray]:
    """Weekly units and revenue of the known market over `weeks` weeks [reps, weeks]."""
    blank = blank_history(START, weeks, PeriodKind.WEEK, spend)
    shaped = History(blank.source, blank.kind, blank.dates, blank.ends,
                     {"units": np.zeros(weeks), "revenue": np.zeros(weeks)},
                     spend=blank.spend)
    plan = history_plan(loaded.loaded.spec, "steady", shaped)
    run = simulate(plan, reps, 5)
    return period_values(run.daily, shaped)


@pytest.mark.slow
def test_fitted_forecast_continues_the_market(tmp_path: Path) -> None:
    """Two years of weekly history from a known market, fitted; the fitted file's next
    year is the same market's year 3 (within 6%, and inside a 99% interval)."""
    truth_file = _scenario(tmp_path)
    truth = mktsim.load(truth_file)
    spend = _weekly_spend(np.random.default_rng(3), WEEKS + 52)
    one = _truth(truth, spend, WEEKS + 52, 1)
    dates = blank_history(START, WEEKS, PeriodKind.WEEK).dates
    history = write_history(tmp_path / "history.csv", dates, {
        "units": one["units"][0, :WEEKS], "revenue": one["revenue"][0, :WEEKS],
        "spend.social": spend["social"][:WEEKS], "spend.search": spend["search"][:WEEKS]})
    result = truth.calibrate(history=history, replications=8, starts=1, params=(
        "market.word_of_mouth.imitation=0.2:0.8",
        "channels.social.awareness.per_year=0.3:1.6"))
    fitted = result.write_fitted(tmp_path / "fitted.yaml")
    again = mktsim.load(fitted)
    assert again.spec.start_date == START + dt.timedelta(weeks=WEEKS)
    record = again.spec.fitted_from
    assert record is not None and record.first_day == START
    assert record.sha256 == hashlib.sha256(history.read_bytes()).hexdigest()
    forecast = again.run(replications=60).run.daily
    year = forecast[:, KPI_INDEX["revenue"]].sum(axis=1)
    future = _truth(truth, spend, WEEKS + 52, 60)["revenue"][:, WEEKS:].sum(axis=1)
    assert year.mean() == pytest.approx(future.mean(), rel=0.06)
    se = np.sqrt(year.var(ddof=1) / len(year) + future.var(ddof=1) / len(future))
    assert abs(year.mean() - future.mean()) < 2.58 * se + 0.03 * future.mean()
    first_weeks = forecast[:, KPI_INDEX["units"], :28].sum(axis=1).mean()
    last_weeks = one["units"][0, WEEKS - 4:WEEKS].sum()
    assert first_weeks == pytest.approx(last_weeks, rel=0.15)  # no jump back to day 0
    from_start = truth.run(replications=20).run.daily[:, KPI_INDEX["revenue"]].sum(axis=1)
    assert abs(from_start.mean() - future.mean()) > 0.15 * future.mean()  # it matters


@pytest.fixture(scope="module")
def fitted_20(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, object]:
    """A 20-week history of the known market, and its fitted scenario in a subfolder:
    (history, fitted file, folder, calibration result)."""
    tmp_path = tmp_path_factory.mktemp("fitted")
    truth = mktsim.load(_scenario(tmp_path))
    spend = _weekly_spend(np.random.default_rng(4), 20, 20)
    one = _truth(truth, spend, 20, 1)
    dates = blank_history(START, 20, PeriodKind.WEEK).dates
    history = write_history(tmp_path / "history.csv", dates, {
        "units": one["units"][0], "spend.social": spend["social"],
        "spend.search": spend["search"]})
    result = truth.calibrate(history=history, replications=4, starts=1,
                             params=("market.word_of_mouth.imitation=0.2:0.8",))
    (tmp_path / "out").mkdir()
    fitted = result.write_fitted(tmp_path / "out" / "fitted.yaml")
    return history, fitted, tmp_path, result


def test_fitted_file_keeps_comments_and_names_the_state(fitted_20) -> None:
    """The written fitted scenario: comments in place, start date, state columns in the
    draws file and one joint draws group, the record."""
    history, fitted, tmp_path, _result = fitted_20
    text = fitted.read_text(encoding="utf-8")
    assert "# A small market whose truth is known" in text
    assert "initial_awareness: " in text and "# aware on day 0" in text
    assert "budget: 2600000" in text.replace("_", "") and "# per 364 days" in text
    assert "start_date: 2026-05-25" in text  # 20 weeks after 2026-01-05
    again = mktsim.load(fitted)
    assert again.spec.fitted_from is not None
    named = fitted.parent / again.spec.fitted_from.history
    assert named.resolve() == history.resolve()
    assert again.spec.fitted_from.start_state[
        "market.segments.everyone.initial_awareness"] == 0.05
    with (tmp_path / "out" / "fitted.draws.csv").open() as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert "market.segments.everyone.initial_customers" in header
    assert "channels.social.adstock.initial" in header and len(rows) == 401
    unc = again.spec.uncertainties or {}
    for path in ("market.word_of_mouth.imitation",
                 "market.segments.everyone.initial_customers"):
        assert unc[path]["draws"] == "fitted.draws.csv"
        assert unc[path]["column"] == path
    # the adstock follows the spend alone: the same in every draw, a number in the file
    assert "channels.social.adstock.initial" not in unc
    assert again.spec.channels["social"].adstock.initial == pytest.approx(
        float(rows[1][header.index("channels.social.adstock.initial")]), rel=1e-8)
    customers = again.spec.market.segments["everyone"].initial_customers
    column = np.array([float(r[header.index("market.segments.everyone.initial_customers")])
                       for r in rows[1:]])
    assert customers == pytest.approx(column.mean(), rel=1e-6) and customers > 0


def test_calibrating_a_fitted_scenario_starts_where_its_history_began(fitted_20) -> None:
    """On the same history the fitted scenario is simulated from the recorded start: the
    same fit as the first time; on a history beginning after the window but before the
    fitted start, a clear refusal."""
    history, fitted, tmp_path, first = fitted_20
    again = mktsim.load(fitted).calibrate(history=history, replications=4, starts=1,
                                          params=("market.word_of_mouth.imitation=0.2:0.8",))
    assert again.parameters[0].estimate == pytest.approx(first.parameters[0].estimate,
                                                         rel=1e-9)
    assert again.end_state is not None and first.end_state is not None
    assert again.end_state.start_before == first.end_state.start_before
    assert again.end_state.start_date_before == START
    rows = history.read_text().splitlines()
    late = tmp_path / "late.csv"
    late.write_text("\n".join([rows[0], *rows[5:]]) + "\n")
    with pytest.raises(mktsim.ScenarioError, match="begins on 2026-02-02"):
        mktsim.load(fitted).calibrate(history=late, replications=4, starts=1,
                                      params=("market.word_of_mouth.imitation=0.2:0.8",))


def test_fitted_scenario_replications_start_from_their_rows_state(fitted_20) -> None:
    """Each replication's plan starts from its row's state, the same plan as the whole
    scenario validated again with that row's values would give."""
    from mktsim.simulate.sampled import uncertain_plans
    from test_sampled_scenarios import assert_same_plans

    _history, fitted, _tmp, _result = fitted_20
    source = mktsim.load(fitted).loaded
    plans = uncertain_plans(source, "steady", seed=3)
    assert plans is not None
    assert_same_plans(plans, 0, 12)
    drawn = plans.plans_for(0, 12)
    customers = {int(p.init_state[0, CUSTOMER]) for p, _ in drawn}
    assert len(customers) > 3  # the state varies with the row
    for plan, values in drawn:
        share = values["market.segments.everyone.initial_customers"]
        assert plan.init_state[0, CUSTOMER] == round(300_000 * share)


def test_explain_and_track_of_a_fitted_scenario_start_from_its_state(fitted_20) -> None:
    """explain's run and track's plain run of the fitted file begin at the fitted state;
    track's actuals (the same market's next 8 weeks) sit near its plain run, far from a
    run of the original scenario started on the same day from its day-0 state."""
    _history, fitted, tmp_path, _result = fitted_20
    again = mktsim.load(fitted)
    state = again.spec.market.segments["everyone"]
    held = 300_000 * (state.initial_customers + state.initial_loyal)
    explained = again.explain(replications=10, curves=False).run.run.daily
    assert explained[:, KPI_INDEX["customers"], 0].mean() == pytest.approx(held, rel=0.1)
    compared = again.compare(max_reps=20).first_run
    assert compared is not None
    assert compared.run.daily[:, KPI_INDEX["customers"], 0].mean() == pytest.approx(
        held, rel=0.1)
    truth = mktsim.load(_scenario(tmp_path))
    spend = _weekly_spend(np.random.default_rng(4), 28, 20)
    future = _truth(truth, spend, 28, 1)["units"][0, 20:]
    start = again.spec.start_date
    dates = blank_history(start, 8, PeriodKind.WEEK).dates
    actuals = write_history(tmp_path / "actuals.csv", dates, {
        "units": future, "spend.social": spend["social"][20:],
        "spend.search": spend["search"][20:]})
    tracked = again.track(actuals, replications=40, seed=2)
    assert tracked.as_of == start + dt.timedelta(weeks=8, days=-1)
    plain = tracked.unconditional.run.daily[:, KPI_INDEX["units"], :56].sum(axis=1).mean()
    assert plain == pytest.approx(future.sum(), rel=0.15)
    fresh = mktsim.load(_scenario(tmp_path), [f"start_date={start.isoformat()}"])
    cold = fresh.run(replications=20).run.daily[:, KPI_INDEX["units"], :56].sum(axis=1)
    assert abs(cold.mean() - future.sum()) > 0.3 * future.sum()


def test_a_plan_written_from_a_fitted_scenario_names_the_same_history(fitted_20) -> None:
    """optimize --out / track --out-plan into another folder: fitted_from.history still
    names the history file."""
    from mktsim.decision.plan_file import write_strategy_yaml

    history, fitted, tmp_path, _result = fitted_20
    relative = fitted.with_name("relative.yaml")  # the history named from its folder
    relative.write_text(fitted.read_text(encoding="utf-8").replace(
        str(history), "../history.csv"), encoding="utf-8")
    assert mktsim.load(relative).spec.fitted_from.history == "../history.csv"
    (tmp_path / "plans" / "h2").mkdir(parents=True)
    target = tmp_path / "plans" / "h2" / "plan.yaml"
    strategy = {"budget": 1_000_000, "allocation": {"social": 0.5, "search": 0.5}}
    target.write_text(write_strategy_yaml(relative, target, strategy), encoding="utf-8")
    record = mktsim.load(target).spec.fitted_from
    assert record is not None
    assert (target.parent / record.history).resolve() == history.resolve()


def test_a_run_from_the_end_state_continues_the_same_market(tmp_path: Path) -> None:
    """Half a year simulated, its end state (per replication) made the start of the next
    half year: the second half's weekly units match those of one run over the whole year
    (99% interval on the total, and week by week within 3% on average)."""
    from mktsim.calibrate.end_state import end_state
    from mktsim.calibrate.simulator import WindowModel
    from mktsim.scenario.load import with_values

    truth = mktsim.load(_scenario(tmp_path))
    reps, half = 60, 26
    spend = _weekly_spend(np.random.default_rng(5), 2 * half, 0)
    whole = _truth(truth, spend, 2 * half, reps)["units"][:, half:]
    source = _scenario(tmp_path)  # any file: the record hashes it
    first = blank_history(START, half, PeriodKind.WEEK,
                          {k: v[:half] for k, v in spend.items()})
    window = History(str(source), first.kind, first.dates, first.ends,
                     {"units": np.zeros(half)}, spend=first.spend)
    ends = end_state(WindowModel(truth.loaded, "steady", window, [], 1, 9),
                     np.zeros((reps, 0)))
    later = mktsim.load(source, [f"start_date={ends.start_date.isoformat()}"])
    second = blank_history(ends.start_date, half, PeriodKind.WEEK,
                           {k: v[half:] for k, v in spend.items()})
    shaped = History(second.source, second.kind, second.dates, second.ends,
                     {"units": np.zeros(half)}, spend=second.spend)
    runs = []
    for i, row in enumerate(ends.draws):
        spec = with_values(later.loaded, dict(zip(ends.paths, row, strict=True))).spec
        run = simulate(history_plan(spec, "steady", shaped), 1, 1000 + i)
        runs.append(period_values(run.daily, shaped)["units"][0])
    continued = np.array(runs)
    a, b = continued.sum(axis=1), whole.sum(axis=1)
    se = np.sqrt(a.var(ddof=1) / reps + b.var(ddof=1) / reps)
    assert abs(a.mean() - b.mean()) < 2.58 * se + 0.01 * b.mean()
    weekly = np.abs(continued.mean(axis=0) / whole.mean(axis=0) - 1)
    assert weekly.mean() < 0.03 and weekly[:4].mean() < 0.03  # no jump at the start


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 1.0), st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5))
def test_day_zero_stocks_are_the_start_state(awareness: float, parts: list[float]) -> None:
    """Any valid start state: the day-0 stocks (before any simulated day) are its shares
    of the segment's people, within the rounding of its parts to whole people."""
    from mktsim.model.measures import start_value
    from mktsim.scenario.load import load_text

    cons, cust, loyal, lapsed = (awareness * p / 4 for p in parts[:4])
    adopters = cust + loyal + lapsed + (1 - awareness) * parts[4]
    seg = "market.segments.everyone"
    spec = load_text(SCENARIO, "truth.yaml", (
        f"{seg}.initial_awareness={awareness!r}", f"{seg}.initial_consideration={cons!r}",
        f"{seg}.initial_customers={cust!r}", f"{seg}.initial_loyal={loyal!r}",
        f"{seg}.initial_lapsed={lapsed!r}", f"{seg}.initial_adopters={adopters!r}")).spec
    plan = compile_plan(spec, "steady")
    people = 300_000
    assert plan.init_state.sum() == people
    assert abs(start_value(plan, "brand_awareness") * people - awareness * people) <= 2.5
    assert abs(start_value(plan, "customers") - (cust + loyal) * people) <= 1
    assert abs(start_value(plan, "cumulative_adopters") - adopters * people) <= 2
    assert abs(plan.init_state[0, CHURNED] - lapsed * people) <= 0.5


def test_dated_entries_before_the_fitted_start_are_refused_before_the_fit(
        tmp_path: Path) -> None:
    """A target due before the day after the history: calibrate --out stops at once
    (exit 2), naming the target and the fitted start; nothing is written."""
    scenario = tmp_path / "dated.yaml"
    scenario.write_text(SCENARIO + "targets:\n  - {id: early, metric: units, at_least: 10,"
                        " by: 2026-03-31}\n", encoding="utf-8")
    spend = _weekly_spend(np.random.default_rng(4), 20, 20)
    dates = blank_history(START, 20, PeriodKind.WEEK).dates
    history = write_history(tmp_path / "h.csv", dates, {
        "units": np.full(20, 500.0), "spend.social": spend["social"],
        "spend.search": spend["search"]})
    evaluations: list[int] = []
    with pytest.raises(mktsim.ScenarioError, match=r"(?s)starts on 2026-05-25.*targets\.0"):
        mktsim.load(scenario).calibrate(
            history=history, params=("market.word_of_mouth.imitation=0.2:0.8",),
            out=tmp_path / "fitted.yaml", on_evaluation=lambda: evaluations.append(1))
    assert not evaluations and not (tmp_path / "fitted.yaml").exists()
    res = CliRunner().invoke(main, ["calibrate", str(scenario), "--history", str(history),
                                    "--param", "market.word_of_mouth.imitation=0.2:0.8",
                                    "--out", str(tmp_path / "fitted.yaml")])
    assert res.exit_code == 2 and "targets.0.by" in res.output
