"""Turn pydantic validation errors into problems a planner can act on."""

from __future__ import annotations

import functools
import math
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..i18n import N_, _
from .errors import Problem
from .suggest import did_you_mean
from .yamlio import Locations


def problems_from(
    error: ValidationError, root: type[BaseModel], locs: Locations, file: str,
    prefix: tuple[str | int, ...] = (), overridden: dict[tuple[str | int, ...], str] | None = None,
) -> list[Problem]:
    """One problem per pydantic error, with the line of the nearest located value; values
    set on the command line (`overridden`: path -> `--set` text) are blamed on it."""
    out = []
    for err in error.errors(include_url=False):
        loc = (*prefix, *(p for p in err["loc"] if not _is_tag(p)))
        problem = _problem(dict(err), loc, root, locs, file, len(prefix))
        source = _override_of(loc, overridden or {})
        if source:
            problem = Problem("command line", None, f"--set {source}: {problem.where}",
                              problem.message, problem.hint)
        out.append(problem)
    return out


def _override_of(loc: tuple[str | int, ...], overridden: dict[tuple[str | int, ...], str]
                 ) -> str | None:
    text = tuple(str(p) for p in loc)
    for path, source in overridden.items():
        if tuple(str(p) for p in path) == text[: len(path)]:
            return source
    return None


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and part.startswith(("function-", "constrained-"))


def _problem(err: dict[str, Any], loc: tuple[str | int, ...], root: type[BaseModel],
             locs: Locations, file: str, skip: int) -> Problem:
    kind = err["type"]
    where = ".".join(str(p) for p in loc)
    line = line_of(loc, locs)
    if kind == "extra_forbidden":
        model = model_at(root, loc[skip:-1])
        allowed = list(model.model_fields) if model else []
        return Problem(file, line, where, _("unknown key '{key}'").format(key=loc[-1]),
                       did_you_mean(str(loc[-1]), allowed))
    if kind == "missing":  # a missing top-level section has no line of its own: line 1
        return Problem(file, 1 if line is None else line, where, _("is required"),
                       _("add '{key}:'").format(key=loc[-1]))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        model = model_at(root, loc[skip:])
        keys = ", ".join(list(model.model_fields)[:6]) + ", ..." if model else "name: value"
        return Problem(file, line, where, _("must be a section of keys ({keys})").format(
            keys=keys), _("indent the keys under it, one per line"))
    message = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if _short(value):
        message = _("{message} (got {value})").format(message=message, value=repr(value))
    return Problem(file, line, where, message, _hint(kind, err.get("ctx") or {}))


def _short(value: Any) -> bool:
    return isinstance(value, int | float | str) and len(repr(value)) <= 40


def _hint(kind: str, ctx: dict[str, Any]) -> str:
    if kind == "less_than_equal" and ctx.get("le") == 1:
        return _("shares are fractions from 0 to 1 (30% or 0.3)")
    if kind == "greater_than_equal" and ctx.get("ge") == 0:
        return _("it cannot be negative")
    words = {"greater_than_equal": N_("it must be at least {limit}"),
             "greater_than": N_("it must be above {limit}"),
             "less_than_equal": N_("it must be at most {limit}"),
             "less_than": N_("it must be below {limit}")}
    if kind in words and ctx:
        return _(words[kind]).format(limit=next(iter(ctx.values())))
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return _("write a number, e.g. 2_000_000 or 0.3 or 30%")
    if kind.startswith("date"):
        return _("write an ISO date, e.g. 2027-03-15")
    return ""


def line_of(loc: tuple[str | int, ...], locs: Locations) -> int | None:
    """The line of `loc`, or of its nearest parent that has one."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in locs:
            return locs[loc[:end]]
    return None


def model_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model class that validates the value at `loc` (for did-you-mean)."""
    current: Any = root
    for part in loc:
        current = _step(current, part)
        if current is None:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _step(current: Any, part: str | int) -> Any:
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        field = current.model_fields.get(str(part))
        return field.annotation if field else None
    origin = typing.get_origin(current)
    args = typing.get_args(current)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is list and args:
        return args[0]
    return None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            candidates = [a for a in typing.get_args(tp) if a is not type(None)]
            rich = [a for a in candidates if typing.get_origin(a) in (dict, list)
                    or (isinstance(a, type) and issubclass(a, BaseModel))]
            tp = (rich or candidates)[0]
        else:
            return tp


def schema_value(dotted: str, value: Any) -> Any:
    """`value` as the schema field at a dotted path takes it: a whole-number field (a market
    size, a headcount) gets a fraction rounded, since ranges and distributions sample
    fractions that such a field would refuse. Other values are returned as they are."""
    if isinstance(value, float) and math.isfinite(value) and _whole_number_field(dotted):
        return round(value)
    return value


def _schema_field(dotted: str) -> Any:
    """The pydantic field at a dotted path of the scenario's schema (list indices as
    digits), or None where the path names no field."""
    from .model import ScenarioSpec

    parts = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
    parent = model_at(ScenarioSpec, parts[:-1])
    return parent.model_fields.get(str(parts[-1])) if parent else None


@functools.lru_cache(maxsize=1024)
def _whole_number_field(dotted: str) -> bool:
    """The schema field at a dotted path holds whole numbers (looked up once per path)."""
    field = _schema_field(dotted)
    return field is not None and _unwrap(field.annotation) is int


@functools.lru_cache(maxsize=1024)
def numeric_field(dotted: str) -> bool:
    """The schema field at a dotted path holds a number (int or float)."""
    field = _schema_field(dotted)
    return field is not None and _unwrap(field.annotation) in (int, float)


def field_refusal(dotted: str, value: Any) -> tuple[str, str] | None:
    """The message and hint of the schema field at a dotted path when it refuses `value`
    on its own (its type and bounds, as when the file gives it), else None."""
    try:
        _field_adapter(dotted).validate_python(value)
    except ValidationError as exc:
        err = dict(exc.errors(include_url=False)[0])
        message = str(err["msg"]).removeprefix("Value error, ")
        return message, _hint(str(err["type"]), err.get("ctx") or {})
    except LookupError:
        return None
    return None


@functools.lru_cache(maxsize=256)
def _field_adapter(dotted: str) -> Any:
    """A validator of the schema field at a dotted path alone (LookupError without one)."""
    from pydantic import TypeAdapter

    field = _schema_field(dotted)
    if field is None:
        raise LookupError(dotted)
    if not field.metadata:  # Annotated needs one annotation at least
        return TypeAdapter(field.annotation)
    return TypeAdapter(typing.Annotated[(field.annotation, *field.metadata)])
