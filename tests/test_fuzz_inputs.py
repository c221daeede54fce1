"""Seeded fuzzing of the tabular inputs (history and actuals files, joint-draws files, .xlsx
sheets): every mutation is either read exactly as written or refused with a located
message, never a traceback, a hang or a silently changed number. The mutations are built
here from the shipped history; the slow variants run many more of them."""

from __future__ import annotations

import csv
import io
import math
import re
import time
from pathlib import Path

import numpy as np
import pytest

import mktsim
from mktsim.history import HistoryError, read_history
from mktsim.scenario.uncertainty.joint_draws import DrawsFileError, read_draws
from mktsim.tabular import MAX_ABS

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "smart_band.yaml"
HISTORY = ROOT / "scenarios" / "smart_band_history.csv"
SHARES = {"brand_awareness"}

#: cell texts a person, a spreadsheet program or an attacker may put in a number column
HOSTILE_NUMBERS = [
    "1204%", "23%", "1e300", "1e309", "-1e309", "299_796", "\u0661\u0662\u0663", "\uff11\uff12",
    "NaN", "nan", "inf", "-Infinity", "=SUM(B2:B3)", "$12", "12 EUR", "1,234", "1.234,5",
    "12k", "0x1F", "1e-300", "+3", ".5", "5.", "-0", "  42  ", "", " ", "TRUE", "None",
    "1e12", "1.0000001e12", "3e", "--3", "1/2", "\u00a012", "\x00", "'12", '"12"', "١٢٫٥",
    "1" * 400, "9" * 20, "0.5%", "100%", "-5%", "٪5",
]
#: dates that Python's own parsers accept but a history must not (year-first forms such as
#: 2026-1-5 or 2026-01-05T00:00 are read: tests/test_init_from_history.py), and dates far away
HOSTILE_DATES = [
    "20260209", "2026-W54", "2026-041", "9999-12-27", "9999-12-31", "0001-01-01",
    "2026-02-30", "٢٠٢٦-٠١-٠٥", "2026-01-05T10:00", "05/01/2026", "2026/01-05",
    "", "2201-01-01", "1899-12-31",
]
PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?", re.ASCII)


def expected_number(text: str, share: bool) -> float | None:
    """What a strict reader must make of a cell (None: refuse it)."""
    body = text.strip()
    pct = body.endswith("%")
    if pct:
        if not share:
            return None
        body = body[:-1].strip()
    body = _ungrouped(_without_currency(body))
    if not PLAIN.fullmatch(body):
        return None
    value = float(body)
    if not math.isfinite(value) or abs(value) > MAX_ABS:
        return None
    return value / 100.0 if pct else value


def _without_currency(body: str) -> str:
    """A dollar sign before the digits (after a sign) or a euro sign after them dropped,
    as a history reads money (`$12`, `-$12`, `12 €`)."""
    sign = body[:1] if body[:1] in "+-" else ""
    if body[len(sign):len(sign) + 1] == "$":
        return sign + body[len(sign) + 1:].strip()
    return body[:-1].strip() if body.endswith("€") else body


def _ungrouped(body: str) -> str:
    """`1,234.5` without its thousands commas when they group by threes."""
    return body.replace(",", "") if GROUPED.fullmatch(body) else body


@pytest.fixture(scope="module")
def names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    spec = mktsim.validate(SCENARIO).spec
    return tuple(spec.channels), tuple(spec.products)


def base_table() -> list[list[str]]:
    with HISTORY.open(newline="") as fh:
        return [row for row in csv.reader(fh)]


