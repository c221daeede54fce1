""".xlsx sheets and paths that are not files, through the common reader (`mktsim.tabular`)
and the history and actuals commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from mktsim.tabular import TableError, read_table

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src"


def workbook(path: Path, rows: list[list[object]]) -> tuple[Path, openpyxl.Workbook]:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["date", "units"])
    for row in rows:
        ws.append(row)
    return path, book


GOOD = [[dt.date(2026, 1, 5), 10], [dt.date(2026, 1, 12), 12], [dt.date(2026, 1, 19), 9]]


def test_the_used_range_is_read_from_the_cells_not_the_declared_dimension(tmp_path):
    path, book = workbook(tmp_path / "h.xlsx", GOOD)
    book.active["XFD1048576"].font = Font(bold=True)  # formatted, empty: declares the range
    book.save(path)
    table = read_table(path)
    assert table.header == ["date", "units"]
    assert [r[1] for r in table.rows] == [10, 12, 9]


def test_a_stray_value_far_away_is_refused_by_its_cell_in_little_memory(tmp_path):
    path, book = workbook(tmp_path / "h.xlsx", GOOD)
    book.active["XFD1048576"] = 1
    book.save(path)
    # the peak of this process's own memory (VmHWM starts afresh at exec; ru_maxrss may
    # carry the parent's)
    code = ("import json, sys\n"
            "from pathlib import Path\n"
            "from mktsim.tabular import TableError, read_table\n"
            "try:\n"
            "    read_table(Path(sys.argv[1]))\n"
            "    out = 'read'\n"
            "except TableError as exc:\n"
            "    out = exc.where() + exc.message\n"
            "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM')]\n"
            "print(json.dumps([out, int(peak[0].split()[1])]))\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert done.returncode == 0, done.stderr
    message, max_kb = json.loads(done.stdout)
    assert "XFD1048576" in message and "row 1048576" in message
    assert max_kb < 400_000, f"{max_kb / 1000:.0f} MB to read a three-row sheet"


def test_a_formula_without_a_saved_value_is_refused_at_its_cell(tmp_path):
    from mktsim.tabular import as_number

    path, book = workbook(tmp_path / "h.xlsx", GOOD)
    book.active["B3"] = "=B2*2"  # openpyxl saves no value for it, as some exporters do
    book.save(path)
    table = read_table(path)
    value, why = as_number(table.rows[1][1])
    assert value is None and why is not None
    assert "formula =B2*2 has no saved value" in why[0]


def test_merged_cells_are_refused(tmp_path):
    path, book = workbook(tmp_path / "h.xlsx", GOOD)
    book.active.merge_cells("B2:B3")
    book.save(path)
    with pytest.raises(TableError) as info:
        read_table(path)
    assert "B2:B3" in info.value.message and info.value.row == 2


def test_a_damaged_workbook_is_refused(tmp_path):
    path = tmp_path / "h.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TableError) as info:
        read_table(path)
    assert "cannot read the workbook" in info.value.message


@pytest.mark.parametrize("kind", ["fifo", "device", "loop", "folder", "missing"])
def test_paths_that_are_not_files_say_what_they_are(tmp_path, kind):
    path = tmp_path / "h.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/null")
    elif kind == "loop":
        os.symlink(tmp_path / "other.csv", path)
        os.symlink(path, tmp_path / "other.csv")
    elif kind == "folder":
        path.mkdir()
    with pytest.raises(TableError) as info:
        read_table(path)
    expected = {"fifo": "a named pipe (FIFO), not a file", "device": "a device, not a file",
                "loop": "a loop of symbolic links", "folder": "a folder, not a file",
                "missing": "no such file"}[kind]
    assert expected in info.value.message


SCENARIO = ROOT / "scenarios" / "smart_band.yaml"


@pytest.mark.parametrize(("command", "option"), [("calibrate", "--history"),
                                                 ("track", "--actuals")])
def test_a_fifo_as_history_or_actuals_exits_2_at_once(tmp_path, command, option):
    fifo = tmp_path / "h.csv"
    os.mkfifo(fifo)  # opening it to read would wait for a writer for ever
    args = [sys.executable, "-m", "mktsim", command, str(SCENARIO), option, str(fifo)]
    if command == "calibrate":
        args += ["--param", "market.word_of_mouth.imitation=0.05:0.4"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(SRC)})
    assert done.returncode == 2, done.stderr
    assert "a named pipe (FIFO), not a file" in done.stderr and str(fifo) in done.stderr
    assert "Traceback" not in done.stderr


def test_an_overlong_text_cell_of_a_sheet_is_refused_by_its_cell(tmp_path):
    path, book = workbook(tmp_path / "h.xlsx", GOOD)
    book.active["B3"] = "9" * 20_000
    book.save(path)
    with pytest.raises(TableError) as info:
        read_table(path)
    assert "cell B3 holds 20,000 characters" in info.value.message


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_opened(tmp_path,
                                                                         monkeypatch):
    import mktsim.tabular.read as reader

    path, book = workbook(tmp_path / "h.xlsx", GOOD)
    book.save(path)
    monkeypatch.setattr(reader, "MAX_UNPACKED", 1000)  # the real file, a lower limit
    with pytest.raises(TableError) as info:
        read_table(path)
    assert "unpacks to" in info.value.message


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_table_of_too_many_cells_is_refused(tmp_path, monkeypatch, suffix):
    import mktsim.tabular.read as reader

    rows = [[dt.date(2026, 1, 5) + dt.timedelta(days=7 * i), i] for i in range(20)]
    path, book = workbook(tmp_path / f"h.{suffix}", rows)
    if suffix == "xlsx":
        book.save(path)
    else:
        path.write_text("date,units\n" + "".join(f"{d.isoformat()},{v}\n" for d, v in rows))
    monkeypatch.setattr(reader, "MAX_CELLS", 30)
    with pytest.raises(TableError) as info:
        read_table(path)
    assert "more than 30 cells" in info.value.message and info.value.row
