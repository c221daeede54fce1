"""`mktsim init from-history`: a ready scenario from a history file alone.

The drafted scenario validates, states its assumptions in the chosen language, frees what
the data can identify, continues the history the day after its last period, and starts
at the history's level; bad input stops with exit code 2 and writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from mktsim.cli import main
from mktsim.history.draft import channel_type, own_share
from mktsim.scenario.load import load_spec

START = dt.date(2024, 1, 1)


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def write_history(path: Path, weeks: int = 60, seed: int = 1, controls: bool = False,
                  events: bool = False, price: bool = False, units: bool = False,
                  revenue: bool = True) -> Path:
    """A weekly history: revenue near 1M a week, TV on 6 weeks in 10, steady search."""
    rng = np.random.default_rng(seed)
    columns: dict[str, list[float]] = {}
    if revenue:
        columns["revenue"] = [round(1e6 * rng.uniform(0.9, 1.1)) for _ in range(weeks)]
    if units:
        columns["units"] = [round(5000 * rng.uniform(0.9, 1.1)) for _ in range(weeks)]
    columns["spend.tv_spots"] = [round(1e5 * (i % 10 < 6) * rng.uniform(0.5, 1.5))
                                 for i in range(weeks)]
    columns["spend.search"] = [round(3e4 * rng.uniform(0.5, 1.5)) for _ in range(weeks)]
    if price:
        columns["price.widget"] = [round(200 * rng.uniform(0.95, 1.05), 2)
                                   for _ in range(weeks)]
    if controls:
        columns["control.price_index"] = [round(1 + 0.05 * np.sin(i / 5), 4)
                                          for i in range(weeks)]
        columns["control.competitor"] = [round(rng.uniform(0, 10), 2) for _ in range(weeks)]
    if events:
        columns["event.double11"] = [1.0 if i % 52 == 45 else 0.0 for i in range(weeks)]
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["date", *columns])
        for i in range(weeks):
            out.writerow([(START + dt.timedelta(weeks=i)).isoformat(),
                          *(v[i] for v in columns.values())])
    return path


def test_draft_validates_and_continues_the_history(tmp_path: Path) -> None:
    history = write_history(tmp_path / "sales.csv")
    result = _invoke("init", "from-history", history, tmp_path / "plan")
    assert result.exit_code == 0, result.output
    path = tmp_path / "plan" / "sales.yaml"
    assert str(path) in result.output and "mktsim calibrate" in result.output
    checked = _invoke("validate", path)
    assert checked.exit_code == 0, checked.output
    spec = load_spec(path).spec
    assert spec.start_date == START + dt.timedelta(weeks=60)   # the day after the last week
    assert spec.horizon_days == 365
    assert set(spec.channels) == {"tv_spots", "search"}
    assert spec.channels["tv_spots"].type == "offline"
    assert spec.calibration is not None
    assert spec.calibration.history == "../sales.csv"
    assert spec.calibration.strategy == "continue" and spec.calibration.holdout == 13
    params = set(spec.calibration.parameters)
    assert {"channels.tv_spots.conversion.lift", "channels.search.adstock.retention_per_week",
            "market.segments.buyers.purchase_per_year",
            "market.demand.fourier.sin.0", "market.demand.fourier.cos.1"} <= params
    assert "market.demand.trend.growth_per_year" not in params   # 60 weeks: season only
    assert spec.market.demand.trend.origin == START


def test_trend_growth_changes_halfway_through_a_long_history(tmp_path: Path) -> None:
    # 160 weeks, 13 held out: the growth is freed, and again from the period halfway
    # through the 147 fitted ones (week 73), so the forecast continues the later half's
    long = write_history(tmp_path / "long.csv", weeks=160)
    assert _invoke("init", "from-history", long).exit_code == 0
    spec = load_spec(tmp_path / "long.yaml").spec
    (point,) = spec.market.demand.trend.change_points
    assert point.on == START + dt.timedelta(weeks=73) and point.growth_per_year == 0
    params = spec.calibration.parameters
    assert {"market.demand.trend.growth_per_year",
            "market.demand.trend.change_points.0.growth_per_year"} <= set(params)
    # two years less a quarter: one growth only
    short = write_history(tmp_path / "short.csv", weeks=100)
    assert _invoke("init", "from-history", short).exit_code == 0
    spec = load_spec(tmp_path / "short.yaml").spec
    assert not spec.market.demand.trend.change_points
    assert "market.demand.trend.growth_per_year" in spec.calibration.parameters


def _draft_channel(path: Path, tv: list[float]) -> tuple[float, float]:
    """(half-saturation, lift) drafted for TV from a history of flat revenue and steady
    search beside `tv`'s weekly money."""
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "revenue", "spend.tv", "spend.search"])
        for i, money in enumerate(tv):
            out.writerow([(START + dt.timedelta(weeks=i)).isoformat(), 1e6, money, 3e4])
    assert _invoke("init", "from-history", path, "--force").exit_code == 0
    spec = load_spec(path.with_suffix(".yaml")).spec
    return (spec.channels["tv"].conversion.half_saturation,
            spec.channels["tv"].conversion.lift)