def to_csv(table: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(table)
    return buf.getvalue()


def structural(rng: np.random.Generator, table: list[list[str]]) -> bytes:
    """A file-level mutation of the history's text."""
    text = to_csv(table)
    kind = int(rng.integers(14))
    lines = text.splitlines(keepends=True)
    i = int(rng.integers(1, len(lines)))
    if kind == 0:
        return text.replace(",", ";").encode()
    if kind == 1:
        return text.replace(",", "\t").encode()
    if kind == 2:  # an unbalanced quote
        lines[i] = lines[i].replace(",", ',"', 1)
        return "".join(lines).encode()
    if kind == 3:  # a row with more cells than the header
        lines[i] = lines[i].rstrip("\n") + ",7\n"
        return "".join(lines).encode()
    if kind == 4:  # a second date column
        return "".join([lines[0].rstrip("\n") + ",date\n"] +
                       [ln.rstrip("\n") + "," + ln.split(",")[0] + "\n" for ln in lines[1:]]
                       ).encode()
    if kind == 5:
        return text.encode("utf-16")
    if kind == 6:
        return text.encode()[: int(rng.integers(0, len(text)))]
    if kind == 7:
        return bytes(rng.integers(0, 256, 300, dtype=np.uint8))
    if kind == 8:
        return ("\ufeff" + text).encode()
    if kind == 9:  # a cell far longer than csv's default field limit (131,072)
        lines[i] = lines[i].rstrip("\n") + "0" * 140_000 + "\n"
        return "".join(lines).encode()
    if kind == 10:
        return b""
    if kind == 11:  # rows shuffled
        body = lines[1:]
        rng.shuffle(body)
        return "".join([lines[0], *body]).encode()
    if kind == 12:  # a duplicated column
        return "".join(ln.rstrip("\n") + "," + ln.rstrip("\n").split(",")[1] + "\n"
                       for ln in lines).encode()
    return text.replace("\n", "\r\n").encode()


def check_refusal(exc: HistoryError, located: bool = True) -> None:
    """Every problem names its place: the file, and a row or a column (`located`; a
    problem of the whole file, such as its encoding, names the file)."""
    assert exc.problems
    for p in exc.problems:
        assert p.file
        assert p.line or p.where or not located, p.render()
        assert "Traceback" not in p.render()


def read_timed(path: Path, names: tuple[tuple[str, ...], tuple[str, ...]]):
    started = time.perf_counter()
    try:
        return read_history(path, *names)
    finally:
        assert time.perf_counter() - started < 2.0, "reading took more than 2 s"


def cell_case(rng: np.random.Generator, tmp: Path, names) -> None:
    """One number cell replaced by a hostile text: read as written, or refused there."""
    table = base_table()
    i = int(rng.integers(1, len(table)))
    j = int(rng.integers(1, len(table[0])))
    text = HOSTILE_NUMBERS[int(rng.integers(len(HOSTILE_NUMBERS)))]
    table[i][j] = text
    path = tmp / "history.csv"
    path.write_text(to_csv(table), encoding="utf-8")
    column = table[0][j]
    want = expected_number(text, column in SHARES)
    try:
        history = read_timed(path, names)
    except HistoryError as exc:
        check_refusal(exc)
        if text.strip():
            assert any(p.line == i + 1 and p.where == column for p in exc.problems), (
                text, [p.render() for p in exc.problems])
        return
    got = _value(history, column)[i - 1]
    if not text.strip():
        assert np.isnan(got)
        return
    assert want is not None, f"{text!r} in {column} was read as {got}"
    assert got == want, f"{text!r} in {column} was read as {got}, not {want}"


def _value(history, column: str) -> np.ndarray:
    if column.startswith("spend."):
        return history.spend[column[6:]]
    if column.startswith("price."):
        return history.price[column[6:]]
    if column.endswith("_n"):
        return history.sample_sizes[column[:-2]]
    return history.series[column]


def date_case(rng: np.random.Generator, tmp: Path, names) -> None:
    table = base_table()
    i = int(rng.integers(1, len(table)))
    table[i][0] = HOSTILE_DATES[int(rng.integers(len(HOSTILE_DATES)))]
    path = tmp / "history.csv"
    path.write_text(to_csv(table), encoding="utf-8")
    with pytest.raises(HistoryError) as info:
        read_timed(path, names)
    check_refusal(info.value)
    assert any(p.line == i + 1 and p.where == "date" for p in info.value.problems), (
        table[i][0], [p.render() for p in info.value.problems])


def file_case(rng: np.random.Generator, tmp: Path, names) -> None:
    path = tmp / "history.csv"
    path.write_bytes(structural(rng, base_table()))
    try:
        read_timed(path, names)
    except HistoryError as exc:
        check_refusal(exc, located=False)


def fuzz_histories(seed: int, cases: int, tmp: Path, names) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(cases):
        kind = rng.integers(3)
        (cell_case, date_case, file_case)[kind](rng, tmp, names)


def test_fuzzed_histories_are_read_as_written_or_refused_in_place(tmp_path, names):
    fuzz_histories(20261207, 120, tmp_path, names)


@pytest.mark.slow
def test_many_fuzzed_histories(tmp_path, names):
    for seed in range(6):
        fuzz_histories(seed, 400, tmp_path, names)


def fuzz_draws(seed: int, cases: int, tmp: Path) -> None:
    rng = np.random.default_rng(seed)
    path = tmp / "d.csv"
    for _ in range(cases):
        table = [["a", "b"]] + [[repr(float(x)), repr(float(y))]
                                for x, y in rng.normal(size=(6, 2))]
        i, j = int(rng.integers(1, 7)), int(rng.integers(2))
        text = HOSTILE_NUMBERS[int(rng.integers(len(HOSTILE_NUMBERS)))]
        table[i][j] = text
        path.write_text(to_csv(table), encoding="utf-8")
        want = expected_number(text, share=False)
        try:
            draws = read_draws(path)
        except DrawsFileError as exc:
            assert exc.row == i + 1 and exc.column == table[0][j], (text, exc.where())
            continue
        assert want is not None and draws.columns[table[0][j]][i - 1] == want, text


def test_fuzzed_draws_are_read_as_written_or_refused_with_row_and_column(tmp_path):
    fuzz_draws(7, 150, tmp_path)


@pytest.mark.slow
def test_many_fuzzed_draws(tmp_path):
    for seed in range(5):
        fuzz_draws(seed, 1000, tmp_path)


def test_draws_cell_1e309_names_row_and_column(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n0.1,0.2\n0.3,1e309\n")
    with pytest.raises(DrawsFileError) as info:
        read_draws(path)
    assert (info.value.row, info.value.column) == (3, "b")
    assert "'1e309' is not a finite number" in info.value.message


def test_month_end_dates_of_a_monthly_history_are_its_months(tmp_path, names):
    path = tmp_path / "h.csv"
    path.write_text("date,units\n2026-01-31,10\n2026-02-28,12\n2026-03-31,13\n"
                    "2026-04-30,9\n")
    history = read_history(path, *names)
    assert history.kind.value == "month"
    assert [d.isoformat() for d in history.dates] == [
        "2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]
    assert list(history.series["units"]) == [10, 12, 13, 9]
    assert history.ends[-1].isoformat() == "2026-05-01"


def test_a_share_may_be_a_percentage(tmp_path, names):
    path = tmp_path / "h.csv"
    path.write_text("date,brand_awareness\n2026-01-05,23%\n2026-01-12,0.25\n")
    history = read_history(path, *names)
    assert list(history.series["brand_awareness"]) == [0.23, 0.25]


@pytest.mark.parametrize("kind", ["weeks", "months", "years"])
def test_dates_near_year_9999_are_refused_in_place(tmp_path, names, kind):
    dates = {"weeks": ["9999-12-17", "9999-12-24"], "months": ["9999-11-01", "9999-12-01"],
             "years": ["9998-01-01", "9999-01-01"]}[kind]
    path = tmp_path / "h.csv"
    path.write_text("date,units\n" + "".join(f"{d},1\n" for d in dates))
    with pytest.raises(HistoryError) as info:
        read_history(path, *names)
    assert all(p.where == "date" and p.line for p in info.value.problems)
    assert "outside the years" in str(info.value)


PARAM_SPECS = [
    "market.word_of_mouth.imitation=0.05:0.4", "market.seasonality.by_month.7=0.6:1.4",
    "market.competitors.xiaomi.moves.0.price=normal(229, 5)",
    "market.word_of_mouth.innovation=lognormal(-5, 0.3)",
]
HOSTILE_PIECES = ["\u0661", "\uff11", "_", "%", "e309", "nan", "..", ".-1", ".99", ".x", "=",
                  ":", ",", "(", ")", "\x00", " ", "draws(x.csv)", "1e308", "-", "0"]


def mutate_spec(rng: np.random.Generator, spec: str) -> str:
    """Insert, delete or replace a piece of a `PATH=SPEC` text."""
    at = int(rng.integers(len(spec) + 1))
    piece = HOSTILE_PIECES[int(rng.integers(len(HOSTILE_PIECES)))]
    kind = int(rng.integers(3))
    if kind == 0:
        return spec[:at] + piece + spec[at:]
    if kind == 1:
        return spec[:at] + spec[at + int(rng.integers(1, 4)):]
    return spec[:at] + piece + spec[at + len(piece):]


def fuzz_params(seed: int, cases: int) -> None:
    import warnings

    from mktsim.calibrate.priors import check_flags, check_priors, parse_priors
    from mktsim.scenario.errors import ScenarioError

    loaded = mktsim.validate(SCENARIO)
    rng = np.random.default_rng(seed)
    for _ in range(cases):
        flags = [mutate_spec(rng, PARAM_SPECS[int(rng.integers(len(PARAM_SPECS)))])
                 for _ in range(int(rng.integers(1, 3)))]
        sets = [f.split("=", 1)[0] + "=0.2" for f in flags if rng.random() < 0.2]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                check_flags(flags, sets, "s.yaml")
                check_priors(loaded, parse_priors(flags, None, "s.yaml"))
            except ScenarioError as exc:
                assert all(p.where.startswith("--param") for p in exc.problems), (
                    flags, [p.render() for p in exc.problems])
                continue
        assert not caught, (flags, [str(w.message) for w in caught])
        for flag in flags:  # accepted: plain ASCII numbers only
            assert flag.isascii() and "\x00" not in flag, flag


def test_fuzzed_param_specs_are_accepted_or_refused_naming_the_param():
    fuzz_params(11, 40)


@pytest.mark.slow
def test_many_fuzzed_param_specs():
    fuzz_params(12, 600)


CALIBRATION_ENTRIES = [
    "strategy: baseline", "holdout: 4", "replications: 8", "sheet: Sheet1",
    "parameters: {market.word_of_mouth.imitation: '0.05:0.4'}",
    "weights: {units: 0.5}", "choices: {market.size: [30000000, 40000000]}",
]
CALIBRATION_HOSTILE = [
    "strategy: nope", "strategy: 5", "strategy: [a]", "holdout: -1", "holdout: 1e9",
    "replications: 1", "replications: x", "parameters: {market.size: lots}",
    "parameters: {seed: '1:2'}", "parameters: {market.size: '5:1'}", "parameters: [a]",
    "parameters: {market.size: {draws: x.csv}}", "parameters: {market.size: '1,2'}",
    "weights: {foo: 1}", "weights: {units: -1}", "weights: {units: .nan}", "weights: 3",
    "history: ''", "history: 5", "unknown_key: 1", "parameters: {market.size: normal(1)}",
    "parameters: {market.size: '\u0661:\u0662'}",
    "choices: {market.size: [1]}", "choices: {seed: [1, 2]}", "choices: {market.size: [a, b]}",
    "choices: 3", "choices: {market.sizes: [1, 2]}",
]


def fuzz_calibration_sections(seed: int, cases: int, tmp: Path) -> None:
    from mktsim.scenario.errors import ScenarioError

    rng = np.random.default_rng(seed)
    source = SCENARIO.read_text(encoding="utf-8")
    path = tmp / "s.yaml"
    for _ in range(cases):
        bad = CALIBRATION_HOSTILE[int(rng.integers(len(CALIBRATION_HOSTILE)))]
        key = bad.split(":")[0]
        entries = [e for e in CALIBRATION_ENTRIES
                   if e.split(":")[0] != key and rng.random() < 0.7] + [bad]
        if key != "history":  # required: without it the schema stops before cross checks
            entries.append("history: h.csv")
        rng.shuffle(entries)
        text = source + "calibration:\n" + "".join(f"  {e}\n" for e in entries)
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ScenarioError) as info:
            mktsim.validate(path)
        bad_line = text.splitlines().index(f"  {bad}") + 1
        assert any(p.line == bad_line and p.where.startswith("calibration")
                   for p in info.value.problems), (bad, [p.render() for p in
                                                         info.value.problems])


def test_fuzzed_calibration_sections_are_refused_at_their_line(tmp_path):
    fuzz_calibration_sections(3, 6, tmp_path)


@pytest.mark.slow
def test_every_hostile_calibration_entry_is_refused_at_its_line(tmp_path):
    fuzz_calibration_sections(4, 80, tmp_path)
