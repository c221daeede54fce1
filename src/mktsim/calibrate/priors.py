"""Free parameters and their priors, in the sweep syntax, and the standard-normal
coordinates the fit works in: value = prior quantile at Phi(z), so the prior is N(0, 1)
in z and every z in [-Z_MAX, Z_MAX] maps inside the prior's 0.1%-99.9% range."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..params import Parameter, ParamSpecError, parse_design_mapping, parse_param
from ..scenario.errors import Problem, ScenarioError
from ..scenario.load import LoadedSpec, with_values
from ..scenario.uncertainty.section import FIXED, extreme_values

Z_MAX = 3.090232306167813  # Phi^-1(0.999)


def parse_priors(flags: Iterable[str], section: Mapping[str, Any] | None,
                 source: str) -> list[Parameter]:
    """Priors of the `--param` flags, over those of the `calibration.parameters` section
    (a flag replaces the section's entry of the same path)."""
    try:
        from_file = {p.path: p for p in parse_design_mapping(dict(section or {}))}
        from_flags = {p.path: p for p in (parse_param(f) for f in flags)}
    except ParamSpecError as exc:
        raise ScenarioError([Problem(source, None, "--param", str(exc),
                                     "e.g. --param market.word_of_mouth.imitation=0.05:0.5")]
                            ) from None
    priors = list({**from_file, **from_flags}.values())
    problems = [_problem(p, source) for p in priors]
    if not priors:
        problems.append(Problem(source, None, "--param", "no free parameter",
                                "free one with --param PATH=LOW:HIGH or calibration.parameters"))
    bad = [p for p in problems if p is not None]
    if bad:
        raise ScenarioError(bad)
    return priors


def _problem(p: Parameter, source: str) -> Problem | None:
    if p.kind in ("levels", "draws"):
        return Problem(source, None, f"--param {p.path}", "a calibrated value needs a range "
                       f"or a distribution, not {p.kind}", "e.g. 0.1:0.5 or normal(0.3, 0.05)")
    if p.path.split(".")[0] in FIXED:
        return Problem(source, None, f"--param {p.path}", "this value cannot be calibrated",
                       "free market, product, channel, team or crm values")
    return None


def check_priors(loaded: LoadedSpec, priors: list[Parameter]) -> None:
    """Every prior's path must name a value of the scenario (a typo gets the plain
    unknown-key message and its did-you-mean), and its extreme values must give a valid
    scenario (checked before fitting)."""
    problems = [q for p in priors if (q := _path_problem(loaded, p)) is not None]
    if problems:
        raise ScenarioError(problems)
    for p in priors:
        for where, value in extreme_values(p):
            try:
                with_values(loaded, {p.path: value})
            except ScenarioError as exc:
                why = exc.problems[0].render() if exc.problems else "invalid"
                problems.append(Problem(loaded.source, None, f"--param {p.path}",
                                        f"at its {where} ({value:g}): {why}",
                                        "narrow the prior or check the path"))
                break
    if problems:
        raise ScenarioError(problems)


def _path_problem(loaded: LoadedSpec, p: Parameter) -> Problem | None:
    """The scenario's own problem when `p.path` is not one of its values (an unknown key,
    a list index out of range): a path the file does not hold, refused at the prior's
    median. None when the path is a value (its range is checked by `check_priors`)."""
    if _holds(loaded.data, p.path.split(".")):
        return None
    median = float(p.ppf(np.array([0.5]))[0])
    try:
        with_values(loaded, {p.path: median})
    except ScenarioError as exc:
        first = next((q for q in exc.problems if p.path.startswith(q.where)),
                     exc.problems[0] if exc.problems else None)
        if first is not None:
            return Problem(loaded.source, None, f"--param {p.path}", first.message, first.hint)
    return None


def _holds(data: Any, parts: list[str]) -> bool:
    """Whether the scenario's data hold a value at the dotted path `parts`."""
    for part in parts:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return False
    return True


def values_at(priors: list[Parameter], z: np.ndarray) -> dict[str, float]:
    """Scenario values at standard-normal coordinates `z` (one per prior)."""
    from scipy.special import ndtr

    u = ndtr(np.clip(np.asarray(z, dtype=float), -Z_MAX, Z_MAX))
    return {p.path: float(p.ppf(np.array([u[j]]))[0]) for j, p in enumerate(priors)}


def prior_interval(p: Parameter, level: float = 0.9) -> tuple[float, float]:
    """Central `level` interval of a prior."""
    tail = (1 - level) / 2
    return (float(p.ppf(np.array([tail]))[0]), float(p.ppf(np.array([1 - tail]))[0]))


def check_flags(flags: Iterable[str], overrides: Iterable[str], source: str) -> None:
    """A `--param` path freed once, and not also fixed by a `--set` (before any work)."""
    from ..scenario.overrides import parse_override

    paths = [f.split("=", 1)[0].strip() for f in flags]
    fixed = {}
    for text in overrides:
        try:
            fixed[".".join(str(p) for p in parse_override(text)[0])] = text
        except ScenarioError:
            continue  # refused when the scenario is loaded
    problems = []
    for i, path in enumerate(paths):
        if path in paths[:i]:
            problems.append(Problem(source, None, f"--param {path}", "given twice",
                                    "free each value once, with one prior"))
            continue
        clash = [t for p, t in fixed.items() if p == path or p.startswith(path + ".")
                 or path.startswith(p + ".")]
        if clash:
            problems.append(Problem(source, None, f"--param {path}",
                                    f"also fixed by --set {clash[0]}",
                                    "drop the --set (the fit estimates the value) or the "
                                    "--param (the value stays as set)"))
    if problems:
        raise ScenarioError(problems)
