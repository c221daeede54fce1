"""The kinds of parameter, one class each, in a registry keyed by :class:`Kind`.

* ``range``: any value between ``low`` and ``high`` (``PATH=LOW:HIGH``);
* ``levels``: one of a fixed list of numbers or labels (``PATH=a,b,c``);
* ``distribution``: a distribution of :mod:`mktsim.params.distributions`
  (``PATH=normal(40,5)``);
* ``draws``: one column of a file of joint draws (``PATH=draws(FILE)``).

A kind says which fields of :class:`~mktsim.params.parameter.Parameter` are its own and
checks them, maps a uniform ``u`` to values (``ppf``), and reads its text form and its
mapping form. A new kind is a :class:`Kind` member and one class in :data:`KINDS`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .distributions import distribution
from .errors import ParamSpecError
from .numbers import as_number, format_number
from .syntax import (
    ACCEPTED_FORMS,
    DIST_RE,
    DRAWS_RE,
    Level,
    draws_text,
    text_arg,
    text_level,
    yaml_level,
)

if TYPE_CHECKING:
    from .parameter import Parameter

#: Unit samples are clipped to [U_EPS, 1 - U_EPS] for distributions so that
#: unbounded distributions never return infinite values.
U_EPS = 1e-12

Fields = dict[str, Any]


class Kind(StrEnum):
    """How a parameter may vary."""

    RANGE = "range"
    LEVELS = "levels"
    DISTRIBUTION = "distribution"
    DRAWS = "draws"


class ParameterKind:
    """What one kind of parameter does; subclasses fill in their own part."""

    kind: ClassVar[Kind]
    #: the fields of a Parameter that belong to this kind, in the order `to_dict` writes
    fields: ClassVar[tuple[str, ...]]
    #: the key sets of its mapping form (`{range: [LOW, HIGH]}`)
    mapping_keys: ClassVar[tuple[frozenset[str], ...]]
    #: whether `Parameter.percentile` is defined for it
    has_percentiles: ClassVar[bool] = True

    def checked(self, p: Parameter) -> Fields:
        """Its fields of ``p``, checked and normalised; raises :class:`ParamSpecError`."""
        raise NotImplementedError

    def ppf(self, p: Parameter, u: np.ndarray) -> np.ndarray:
        """Values of ``p`` at the uniform samples ``u`` (floats in [0, 1))."""
        raise NotImplementedError

    def value_text(self, p: Parameter) -> str:
        """The right-hand side of ``PATH=...`` (accepted by `parse_param`)."""
        raise NotImplementedError

    def from_text(self, path: str, text: str) -> Fields | None:
        """The fields of ``PATH=text`` (stripped, not empty), or None when the text is not
        in this kind's form."""
        raise NotImplementedError

    def text_in_mapping(self, value: Mapping[str, Any]) -> str | None:
        """The text form held by a mapping form (``{range: '30:60'}``), if any."""
        return None

    def from_mapping(self, path: str, value: Mapping[str, Any]) -> Fields:
        """The fields of its mapping form (keys one of `mapping_keys`)."""
        raise NotImplementedError

    def bounds(self, p: Parameter) -> tuple[float, float]:
        """Bounds of the sampled interval: the unit interval, mapped by `ppf`."""
        return (0.0, 1.0)

    def central(self, p: Parameter) -> Level:
        """Baseline value: the median."""
        return float(p.ppf(np.array([0.5]))[0])

    def is_categorical(self, p: Parameter) -> bool:
        """Whether its values include labels (text)."""
        return False