def test_a_flighted_channel_is_half_saturated_at_its_usual_burst(tmp_path: Path) -> None:
    # the same 100,000 a week when on, every week or 6 weeks in 10: the same
    # half-saturation (the channel's money when it spends), and a lift per share of money
    # raised so that its average effect is its money's share of the media share either
    # way: by more than 1 (off weeks) and less than 10/6 (the carry-over of a burst keeps
    # some effect in the off weeks)
    steady_k, steady_lift = _draft_channel(tmp_path / "steady.csv", [1e5] * 60)
    flighted = [1e5 if i % 10 < 6 else 0.0 for i in range(60)]
    flighted_k, flighted_lift = _draft_channel(tmp_path / "flighted.csv", flighted)
    assert flighted_k == pytest.approx(steady_k, rel=1e-3)
    tv_share = {"steady": 1e5 / 1.3e5, "flighted": 0.6e5 / 0.9e5}
    raised = (flighted_lift / tv_share["flighted"]) / (steady_lift / tv_share["steady"])
    assert 1.1 < raised < 10 / 6


def test_mean_saturation_of_steady_and_flighted_money() -> None:
    from mktsim.history.draft import mean_saturation

    days = np.full(104, 7)
    theta = 0.5 ** (1 / 7)
    half = 1e5 / 7 / (1 - theta)          # steady money's adstock: half saturated
    steady = mean_saturation(np.full(104, 1e5), days, theta, half)
    assert steady == pytest.approx(0.5, abs=0.01)
    off = np.where(np.arange(104) % 2 == 0, 1e5, 0.0)
    flighted = mean_saturation(off, days, theta, half)
    assert 0.25 < flighted < 0.5 and mean_saturation(off, days, 0.0, half) < flighted


def test_continue_repeats_last_year_money_and_target_is_plus_ten_percent(tmp_path: Path
                                                                         ) -> None:
    history = write_history(tmp_path / "sales.csv", weeks=60)
    assert _invoke("init", "from-history", history).exit_code == 0
    spec = load_spec(tmp_path / "sales.yaml").spec
    rows = list(csv.DictReader(history.open()))[-52:]
    tv = sum(float(r["spend.tv_spots"]) for r in rows)
    search = sum(float(r["spend.search"]) for r in rows)
    strategy = spec.strategies["continue"]
    assert strategy.budget == pytest.approx(tv + search, abs=1)
    assert strategy.allocation["tv_spots"] == pytest.approx(tv / (tv + search), abs=1e-5)
    target = spec.targets[0]
    assert target.metric == "revenue"
    assert target.baseline == pytest.approx(sum(float(r["revenue"]) for r in rows), abs=1)
    assert target.change == pytest.approx(0.1)


