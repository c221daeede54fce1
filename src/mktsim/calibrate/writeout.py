"""The fitted scenario: the original file with the estimates in place, the posterior as
`uncertainties:`, and a comment block naming the history, the date and the fit quality.

Beside it, `<name>.draws.csv` holds the posterior draws (one column per freed path, one
row per draw). Parameters whose posterior draws are correlated (|rank correlation| at
least JOINT_CORRELATION, directly or through a chain of such pairs) are written as
`{draws: <name>.draws.csv}`, so that every replication takes one row for all of them and
their correlation is carried into runs; the others as a distribution of their own
(`calibrate.identify.joint_groups`).

The writers are plain functions: `write_fitted_files` (the fitted scenario and its
draws) and `write_calibration` (calibration.json); `Scenario.calibrate` calls them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from ..params import Parameter, format_number
from ..scenario.references import relocate, relocate_history
from ..scenario.roundtrip import apply_overrides_to_document, set_in_document
from .choice import rounded
from .identify import joint_groups

if TYPE_CHECKING:
    from .end_state import EndState
    from .result import CalibrationResult


def posterior_spec(prior: Parameter, draws: np.ndarray) -> str:
    """A distribution in the sweep syntax for a parameter's posterior draws: normal or
    lognormal where the prior is (exact under the Laplace approximation), else a beta
    stretched over the prior's range, matched to the draws' mean and variance."""
    if prior.kind == "distribution" and prior.dist == "normal":
        return f"normal({_g(draws.mean())}, {_g(draws.std(ddof=1))})"
    if prior.kind == "distribution" and prior.dist == "lognormal":
        logs = np.log(draws)
        return f"lognormal({_g(logs.mean())}, {_g(logs.std(ddof=1))})"
    low, high = _support(prior)
    x = (draws - low) / (high - low)
    m, v = float(x.mean()), float(x.var(ddof=1))
    common = m * (1 - m) / max(v, 1e-12) - 1
    if not 0 < m < 1 or common <= 0:
        return prior.to_spec().split("=", 1)[1]
    return f"beta({_g(m * common)}, {_g((1 - m) * common)}, {_g(low)}, {_g(high)})"


def _support(prior: Parameter) -> tuple[float, float]:
    if prior.kind == "range":
        return prior.bounds
    a = prior.dist_args
    if prior.dist == "triangular":
        return (a[0], a[2])
    if prior.dist == "beta":
        return (a[2], a[3]) if len(a) == 4 else (0.0, 1.0)
    return (a[0], a[1])  # uniform


def _g(x: float) -> str:
    return format_number(float(x), 6)


def draws_name(out: Path | None, scenario: Path) -> str:
    """File name of the posterior draws beside the fitted file `out`: `<stem>.draws.csv`
    (`<scenario stem>.fitted.draws.csv` when the fitted file has no name yet)."""
    return f"{out.stem}.draws.csv" if out is not None else f"{scenario.stem}.fitted.draws.csv"


def draws_csv(result: CalibrationResult) -> str:
    """The posterior draws as CSV: a header of the freed paths (then the start-state
    paths, when the end of the history was simulated), one row per draw."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    end = result.end_state
    header_row = [p.path for p in result.priors] + (end.paths if end else [])
    rows = result.draws if end is None else np.hstack([result.draws, end.draws])
    writer.writerow(header_row)
    for row in rows:
        writer.writerow([repr(float(v)) for v in row])
    return buf.getvalue()