class RangeKind(ParameterKind):
    """Any value from ``low`` to ``high`` (uniformly likely), in the unit of the value."""

    kind = Kind.RANGE
    fields = ("low", "high")
    mapping_keys = (frozenset({"range"}),)

    def checked(self, p: Parameter) -> Fields:
        if p.low is None or p.high is None:
            raise ParamSpecError("a range needs both LOW and HIGH (PATH=LOW:HIGH)")
        lo, hi = as_number(p.low, "LOW"), as_number(p.high, "HIGH")
        if not lo < hi:
            raise ParamSpecError(
                f"LOW ({format_number(lo, 6)}) must be below HIGH "
                f"({format_number(hi, 6)}) in PATH=LOW:HIGH"
            )
        return {"low": lo, "high": hi}

    def bounds(self, p: Parameter) -> tuple[float, float]:
        if p.low is not None and p.high is not None:
            return (p.low, p.high)
        return (0.0, 1.0)

    def ppf(self, p: Parameter, u: np.ndarray) -> np.ndarray:
        lo, hi = p.bounds
        return lo + u * (hi - lo)

    def value_text(self, p: Parameter) -> str:
        return f"{p.low!r}:{p.high!r}"

    def from_text(self, path: str, text: str) -> Fields | None:
        if ":" not in text:
            return None
        parts = text.split(":")
        if len(parts) != 2:
            raise ParamSpecError("a range has exactly one ':'; " + ACCEPTED_FORMS)
        return {"low": text_arg(parts[0]), "high": text_arg(parts[1])}

    def text_in_mapping(self, value: Mapping[str, Any]) -> str | None:
        rng = value["range"]
        return rng if isinstance(rng, str) else None

    def from_mapping(self, path: str, value: Mapping[str, Any]) -> Fields:
        rng = value["range"]
        if not isinstance(rng, list | tuple) or len(rng) != 2:
            raise ParamSpecError("range must be [LOW, HIGH]")
        return {"low": as_number(rng[0], "LOW"), "high": as_number(rng[1], "HIGH")}


