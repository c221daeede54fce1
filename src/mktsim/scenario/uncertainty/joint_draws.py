"""Joint draws in `uncertainties:`: a CSV file of draws (one column per value, one row per
draw) whose rows are taken whole, one per replication, so that correlated values keep
their correlation.

    uncertainties:
      market.word_of_mouth.imitation: {draws: fitted.draws.csv}
      channels.kol.awareness.per_year: draws(fitted.draws.csv)
      market.size: {draws: fitted.draws.csv, column: size}

The column defaults to the path. Every path that names the same file takes the same row
in a replication. The file (relative to the scenario) is read once, when the scenario is
loaded: every cell must be a finite number (read as text and parsed, never evaluated), and
the column's values are kept in the loaded data (`values:`), so that runs on other
processes or machines never read the file again and the scenario's hash covers the draws.

Row of replication i: the file's rows in an order shuffled by the seed, cycle i // n of
them (a new shuffle per cycle of n replications), position i mod n. It depends only on the
seed, the file and i, never on the number of workers; the first n replications use every
row once.
"""

from __future__ import annotations

import posixpath
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...i18n import _
from ..errors import Problem
from ..suggest import did_you_mean
from ..translate import line_of
from ..yamlio import Locations

MAX_ROWS = 10_000
#: spawn key stream of the row shuffles (the uniform numbers of other uncertainties: 100)
ROW_STREAM = 101