def test_drivers_and_price_columns_become_demand_drivers_and_priors(tmp_path: Path) -> None:
    history = write_history(tmp_path / "h.csv", weeks=110, controls=True, events=True,
                            price=True)
    assert _invoke("init", "from-history", history, tmp_path).exit_code == 0
    path = tmp_path / "h.yaml"
    spec = load_spec(path).spec
    demand = spec.market.demand
    assert demand.media_scaling == 1.0   # scaled, written out so that it can be changed
    assert demand.controls["price_index"].effect == "elasticity"
    assert demand.controls["competitor"].effect == "linear"
    assert demand.controls["price_index"].future == "repeat_year"
    assert len(demand.controls["competitor"].values) == 110
    assert list(demand.events["double11"].occurrences) == [START + dt.timedelta(weeks=45),
                                                             START + dt.timedelta(weeks=97)]
    assert demand.events["double11"].days == 7
    assert set(spec.products) == {"widget"}
    assert 190 <= spec.products["widget"].price <= 210
    params = spec.calibration.parameters
    assert params["market.demand.controls.price_index.coefficient"] == "normal(-1, 0.75)"
    assert params["market.demand.events.double11.lift"] == "beta(2, 4, -0.8, 2.2)"
    assert "market.demand.media_scaling" not in params
    assert "market.demand.controls.competitor.coefficient" in params
    assert "market.demand.trend.growth_per_year" in params   # two years: trend and season
    text = path.read_text(encoding="utf-8")
    assert "mean of column price.widget" in text
    assert _invoke("validate", path).exit_code == 0


