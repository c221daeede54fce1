"""Reading parameters: ``--param PATH=...`` texts and the mappings of a design file or a
scenario's ``uncertainties:`` section. Each kind of :data:`~mktsim.params.kinds.KINDS`
reads its own forms; errors name the offending specification or key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .errors import ParamSpecError
from .kinds import KINDS
from .parameter import Parameter, check_unique
from .syntax import ACCEPTED_FORMS, MAPPING_FORMS, yaml_level


def parse_value(path: str, text: str) -> Parameter:
    """Parse the right-hand side of ``PATH=...`` (raises without context): the first kind
    whose text form it is."""
    v = text.strip()
    if not v:
        raise ParamSpecError("nothing after '='; " + ACCEPTED_FORMS)
    for rules in KINDS.values():
        fields = rules.from_text(path, v)
        if fields is not None:
            return Parameter(path, rules.kind, **fields)
    raise ParamSpecError(f"cannot read '{v}'; " + ACCEPTED_FORMS)


def parse_param(spec: str) -> Parameter:
    """Parse one ``--param`` specification.

    Accepted forms: ``PATH=LOW:HIGH`` (range), ``PATH=a,b,c`` (levels; a single
    value ``PATH=5`` is one level), ``PATH=dist(args)`` (distribution).
    Numbers may use ``_`` separators and ``%`` (``30%`` = 0.3).
    """
    if "=" not in spec:
        raise ParamSpecError(f"--param '{spec}': {ACCEPTED_FORMS}")
    path, _, value = spec.partition("=")
    try:
        return parse_value(path.strip(), value)
    except ParamSpecError as exc:
        raise ParamSpecError(f"--param '{spec}': {exc}") from None


def parse_params(specs: Iterable[str]) -> list[Parameter]:
    """Parse several ``--param`` specifications; paths must be unique."""
    params = [parse_param(s) for s in specs]
    check_unique(params)
    return params


def parse_design_mapping(data: Mapping[str, Any]) -> list[Parameter]:
    """Parse a design file / ``uncertainties:`` section already loaded as a dict.

    Each key is a path; each value is one of ``{range: [low, high]}``,
    ``{levels: [a, b]}``, ``{dist: normal, args: [40, 5]}``, a string in the
    ``--param`` syntax (``"normal(40,5)"``, ``"30:60"``, ``"a,b"``), a list of
    levels or a single number. Errors name the offending key.
    """
    if not isinstance(data, Mapping):
        raise ParamSpecError("uncertainties must be a mapping of PATH: specification")
    params = []
    for key, value in data.items():
        try:
            params.append(_parse_entry(str(key).strip(), value))
        except ParamSpecError as exc:
            raise ParamSpecError(f"uncertainty '{key}': {exc}") from None
    check_unique(params)
    return params


def _parse_entry(path: str, value: Any) -> Parameter:
    if isinstance(value, str):
        return parse_value(path, value)
    if isinstance(value, bool) or value is None:
        raise ParamSpecError(f"unsupported value {value!r}; " + MAPPING_FORMS)
    if isinstance(value, int | float):
        return Parameter.from_levels(path, [yaml_level(value)])
    if isinstance(value, list | tuple):
        return Parameter.from_levels(path, [yaml_level(v) for v in value])
    if isinstance(value, Mapping):
        return _parse_mapping(path, value)
    raise ParamSpecError(f"unsupported value {value!r}; " + MAPPING_FORMS)


def _parse_mapping(path: str, value: Mapping[str, Any]) -> Parameter:
    """A mapping form: the kind whose keys it has reads it."""
    keys = frozenset(value)
    for rules in KINDS.values():
        if keys in rules.mapping_keys:
            text = rules.text_in_mapping(value)
            if text is not None:
                return parse_value(path, text)
            return Parameter(path, rules.kind, **rules.from_mapping(path, value))
    raise ParamSpecError(f"unexpected keys {sorted(keys)}; " + MAPPING_FORMS)