class DrawsFileError(ValueError):
    """A draws file that cannot be used; `row`/`column` say where (row 1 is the header)."""

    def __init__(self, message: str, hint: str, row: int | None = None,
                 column: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.row, self.column = message, hint, row, column

    def where(self) -> str:
        """`row 5, column market.size: ` (what is known of it)."""
        if self.row and self.column:
            return _("row {row}, column {column}: ").format(row=self.row, column=self.column)
        if self.row:
            return _("row {row}: ").format(row=self.row)
        return _("column {column}: ").format(column=self.column) if self.column else ""


@dataclass(frozen=True)
class DrawsTable:
    """The columns of a draws file, in file order, every value a finite float."""

    columns: dict[str, tuple[float, ...]]

    @property
    def rows(self) -> int:
        """Draws in the file."""
        return len(next(iter(self.columns.values()))) if self.columns else 0



def read_draws(path: Path) -> DrawsTable:
    """Read and check a draws file (through the common reader, `mktsim.tabular`); raise
    DrawsFileError naming the row and column."""
    from ... import tabular

    try:
        table = tabular.read_csv(path)
    except tabular.TableError as exc:
        if exc.missing:
            raise DrawsFileError(_("file not found"), _("write its path relative to the "
                                                        "scenario file (mktsim calibrate --out "
                                                        "writes it beside the fitted "
                                                        "scenario)")) from None
        raise DrawsFileError(exc.message, exc.hint, exc.row, exc.column) from None
    header = table.header
    for j, name in enumerate(header):
        if not name:
            raise DrawsFileError(_("column {n} has no name").format(n=j + 1),
                                 _("name every column in the first row"), row=1)
        if name in header[:j]:
            raise DrawsFileError(_("column {name} appears twice").format(name=name),
                                 _("give each column its own name"), row=1)
    if not table.rows:
        raise DrawsFileError(_("no rows of draws under the header"),
                             _("add one row per draw"))
    if len(table.rows) > MAX_ROWS:
        raise DrawsFileError(_("{n:,} rows of draws, more than {limit:,}").format(
                                 n=len(table.rows), limit=MAX_ROWS),
                             _("keep a random subset of at most {n:,} rows").format(
                                 n=MAX_ROWS))
    values: list[list[float]] = [[] for _ in header]
    for i, record in enumerate(table.rows, start=2):
        if len(record) != len(header):
            raise DrawsFileError(_("{n} cells where the header has {columns}").format(
                                     n=len(record), columns=len(header)),
                                 _("give every row one value per column"), row=i)
        for j, cell in enumerate(record):
            if not cell.strip():
                raise DrawsFileError(_("empty cell"), _("every draw needs a value in every "
                                                         "column: fill it or drop the row"),
                                     i, header[j])
            value, why = tabular.as_number(cell)
            if value is None:
                assert why is not None
                raise DrawsFileError(_finite_word(why[0]), why[1], i, header[j])
            values[j].append(value)
    return DrawsTable({name: tuple(col) for name, col in zip(header, values, strict=True)})


def reference(spec: Any) -> tuple[str, str | None] | None:
    """(file, column or None) of a draws entry as written, or None for any other entry."""
    if isinstance(spec, dict) and "draws" in spec:
        return (spec["draws"], spec.get("column")) if isinstance(spec["draws"], str) else None
    if isinstance(spec, str):
        from ...params import DRAWS_RE

        m = DRAWS_RE.fullmatch(spec.strip())
        if m:
            return m.group(1).strip(), (m.group(2) or "").strip() or None
    return None


def normal_name(name: str) -> str:
    """A file reference in one spelling (`./a/../b.csv` -> `b.csv`), so that paths naming
    the same file share its rows."""
    return posixpath.normpath(name.strip().replace("\\", "/"))


def resolve_draws(data: dict[str, Any], locs: Locations, file: str
                  ) -> tuple[dict[str, Any], list[Problem]]:
    """`data` with every draws entry of `uncertainties:` read from its file (relative to the
    scenario `file`): `{draws: FILE, column: NAME, values: [...]}`; and the problems."""
    section = data.get("uncertainties")
    if not isinstance(section, dict):
        return data, []
    refs = {str(path): reference(spec) for path, spec in section.items()}
    if not any(refs.values()):
        return data, []
    base = Path(file).parent
    tables: dict[str, DrawsTable | DrawsFileError] = {}
    problems: list[Problem] = []
    resolved = dict(section)
    for path, ref in refs.items():
        if ref is None:
            continue
        spec = section[path]
        extra = sorted(set(spec) - {"draws", "column", "values"}) if isinstance(spec, dict) else []
        if extra:
            problems.append(_problem(file, locs, path,
                                     _("unexpected key '{key}'").format(key=extra[0]),
                                     did_you_mean(extra[0], ["column"]) or
                                     _("write {draws: FILE, column: NAME}")))
            continue
        if isinstance(spec, dict) and "values" in spec:
            problems.append(_problem(file, locs, path,
                                     _("unexpected key '{key}'").format(key="values"),
                                     _("the draws are read from the file: write "
                                       "{draws: FILE, column: NAME}")))
            continue
        if ref[1] is not None and not isinstance(ref[1], str):
            problems.append(_problem(file, locs, path,
                                     _("column {column} is not a name").format(
                                         column=repr(ref[1])),
                                     _("name the column of the draws file as text, "
                                       "e.g. {draws: FILE, column: size}")))
            continue
        name, column = normal_name(ref[0]), ref[1] or path
        if not name or name == ".":
            problems.append(_problem(file, locs, path, _("draws need a file"),
                                     _("write {draws: FILE.csv} or draws(FILE.csv)")))
            continue
        where = base / name
        if name not in tables:
            try:
                tables[name] = read_draws(where)
            except DrawsFileError as exc:
                tables[name] = exc
        table = tables[name]
        if isinstance(table, DrawsFileError):
            problems.append(_problem(file, locs, path,
                                     _("draws file {file}: {where}{message}").format(
                                         file=where, where=table.where(),
                                         message=table.message), table.hint))
            continue
        if column not in table.columns:
            hint = did_you_mean(column, list(table.columns)) or _("columns: {names}").format(
                names=", ".join(list(table.columns)[:8]))
            problems.append(_problem(file, locs, path,
                                     _("draws file {file} has no column {column}").format(
                                         file=where, column=column),
                                     _("{hint}; name it with column: NAME").format(hint=hint)))
            continue
        resolved[path] = {"draws": name, "column": column, "values": list(table.columns[column])}
    if problems:
        return data, problems
    return {**data, "uncertainties": resolved}, []


def _finite_word(message: str) -> str:
    """A cell's "is not a number" said as "is not a finite number" (a draw is a finite
    number), in the active language."""
    return message.replace(_("{cell} is not a number").format(cell=""),
                           _("{cell} is not a finite number").format(cell=""))


def _problem(file: str, locs: Locations, path: str, message: str, hint: str) -> Problem:
    return Problem(file, line_of(("uncertainties", path), locs), f"uncertainties.{path}",
                   message, hint)


def draw_extremes(param: Any) -> list[tuple[str, float]]:
    """(where, value) of a draws parameter's smallest and largest value, named by the row
    of the file (the header is row 1) and the column."""
    values = param.draw_array()
    out = []
    for word, i in (("smallest", int(np.argmin(values))), ("largest", int(np.argmax(values)))):
        out.append((f"{word} draw ({param.source} row {i + 2}, column {param.column})",
                    float(values[i])))
    return out


def draw_groups(params: Iterable[Any]) -> dict[str, list[Any]]:
    """Draws parameters by file, in order: the paths that share a row."""
    groups: dict[str, list[Any]] = {}
    for p in params:
        if p.kind == "draws":
            groups.setdefault(normal_name(p.source), []).append(p)
    for name, group in groups.items():
        if len({len(p.draws) for p in group}) > 1:
            raise ValueError(f"the draws of {name} do not have one length for every path")
    return groups


def draw_rows(seed: int, name: str, n: int, first: int, count: int) -> np.ndarray:
    """Rows (0-based) of file `name` with `n` rows for replications first..first+count-1."""
    key = zlib.crc32(name.encode("utf-8"))
    out = np.empty(count, dtype=np.int64)
    shuffles: dict[int, np.ndarray] = {}
    for k, i in enumerate(range(first, first + count)):
        cycle = i // n
        if cycle not in shuffles:
            seq = np.random.SeedSequence(seed, spawn_key=(cycle, ROW_STREAM, key))
            shuffles[cycle] = np.random.default_rng(seq).permutation(n)
        out[k] = shuffles[cycle][i % n]
    return out


def joint_paths(section: Any, drawn: Sequence[str] | None = None) -> dict[str, list[str]]:
    """{draws file: paths drawn jointly from its rows} of an `uncertainties:` section
    (only the paths in `drawn` when given)."""
    if not isinstance(section, dict):
        return {}
    out: dict[str, list[str]] = {}
    for path, spec in section.items():
        ref = reference(spec)
        if ref is not None and (drawn is None or path in drawn):
            out.setdefault(normal_name(ref[0]), []).append(str(path))
    return out
