"""Read and check a history file (CSV, or the first or a named sheet of an .xlsx).

Every problem is reported at once with file, row (the spreadsheet's row: the header is
row 1) and column, as a ScenarioError: the command line turns it into exit code 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .. import tabular
from ..i18n import _, ngettext
from ..kpis import KPIS
from ..scenario.demand import Demand
from ..scenario.errors import Problem, ScenarioError
from .columns import known_columns, range_problem, unknown_hint, unknown_why
from .dates import by_date, read_dates, repeated_dates
from .labels import labelled_columns
from .model import SHARE_KPIS, History
from .periods import Irregular, infer_kind, month_starts, period_bounds

MAX_PROBLEMS = 25
SAME_PROBLEM_SHOWN = 3  # rows shown of a column's repeated problem (the rest counted)


class HistoryError(ScenarioError):
    """A history file that cannot be used; carries the problems to show and how many were
    found in all (`total`: the problems shown may count a column's repeats in one line)."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        super().__init__(problems)
        self.total = len(problems) if total is None else total

    def __str__(self) -> str:
        n = self.total
        head = ngettext("{n} problem in the history file:", "{n} problems in the history file:",
                        n).format(n=n)
        return "\n".join([head, *("  " + p.render() for p in self.problems)])


def read_history(path: str | Path, channels: Iterable[str], products: Iterable[str],
                 sheet: str | None = None, demand: Demand | None = None) -> History:
    """Read `path` and check it against the scenario's channel and product names and its
    demand drivers (`market.demand`: the `control.*` and `event.*` columns). `channels`
    may be the scenario's channels by name: then `spend.<label>` is a labelled
    channel's column."""
    path = Path(path)
    table = read_table(path, sheet)
    aliases = labelled_columns(channels) if isinstance(channels, Mapping) else None
    return parse_history(str(path), table.header, table.rows, tuple(channels),
                         tuple(products), demand, table.decimal, aliases)


def read_table(path: Path, sheet: str | None = None) -> tabular.Table:
    """Header, rows (cells as read) and decimal mark of a CSV file or of an .xlsx sheet,
    through the common reader (`mktsim.tabular`: its limits and refusals)."""
    try:
        table = tabular.read_table(path, sheet)
    except tabular.TableError as exc:
        raise HistoryError([Problem(str(path), exc.row, exc.column or "", exc.message,
                                    exc.hint)]) from None
    if table.sheets and canonical_header(table.header[:1]) != ["date"]:
        raise HistoryError([Problem(str(path), 1, "--sheet", _(
            "the first sheet, '{sheet}', does not start with a date column").format(
                sheet=table.sheets[0]), _("choose the sheet of the table with --sheet (the "
                                          "sheets: {names})").format(
                names=", ".join(table.sheets[:10])))])
    return table


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def parse_history(file: str, header: list[str], rows: list[list[Any]],
                  channels: tuple[str, ...], products: tuple[str, ...],
                  demand: Demand | None = None, decimal: str = ".",
                  aliases: Mapping[str, str] | None = None) -> History:
    """Check a table and build the History (see docs/calibration.md for the format);
    `decimal`: the file's decimal mark; `aliases`: a column as written -> the column it
    is (`spend.电视` -> `spend.channel_1`: a labelled channel, `mktsim.history.labels`)."""
    written = canonical_header(header)
    header = [(aliases or {}).get(name, name) for name in written]
    problems = header_problems(file, header, channels, products, demand)
    if problems:
        raise HistoryError(problems)
    read, date_problems = read_dates(file, rows)
    problems += date_problems or repeated_dates(file, read)
    dates, rows, numbers = by_date(read, rows)
    columns = {name: _column(file, rows, numbers, j, (name, written[j]), problems, demand,
                             decimal) for j, name in enumerate(header) if j > 0}
    if not problems and len(dates) < 2:
        problems.append(Problem(file, None, "date",
                                _("{n} row(s): at least two periods are needed to tell their "
                                  "length").format(n=len(dates)), _("add rows")))
    kind = None
    if not problems:
        dates = month_starts(dates)
        kind = infer_kind(dates)
        if isinstance(kind, Irregular):
            problems.append(Problem(file, numbers[kind.index], "date", kind.message,
                                    kind.hint))
    if problems or kind is None or isinstance(kind, Irregular):
        raise HistoryError(shown_problems(file, problems)[:MAX_PROBLEMS], len(problems))
    ends = tuple(end for _, end in period_bounds(kind, dates))
    return History(
        source=file, kind=kind, dates=tuple(dates), ends=ends,
        series={n: v for n, v in columns.items() if n in KPIS},
        sample_sizes={n[:-2]: v for n, v in columns.items() if n.endswith("_n")},
        spend={n.split(".", 1)[1]: v for n, v in columns.items() if n.startswith("spend.")},
        price={n.split(".", 1)[1]: v for n, v in columns.items() if n.startswith("price.")},
        controls=_prefixed(columns, "control."), events=_prefixed(columns, "event."),
        labels={k[6:]: w[6:] for k, w in zip(header, written, strict=True)
                if k != w and k.startswith("spend.")},
    )


PREFIXES = ("spend.", "price.", "control.", "event.")


def shown_problems(file: str, problems: list[Problem]) -> list[Problem]:
    """The problems to show: of the rows of one column with the same fix (a thousands
    separator in every row of `revenue`), the first SAME_PROBLEM_SHOWN and then one line
    counting the others, so that every column's problems fit in the message."""
    seen: dict[tuple[str, str], int] = {}
    shown: list[Problem] = []
    for p in problems:
        key = (p.where, p.hint)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= SAME_PROBLEM_SHOWN:
            shown.append(p)
    for (where, hint), n in seen.items():
        if n > SAME_PROBLEM_SHOWN:
            more = n - SAME_PROBLEM_SHOWN
            at = max(i for i, p in enumerate(shown) if (p.where, p.hint) == (where, hint))
            shown.insert(at + 1, Problem(file, None, where, ngettext(
                "and {n} more row like these", "and {n} more rows like these", more
            ).format(n=more)))
    return shown


#: the first column's names read as `date` (a sheet's `Week` or `月份` column of dates)
DATE_NAMES = frozenset({"date", "day", "week", "month", "period", "日期", "日", "周", "月份",
                        "时间"})
#: KPI columns named in Chinese, as a Chinese spreadsheet heads them
KPI_NAMES = {"销售额": "revenue", "营收": "revenue", "收入": "revenue", "营业额": "revenue",
             "销量": "units", "销售量": "units"}


def canonical_header(header: list[str]) -> list[str]:
    """The header's names as the history format spells them (`canonical_column`); the
    first column's `Week`, `Month`, `Period`, `日期`, ... is `date`."""
    names = [canonical_column(name) for name in header]
    if names and names[0].lower() in DATE_NAMES:
        names[0] = "date"
    return names


def canonical_column(name: str) -> str:
    """A header name as the history format spells it: `date`, a KPI, a sample size and a
    prefix (`spend.`, `price.`, `control.`, `event.`) in any letter case (`Date`,
    `Revenue`, `Spend.tv` as exported by a spreadsheet), a KPI named in Chinese
    (KPI_NAMES: `销售额` is revenue, `销量` units); the name after a prefix (a channel,
    product or driver) keeps its own case."""
    lower = name.lower()
    if name in KPI_NAMES:
        return KPI_NAMES[name]
    if lower == "date" or lower in KPIS or (lower.endswith("_n") and lower[:-2] in KPIS):
        return lower
    for prefix in PREFIXES:
        if lower.startswith(prefix):
            return prefix + name[len(prefix):]
    return name


def _prefixed(columns: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """The columns named `prefix<name>`, by name."""
    return {n[len(prefix):]: v for n, v in columns.items() if n.startswith(prefix)}


def header_problems(file: str, header: list[str], channels: tuple[str, ...],
                     products: tuple[str, ...], demand: Demand | None) -> list[Problem]:
    known = known_columns(channels, products, demand)
    problems = []
    if not header or header[0] != "date":
        problems.append(Problem(file, 1, header[0] if header else "",
                                _("the first column must be 'date'"),
                                _("name the first column date (first day of each period)")))
    seen: set[str] = set()
    for name in header[1:]:
        if name == "date":
            problems.append(Problem(file, 1, name, _("a second 'date' column"),
                                    _("keep one date column, the first")))
            continue
        if name in seen:
            problems.append(Problem(file, 1, name, _("the column appears twice"), _("keep one")))
        seen.add(name)
        if name in known:
            continue
        problems.append(Problem(file, 1, name or "(empty)",
                                unknown_why(name, channels, products, demand),
                                unknown_hint(name, known)))
    for name in header:
        if name.endswith("_n") and name[:-2] in SHARE_KPIS and name[:-2] not in header:
            problems.append(Problem(file, 1, name,
                                    _("a sample size without a '{kpi}' column").format(
                                        kpi=name[:-2]),
                                    _("add the {kpi} column or drop {column}").format(
                                        kpi=name[:-2], column=name)))
    return problems


def _column(file: str, rows: list[list[Any]], numbers: list[int], j: int,
            names: tuple[str, str], problems: list[Problem], demand: Demand | None,
            decimal: str) -> np.ndarray:
    """The values of column `j`, `names` (its name, and as written: `spend.电视` for a
    labelled channel's `spend.channel_1`), problems named as written."""
    name, shown = names
    out = np.full(len(rows), np.nan)
    for i, row in enumerate(rows):
        cell = row[j] if j < len(row) else None
        if _blank(cell):
            continue
        value, why_not = _number(cell, name, decimal)
        if value is None:
            assert why_not is not None
            problems.append(Problem(file, numbers[i], shown, *why_not))
            continue
        why = range_problem(name, value, demand)
        if why:
            problems.append(Problem(file, numbers[i], shown, why[0], why[1]))
            continue
        out[i] = value
    return out


#: what an accounting format shows for zero (`-`, `$ -`): read as 0 in a spend column
_DASHES = frozenset({"-", "\u2013", "\u2014"})


def _number(cell: Any, name: str, decimal: str) -> tuple[float | None, tabular.cells.Why | None]:
    """A cell of column `name`: a share, control or event may be a percentage (`80%` =
    0.8); a spend cell showing an accounting format's dash is 0 money."""
    if name.startswith("spend.") and isinstance(cell, str) and \
            tabular.cells.without_currency(cell.strip()) in _DASHES:
        return 0.0, None
    percent = name in SHARE_KPIS or name.startswith(("control.", "event."))
    return tabular.as_number(cell, share=percent, decimal=decimal, grouped=True)


def check_enough(history: History, free: int, holdout: int) -> None:
    """Raise HistoryError when the fitted periods hold fewer observations than there are
    free parameters, or when the holdout leaves no period to fit."""
    if holdout >= history.n_periods:
        raise HistoryError([Problem(history.source, None, "--holdout",
                                    _("holding out {holdout} of {n} periods leaves none to fit")
                                    .format(holdout=holdout, n=history.n_periods),
                                    _("hold out fewer periods: a quarter of them is --holdout "
                                      "{n}").format(n=history.n_periods // 4))])
    n = history.observations(holdout)
    if n < free:
        raise HistoryError([Problem(history.source, None, "",
                                    _("{n} observations in the fitted periods for {free} free "
                                      "parameters").format(n=n, free=free),
                                    _("free fewer parameters, add KPI columns or rows, or hold "
                                      "out fewer periods"))])
