"""Sampled scenarios: the scenario of each replication under `uncertainties:`, with its
sampled values, built from the validated scenario instead of validating the whole file
again.

`load.with_values` replaces values in the raw data and validates everything again (the
schema, `extends`, the cross checks, the lint). A sampled number changes one field, so
`SampledScenarios` does only what that change can affect, and gets the same scenario:

- the sampled value is validated by its own field's schema (its type, bounds and
  validators, as the model validates that field);
- the models along its path are copied with the new value (`model_copy`), the rest of
  the scenario is shared; a model whose validators look at more than one field (a cost
  model that needs `cpm`, a pricing method that needs its markup) is validated again
  whole, from the raw data with the values replaced, as `with_values` would;
- only the cross checks that read numbers run again (`crosscheck.numeric_checks`): the
  others read names, dates, text and the shape of the scenario, which a number replacing
  another number never changes, and the scenario passed them when it was loaded.

Whenever a value is refused, or a path is not a number that this can reach (a top-level
value, a new key, a value inside something the schema reads as a whole), the scenario is
built by `with_values` instead: errors are always its errors, word for word.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Annotated, Any

import annotated_types
from pydantic import BaseModel, TypeAdapter, ValidationError

from ..crosscheck import numeric_checks, numeric_checks_reading
from ..load import LoadedSpec, validate_data, with_values
from ..model import ScenarioSpec
from ..overrides import replaced, without_drawn
from ..translate import _unwrap, schema_value

Key = str | int

#: model settings that leave a single field's validation as it is (defer_build: when the
#: validator is built, not what it does)
_PLAIN_CONFIG = {"extra", "frozen", "populate_by_name", "defer_build"}
#: field constraints on a container that a number inside it cannot break
_LENGTHS = (annotated_types.MinLen, annotated_types.MaxLen, annotated_types.Len)


@dataclass(frozen=True)
class Route:
    """How a dotted path reaches its number in the validated scenario."""

    path: str
    #: the keys of the path in the raw data, as `overrides.replaced` reads them
    raw: tuple[Key, ...]
    #: attribute names, dict keys or list indexes of each step in the validated scenario
    steps: tuple[Key, ...]
    #: validates a drawn value as the field's model does
    check: TypeAdapter[Any]
    #: depth (0: the scenario) of the shallowest model on the path validated again whole
    #: from the raw data, or None when the value's own schema is all there is to check
    refresh: int | None


def route(spec: ScenarioSpec, path: str) -> Route | None:
    """The route of a dotted path to a number of `spec`, or None when the path is not
    one (then only `with_values` can build the scenario)."""
    raw = tuple(int(p) if p.isdigit() else p for p in path.split("."))
    if len(raw) < 2:  # a top-level value (the horizon...) is read by every check
        return None
    node: Any = spec
    declared: Any = ScenarioSpec
    owner = 0  # depth of the model whose field holds the current node
    refresh: int | None = None
    steps: list[Key] = []
    for depth, part in enumerate(raw):
        last = depth == len(raw) - 1
        if isinstance(node, BaseModel):
            if type(node) is not declared:
                return None
            cls = type(node)
            name = _field_name(cls, part)
            if name is None:
                return None
            field = cls.model_fields[name]
            owner = depth
            if not _plain_field(cls, name):
                refresh = depth if refresh is None else refresh
            declared = Annotated[(field.annotation, *field.metadata)] if field.metadata \
                else field.annotation
            steps.append(name)
            node = getattr(node, name)
        elif isinstance(node, dict):
            if str(part) not in node:
                return None
            declared = _item_type(declared, dict)
            steps.append(str(part))
            node = node[str(part)]
        elif isinstance(node, list):
            if not isinstance(part, int) or part >= len(node):
                return None
            declared = _item_type(declared, list)
            steps.append(part)
            node = node[part]
        else:
            return None
        if declared is None:
            return None
        if last:
            if _unwrap(declared) not in (int, float) or isinstance(node, BaseModel) \
                    or refresh == 0:  # a validator of the whole scenario: validate it all
                return None
            return Route(path, raw, tuple(steps), TypeAdapter(declared), refresh)
        declared = _plain_type(declared)
        if declared is None:  # a value the schema reads whole: validate its owner again
            if owner == 0:
                return None
            refresh = owner if refresh is None else min(refresh, owner)
            declared = _loose_type(node)
    return None


def _field_name(cls: type[BaseModel], key: Key) -> str | None:
    field = cls.model_fields.get(str(key))
    if field is None or (field.alias is not None and field.alias != str(key)):
        return None
    return str(key)


def _plain_field(cls: type[BaseModel], name: str) -> bool:
    """The model validates field `name` on its own: no validator of the model looks at it
    (nor at the model as a whole), and no setting changes how fields are validated."""
    decorators = cls.__pydantic_decorators__
    if decorators.model_validators or decorators.root_validators:
        return False
    for group in (decorators.field_validators, decorators.validators):
        for validator in group.values():
            if name in validator.info.fields or "*" in validator.info.fields:
                return False
    return set(cls.model_config) <= _PLAIN_CONFIG and cls.__pydantic_post_init__ is None


def _plain_type(tp: Any) -> Any:
    """The single model, dict or list type of a value on a path, or None when the schema
    may read it as a whole (validators, a choice between types)."""
    while typing.get_origin(tp) is Annotated:
        tp, *metadata = typing.get_args(tp)
        if not all(isinstance(m, _LENGTHS) for m in _constraints(metadata)):
            return None
    if typing.get_origin(tp) in (typing.Union, _union_type()):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(options) != 1:
            return None
        return _plain_type(options[0])
    if typing.get_origin(tp) in (dict, list):
        return tp
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    return None


def _constraints(metadata: list[Any]) -> list[Any]:
    """Metadata with `Field(...)` objects opened into their constraints."""
    from pydantic.fields import FieldInfo

    out: list[Any] = []
    for m in metadata:
        if isinstance(m, FieldInfo):
            out += _constraints(list(m.metadata))
        else:
            out.append(m)
    return out


def _union_type() -> Any:
    import types

    return types.UnionType


def _item_type(tp: Any, kind: type) -> Any:
    """The declared type of the items of a dict or list type, or None."""
    if typing.get_origin(tp) is not kind:
        return None
    args = typing.get_args(tp)
    return args[-1] if args else None


def _loose_type(node: Any) -> Any:
    """A declared type under a value validated again whole: only its shape matters."""
    if isinstance(node, BaseModel):
        return type(node)
    if isinstance(node, dict):
        return dict[str, Any]
    if isinstance(node, list):
        return list[Any]
    return None


@dataclass(frozen=True)
class _Branch:
    """The routes through one node of the scenario, by their next step."""

    #: "model", "dict" or "list": how the node is copied with new values
    kind: str
    #: step (a field name, dict key or list index) -> the branch below it, or the path
    #: whose value it takes
    children: dict[Any, _Branch | str]
    #: a model validated again whole (a route's `refresh` is its depth): its class, its
    #: raw data and, for each route through it, the path and the rest of the path in it
    refresh: tuple[type[BaseModel], Any, tuple[tuple[str, str], ...]] | None = None


def _branch(routes: tuple[Route, ...], depth: int, node: Any, data: Any) -> _Branch:
    """The branch of `routes` at `node` (at `depth`), `data` its raw data."""
    kind = "model" if isinstance(node, BaseModel) else "dict" if isinstance(node, dict) \
        else "list"
    if any(r.refresh == depth for r in routes):
        rests = tuple((r.path, ".".join(map(str, r.raw[depth:]))) for r in routes)
        return _Branch(kind, {}, (type(node), data, rests))
    by_step: dict[Key, list[Route]] = {}
    for r in routes:
        by_step.setdefault(r.steps[depth], []).append(r)
    children: dict[Any, _Branch | str] = {}
    for step, through in by_step.items():
        ends = [r for r in through if len(r.steps) == depth + 1]
        if ends:  # the last value set at a path is the one `with_values` keeps
            children[step] = ends[-1].path
            continue
        raw_key = through[0].raw[depth]
        below = data[int(raw_key)] if isinstance(data, list) else data.get(str(raw_key), {})
        child = getattr(node, str(step)) if kind == "model" else node[step]
        children[step] = _branch(tuple(through), depth + 1, child, below)
    return _Branch(kind, children)


class SampledScenarios:
    """Builds the scenario of a loaded one with sampled values at given paths, as
    `with_values(loaded, values).spec` does (the same models, field for field)."""

    def __init__(self, loaded: LoadedSpec, paths: tuple[str, ...]) -> None:
        self.loaded = loaded
        self.paths = paths
        data, _dropped = without_drawn(loaded.data, list(paths))
        #: the scenario as `with_values` validates it, before any value is replaced
        self.base = validate_data(data, {}, loaded.source, [], check_uncertainties=False).spec
        found = [route(self.base, p) for p in paths]
        self.routes = tuple(r for r in found if r is not None)
        #: every path reached (else every scenario is built by `with_values`)
        self.reached = len(self.routes) == len(paths) and bool(paths)
        self.tree = _branch(self.routes, 0, self.base, data) if self.reached else None
        #: the cross checks whose result a sampled value can change
        self.checks = numeric_checks_reading(paths)

    def spec(self, values: dict[str, Any]) -> ScenarioSpec:
        """The scenario with `values` (path -> value, the paths given at construction);
        raises ScenarioError as `with_values` does when a value makes it invalid."""
        built = self.fast(values)
        return built if built is not None else with_values(self.loaded, values).spec

    def fast(self, values: dict[str, Any]) -> ScenarioSpec | None:
        """The scenario with `values` built from the validated one, or None when that is
        not sure to give `with_values`'s result (a value refused, a path not reachable)."""
        if self.tree is None or tuple(values) != self.paths:
            return None
        plain = {p: schema_value(p, v) for p, v in values.items()}
        checked: dict[str, Any] = {}
        for r in self.routes:
            if r.refresh is None:
                try:
                    checked[r.path] = r.check.validator.validate_python(plain[r.path])
                except ValidationError:
                    return None
        try:
            spec = _Rebuild(plain, checked).node(self.base, self.tree)
        except ValidationError:
            return None
        if numeric_checks(spec, self.loaded.source, self.checks):
            return None
        return spec


