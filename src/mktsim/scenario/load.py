"""Load a scenario file: YAML -> overrides -> extends -> schema -> cross checks -> lint."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..i18n import _
from .crosscheck import cross_check
from .errors import Problem, ScenarioError
from .extends import fold_inherited, resolve_extends
from .lint import smart_lint
from .model import ScenarioSpec
from .overrides import SOURCE, apply_overrides, replaced, without, without_drawn
from .translate import problems_from, schema_value
from .uncertainty.joint_draws import reference, resolve_draws
from .uncertainty.section import uncertainty_problems
from .yamlio import Locations, parse_yaml, read_yaml


@dataclass(frozen=True)
class LoadedSpec:
    """A validated scenario, where it came from, and its lint warnings."""

    spec: ScenarioSpec
    source: str
    data: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)
    fixed: dict[str, str] = field(default_factory=dict)
    """Paths set on the command line whose `uncertainties:` entry is therefore not drawn
    (path -> the dropped distribution's text)."""
    overrides: tuple[str, ...] = ()
    """The `--set path=value` texts it was read with (a file written from it keeps them)."""

    @property
    def content_hash(self) -> str:
        """sha256 of the resolved scenario (after overrides), stable across key order."""
        text = json.dumps(self.data, sort_keys=True, default=str)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def load_spec(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> LoadedSpec:
    """Read and validate a scenario file; raise ScenarioError with every problem."""
    path = Path(path)
    data, locs = read_yaml(path)
    return validate_data(data, locs, str(path), list(overrides))


def load_text(text: str, name: str = "<scenario>", overrides: tuple[str, ...] = ()) -> LoadedSpec:
    """Validate scenario YAML given as text."""
    data, locs = parse_yaml(text, name)
    return validate_data(data, locs, name, list(overrides))


def with_values(loaded: LoadedSpec, values: dict[str, Any]) -> LoadedSpec:
    """A copy of a loaded scenario with dotted-path values replaced, validated again.

    Used by Monte Carlo over uncertainties and by sweeps. Raises ScenarioError when a value
    makes the scenario invalid (for example a share above 1).
    """
    data: Any = loaded.data
    for path, value in values.items():
        data = replaced(data, path, schema_value(path, value))
    data, _dropped = without_drawn(data, list(values))  # a value set here is not drawn again
    return validate_data(data, {}, loaded.source, [], check_uncertainties=False)


def _cross_check_rest(data: dict[str, Any], exc: ValidationError, locs: Locations,
                      file: str) -> list[Problem]:
    """Cross checks of the rest of a scenario whose schema failed, so that every problem is
    reported at once: the values the schema refused are dropped (optional values fall back
    to their defaults) and, if what is left validates, it is cross-checked. Problems about
    a dropped value's own section are not repeated."""
    dropped = [tuple(e["loc"]) for e in exc.errors(include_url=False)]
    trimmed: Any = data
    for loc in dropped:
        trimmed = without(trimmed, loc)
        if trimmed is None:
            return []
    try:
        spec = ScenarioSpec.model_validate(trimmed)
    except ValidationError:
        return []
    return [p for p in cross_check(spec, locs, file)
            if not any(p.where.startswith(".".join(map(str, loc[:-1]))) for loc in dropped)]


def validate_data(data: Any, locs: Locations, file: str, overrides: list[str],
                  check_uncertainties: bool = True) -> LoadedSpec:
    """Validate loaded data (see `load_spec`)."""
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, 1, "", _("a scenario must be a mapping of sections"),
                                     _("start from `mktsim init smart-band`"))])
    notes: list[Problem] = []
    dropped: dict[str, Any] = {}
    if overrides:
        data, overridden = apply_overrides(copy.deepcopy(data), overrides)
        data, dropped = without_drawn(data, [".".join(map(str, p)) for p in overridden])
        notes = [Problem(SOURCE, None, f"--set {text}",
                         _("fixes {path} for this run; its uncertainty ({uncertainty}) is "
                           "not drawn").format(path=_dotted(p),
                                               uncertainty=spec_text(dropped[_dotted(p)])),
                         severity="warning")
                 for p, text in overridden.items() if _dotted(p) in dropped]
    else:
        data, overridden = dict(data), {}
    problems: list[Problem] = []
    strategies = data.get("strategies")
    if isinstance(strategies, dict):
        data["strategies"], extend_problems = resolve_extends(strategies, locs, file)
        problems += extend_problems
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        problems += problems_from(exc, ScenarioSpec, locs, file, overridden=overridden)
        problems += _cross_check_rest(data, exc, locs, file)
        raise ScenarioError(fold_inherited(problems, strategies, locs, file)) from None
    problems += cross_check(spec, locs, file)
    problems = fold_inherited(problems, strategies, locs, file)
    if check_uncertainties and not problems:
        data, problems = resolve_draws(data, locs, file)  # joint draws read from their files
        if not problems:
            problems += uncertainty_problems(data, locs, file, _validate_without_uncertainties)
            spec = spec.model_copy(update={"uncertainties": data.get("uncertainties")})
    if problems:
        raise ScenarioError(problems)
    return LoadedSpec(spec, file, data, notes + smart_lint(spec, locs, file),
                      {k: spec_text(v) for k, v in dropped.items()}, tuple(overrides))


def _validate_without_uncertainties(data: dict[str, Any], file: str) -> LoadedSpec:
    """The scenario `data` validated as it stands, its uncertainties not checked."""
    return validate_data(data, {}, file, [], check_uncertainties=False)


def spec_text(spec: Any) -> str:
    """An `uncertainties:` entry as text: `draws(FILE)` for joint draws, else as written."""
    ref = reference(spec)
    if ref is None:
        return str(spec)
    from ..params import draws_text

    return draws_text(ref[0], ref[1], "")


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(map(str, path))
