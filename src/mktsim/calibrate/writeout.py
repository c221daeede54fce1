"""The fitted scenario: the original file with the estimates in place, the posterior as
`uncertainties:`, and a comment block naming the history, the date and the fit quality."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from ..params import Parameter, format_number
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


def fitted_text(source_text: str, result: CalibrationResult, priors: list[Parameter],
                overrides: tuple[str, ...] = (), moved: tuple[Path, Path] | None = None
                ) -> str:
    """The fitted scenario's YAML (`overrides`: the `--set` values of the calibration,
    kept in the file so that it reproduces the calibrated scenario; `moved`: (folder of
    the source, folder of the fitted file), for rewriting relative file references)."""
    from ..scenario.overrides import parse_override

    yaml = YAML()
    yaml.preserve_quotes = True
    doc = yaml.load(source_text)
    for text in overrides:
        path, value = parse_override(text)
        _set(doc, ".".join(str(p) for p in path), value)
    for est in result.parameters:
        _set(doc, est.path, float(format_number(est.estimate, 6)))
    section = CommentedMap()
    for j, prior in enumerate(priors):
        section[prior.path] = posterior_spec(prior, result.draws[:, j])
    old = doc.get("uncertainties") or {}
    for path, spec in old.items():
        if path not in section:
            section[path] = spec
    doc["uncertainties"] = section
    if moved is not None:
        relocate_history(doc, *moved)
    out = io.StringIO()
    yaml.dump(doc, out)
    return header(result) + out.getvalue()


def header(result: CalibrationResult) -> str:
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
    if result.correlated:
        lines.append("# correlated parameters are written as separate distributions: "
                     "their correlation is not carried into runs")
    return "\n".join(lines) + "\n"


def _num(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}"


def _set(doc: Any, dotted: str, value: Any) -> None:
    """Set a dotted path in the round-trip document, creating mappings on the way."""
    node = doc
    parts = dotted.split(".")
    for part in parts[:-1]:
        if part not in node or node[part] is None:
            node[part] = CommentedMap()
        node = node[part]
    node[parts[-1]] = value


def relocate(reference: str, source_dir: Path, target_dir: Path) -> str:
    """A file reference relative to `source_dir`, made relative to `target_dir` (an
    absolute reference is kept)."""
    if Path(reference).is_absolute():
        return reference
    where = (source_dir / reference).resolve()
    return Path(os.path.relpath(where, target_dir.resolve())).as_posix()


def relocate_history(doc: Any, source_dir: Path, target_dir: Path) -> None:
    """`calibration.history` of a fitted file written in another folder, made relative to
    that folder."""
    section = doc.get("calibration")
    if isinstance(section, dict) and isinstance(section.get("history"), str):
        section["history"] = relocate(section["history"], source_dir, target_dir)


def write_fitted(scenario: Path, result: CalibrationResult,
                 overrides: tuple[str, ...] = (), out: Path | None = None) -> str:
    """Text of the fitted scenario of `scenario` for a file at `out` (written by the
    caller, atomically); relative references are rewritten for out's folder."""
    moved = None if out is None else (scenario.parent, out.parent)
    return fitted_text(scenario.read_text(encoding="utf-8"), result, result.priors,
                       overrides, moved)