class _Rebuild:
    """The copy of a validated scenario with new values along routes."""

    def __init__(self, values: dict[str, Any], checked: dict[str, Any]) -> None:
        self.values, self.checked = values, checked

    def node(self, node: Any, branch: _Branch) -> Any:
        """`node` with the values of the routes of `branch`."""
        if branch.refresh is not None:
            return self.validated(*branch.refresh)
        checked, model = self.checked, branch.kind == "model"
        updates = {step: checked[below] if isinstance(below, str) else
                   self.node(getattr(node, step) if model else node[step], below)
                   for step, below in branch.children.items()}
        if model:
            return copied(node, updates)
        if branch.kind == "dict":
            return {**node, **updates}
        items = list(node)
        for index, value in updates.items():
            items[index] = value
        return items

    def validated(self, cls: type[BaseModel], raw: Any, rests: tuple[tuple[str, str], ...]
                  ) -> BaseModel:
        """A model validated again whole, from its raw data with the values of the routes
        through it replaced (as `with_values` replaces them)."""
        for path, rest in rests:
            raw = replaced(raw, rest, self.values[path])
        return cls.model_validate(raw)


def copied(model: BaseModel, updates: dict[str, Any]) -> BaseModel:
    """`model.model_copy(update=updates)`, made directly for a model without extra or
    private attributes (every scenario section): the copy's fields are the model's with
    `updates`, and the fields set are the model's and the updated ones."""
    if model.__pydantic_extra__ is not None or model.__pydantic_private__ is not None:
        return model.model_copy(update=updates)
    cls = type(model)
    new = cls.__new__(cls)
    object.__setattr__(new, "__dict__", {**model.__dict__, **updates})
    object.__setattr__(new, "__pydantic_fields_set__",
                       model.__pydantic_fields_set__ | updates.keys())
    object.__setattr__(new, "__pydantic_extra__", None)
    object.__setattr__(new, "__pydantic_private__", None)
    return new
