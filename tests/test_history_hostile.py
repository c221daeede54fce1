"""History files as analysts have them, and broken ones (tests/hostile_history_files.py),
through `mktsim init from-history`, `validate` and `calibrate` as a user runs them.

Good but unusual files (decimal commas, thousands separators, currency signs, day-first
dates, week labels, rows out of order, ...) draft a scenario that validates and read the
same values as the plain file; broken ones stop with exit code 2, name the file, the row
and the column and say how to fix it, show no traceback and leave nothing behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hostile_history_files import GOOD, WEEKS, write_case
from mktsim.cli import main
from mktsim.history import history_plan, read_history
from mktsim.history.draft_init import read_any_history
from mktsim.history.model import History
from mktsim.scenario.load import load_spec

#: files holding the plain file's dates and money, written another way
SAME_AS_PLAIN = ["bom.csv", "semicolon_decimal_comma.csv", "thousands.csv", "currency.csv",
                 "dates_year_slash.csv", "dates_day_first.csv", "dates_month_first.csv",
                 "week_labels.csv", "excel_dates.xlsx", "trailing_blanks.csv",
                 "trailing_blanks.xlsx", "unsorted.csv", "header_case_spaces.csv",
                 "chinese_headers.csv", "utf16_tabs.csv", "unicode_text_us.csv",
                 "german_commas.csv"]

#: what a refusal of a comma that may group thousands or mark decimals says
UNCLEAR_COMMA = ("is not a number. this file does not show whether a comma marks decimals "
                 "or thousands", "write the number without separators (1500), or show the "
                 "mark in one number of the file (1,500.00 or 1.500,00)")
#: what a refusal of a date in a year mktsim does not read says
YEARS = ("is outside the years 1900-2200", "check the year")

#: broken file -> (row or None, column, what the message says, what the fix says)
REFUSALS = {
    "empty.csv": (None, "(top level)", "the file is empty", "write a header row"),
    "header_only.csv": (None, "date", "at least two periods are needed", "add rows"),
    "binary.csv": (None, "(top level)", "the file is not UTF-8 text", "save it as CSV"),
    "zip_as_csv.csv": (None, "(top level)", "an Excel workbook (a zip archive) named .csv",
                       "rename it to .xlsx"),
    "history.yaml": (None, "(top level)", "a YAML file, not a table",
                     "give a .csv or .xlsx file"),
    "history.json": (None, "(top level)", "a JSON file, not a table",
                     "give a .csv or .xlsx file"),
    "missing_week.csv": (14, "date", "found 2024-04-01 (a period is missing)",
                         "add the missing row with empty cells"),
    "duplicated_dates.csv": (14, "date", "date 2024-03-18 is also on row 13",
                             "keep one row per period"),
    "negative_spend.csv": (9, "spend.tv", "negative spend -500", "money spent is 0 or more"),
    "huge_number.csv": (11, "revenue", "'1e+300' is larger than 1e+12", "check the value"),
    "nan_text.csv": (11, "revenue", "'NaN' is not a finite number", "leave the cell empty"),
    "formula_unsaved.xlsx": (4, "spend.search", "formula =D2+D3 has no saved value",
                             "save it"),
    "ambiguous_dates.csv": (3, "date", "cannot tell whether '01/02/2024' is day-first "
                            "(2024-02-01) or month-first (2024-01-02)", "YYYY-MM-DD"),
    "total_row.csv": (32, "date", "cannot read 'Total' as a date", "a total row? remove it"),
    "second_sheet.xlsx": (1, "--sheet", "the first sheet, 'Notes', does not start with a "
                          "date column", "choose the sheet of the table with --sheet (the "
                          "sheets: Notes, Data)"),
    "title_row.csv": (2, "column 2", "4 cells where the header has 1",
                      "is row 1 a title or a note? delete the rows above"),
    "short_years.csv": (2, "date", "cannot read '01/01/24' as a date",
                        "write the year in full"),
    "tabs_grouped_only.csv": (2, "revenue", "'9,171' " + UNCLEAR_COMMA[0], UNCLEAR_COMMA[1]),
    "pipes_grouped_only.csv": (2, "revenue", "'9,171' " + UNCLEAR_COMMA[0],
                               UNCLEAR_COMMA[1]),
    "quoted_grouped_only.csv": (2, "revenue", "'9,171' " + UNCLEAR_COMMA[0],
                                UNCLEAR_COMMA[1]),
    "unicode_text_whole_dollars.csv": (2, "revenue", "'$9,171' " + UNCLEAR_COMMA[0],
                                       UNCLEAR_COMMA[1]),
    "leading_zero_comma.csv": (3, "spend.search", "'0,125' is not a number",
                               "write 1234.5 or 1,234.5"),
    "leading_zero_point.csv": (3, "spend.search", "'0.125' is not a number",
                               "this file writes decimals with a comma: write 1234,5"),
    "year_9999_months.csv": (2, "date", "date 9999-09-01 " + YEARS[0], YEARS[1]),
    "year_9999_weeks.csv": (2, "date", "date 9999-12-06 " + YEARS[0], YEARS[1]),
    "year_2500_chinese.csv": (2, "date", "date 2500-01-01 " + YEARS[0], YEARS[1]),
    "year_2500_day_first.csv": (2, "date", "the year of '01/01/2500' " + YEARS[0], YEARS[1]),
    "day_first_month_missing.csv": (3, "date", "cannot tell whether '01/02/2024' is "
                                    "day-first (2024-02-01) or month-first (2024-01-02): "
                                    "neither reading is regular (a missing period?)",
                                    "YYYY-MM-DD"),
    "control_not_a_name.csv": (1, "event.double-11", "'double-11' cannot name a product or "
                               "driver", "rename the column event.double_11"),
}


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _draft(tmp: Path, name: str, *options: str) -> tuple[Path, Path]:
    """Write the case, draft its scenario into tmp/plan; (history, scenario)."""
    history = write_case(name, tmp / "data")
    done = _invoke("init", "from-history", history, tmp / "plan", *options)
    assert done.exit_code == 0, done.output
    assert "Traceback" not in done.output
    scenario = tmp / "plan" / f"{history.stem}.yaml"
    assert scenario.is_file()
    return history, scenario


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> History:
    return read_any_history(write_case("plain.csv", tmp_path_factory.mktemp("plain")))


def _spend_by_channel(history: History) -> dict[str, np.ndarray]:
    return {name.lower(): v for name, v in history.spend.items()}


@pytest.mark.parametrize("name", SAME_AS_PLAIN)
def test_an_unusual_file_reads_the_plain_files_dates_and_money(tmp_path: Path,
                                                               plain: History,
                                                               name: str) -> None:
    history = read_any_history(write_case(name, tmp_path))
    assert history.dates == plain.dates
    assert history.kind == plain.kind
    assert np.array_equal(history.series["revenue"], plain.series["revenue"])
    got, want = _spend_by_channel(history), _spend_by_channel(plain)
    assert got.keys() == want.keys()
    for channel, values in want.items():
        assert np.array_equal(got[channel], values), channel


@pytest.mark.parametrize("name", sorted(GOOD))
def test_a_good_file_drafts_a_scenario_that_validates(tmp_path: Path, name: str) -> None:
    options = ("--kpi", "units") if name == "units_kpi.csv" else ()
    _history, scenario = _draft(tmp_path, name, *options)
    done = _invoke("validate", scenario)
    assert done.exit_code == 0, done.output
    assert "Traceback" not in done.output


def test_the_decimal_comma_file_drafts_the_plain_files_budget(tmp_path: Path) -> None:
    _h, plain = _draft(tmp_path / "a", "plain.csv")
    _h, comma = _draft(tmp_path / "b", "semicolon_decimal_comma.csv")
    want = load_spec(plain).spec.strategies["continue"]
    got = load_spec(comma).spec.strategies["continue"]
    assert got.budget == want.budget > 0
    assert got.allocation == want.allocation


def test_an_empty_spend_cell_is_nothing_spent(tmp_path: Path, plain: History) -> None:
    """Blank TV weeks: the draft's budget leaves them out and the history window's plan
    spends nothing in them (not the strategy's plan)."""
    history_file, scenario = _draft(tmp_path, "blank_spend.csv")
    history = read_any_history(history_file)
    blank = np.isnan(history.spend["tv"])
    assert blank.sum() == 8
    spec = load_spec(scenario).spec
    total = sum(np.nansum(v) for v in history.spend.values())
    assert spec.strategies["continue"].budget == pytest.approx(total, abs=1.0)
    plan = history_plan(spec, "continue", history)
    tv = plan.spend[plan.channels.index("tv")].reshape(WEEKS, 7)
    assert np.all(tv[blank] == 0.0)
    assert np.allclose(tv[~blank].sum(axis=1), plain.spend["tv"][~blank])


def test_rows_out_of_order_are_read_by_date_and_problems_keep_their_rows(
        tmp_path: Path) -> None:
    unsorted = write_case("unsorted.csv", tmp_path)
    lines = unsorted.read_text().splitlines()
    bad_row = 5  # the file's row 5 is the 7th week
    cells = lines[bad_row - 1].split(",")
    cells[1] = "12k"
    lines[bad_row - 1] = ",".join(cells)
    unsorted.write_text("\n".join(lines) + "\n")
    done = _invoke("init", "from-history", unsorted, tmp_path / "plan")
    assert done.exit_code == 2
    assert f"{unsorted}:{bad_row}: revenue: '12k' is not a number" in done.output
    assert not (tmp_path / "plan").exists()


def test_a_constant_control_is_not_freed(tmp_path: Path) -> None:
    _h, scenario = _draft(tmp_path, "constant_control.csv")
    spec = load_spec(scenario).spec
    assert spec.market.demand.controls["distribution"].reference == 0.8
    assert not any("distribution" in path for path in spec.calibration.parameters)


def test_a_channel_without_money_is_drafted_but_not_fitted(tmp_path: Path) -> None:
    _h, scenario = _draft(tmp_path, "zero_spend_channel.csv")
    text = scenario.read_text(encoding="utf-8")
    assert "# no money in the history: its lift and carryover below are not\n" in text
    freed = load_spec(scenario).spec.calibration.parameters
    assert not any(path.startswith("channels.search.") for path in freed)
    assert "channels.tv.conversion.lift" in freed


def test_event_intensities_and_blank_driver_cells_are_read(tmp_path: Path) -> None:
    history = read_any_history(write_case("blank_control_event.csv", tmp_path))
    promo = history.events["promo"]
    assert promo[5] == 0.5 and promo[15] == 2.0 and promo[25] == 1.0
    assert np.isnan(promo[7]) and np.isnan(history.controls["price_index"][3])
    assert np.nansum(promo) == 3.5


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_broken_file_is_refused_in_place_and_nothing_is_written(tmp_path: Path,
                                                                  name: str) -> None:
    row, column, message, fix = REFUSALS[name]
    history = write_case(name, tmp_path / "data")
    out = tmp_path / "plan"
    done = _invoke("init", "from-history", history, out)
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output
    place = f"{history}:{row}" if row else f"{history}"
    assert f"{place}: {column}: " in done.output, done.output
    assert message in done.output and fix in done.output, done.output
    assert not out.exists()


def test_channels_named_in_any_text_are_keyed_and_labelled(tmp_path: Path,
                                                          plain: History) -> None:
    """`日期`, `销售额` are the date and revenue; `spend.电视` and `spend.搜索` become the
    channels channel_1 (offline, by 电视) and channel_2 (online, by 搜索), labelled with
    the text, and calibrate's reader (the scenario's channels) finds them by the label."""
    history_file, scenario = _draft(tmp_path, "chinese_columns.csv")
    spec = load_spec(scenario).spec
    tv, search = spec.channels["channel_1"], spec.channels["channel_2"]
    assert (tv.label, tv.type, search.label, search.type) == ("电视", "offline", "搜索",
                                                              "online")
    read = read_history(history_file, spec.channels, spec.products, None,
                        spec.market.demand)
    assert np.array_equal(read.spend["channel_1"], plain.spend["tv"])
    assert np.array_equal(read.spend["channel_2"], plain.spend["search"])
    assert np.array_equal(read.series["revenue"], plain.series["revenue"])


def test_an_ascii_channel_name_keeps_its_words(tmp_path: Path) -> None:
    _h, scenario = _draft(tmp_path, "channel_not_identifier.csv")
    channels = load_spec(scenario).spec.channels
    assert channels["tv_national"].label == "tv-national"
    assert channels["tv_national"].type == "offline"
    assert channels["channel_2"].label == "电视"


def test_a_labelled_channels_problem_names_the_column_as_written(tmp_path: Path) -> None:
    path = write_case("chinese_columns.csv", tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[2] = "-12"
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _invoke("init", "from-history", path, tmp_path / "plan")
    assert done.exit_code == 2
    assert f"{path}:4: spend.电视: negative spend -12" in done.output


def test_months_written_year_month_are_the_months_first_days(tmp_path: Path) -> None:
    monthly = read_any_history(write_case("monthly.csv", tmp_path / "a"))
    written = read_any_history(write_case("year_month.csv", tmp_path / "b"))
    assert written.dates == monthly.dates and written.kind == monthly.kind == "month"
    assert np.array_equal(written.series["revenue"], monthly.series["revenue"])


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_a_path_that_is_not_a_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "sales.csv"
    if kind == "folder":
        path.mkdir()
    done = _invoke("init", "from-history", path, tmp_path / "plan")
    assert done.exit_code == 2
    assert "Traceback" not in done.output
    words = "no such file" if kind == "missing" else "the path is a folder, not a file"
    assert f"{path}: (top level): {words}" in done.output
    assert not (tmp_path / "plan").exists()


def test_a_short_history_is_drafted_with_a_holdout_it_can_afford(tmp_path: Path) -> None:
    """Ten weeks: the draft and its `next:` line hold out 2; `--holdout 13` stops before
    the fit, saying what to hold out, and writes no fitted file."""
    history = write_case("short_10_weeks.csv", tmp_path / "data")
    done = _invoke("init", "from-history", history, tmp_path / "plan")
    assert done.exit_code == 0, done.output
    scenario = tmp_path / "plan" / "short_10_weeks.yaml"
    assert f"next: mktsim calibrate {scenario} --holdout 2 --out fitted.yaml" in done.output
    assert load_spec(scenario).spec.calibration.holdout == 2
    fitted = tmp_path / "plan" / "fitted.yaml"
    done = _invoke("calibrate", scenario, "--holdout", 13, "--out", fitted)
    assert done.exit_code == 2
    assert "Traceback" not in done.output
    assert "--holdout: holding out 13 of 10 periods leaves none to fit" in done.output
    assert "a quarter of them is --holdout 2" in done.output
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == ["short_10_weeks.yaml"]


def _mktsim(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`mktsim ARGS` as a process in `cwd`, running this checkout's code."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (src, os.environ.get("PYTHONPATH", "")) if p)}
    return subprocess.run([sys.executable, "-m", "mktsim", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300, check=False)


def test_a_user_at_a_terminal_gets_the_same_refusal_and_draft(tmp_path: Path) -> None:
    """As a process: a binary file named .csv is refused (exit 2, no traceback, nothing
    written); a semicolon file with decimal commas is drafted and validates."""
    bad = write_case("binary.csv", tmp_path)
    done = _mktsim("init", "from-history", bad, "plan", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert f"{bad}: (top level): the file is not UTF-8 text" in done.stderr
    assert not (tmp_path / "plan").exists()
    good = write_case("semicolon_decimal_comma.csv", tmp_path)
    done = _mktsim("init", "from-history", good, "plan", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = _mktsim("validate", "plan/semicolon_decimal_comma.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", ["semicolon_decimal_comma.csv", "blank_spend.csv"])
def test_an_unusual_file_calibrates_with_no_other_flag(tmp_path: Path, name: str) -> None:
    """init from-history, then `calibrate --holdout 13 --out fitted.yaml` as the draft
    says (30 weeks: 7 held out), writes the fitted scenario and its draws."""
    _h, scenario = _draft(tmp_path, name)
    fitted = tmp_path / "plan" / "fitted.yaml"
    done = _invoke("calibrate", scenario, "--holdout", 7, "--out", fitted, "-n", 4)
    assert done.exit_code == 0, done.output
    assert fitted.is_file() and (tmp_path / "plan" / "fitted.draws.csv").is_file()
    assert _invoke("validate", fitted).exit_code == 0


def test_a_date_column_formatted_as_numbers_is_refused_with_the_fix(tmp_path: Path) -> None:
    """An .xlsx date column shown as day counts (45292 for 2024-01-01): refused at its
    cell with the spreadsheet's fix, not read as a year or a day."""
    from hostile_history_files import plain_table, write_xlsx

    header, rows = plain_table(4)
    path = write_xlsx(tmp_path / "serials.xlsx", header,
                      [[45292 + 7 * i, *row[1:]] for i, row in enumerate(rows)])
    done = _invoke("init", "from-history", path, tmp_path / "plan")
    assert done.exit_code == 2
    assert f"{path}:2: date: cannot read the number 45292 as a date" in done.output
    assert "format the column as dates" in done.output
    assert not (tmp_path / "plan").exists()


@pytest.mark.parametrize(("cell", "value"), [("¥1,234", 1234.0), ("1234元", 1234.0),
                                             ("-$1,234.50", -1234.5), ("12,50 €", None)])
def test_money_as_a_spreadsheet_shows_it(tmp_path: Path, cell: str, value: float | None
                                         ) -> None:
    """A currency sign before or after the amount is read in a comma-separated file whose
    revenue shows its decimal point (`5.5`); a decimal comma there is refused (`12,50`:
    the file's decimals are points)."""
    header, rows = ["date", "revenue", "control.price_gap"], [
        [f"2024-01-{1 + 7 * i:02d}", "5.5", cell if i == 1 else "5"] for i in range(4)]
    path = tmp_path / "money.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in [header, *rows]) + "\n",
                    encoding="utf-8")
    if value is None:
        done = _invoke("init", "from-history", path, tmp_path / "plan")
        assert done.exit_code == 2
        assert f"{path}:3: control.price_gap: '12,50 €' is not a number. write 1234.5 or 1,234.5" \
            in done.output
        return
    assert read_any_history(path).controls["price_gap"].tolist() == [5.0, value, 5.0, 5.0]


def test_the_table_on_a_second_sheet_is_drafted_with_sheet(tmp_path: Path,
                                                           plain: History) -> None:
    """`--sheet Data` reads the table on the workbook's second sheet, and the drafted
    scenario names the sheet, so that calibrate reads the same."""
    history = write_case("second_sheet.xlsx", tmp_path / "data")
    done = _invoke("init", "from-history", history, tmp_path / "plan", "--sheet", "Data")
    assert done.exit_code == 0, done.output
    scenario = tmp_path / "plan" / "second_sheet.yaml"
    assert load_spec(scenario).spec.calibration.sheet == "Data"
    read = read_any_history(history, "Data")
    assert read.dates == plain.dates
    assert np.array_equal(read.series["revenue"], plain.series["revenue"])
    assert _invoke("init", "smart-band", tmp_path / "t", "--sheet", "Data").exit_code == 2


def _semicolons(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_semicolon_file_with_points_reads_them_as_decimals(tmp_path: Path) -> None:
    """Semicolons with `1,234.5`: the point is the decimal mark, `1,500` a grouping;
    an accounting dash is no spend, a percentage control a fraction, a blank line
    between rows is left out."""
    path = _semicolons(tmp_path / "us.csv", [
        "date;revenue;spend.tv;control.distribution",
        "2024-01-01;1,234.5;5;80%", "2024-01-08;1,500;5;81%", "2024-01-15;1200;$ -;",
        ";;;", "2024-01-22;1200;5;80%"])
    history = read_any_history(path)
    assert history.series["revenue"].tolist() == [1234.5, 1500.0, 1200.0, 1200.0]
    assert history.spend["tv"].tolist() == [5.0, 5.0, 0.0, 5.0]
    assert history.controls["distribution"][[0, 1, 3]].tolist() == [0.8, 0.81, 0.8]
    assert np.isnan(history.controls["distribution"][2])


def test_points_a_semicolon_file_does_not_explain_are_refused(tmp_path: Path) -> None:
    """`12.000` in a semicolon file with no other decimal: twelve, or twelve thousand?
    Refused; one `12.000,0` elsewhere settles it (a decimal comma: 12000)."""
    rows = ["date;revenue;spend.tv", "2024-01-01;12.000;5", "2024-01-08;13.500;5",
            "2024-01-15;11.000;5"]
    path = _semicolons(tmp_path / "eu.csv", rows)
    done = _invoke("init", "from-history", path, tmp_path / "plan")
    assert done.exit_code == 2
    assert f"{path}:2: revenue: '12.000' is not a number. this file does not show whether " \
        "a point marks decimals or thousands" in done.output
    rows[1] = "2024-01-01;12.000,0;5"
    history = read_any_history(_semicolons(tmp_path / "eu.csv", rows))
    assert history.series["revenue"].tolist() == [12000.0, 13500.0, 11000.0]


def test_a_spreadsheet_error_value_is_refused_with_its_fix(tmp_path: Path) -> None:
    path = _semicolons(tmp_path / "na.csv", [
        "date,revenue,spend.tv", "2024-01-01,5,#N/A", "2024-01-08,5,5", "2024-01-15,5,5"])
    done = _invoke("init", "from-history", path, tmp_path / "plan")
    assert done.exit_code == 2
    assert f"{path}:2: spend.tv: '#N/A' is not a number. a spreadsheet's error value" \
        in done.output


@pytest.mark.parametrize("sep", ["\t", "|"])
def test_grouped_thousands_are_read_once_one_number_shows_the_point(tmp_path: Path,
                                                                    sep: str) -> None:
    """Tabs or bars with `1,500` and `10,000`: refused while nothing shows the mark; one
    `10,000.50` shows a decimal point, and the commas are thousands (never 1.5)."""
    lines = ["date\tspend.tv\trevenue", "2024-01-01\t1,500\t10,000",
             "2024-01-08\t2,300\t12,000", "2024-01-15\t1,800\t11,500"]
    path = tmp_path / "sales.csv"
    path.write_text("\n".join(line.replace("\t", sep) for line in lines) + "\n")
    done = _invoke("init", "from-history", path, tmp_path / "plan")
    assert done.exit_code == 2
    assert f"{path}:2: spend.tv: '1,500' {UNCLEAR_COMMA[0]}" in done.output
    assert not (tmp_path / "plan").exists()
    lines[1] = lines[1].replace("10,000", "10,000.50")
    path.write_text("\n".join(line.replace("\t", sep) for line in lines) + "\n")
    history = read_any_history(path)
    assert history.spend["tv"].tolist() == [1500.0, 2300.0, 1800.0]
    assert history.series["revenue"].tolist() == [10000.5, 12000.0, 11500.0]


@pytest.mark.parametrize(("other", "value"), [("1,5", 2.499), ("1.5", 2499.0)])
def test_a_quoted_comma_number_is_read_by_the_mark_the_file_shows(tmp_path: Path,
                                                                  other: str,
                                                                  value: float) -> None:
    """`"2,499"` in a comma-separated file: a decimal comma where another cell shows one
    (a European export), thousands where a cell shows a decimal point; refused alone."""
    rows = ["date,revenue,spend.tv", '2024-01-01,"2,499",5', "2024-01-08,3,5",
            "2024-01-15,4,5"]
    path = _semicolons(tmp_path / "sales.csv", rows)
    done = _invoke("init", "from-history", path, tmp_path / "plan")
    assert done.exit_code == 2
    assert f"{path}:2: revenue: '2,499' {UNCLEAR_COMMA[0]}" in done.output
    assert not (tmp_path / "plan").exists()
    rows[3] = f'2024-01-15,"{other}",5'
    history = read_any_history(_semicolons(path, rows))
    assert history.series["revenue"].tolist() == [value, 3.0, float(other.replace(",", "."))]


@pytest.mark.parametrize(("lines", "value"), [
    (["date;revenue;spend.tv", "2024-01-01;1,234.5;0.125", "2024-01-08;1;5"], 0.125),
    (["date;revenue;spend.tv", "2024-01-01;1.234,5;0,125", "2024-01-08;1;5"], 0.125),
    (["date;revenue;spend.tv", "2024-01-01;3;0.125", "2024-01-08;1;5"], 0.125)])
def test_a_leading_zero_is_the_files_decimal_mark(tmp_path: Path, lines: list[str],
                                                  value: float) -> None:
    """`0.125` and `0,125` are never thousands: the decimals of the file's mark."""
    history = read_any_history(_semicolons(tmp_path / "sales.csv", lines))
    assert history.spend["tv"].tolist() == [value, 5.0]


def test_a_text_cell_of_a_workbook_is_read_by_the_mark_the_sheet_shows(
        tmp_path: Path) -> None:
    """Text `2,499` in an .xlsx sheet: refused while no text cell shows the mark; a text
    `1,5` shows a decimal comma (a European spreadsheet's text): 2.499."""
    from hostile_history_files import write_xlsx

    header = ["date", "revenue", "spend.tv"]
    rows = [["2024-01-01", "2,499", 5], ["2024-01-08", 3, 5], ["2024-01-15", 4, 5]]
    path = write_xlsx(tmp_path / "sales.xlsx", header, rows)
    done = _invoke("init", "from-history", path, tmp_path / "plan")
    assert done.exit_code == 2
    assert f"{path}:2: revenue: '2,499' {UNCLEAR_COMMA[0]}" in done.output
    assert not (tmp_path / "plan").exists()
    rows[2][1] = "1,5"
    history = read_any_history(write_xlsx(path, header, rows))
    assert history.series["revenue"].tolist() == [2.499, 3.0, 1.5]


@pytest.mark.parametrize("cell", ["0,125", "00,125", "-0,125"])
def test_a_leading_zero_against_the_files_mark_is_refused(tmp_path: Path, cell: str) -> None:
    """`0,125` (or `00,125`) where the file's numbers show a decimal point: never read as
    125 thousands-grouped; refused at its cell with the point's fix, nothing written."""
    path = _semicolons(tmp_path / "sales.csv", [
        "date;revenue;spend.tv", "2024-01-01;1,234.5;5", f"2024-01-08;12.5;{cell}",
        "2024-01-15;2,500.25;5"])
    done = _invoke("init", "from-history", path, tmp_path / "plan")
    assert done.exit_code == 2
    assert "Traceback" not in done.output
    assert f"{path}:3: spend.tv: '{cell}' is not a number. write 1234.5 or 1,234.5" \
        in done.output
    assert not (tmp_path / "plan").exists()


def test_a_nul_character_in_a_semicolon_file_is_named_at_its_own_column(tmp_path) -> None:
    """The column of a NUL character is counted with the file's own separator."""
    from mktsim import tabular

    path = tmp_path / "nul.csv"
    path.write_bytes(b"date;spend.tv;revenue\n2024-01-01;100;1\x000\n")
    with pytest.raises(tabular.TableError) as caught:
        tabular.read_table(path)
    assert caught.value.row == 2 and caught.value.column == "revenue"