class LevelsKind(ParameterKind):
    """One of the listed levels (numbers or labels), equally likely; labels such as
    strategy names make the parameter categorical."""

    kind = Kind.LEVELS
    fields = ("levels",)
    mapping_keys = (frozenset({"levels"}),)
    has_percentiles = False

    def checked(self, p: Parameter) -> Fields:
        levels = tuple(p.levels)
        if not levels:
            raise ParamSpecError("at least one level is needed (PATH=a,b,c)")
        seen: set[Level] = set()
        for v in levels:
            if isinstance(v, bool) or not isinstance(v, int | float | str):
                raise ParamSpecError(f"level {v!r} must be a number or a label")
            if isinstance(v, float) and not math.isfinite(v):
                raise ParamSpecError(f"level {v!r} must be finite")
            if v in seen:
                raise ParamSpecError(f"level {v!r} is listed twice")
            seen.add(v)
        return {"levels": levels}

    def is_categorical(self, p: Parameter) -> bool:
        return any(isinstance(v, str) for v in p.levels)

    def central(self, p: Parameter) -> Level:
        """The first label, or the middle of the sorted numeric levels."""
        if p.is_categorical:
            return p.levels[0]
        ordered = sorted(p.levels, key=float)
        return ordered[(len(ordered) - 1) // 2]

    def ppf(self, p: Parameter, u: np.ndarray) -> np.ndarray:
        return p.level_array()[p.level_index(u)]

    def value_text(self, p: Parameter) -> str:
        return ",".join(str(v) for v in p.levels)

    def from_text(self, path: str, text: str) -> Fields | None:
        return {"levels": tuple(text_level(part) for part in text.split(","))}

    def from_mapping(self, path: str, value: Mapping[str, Any]) -> Fields:
        lv = value["levels"]
        items = lv if isinstance(lv, list | tuple) else [lv]
        return {"levels": tuple(yaml_level(v) for v in items)}


class DistributionKind(ParameterKind):
    """A value of distribution ``dist`` with arguments ``dist_args``; its quantile function
    at ``u`` clipped to [U_EPS, 1 - U_EPS]."""

    kind = Kind.DISTRIBUTION
    fields = ("dist", "dist_args")
    mapping_keys = (frozenset({"dist"}), frozenset({"dist", "args"}))

    def checked(self, p: Parameter) -> Fields:
        name = p.dist.lower() if isinstance(p.dist, str) else p.dist
        args = distribution(name).checked(tuple(p.dist_args))
        return {"dist": name, "dist_args": args}

    def ppf(self, p: Parameter, u: np.ndarray) -> np.ndarray:
        clipped = np.clip(u, U_EPS, 1.0 - U_EPS)
        return np.asarray(distribution(p.dist).quantile(p.dist_args, clipped), dtype=float)

    def value_text(self, p: Parameter) -> str:
        return f"{p.dist}(" + ",".join(repr(a) for a in p.dist_args) + ")"

    def from_text(self, path: str, text: str) -> Fields | None:
        m = DIST_RE.fullmatch(text)
        if not m:
            return None
        name = m.group(1).lower()
        distribution(name, written=m.group(1))
        parts = m.group(2).split(",") if m.group(2).strip() else []
        return {"dist": name, "dist_args": tuple(text_arg(part) for part in parts)}

    def text_in_mapping(self, value: Mapping[str, Any]) -> str | None:
        name = str(value["dist"]).strip()
        return name if "(" in name and "args" not in value else None

    def from_mapping(self, path: str, value: Mapping[str, Any]) -> Fields:
        name = str(value["dist"]).strip()
        args = value.get("args", [])
        if not isinstance(args, list | tuple):
            raise ParamSpecError("args must be a list of numbers")
        nums = tuple(as_number(a, f"{name} argument") for a in args)
        return {"dist": name.lower(), "dist_args": nums}


class DrawsKind(ParameterKind):
    """Column ``column`` of the file of joint draws ``source`` (as written in the scenario,
    relative to it), in a scenario's ``uncertainties:`` only; ``draws`` holds the
    column's values once the file is read (`mktsim.scenario.uncertainty.joint_draws`).
    Paths naming the same file take the same row in each replication, so their
    correlation is kept; ``ppf`` is the column's empirical quantile function."""

    kind = Kind.DRAWS
    fields = ("source", "column", "draws")
    #: `values` is added when the scenario is loaded (the column read from the file),
    #: never written by hand
    mapping_keys = (frozenset({"draws"}), frozenset({"draws", "column"}),
                    frozenset({"draws", "values"}), frozenset({"draws", "column", "values"}))

    def checked(self, p: Parameter) -> Fields:
        if not isinstance(p.source, str) or not p.source.strip():
            raise ParamSpecError("draws need a file: draws(FILE) or {draws: FILE, column: NAME}")
        if not isinstance(p.column, str) or not p.column.strip():
            raise ParamSpecError("the column of the draws must be a name")
        for v in p.draws:
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ParamSpecError(f"draw {v!r} must be a finite number")
        return {"draws": tuple(float(v) for v in p.draws)}

    def ppf(self, p: Parameter, u: np.ndarray) -> np.ndarray:
        """The sorted column's value at index ``floor(u * n)`` (a value of the column, never
        between two); replications do not use this but take whole rows
        (`mktsim.scenario.uncertainty.joint_draws.draw_rows`)."""
        ordered = np.sort(p.draw_array())
        idx = np.clip(np.floor(u * len(ordered)).astype(int), 0, len(ordered) - 1)
        return ordered[idx]

    def value_text(self, p: Parameter) -> str:
        return draws_text(p.source or "", p.column, p.path)

    def from_text(self, path: str, text: str) -> Fields | None:
        d = DRAWS_RE.fullmatch(text)
        if not d:
            return None
        column = (d.group(2) or "").strip()
        return {"source": d.group(1).strip(), "column": column or path}

    def from_mapping(self, path: str, value: Mapping[str, Any]) -> Fields:
        source, column = value["draws"], value.get("column")
        if not isinstance(source, str):
            raise ParamSpecError(f"draws must name a CSV file, got {source!r}")
        if column is not None and not isinstance(column, str):
            raise ParamSpecError(f"column must be the name of a column, got {column!r}")
        values = value.get("values", ())
        if not isinstance(values, list | tuple):
            raise ParamSpecError("values must be a list of numbers")
        return {"source": source.strip(), "column": column or path,
                "draws": tuple(as_number(v, "draw") for v in values)}


#: The kinds, in the order their text forms are tried (`draws(F)` before `dist(args)`,
#: both before a range's ':', levels last: any other text is a list of levels).
KINDS: dict[Kind, ParameterKind] = {k.kind: k for k in (
    DrawsKind(), DistributionKind(), RangeKind(), LevelsKind())}


def kind_rules(kind: Any) -> ParameterKind:
    """The class of ``kind`` (a :class:`Kind` or its name)."""
    try:
        return KINDS[Kind(kind)]
    except ValueError:
        raise ParamSpecError(f"unknown parameter kind {kind!r}") from None