@pytest.mark.parametrize(("lang", "phrases"), [
    ("en", ["# Scenario drafted by `mktsim init from-history`", "[A] a gross margin of 40%",
            "[A] no price in the file", "weakly informative",
            "daily stock is (1 - r)/(1 - r^(1/7)) times larger"]),
    ("zh", ["# 由 `mktsim init from-history` 根据", "[A] 假设毛利率 40%", "[A] 文件中没有价格",
            "弱信息先验", "按天累积的稳态是其 (1 - r)/(1 - r^(1/7)) 倍"]),
])
def test_comments_in_the_chosen_language(tmp_path: Path, lang: str, phrases: list[str]) -> None:
    history = write_history(tmp_path / "sales.csv")
    result = _invoke("init", "from-history", history, tmp_path / lang, "--lang", lang)
    assert result.exit_code == 0, result.output
    text = (tmp_path / lang / "sales.yaml").read_text(encoding="utf-8")
    for phrase in phrases:
        assert phrase in text
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    cjk = [c for c in comments if re.search(r"[\u4e00-\u9fff]", c)]
    assert (len(cjk) > len(comments) // 2) == (lang == "zh")
    assert load_spec(tmp_path / lang / "sales.yaml").spec.calibration is not None
    wide = [line for line in text.splitlines()
            if sum(2 if ord(c) >= 0x2E80 else 1 for c in line) > 100]
    assert not wide   # fits an editor's window, CJK characters counted twice


def test_units_kpi_and_price_from_revenue_over_units(tmp_path: Path) -> None:
    history = write_history(tmp_path / "sales.csv", units=True)
    assert _invoke("init", "from-history", history, tmp_path / "u", "--kpi", "units"
                   ).exit_code == 0
    spec = load_spec(tmp_path / "u" / "sales.yaml").spec
    assert spec.targets[0].metric == "units"
    assert spec.calibration.weights == {"revenue": 0}
    assert spec.products["product"].price == pytest.approx(200, rel=0.05)   # 1M / 5000
    only_units = write_history(tmp_path / "units.csv", units=True, revenue=False)
    assert _invoke("init", "from-history", only_units, tmp_path / "v").exit_code == 0
    text = (tmp_path / "v" / "units.yaml").read_text(encoding="utf-8")
    assert "metric: units" in text and "the fit uses units only" in text


def test_the_draft_starts_at_the_history_level(tmp_path: Path) -> None:
    """The simulated revenue of the first 8 weeks is the history's, within 10%."""
    from mktsim.engine.montecarlo import simulate
    from mktsim.history import history_plan, period_values
    from mktsim.history.draft_init import read_any_history

    history = write_history(tmp_path / "sales.csv", weeks=30)
    assert _invoke("init", "from-history", history).exit_code == 0
    spec = load_spec(tmp_path / "sales.yaml").spec
    hist = read_any_history(history)
    run = simulate(history_plan(spec, "continue", hist), 4, 1)
    simulated = period_values(run.daily, hist)["revenue"].mean(axis=0)[:8]
    assert simulated.sum() == pytest.approx(np.nansum(hist.series["revenue"][:8]), rel=0.1)


def test_existing_file_refused_without_force(tmp_path: Path) -> None:
    history = write_history(tmp_path / "sales.csv")
    out = tmp_path / "plan"
    assert _invoke("init", "from-history", history, out).exit_code == 0
    (out / "sales.yaml").write_text("mine", encoding="utf-8")
    again = _invoke("init", "from-history", history, out)
    assert again.exit_code == 2 and "--force" in again.output
    assert (out / "sales.yaml").read_text(encoding="utf-8") == "mine"
    forced = _invoke("init", "from-history", history, out, "--force")
    assert forced.exit_code == 0 and "calibration:" in (out / "sales.yaml").read_text()


@pytest.mark.parametrize(("header", "row", "expected"), [
    (["date", "spend.tv"], ["2024-01-01", "5"], "no 'revenue/units' column"),
    (["date", "revenue", "price.9tv"], ["2024-01-01", "5", "1"], "price.9tv"),
    (["date", "revenue", "spend.tv"], ["2024-01-01", "5", "-1"], "spend.tv"),
    (["date", "revenue", "colour"], ["2024-01-01", "5"], "colour"),
    (["date", "revenue", "spend.tv"], ["yesterday", "5", "1"], "date"),
])
def test_bad_histories_exit_2_and_write_nothing(tmp_path: Path, header: list[str],
                                                row: list[str], expected: str) -> None:
    history = tmp_path / "bad.csv"
    rows = [header, row, [(START + dt.timedelta(weeks=1)).isoformat(), *row[1:]]]
    with history.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = _invoke("init", "from-history", history, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert expected in result.output and "bad.csv" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_usage_errors(tmp_path: Path) -> None:
    assert _invoke("init", "from-history").exit_code == 2
    missing = _invoke("init", "from-history", tmp_path / "none.csv", tmp_path / "o")
    assert missing.exit_code == 2 and "none.csv" in missing.output
    history = write_history(tmp_path / "sales.csv")
    assert _invoke("init", "from-history", history, "--kpi", "units").exit_code == 2
    assert not (tmp_path / "sales.yaml").exists()
    assert _invoke("init", "bass", tmp_path, "--kpi", "units").exit_code == 2


def test_init_from_history_as_a_subprocess(tmp_path: Path) -> None:
    history = write_history(tmp_path / "sales.csv", weeks=20)
    done = subprocess.run([sys.executable, "-m", "mktsim", "init", "from-history",
                           str(history), str(tmp_path / "p")], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "p" / "sales.yaml").is_file()
    assert load_spec(tmp_path / "p" / "sales.yaml").spec.calibration.holdout == 5


@pytest.mark.parametrize(("name", "kind", "guessed"), [
    ("tv", "offline", True), ("TVSpots", "offline", True), ("paid_search", "online", True),
    ("direct_mail", "direct", True), ("wechat_moments", "online", True),
    ("x1", "online", False), ("ooh", "offline", True)])
def test_channel_type_from_its_name(name: str, kind: str, guessed: bool) -> None:
    assert channel_type(name) == (kind, guessed)


def test_own_share_gives_the_stated_elasticity() -> None:
    share, utility = own_share(-1.0)
    assert utility * (1 - share) == pytest.approx(-1.0, abs=1e-9)
    assert share == pytest.approx(1 / (1 + np.exp(-utility)))


def _continue_plan(tmp_path: Path, rewrite) -> tuple:
    """The `continue` plan drafted from a 60-week history whose rows `rewrite(row, head)`
    changed in place: (spec, plan, the history's rows)."""
    from mktsim.model.compile import compile_plan

    history = write_history(tmp_path / "sales.csv", weeks=60)
    rows = list(csv.reader(history.open()))
    for row in rows[1:]:
        rewrite(row, rows[0])
    with history.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert _invoke("init", "from-history", history).exit_code == 0
    spec = load_spec(tmp_path / "sales.yaml").spec
    return spec, compile_plan(spec, "continue"), rows


def test_continue_spends_nothing_where_a_channel_spent_nothing_last_year(tmp_path: Path
                                                                         ) -> None:
    """TV dark in July and August of the last year: the plan spends no TV money then, and
    each channel's year total is last year's."""
    def dark_summer(row: list[str], head: list[str]) -> None:
        tv = head.index("spend.tv_spots")
        if row[0][5:7] in ("07", "08"):
            row[tv] = "0"
        elif row[0] >= "2024-02-26":   # the last 52 weeks
            row[tv] = "50000"

    spec, plan, rows = _continue_plan(tmp_path, dark_summer)
    tv = rows[0].index("spend.tv_spots")
    money = plan.spend[plan.channels.index("tv_spots")]
    days = [spec.start_date + dt.timedelta(days=d) for d in range(spec.horizon_days)]
    summer = np.array([d.month in (7, 8) for d in days])
    assert money[summer].sum() == 0 and money[~summer].min() > 0
    last_year = sum(float(r[tv]) for r in rows[1:][-52:])
    assert money.sum() == pytest.approx(last_year, rel=1e-6)


def test_continue_gives_each_channel_its_own_monthly_pattern(tmp_path: Path) -> None:
    """Last year TV spent twice as much a day from October to December as in the rest of
    the year while search spent evenly: next year's plan keeps both patterns, each
    channel's money per day by month in the ratios of last year's."""
    def autumn_tv(row: list[str], head: list[str]) -> None:
        autumn = row[0][5:7] in ("10", "11", "12")
        row[head.index("spend.tv_spots")] = "140000" if autumn else "70000"
        row[head.index("spend.search")] = "30000"

    spec, plan, _ = _continue_plan(tmp_path, autumn_tv)
    days = [spec.start_date + dt.timedelta(days=d) for d in range(spec.horizon_days)]
    autumn = np.array([d.month in (10, 11, 12) for d in days])

    def per_day(channel: str, when: np.ndarray) -> float:
        return float(plan.spend[plan.channels.index(channel)][when].mean())

    # weekly rows dated in a month carry the whole week: the ratio is about 2, not exactly
    assert per_day("tv_spots", autumn) / per_day("tv_spots", ~autumn) == pytest.approx(
        2.0, rel=0.1)
    assert per_day("search", autumn) / per_day("search", ~autumn) == pytest.approx(1.0,
                                                                                   rel=0.1)


def test_a_spreadsheet_export_drafts_what_the_canonical_file_drafts(tmp_path: Path) -> None:
    """Header names in another letter case (`Date`, `Revenue`, `Spend.tv_spots`) and
    year-first dates with slashes or a midnight time are the same history: the two drafts
    differ only in the history file they name."""
    canonical = write_history(tmp_path / "plain.csv", controls=True, events=True)
    rows = list(csv.reader(canonical.open()))
    header = [("Date" if h == "date" else h[:1].upper() + h[1:]) for h in rows[0]]
    dates = [r[0].replace("-", "/") if i % 2 else f"{r[0]} 00:00:00"
             for i, r in enumerate(rows[1:])]
    export = tmp_path / "export.csv"
    with export.open("w", newline="") as fh:
        body = ([d, *r[1:]] for d, r in zip(dates, rows[1:], strict=True))
        csv.writer(fh).writerows([header, *body])
    assert _invoke("init", "from-history", canonical, tmp_path / "a").exit_code == 0
    result = _invoke("init", "from-history", export, tmp_path / "b")
    assert result.exit_code == 0, result.output
    a = (tmp_path / "a" / "plain.yaml").read_text().replace("plain.", "H.")
    b = (tmp_path / "b" / "export.yaml").read_text().replace("export.", "H.")
    assert a == b


@pytest.mark.parametrize("cell", ["05/01/2026", "2026-01-05 10:30:00", "2026/01-05"])
def test_ambiguous_or_timed_dates_are_refused_with_the_format(tmp_path: Path, cell: str
                                                              ) -> None:
    path = tmp_path / "h.csv"
    path.write_text(f"date,revenue,spend.tv\n{cell},10,1\n2026-01-12,11,1\n")
    result = _invoke("init", "from-history", path, tmp_path / "out")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output and not (tmp_path / "out").exists()
