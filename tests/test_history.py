"""History files: the format, the periods, the observation model, the plan with actuals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import mktsim
from history_fixtures import blank_history
from mktsim.cli import main
from mktsim.history import (
    HistoryError,
    Noise,
    history_plan,
    noise_of,
    period_values,
    plan_with_actuals,
    read_history,
    window_spec,
)
from mktsim.history.periods import PeriodKind, infer_kind, next_start
from mktsim.kpis import KPI_INDEX
from mktsim.model.compile import compile_plan

WRONG = Path(__file__).parent / "wrong_histories"
SCENARIO = Path(__file__).parents[1] / "scenarios" / "smart_band.yaml"


def _expected() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in (WRONG / "EXPECTED.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, row, column, message = (p.strip() for p in line.split("|"))
            rows.append((name, row, column, message))
    return rows


@pytest.mark.parametrize(("name", "row", "column", "message"), _expected())
def test_wrong_history_exits_2_with_its_message(tmp_path: Path, name: str, row: str,
                                                column: str, message: str) -> None:
    out = tmp_path / "fitted.yaml"
    result = CliRunner().invoke(main, [
        "calibrate", str(SCENARIO), "--history", str(WRONG / name), "--out", str(out),
        "--param", "market.word_of_mouth.imitation=0.05:0.4",
        "--param", "market.word_of_mouth.innovation=0.001:0.02"])
    assert result.exit_code == 2, result.output
    text = result.output
    assert message in text
    assert str(WRONG / name) in text
    if row != "-":
        assert f"{WRONG / name}:{row}: {column}:" in text
    assert "Traceback" not in text
    assert not out.exists()


def test_reads_the_shipped_example() -> None:
    spec = mktsim.load(SCENARIO).spec
    h = read_history(SCENARIO.parent / "smart_band_history.csv", spec.channels,
                     spec.products)
    assert h.kind is PeriodKind.WEEK and h.n_periods == 52
    assert set(h.series) == {"units", "revenue", "brand_awareness"}
    assert noise_of(h, "brand_awareness") is Noise.SURVEY
    assert noise_of(h, "units") is Noise.COUNT
    assert np.isnan(h.series["brand_awareness"]).sum() == 52 - 12  # monthly survey
    assert h.days == 364


def test_reads_xlsx_first_or_named_sheet(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    for row in (["date", "units", "brand_awareness"], [dt.datetime(2026, 1, 1), 5, "20%"],
                [dt.datetime(2026, 2, 1), None, 0.25]):
        first.append(row)
    other = book.create_sheet("other")
    other.append(["date", "unitz"])
    book.save(tmp_path / "h.xlsx")
    h = read_history(tmp_path / "h.xlsx", (), ())
    assert h.kind is PeriodKind.MONTH
    assert h.series["brand_awareness"][0] == pytest.approx(0.2)
    assert np.isnan(h.series["units"][1])  # an empty cell is missing, not zero
    with pytest.raises(HistoryError, match="did you mean 'units'"):
        read_history(tmp_path / "h.xlsx", (), (), sheet="other")
    with pytest.raises(HistoryError, match="no sheet 'nope'"):
        read_history(tmp_path / "h.xlsx", (), (), sheet="nope")


@pytest.mark.parametrize("kind", list(PeriodKind))
@given(start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)),
       n=st.integers(2, 30))
def test_regular_dates_are_inferred(kind: PeriodKind, start: dt.date, n: int) -> None:
    if kind in (PeriodKind.MONTH, PeriodKind.YEAR):
        start = start.replace(day=1)
    dates = [start]
    for _ in range(n - 1):
        dates.append(next_start(kind, dates[-1]))
    assert infer_kind(dates) is kind


def test_flows_sum_and_stocks_take_the_last_day() -> None:
    h = blank_history(dt.date(2026, 1, 1), 3, PeriodKind.MONTH)
    h = type(h)(h.source, h.kind, h.dates, h.ends,
                {"units": np.zeros(3), "customers": np.zeros(3)})
    daily = np.zeros((len(KPI_INDEX), h.days))
    daily[KPI_INDEX["units"]] = 1.0
    daily[KPI_INDEX["customers"]] = np.arange(h.days)
    values = period_values(daily, h)
    assert values["units"].tolist() == [31, 28, 31]
    assert values["customers"].tolist() == [30, 58, 89]


def test_plan_follows_actual_spend_and_prices() -> None:
    loaded = mktsim.load(SCENARIO).loaded
    spend = {"social": np.array([700.0, np.nan, 1400.0])}
    h = blank_history(dt.date(2026, 1, 5), 3, PeriodKind.WEEK, spend)
    h = type(h)(h.source, h.kind, h.dates, h.ends, {}, spend=spend,
                price={"pulse_band": np.array([249.0, 199.0, np.nan])})
    plan = history_plan(loaded.spec, "baseline", h)
    row = plan.channels.index("social")
    assert plan.horizon == 21
    assert np.allclose(plan.spend[row, :7], 100.0)
    assert np.allclose(plan.spend[row, 14:], 200.0)
    assert np.all(plan.spend[row, 7:14] == 0.0)  # an empty spend cell: nothing spent
    compiled = compile_plan(window_spec(loaded.spec, h), "baseline")
    tracked = plan_with_actuals(compiled, h)
    assert np.all(tracked.spend[row, 7:14] > 0)  # actuals: the plan stands where empty
    prices = [e for e in plan.events if e.kind == "price" and e.target == "pulse_band"]
    assert [(e.day, e.value) for e in prices] == [(7, 199.0)]
    assert plan.product_price[plan.products.index("pulse_band")] == 249.0


def test_a_columns_repeated_problem_is_shown_three_times_and_counted(tmp_path: Path) -> None:
    """A column written with misplaced thousands separators in every row (`1,20,100`) is
    one fix: its first rows are shown, the others counted in one line, and another
    column's problems still show. (`1,2000` would show a decimal comma.)"""
    weeks = [(dt.date(2026, 1, 5) + dt.timedelta(weeks=i)).isoformat() for i in range(40)]
    lines = ["date,units,spend.social"] + [
        f'{d},"1,20,{100 + i}",{-5 if i == 30 else 10}' for i, d in enumerate(weeks)]
    path = tmp_path / "h.csv"
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, [
        "calibrate", str(SCENARIO), "--history", str(path),
        "--param", "market.word_of_mouth.imitation=0.05:0.4"])
    assert result.exit_code == 2
    text = result.output
    assert "41 problems in the history file" in text
    shown = [ln for ln in text.splitlines() if ": units: '1," in ln]
    assert [ln.split(":")[1] for ln in shown] == ["2", "3", "4"]
    assert "units: and 37 more rows like these" in text
    assert f"{path}:32: spend.social: negative spend -5" in text
