"""One uncertain scenario value: its path, its kind and the kind's fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ParamSpecError
from .kinds import Kind, ParameterKind, kind_rules
from .syntax import Level, check_path


@dataclass(frozen=True)
class Parameter:
    """One uncertain scenario value.

    ``low``/``high`` (kind ``range``) and ``dist_args`` are in the unit of the scenario
    value the path points at (see :mod:`mktsim.params.distributions` for the arguments of
    each distribution). A ``draws`` parameter is column ``column`` of the CSV file
    ``source`` (as written in the scenario, relative to it); ``draws`` holds the column's
    values once the file is read (empty before). What each kind does is in
    :mod:`mktsim.params.kinds`.
    """

    path: str
    kind: Kind
    low: float | None = None
    high: float | None = None
    levels: tuple[Level, ...] = ()
    dist: str | None = None
    dist_args: tuple[float, ...] = ()
    source: str | None = None
    column: str | None = None
    draws: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        check_path(self.path)
        rules = kind_rules(self.kind)
        object.__setattr__(self, "kind", rules.kind)
        for name, value in rules.checked(self).items():
            object.__setattr__(self, name, value)

    @property
    def rules(self) -> ParameterKind:
        """What this parameter's kind does (`mktsim.params.kinds`)."""
        return kind_rules(self.kind)

    # -- constructors -------------------------------------------------------
    @classmethod
    def from_range(cls, path: str, low: float, high: float) -> Parameter:
        """Any value from ``low`` to ``high`` (uniformly likely)."""
        return cls(path, Kind.RANGE, low=float(low), high=float(high))

    @classmethod
    def from_levels(cls, path: str, levels: Iterable[Level]) -> Parameter:
        """One of the listed ``levels`` (numbers or labels), equally likely."""
        return cls(path, Kind.LEVELS, levels=tuple(levels))

    @classmethod
    def from_dist(cls, path: str, dist: str, args: Iterable[float]) -> Parameter:
        """A value drawn from distribution ``dist`` with arguments ``args``."""
        return cls(path, Kind.DISTRIBUTION, dist=dist, dist_args=tuple(args))

    @classmethod
    def from_draws(cls, path: str, source: str, column: str | None = None,
                   draws: Iterable[float] = ()) -> Parameter:
        """Column ``column`` (default: the path itself) of the joint draws in ``source``."""
        return cls(path, Kind.DRAWS, source=source, column=column or path, draws=tuple(draws))

    # -- properties ---------------------------------------------------------
    @property
    def is_categorical(self) -> bool:
        """True when the levels include labels (text) rather than only numbers."""
        return self.rules.is_categorical(self)

    @property
    def bounds(self) -> tuple[float, float]:
        """Bounds used in the SALib problem: ``(low, high)`` for ranges, else (0, 1).

        For levels, distributions and draws the unit interval is sampled and
        :meth:`ppf` maps it to values.
        """
        return self.rules.bounds(self)

    @property
    def central(self) -> Level:
        """Baseline value: range midpoint, distribution median, first label, or
        the middle of the sorted numeric levels."""
        return self.rules.central(self)

    # -- mapping ------------------------------------------------------------
    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Map uniform samples ``u`` in [0, 1) to values of this parameter.

        Ranges: ``low + u * (high - low)``. Levels: the level at index
        ``floor(u * n)`` (labels are returned, not indices). Distributions: the
        quantile function, with ``u`` clipped to [U_EPS, 1 - U_EPS]. Draws: the sorted
        column's value at index ``floor(u * n)``.
        """
        return self.rules.ppf(self, np.asarray(u, dtype=float))

    def level_index(self, u: np.ndarray) -> np.ndarray:
        """Level index ``floor(u * n)`` clipped to 0..n-1 (levels only)."""
        n = len(self.levels)
        idx = np.floor(np.asarray(u, dtype=float) * n).astype(int)
        return np.clip(idx, 0, n - 1)

    def draw_array(self) -> np.ndarray:
        """The column's values in file order (draws only; raises before the file is read)."""
        if not self.draws:
            raise ParamSpecError(f"{self.path}: the draws of {self.source} have not been "
                                 "read; draws belong in a scenario's uncertainties: section, "
                                 "whose file is read when the scenario is loaded")
        return np.asarray(self.draws, dtype=float)

    def level_array(self) -> np.ndarray:
        """The levels as an array (object dtype when any level is a label)."""
        if self.is_categorical:
            arr = np.empty(len(self.levels), dtype=object)
            arr[:] = list(self.levels)
            return arr
        return np.asarray(self.levels)

    def percentile(self, q: float) -> float:
        """Value at quantile ``q`` (0..1) for ranges, distributions and draws."""
        if not self.rules.has_percentiles:
            raise ParamSpecError(f"{self.path}: percentiles need a range or distribution")
        return float(self.ppf(np.array([q]))[0])

    # -- serialisation ------------------------------------------------------
    def to_spec(self) -> str:
        """The ``PATH=...`` text form accepted by :func:`parse_param`."""
        return f"{self.path}={self.rules.value_text(self)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (inverse of :meth:`from_dict`)."""
        out: dict[str, Any] = {"path": self.path, "kind": self.kind.value}
        for name in self.rules.fields:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Parameter:
        """Rebuild a parameter from :meth:`to_dict` output."""
        return cls(
            path=d["path"],
            kind=d["kind"],
            low=d.get("low"),
            high=d.get("high"),
            levels=tuple(d.get("levels", ())),
            dist=d.get("dist"),
            dist_args=tuple(d.get("dist_args", ())),
            source=d.get("source"),
            column=d.get("column"),
            draws=tuple(d.get("draws", ())),
        )


def check_unique(params: Sequence[Parameter]) -> None:
    """Raise :class:`ParamSpecError` if two parameters share a path."""
    seen: set[str] = set()
    for p in params:
        if p.path in seen:
            raise ParamSpecError(f"parameter {p.path!r} is given more than once")
        seen.add(p.path)