def fitted_text(source_text: str, result: CalibrationResult, priors: list[Parameter],
                overrides: tuple[str, ...] = (), moved: tuple[Path, Path] | None = None,
                draws_file: str = "fitted.draws.csv") -> str:
    """The fitted scenario's YAML (`overrides`: the `--set` values of the calibration,
    kept in the file so that it reproduces the calibrated scenario; `moved`: (folder of
    the source, folder of the fitted file), for rewriting relative file references;
    `draws_file`: the posterior draws' file, relative to the fitted file)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    doc = yaml.load(source_text)
    apply_overrides_to_document(doc, overrides)
    for path, value in (result.choice.applied if result.choice else {}).items():
        set_in_document(doc, path, rounded(value))  # the form the history chose, then the fit
    if result.choice is not None:
        _moved_priors(doc, priors)
    for est in result.parameters:
        set_in_document(doc, est.path, float(format_number(est.estimate, 6)))
    _state_season_form(doc)
    end = result.end_state
    if end is None:
        joint = {p for g in joint_groups([q.path for q in priors], result.draws) for p in g}
    else:  # parameters and the state they imply: one row of the draws per replication
        joint = {q.path for q in priors} | set(end.paths)
        _start_here(doc, end, moved)
    section = CommentedMap()
    for j, prior in enumerate(priors):
        if prior.path in joint:
            section[prior.path] = _joint_entry(draws_file)
        else:
            section[prior.path] = posterior_spec(prior, result.draws[:, j])
    for j, path in enumerate(end.paths if end else ()):
        if np.ptp(end.draws[:, j]) > 0:  # a state the same in every draw stays a number
            section[path] = _joint_entry(draws_file)
    old = doc.get("uncertainties") or {}
    replaced = set(end.paths) if end else set()  # the start state is the history's now
    for path, spec in old.items():
        if path not in section and path not in replaced:
            section[path] = _kept(path, spec, moved, draws_file)
    doc["uncertainties"] = section
    if moved is not None:
        relocate_history(doc, *moved)
    out = io.StringIO()
    yaml.dump(doc, out)
    return header(result, draws_file) + out.getvalue()


def _state_season_form(doc: Any) -> None:
    """Write `market.demand.season_scaling` (dimensionless, 0 to 1) as the fit read it,
    `media_scaling`'s value (default 1) when unset, so that the fitted file keeps its
    season's form whatever default a later version gives it."""
    market = doc.get("market") if hasattr(doc, "get") else None
    demand = market.get("demand") if hasattr(market, "get") else None
    if not hasattr(demand, "get") or demand.get("season_scaling") is not None:
        return
    demand["season_scaling"] = demand.get("media_scaling", 1.0)


def _moved_priors(doc: Any, priors: list[Parameter]) -> None:
    """The lognormal priors of `calibration.parameters` as the kept form moved them
    (`choice_form.expand`: the median with the redrafted figure), 6 significant digits."""
    from ..params import ParamSpecError, parse_design_mapping

    section = (doc.get("calibration") or {}).get("parameters") or {}
    for prior in priors:
        if prior.path not in section or prior.dist != "lognormal":
            continue
        try:
            (own,) = parse_design_mapping({prior.path: section[prior.path]})
        except ParamSpecError:
            continue
        if own.dist == "lognormal" and not np.allclose(own.dist_args, prior.dist_args,
                                                       rtol=1e-9, atol=1e-12):
            section[prior.path] = "lognormal({})".format(
                ", ".join(format_number(a, 6) for a in prior.dist_args))


def _joint_entry(draws_file: str) -> CommentedMap:
    entry = CommentedMap(draws=draws_file)
    entry.fa.set_flow_style()
    return entry


def _start_here(doc: Any, end: EndState, moved: tuple[Path, Path] | None) -> None:
    """Start the scenario where the history ended: `start_date` the day after its last
    period, the start state at its posterior mean, and the `fitted_from:` record (the
    history named relative to the fitted file's folder, `moved[1]`)."""
    doc["start_date"] = end.start_date
    for path, value in end.mean().items():
        set_in_document(doc, path, float(format_number(value, 10)))
    record = CommentedMap()
    record["history"] = _history_ref(end.history, moved)
    record["sha256"] = end.sha256
    record["first_day"] = end.first_day
    record["last_day"] = end.last_day
    record["start_date"] = end.start_date_before
    record["start_state"] = CommentedMap(
        (p, float(format_number(v, 10))) for p, v in end.start_before.items())
    doc["fitted_from"] = record


def _history_ref(history: str, moved: tuple[Path, Path] | None) -> str:
    """The history file as the fitted file names it: relative to its folder when the
    history was given relative to the working folder, else as given."""
    path = Path(history)
    if moved is None or path.is_absolute():
        return path.as_posix()
    return Path(os.path.relpath(path.resolve(), moved[1].resolve())).as_posix()


