"""`mktsim init from-history`: read a history file, draft a scenario, check it, write it.

Nothing is written unless the drafted scenario loads and validates; every problem of the
file is reported at once (file, row, column), exit code 2 on the command line.
"""

from __future__ import annotations

from pathlib import Path

from ..i18n import _
from ..scenario.errors import Problem, ScenarioError
from .draft import choose_kpi, draft, relative_path
from .draft_text import holdout_of, scenario_text
from .labels import channel_keys, is_name, plain_name
from .model import History
from .read import (
    PREFIXES,
    HistoryError,
    canonical_header,
    header_problems,
    parse_history,
    read_table,
)

KPI_CHOICES = ("revenue", "units")


def read_any_history(path: Path, sheet: str | None = None) -> History:
    """Read a history file (`sheet`: of an .xlsx, default the first) taking every
    `spend.`, `price.`, `control.` and `event.` column as a channel, product, control or
    event of its own name; a channel written otherwise than as a name (`spend.电视`) is
    keyed by one and labelled with the text (`mktsim.history.labels`)."""
    table = read_table(path, sheet)
    header = canonical_header(table.header)
    keys = channel_keys(h[6:] for h in header if h.startswith("spend."))
    aliases = {f"spend.{t}": f"spend.{k}" for t, k in keys.items() if t != k}
    header = [aliases.get(h, h) for h in header]
    names = {p: tuple(h[len(p):] for h in header if h.startswith(p)) for p in PREFIXES}
    bad = [Problem(str(path), 1, p + n, _("'{name}' cannot name a product or driver").format(
                       name=n), _rename_hint(p, n))
           for p, ns in names.items() for n in ns if not is_name(n)]
    if bad:  # with the other columns' problems (a Chinese `日期` too), all at once
        names = {p: tuple(n for n in ns if is_name(n)) for p, ns in names.items()}
        named = [h for h in header if h not in {b.where for b in bad}]
        raise HistoryError(bad + header_problems(str(path), named, names["spend."],
                                                 names["price."], _demand(
                                                     names["control."], names["event."])))
    return parse_history(str(path), table.header, table.rows, names["spend."],
                         names["price."], _demand(names["control."], names["event."]),
                         table.decimal, aliases)


_EXAMPLES = {"price.": "widget", "control.": "price_index", "event.": "double11"}


def _rename_hint(prefix: str, name: str) -> str:
    """How to rename the column `prefix + name`: the name with its other characters as
    `_` when that is a name (`event.double-11` -> `event.double_11`)."""
    plain = plain_name(name)
    if plain:
        return _("rename the column {column} (letters, digits and _ only, starting with a "
                 "letter)").format(column=prefix + plain)
    return _("rename the column with letters a-z, digits and _ only, starting with a letter "
             "({column})").format(column=prefix + _EXAMPLES.get(prefix, "x1"))


def _demand(controls: tuple[str, ...], events: tuple[str, ...]) -> object | None:
    """A demand section naming the file's controls and events (linear, so any finite
    value of a control column is accepted here), for the reader's column checks."""
    if not controls and not events:
        return None
    from ..scenario.demand import Demand

    return Demand.model_validate({
        "controls": {c: {"effect": "linear", "reference": 0.0} for c in controls},
        "events": {e: {"lift": 0.0} for e in events}})


def drafted_holdout(history: str | Path, sheet: str | None = None) -> int:
    """The periods the scenario drafted from `history` holds out of the fit."""
    return holdout_of(read_any_history(Path(history), sheet).n_periods)


def scenario_name(history: Path) -> str:
    """The drafted scenario's file name: the history's stem with .yaml."""
    return f"{history.stem}.yaml"


def write_draft(history: str | Path, directory: str | Path | None = None,
                kpi: str | None = None, force: bool = False, lang: str = "en",
                shape: tuple[str, int] | None = None, sheet: str | None = None) -> Path:
    """Draft the scenario of `history` into `directory` (default: the history's folder),
    levelled on `kpi` (revenue or units; default revenue when the file has it), comments
    in `lang`, each channel's saturation curve and adstock step `shape` as the draft
    decides unless given; refuse to replace an existing file unless `force`. Returns its
    path."""
    history = Path(history)
    folder = Path(directory) if directory is not None else history.parent
    if kpi is not None and kpi not in KPI_CHOICES:
        raise ScenarioError([Problem("--kpi", None, "", _("unknown KPI '{kpi}'").format(
            kpi=kpi), _("use revenue or units"))])
    path = folder / scenario_name(history)
    _refuse_existing(path, history, force)
    hist = read_any_history(history, sheet)
    chosen = choose_kpi(hist, kpi)
    if chosen is None:
        raise HistoryError([Problem(str(history), 1, kpi or "revenue",
                                    _("no '{kpi}' column to build the scenario on").format(
                                        kpi=kpi or "revenue/units"),
                                    _("add a revenue or units column, or choose --kpi"))])
    text = scenario_text(draft(hist, relative_path(history, folder), chosen, shape, sheet),
                         path.name, lang)
    _check(text, path)
    from ..documents.files import write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    return path


def _refuse_existing(path: Path, history: Path, force: bool) -> None:
    if path.resolve() == history.resolve():
        raise ScenarioError([Problem(str(path), None, "", _("the scenario would replace the "
                                                            "history file"),
                                     _("choose another folder"))])
    if path.exists() and not force:
        raise ScenarioError([Problem(str(path), None, "", _("file exists"),
                                     _("use --force to overwrite it or choose another "
                                       "folder"))])
    if path.exists() and path.is_dir():
        raise ScenarioError([Problem(str(path), None, "", _("a folder stands where the "
                                                            "scenario should go"),
                                     _("choose another folder"))])


def _check(text: str, path: Path) -> None:
    """The drafted text must load and validate (a failure here is a bug of the draft)."""
    from ..scenario.load import load_text

    load_text(text, str(path))
