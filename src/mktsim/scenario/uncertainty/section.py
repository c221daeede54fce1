"""`uncertainties:`: distributions over scenario values, sampled once per replication.

The section is a mapping of dotted paths to specifications in the sweep syntax
(`30:60`, `normal(40, 5)`, `{dist: beta, args: [2, 5]}`, see docs/sweeps.md), or to a
column of a file of joint draws (`{draws: FILE}`, see `joint_draws`). Every
distribution is checked at load time at its 0.1% and 99.9% quantiles, and every column of
draws at its smallest and largest value, so that a run never stops half-way on a sampled
value the schema refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import Problem
from ..overrides import replaced
from ..translate import line_of, numeric_field, schema_value
from ..yamlio import Locations

FIXED = {"name", "description", "horizon_days", "start_date", "currency", "seed",
         "replications", "uncertainties", "strategies"}
TAILS = (0.001, 0.999)


#: Validates a whole scenario's data without its uncertainties (`load.validate_data` with
#: its arguments `(data, file)`); raises ScenarioError. Passed in by the loader, so that
#: this module does not import the loader that imports it.
Validator = Callable[[dict[str, Any], str], Any]


def uncertainty_problems(data: dict[str, Any], locs: Locations, file: str,
                         validate: Validator) -> list[Problem]:
    """Problems of the `uncertainties:` section of already validated data; each value's
    extremes are checked by `validate`."""
    from ...params import ParamSpecError, parse_design_mapping

    section = data.get("uncertainties")
    if not section:
        return []
    where = ("uncertainties",)
    if not isinstance(section, dict):
        return [Problem(file, line_of(where, locs), "uncertainties",
                        "must map scenario paths to distributions",
                        "e.g. channels.kol.cost.cpm: normal(40, 5)")]
    problems, params = [], []
    for path, spec in section.items():
        try:
            (param,) = parse_design_mapping({path: spec})
        except ParamSpecError as exc:
            problems.append(_problem(path, str(exc), locs, file))
            continue
        params.append(param)
    for param in params:
        problems += _check_tails(data, param, locs, file, validate, _row_mates(param, params))
    return problems


def _row_mates(param: Any, params: list[Any]) -> list[Any]:
    """The other paths drawn from the same file as a draws parameter: a replication takes
    one row for all of them, so an extreme row is checked with its mates' values."""
    if param.kind != "draws":
        return []
    from .joint_draws import normal_name

    name = normal_name(param.source)
    return [p for p in params if p is not param and p.kind == "draws"
            and normal_name(p.source) == name]


def _with_row(trial: dict[str, Any], param: Any, value: Any, mates: list[Any]) -> Any:
    """`trial` with the mates' values of the row where `param` takes `value`."""
    if not mates:
        return trial
    row = int(np.flatnonzero(param.draw_array() == value)[0])
    for mate in mates:
        trial = replaced(trial, mate.path,
                         schema_value(mate.path, _plain(mate.draw_array()[row])))
    return trial


def _problem(path: str, message: str, locs: Locations, file: str, hint: str = "") -> Problem:
    loc = ("uncertainties", path)
    return Problem(file, line_of(loc, locs), f"uncertainties.{path}", message, hint)


def extreme_values(param: Any) -> list[tuple[str, Any]]:
    """(where, value) pairs a parameter can reach at its extremes: every level, the
    smallest and largest of a column of draws, or the 0.1% and 99.9% quantiles of a range
    or distribution."""
    if param.kind == "levels":
        return [(f"level {v!r}", v) for v in param.levels]
    if param.kind == "draws":
        from .joint_draws import draw_extremes

        return draw_extremes(param)
    with np.errstate(over="ignore", invalid="ignore"):  # an infinite tail is refused, quietly
        return [(f"{q:.1%} quantile", _plain(param.ppf(np.array([q]))[0])) for q in TAILS]


def _check_tails(data: dict[str, Any], param: Any, locs: Locations, file: str,
                 validate: Validator, mates: list[Any] | None = None) -> list[Problem]:
    from ..errors import ScenarioError

    head = param.path.split(".")[0]
    if head in FIXED:
        return [_problem(param.path, f"'{head}' cannot be uncertain",
                         locs, file, "make market, product, channel or team values uncertain")]
    base = {k: v for k, v in data.items() if k != "uncertainties"}
    for where, value in extreme_values(param):
        trial = replaced(base, param.path, schema_value(param.path, value))
        trial = _with_row(trial, param, value, mates or [])
        try:
            validate(trial, file)
        except ScenarioError as exc:
            why = exc.problems[0].message if exc.problems else "invalid"
            if param.kind == "draws" and not numeric_field(param.path):
                return [_problem(param.path, f"'{param.path}' is not a numeric value of the "
                                 f"scenario ({why})", locs, file,
                                 "joint draws set numbers: key each by the dotted path of "
                                 "one, e.g. market.word_of_mouth.imitation")]
            hint = ("correct or drop that row of the draws file (it holds values this "
                    "field cannot take)" if param.kind == "draws" else
                    "narrow the distribution or use a bounded one (range, beta)")
            return [_problem(param.path, f"at its {where} ({value!r}) the scenario is "
                             f"invalid: {why}", locs, file, hint)]
    return []


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def sample_values(params: list[Any], seed: int, first: int, count: int) -> list[dict[str, Any]]:
    """Uncertain values of replications first..first+count-1 (the same for every strategy:
    common random numbers; replication i's values depend only on seed and i).

    Ranges, levels and distributions map uniform numbers of replication i (one each);
    the paths of one draws file take row `draw_rows(seed, file, ...)[i]` of it together."""
    from .joint_draws import draw_groups, draw_rows

    marginal = [p for p in params if p.kind != "draws"]
    u = np.array([
        np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i, 100))).random(
            len(marginal))
        for i in range(first, first + count)
    ]).reshape(count, len(marginal))
    columns = {p.path: p.ppf(u[:, j]) for j, p in enumerate(marginal)}
    for name, group in draw_groups(params).items():
        rows = draw_rows(seed, name, len(group[0].draws), first, count)
        for p in group:
            columns[p.path] = p.draw_array()[rows]
    return [{p.path: schema_value(p.path, _plain(columns[p.path][i])) for p in params}
            for i in range(count)]
