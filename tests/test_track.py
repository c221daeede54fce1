"""Tracking a plan against actuals: the plan that follows them, the conditioning, the
verdicts, the command and its bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mktsim.cli import main
from mktsim.documents import TrackDocument
from mktsim.history.periods import PeriodKind
from mktsim.model.measures import value_at
from mktsim.track import effective_sample_size, systematic_resample, track, tracking_plan
from mktsim.track.condition import normalised, tempering
from mktsim.track.synthetic import write_actuals
from track_fixtures import SMART, even_scenario, model_actuals


@pytest.fixture(scope="module")
def scenario():
    return even_scenario()


def test_plan_follows_actual_spend_then_the_strategy_with_the_money_left(scenario) -> None:
    actuals = model_actuals(scenario, 13, 0)
    spent = {c: v * 1.5 for c, v in actuals.spend.items()}  # overspent on two channels
    actuals = dataclasses.replace(actuals, spend=spent)
    plan = tracking_plan(scenario.spec, "baseline", actuals)
    base = scenario.plan("baseline")
    day = actuals.days
    social = plan.channels.index("social")
    for first, days, amount in zip(actuals.first_days, actuals.period_days,
                                   spent["social"], strict=True):
        assert plan.spend[social, first:first + days].sum() == pytest.approx(amount)
    assert plan.spend.sum() == pytest.approx(base.spend.sum())  # the year's budget holds
    ratio = plan.spend[:, day:] / np.where(base.spend[:, day:] > 0, base.spend[:, day:], 1)
    shares = ratio[base.spend[:, day:] > 0]
    assert shares.max() == pytest.approx(shares.min())  # the flighting keeps its shape
    assert shares.max() < 1.0  # overspend leaves less for the rest of the year


def test_rules_review_only_from_the_as_of_day(scenario) -> None:
    actuals = model_actuals(scenario, 13, 0)
    plan = tracking_plan(scenario.spec, "adaptive", actuals)
    assert plan.rules is not None and plan.rules.review_days
    assert min(plan.rules.review_days) >= actuals.days
    assert scenario.plan("adaptive").rules.review_days[0] < actuals.days


def test_promotions_after_the_as_of_day_survive_an_actual_price_column(scenario) -> None:
    actuals = model_actuals(scenario, 13, 0)
    actuals = dataclasses.replace(actuals, price={"pulse_band": np.full(13, 239.0)})
    plan = tracking_plan(scenario.spec, "digital_first", actuals)
    day = actuals.days
    before = [e for e in plan.events if e.target == "pulse_band" and e.day < day]
    after = [e for e in plan.events if e.target == "pulse_band" and e.day >= day]
    assert all(e.value == 239.0 for e in before if e.kind == "price")
    assert any(e.kind == "discount" and e.value == pytest.approx(0.15) for e in after)
    assert any(e.kind == "price" and e.day == day and e.value == pytest.approx(249.0)
               for e in after)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 10.0), min_size=1, max_size=40), st.integers(0, 2**31))
def test_systematic_resampling_keeps_each_count_within_one_of_n_w(raw, seed) -> None:
    w = np.asarray(raw) + 1e-9
    w /= w.sum()
    idx = systematic_resample(w, 500, np.random.default_rng(seed))
    counts = np.bincount(idx, minlength=w.size)
    assert counts.sum() == 500
    assert np.all(np.abs(counts - 500 * w) <= 1.0 + 1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-500.0, 0.0), min_size=2, max_size=60))
def test_tempering_keeps_the_effective_sample_size(raw) -> None:
    ll = np.asarray(raw)
    floor = 0.2 * ll.size
    beta = tempering(ll, floor)
    assert 0.0 <= beta <= 1.0
    assert effective_sample_size(normalised(beta * ll)) >= floor - 1e-6
    if beta < 1.0:
        assert effective_sample_size(normalised(min(1.0, beta + 1e-3) * ll)) < floor + 0.05


def test_ess_of_equal_weights_is_n() -> None:
    assert effective_sample_size(np.full(37, 1 / 37)) == pytest.approx(37)


def test_actuals_ahead_raise_and_behind_lower_the_sales_probability(scenario) -> None:
    pool = [model_actuals(scenario, 13, r) for r in range(12)]
    q1 = [float(np.sum(a.series["units"])) for a in pool]
    ahead, behind = pool[int(np.argmax(q1))], pool[int(np.argmin(q1))]
    p = {}
    for name, actuals in (("ahead", ahead), ("behind", behind)):
        t = track(scenario, "baseline", actuals, 200, seed=5)
        sales = next(x for x in t.targets if x.conditional.target.id == "sales_up")
        p[name] = sales.conditional
        p["plan"] = sales.unconditional
    assert p["plan"].probability < p["ahead"].interval[0]  # ahead: beyond its interval
    # behind: below the plan; beyond its interval too when the plan's probability leaves
    # room for it (at the smart band's published elasticity the plan's is near 0)
    assert p["behind"].probability < p["plan"].probability
    if p["plan"].probability > 0.2:
        assert p["behind"].interval[1] < p["plan"].probability


def test_actuals_over_the_whole_horizon_make_the_sales_verdict_certain(scenario) -> None:
    actuals = model_actuals(scenario, 12, 2, kind=PeriodKind.MONTH)
    t = track(scenario, "baseline", actuals, 60, seed=5)
    sales = next(x for x in t.targets if x.conditional.target.id == "sales_up")
    total = float(np.sum(actuals.series["units"]))
    assert sales.conditional.probability == float(total >= sales.conditional.threshold)
    assert sales.conditional.interval == (sales.conditional.probability,) * 2
    assert sales.position.value == pytest.approx(total)


def test_same_seed_same_answer_for_one_and_two_workers(scenario) -> None:
    actuals = model_actuals(scenario, 13, 1)
    one = track(scenario, "baseline", actuals, 40, seed=9, workers=1)
    two = track(scenario, "baseline", actuals, 40, seed=9, workers=2)
    assert one.to_dict(series=False) == two.to_dict(series=False)


def test_conditioned_sales_to_date_match_the_actuals(scenario) -> None:
    actuals = model_actuals(scenario, 13, 4)
    t = track(scenario, "baseline", actuals, 200, seed=3)
    done = value_at(t.conditioned.run.daily, "units", actuals.days - 1)
    plain = value_at(t.unconditional.run.daily, "units", actuals.days - 1)
    observed = float(np.sum(actuals.series["units"]))
    assert abs(done.mean() - observed) < abs(plain.mean() - observed) + 1e-9
    assert abs(done.mean() - observed) < 3 * plain.std()


# --- the command ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def h1_file(tmp_path_factory, scenario) -> Path:
    path = tmp_path_factory.mktemp("actuals") / "h1.csv"
    return write_actuals(path, model_actuals(scenario, 13, 0))


def test_json_is_the_run_document_plus_the_tracking_fields(h1_file: Path) -> None:
    res = CliRunner().invoke(main, ["track", str(SMART), "--actuals", str(h1_file), "-n", "30",
                                    "--seed", "2", "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["kind"] == "track" and doc["as_of"] == "2027-04-01"
    assert doc["replications"] == 30 and "kpis" in doc and "series" in doc
    for t in doc["targets"]:
        assert 0 <= t["interval"][0] <= t["probability"] <= t["interval"][1] <= 1
        assert set(t["unconditional"]) >= {"probability", "interval"}
        assert t["status"] in ("on track", "behind", "not started")
    assert doc["conditioning"]["ess"] > 0
    assert doc["actuals"]["units"]["observed"][0] is not None
    read = TrackDocument.from_dict(doc)  # the type that writes it reads it back
    assert read.run is not None and read.run.replications == 30
    assert read.to_dict() == doc


def test_table_and_out_folder(h1_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["track", str(SMART), "--actuals", str(h1_file), "-n", "30",
                                    "--out", str(out), "--report", "md"])
    assert res.exit_code == 0, res.output
    # sales_up is shown by its label in the shipped scenario
    assert "as of 2027-04-01" in res.stdout and "Unit sales 225k" in res.stdout
    assert json.loads((out / "track.json").read_text())["kind"] == "track"
    report = (out / "report.md").read_text()
    assert "The runs follow the actuals to 2027-04-01 (13 periods)" in report
    assert "for the plan alone" in report
    assert (out / "report_files" / "fan_units.png").is_file()


def _rows(path: Path) -> list[str]:
    return path.read_text().splitlines()


@pytest.mark.parametrize("change, where", [
    ("late_start", ":2: date"),
    ("past_horizon", ":54: date"),
    ("text", ":3: units"),
    ("unknown_channel", ":1: spend.radio"),
])
def test_bad_actuals_exit_2_and_write_nothing(h1_file: Path, tmp_path: Path, change: str,
                                              where: str) -> None:
    rows = _rows(h1_file)
    if change == "late_start":
        rows = [rows[0], *rows[2:]]
    elif change == "past_horizon":  # 53 weeks: the last one ends on 6 January 2028
        values = rows[2].split(",", 1)[1]
        rows = [rows[0]] + [f"{dt.date(2027, 1, 1) + dt.timedelta(weeks=w)},{values}"
                            for w in range(53)]
    elif change == "text":
        cells = rows[2].split(",")
        cells[1] = "many"
        rows[2] = ",".join(cells)
    else:
        rows[0] = rows[0].replace("spend.kol", "spend.radio")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["track", str(SMART), "--actuals", str(bad), "-n", "10",
                                    "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert f"{bad}{where}" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()



def test_track_document_errors_name_the_file_and_the_key() -> None:
    from mktsim.documents import DocumentError

    with pytest.raises(DocumentError, match=r"track\.json: needs 'actuals' and 'as_of'"):
        TrackDocument.from_dict({"kind": "track", "as_of": "2027-04-01"})
    with pytest.raises(DocumentError, match=r"track.json: targets\[0\].gap must be a number"):
        TrackDocument.from_dict({"as_of": "2027-04-01", "actuals": {},
                                 "targets": [{"id": "sales_up", "gap": "far"}]})
    only = {"kind": "track", "as_of": "2027-04-01", "actuals": {}, "warnings": ["w"]}
    doc = TrackDocument.from_dict(only)  # the tracking fields alone (run.json beside them)
    assert doc.run is None and doc.warnings == ["w"] and doc.as_of == dt.date(2027, 4, 1)