def _kept(path: str, spec: Any, moved: tuple[Path, Path] | None, draws_file: str) -> Any:
    """An `uncertainties:` entry of the source that the calibration did not free; a draws
    file reference is rewritten for the fitted file's folder, and must not be the file
    the posterior draws are written to."""
    from ..scenario.errors import Problem, ScenarioError
    from ..scenario.uncertainty.joint_draws import normal_name, reference

    ref = reference(spec)
    if ref is None:
        return spec
    name = relocate(ref[0], *moved) if moved is not None else ref[0]
    if normal_name(name) == normal_name(draws_file):
        raise ScenarioError([Problem("--out", None, f"uncertainties.{path}",
                                     f"draws from {ref[0]}, which the fitted scenario's "
                                     "posterior draws would overwrite",
                                     "write the fitted scenario under another name")])
    if isinstance(spec, dict):
        entry = CommentedMap(draws=name)
        if ref[1] is not None:
            entry["column"] = ref[1]
        entry.fa.set_flow_style()
        return entry
    return f"draws({name}, {ref[1]})" if ref[1] else f"draws({name})"


def header(result: CalibrationResult, draws_file: str = "fitted.draws.csv") -> str:
    """The comment block of a fitted file."""
    lines = [f"# Calibrated by mktsim calibrate on {dt.date.today().isoformat()}",
             f"# history: {result.history} ({result.periods} {result.period}s, "
             f"last {result.holdout} held out), strategy: {result.strategy}",
             "# the estimates are in place; their posterior is under uncertainties:"]
    for kpi, row in result.fit.items():
        held = row["holdout"]
        lines.append(f"# fit {kpi}: R^2 {_num(row['r2'])}, MAPE {_num(row['mape'])}, "
                     f"NRMSE {_num(row['nrmse'])}; held out: R^2 {_num(held['r2'])}, "
                     f"coverage {_num(row['coverage'])}")
    lines += [f"# warning: {w}" for w in result.warnings]
    lines.append(f"# posterior draws ({len(result.draws)} rows, one column per freed "
                 f"value): {draws_file}")
    end = result.end_state
    if end is not None:
        lines += [f"# starts on {end.start_date.isoformat()}, the day after the history's "
                  f"last period, from the state the history left (fitted_from: the record)",
                  "# start state: its posterior mean in place; one column per value in "
                  f"{draws_file}",
                  f"# drawn jointly, one row of {draws_file} per replication: "
                  f"{', '.join(p.path for p in result.priors)} and the start state"]
        return "\n".join(lines) + "\n"
    for group in result.joint_groups():
        lines.append(f"# drawn jointly, one row of {draws_file} per replication "
                     f"(correlated): {', '.join(group)}")
    return "\n".join(lines) + "\n"


def _num(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}"


def write_fitted(scenario: Path, result: CalibrationResult,
                 overrides: tuple[str, ...] = (), out: Path | None = None) -> str:
    """Text of the fitted scenario of `scenario` for a file at `out` (written by the
    caller, atomically, with `draws_csv(result)` as `draws_name(out, scenario)` beside
    it); relative references are rewritten for out's folder."""
    moved = None if out is None else (scenario.parent, out.parent)
    return fitted_text(scenario.read_text(encoding="utf-8"), result, result.priors,
                       overrides, moved, draws_name(out, scenario))


def write_fitted_files(result: CalibrationResult, out: str | Path) -> Path:
    """Write the fitted scenario to `out` and its posterior draws beside it as
    `<stem>.draws.csv` (each atomically, the draws first: the scenario refers to them);
    `result.fitted` and `result.draws_file` then name them."""
    from ..documents.files import write_atomic

    target = Path(out)
    scenario = Path(result.scenario)
    text = write_fitted(scenario, result, result.overrides, target)
    draws = target.with_name(draws_name(target, scenario))
    write_atomic(draws, draws_csv(result))
    write_atomic(target, text)
    result.fitted, result.draws_file = target, draws
    return target


def write_calibration(result: CalibrationResult, out_dir: str | Path) -> Path:
    """Write calibration.json (the calibration document) into `out_dir` (created when
    missing)."""
    import json

    from ..documents.calibrate import CALIBRATION_FILE
    from ..documents.files import write_atomic

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / CALIBRATION_FILE, json.dumps(result.to_dict(), indent=2))
    return folder / CALIBRATION_FILE
