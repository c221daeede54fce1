"""Uncertain scenario values for batch sweeps: parsing and sampling maps.

A :class:`Parameter` names one scenario value by its dotted path (for example
``channels.kol.cost.cpm``) and says how it may vary:

* ``range``: any value between ``low`` and ``high`` (same unit as the scenario
  value, e.g. currency per thousand impressions for a CPM);
* ``levels``: one of a fixed list of values; levels may be numbers or labels
  such as strategy names (labels make the parameter *categorical*);
* ``distribution``: a probability distribution from :data:`DISTRIBUTIONS`;
* ``draws``: one column of a CSV file of joint draws (``draws(FILE)`` or
  ``{draws: FILE, column: NAME}``), in a scenario's ``uncertainties:`` only. Paths that
  name the same file take the same row in each replication, so their correlation is kept
  (see :mod:`mktsim.scenario.draws`, which reads the file when the scenario is loaded).

Every parameter maps a uniform number ``u`` in [0, 1) to a value through
:meth:`Parameter.ppf`, so all samplers work in the unit cube and convert at the
end. Parsing never evaluates user text as code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

Level = int | float | str
Kind = Literal["range", "levels", "distribution", "draws"]

#: Distribution names and their argument lists, as written by users.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "normal": ("mu", "sigma"),
    "lognormal": ("mu", "sigma"),
    "uniform": ("a", "b"),
    "triangular": ("low", "mode", "high"),
    "beta": ("a", "b"),
}
_BETA_SCALED = ("a", "b", "low", "high")

#: Unit samples are clipped to [U_EPS, 1 - U_EPS] for distributions so that
#: unbounded distributions never return infinite values.
U_EPS = 1e-12

ACCEPTED_FORMS = (
    "expected PATH=LOW:HIGH, PATH=a,b,c or PATH=dist(args) with dist one of "
    + ", ".join(DISTRIBUTIONS)
)

_PATH_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
_NUMBER_RE = re.compile(
    r"[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d+)?%?",
    re.ASCII,  # 0-9 only: float() would also take other scripts' digits
)
_LABEL_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-. ]*")
_DIST_RE = re.compile(r"([A-Za-z_]+)\s*\((.*)\)")
DRAWS_RE = re.compile(r"draws\s*\(([^,()]*)(?:,([^,()]*))?\)", re.IGNORECASE)


class ParamSpecError(ValueError):
    """A parameter specification could not be understood or is inconsistent."""


# --------------------------------------------------------------------------- numbers


def parse_number(text: str) -> int | float:
    """Parse ``30``, ``1_000``, ``2.5e3``, ``-4`` or ``30%`` (= 0.3).

    Integers without a decimal point, exponent or percent sign stay ``int``.
    Raises :class:`ParamSpecError` for anything else (including nan/inf).
    """
    s = text.strip()
    if not _NUMBER_RE.fullmatch(s):
        raise ParamSpecError(f"'{text}' is not a number")
    if s.endswith("%"):
        return float(s[:-1]) / 100.0
    if any(c in s for c in ".eE"):
        return float(s)
    return int(s)


def _as_number(value: Any, what: str) -> float:
    """Accept an int/float (not bool) or a numeric string; return a finite float."""
    if isinstance(value, bool):
        raise ParamSpecError(f"{what} must be a number, got {value!r}")
    if isinstance(value, int | float):
        out = float(value)
    elif isinstance(value, str):
        out = float(parse_number(value))
    else:
        raise ParamSpecError(f"{what} must be a number, got {value!r}")
    if not math.isfinite(out):
        raise ParamSpecError(f"{what} must be finite, got {value!r}")
    return out


def format_number(x: float, sig: int = 2) -> str:
    """Short human-readable number: ``sig`` significant digits, no exponent."""
    if x == 0 or not math.isfinite(x):
        return str(0 if x == 0 else x)
    decimals = max(0, sig - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --------------------------------------------------------------------------- Parameter


@dataclass(frozen=True)
class Parameter:
    """One uncertain scenario value.

    ``low``/``high`` (kind ``range``) and ``dist_args`` are in the unit of the
    scenario value the path points at. For ``lognormal(mu, sigma)`` the
    arguments are the mean and standard deviation of the *logarithm* of the
    value (median = exp(mu)). ``beta(a, b)`` lives on 0..1; ``beta(a, b, low,
    high)`` is stretched onto low..high.

    A ``draws`` parameter is column ``column`` of the CSV file ``source`` (as written in
    the scenario, relative to it); ``draws`` holds the column's values once the file is
    read (empty before). Its ``ppf`` is the column's empirical quantile function.
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
        _check_path(self.path)
        if self.kind == "range":
            lo, hi = _check_range(self.low, self.high)
            object.__setattr__(self, "low", lo)
            object.__setattr__(self, "high", hi)
        elif self.kind == "levels":
            object.__setattr__(self, "levels", tuple(self.levels))
            _check_levels(self.levels)
        elif self.kind == "distribution":
            name = self.dist.lower() if isinstance(self.dist, str) else self.dist
            args = _check_dist(name, tuple(self.dist_args))
            object.__setattr__(self, "dist", name)
            object.__setattr__(self, "dist_args", args)
        elif self.kind == "draws":
            _check_draws(self.source, self.column, self.draws)
            object.__setattr__(self, "draws", tuple(float(v) for v in self.draws))
        else:
            raise ParamSpecError(f"unknown parameter kind {self.kind!r}")

    # -- constructors -------------------------------------------------------
    @classmethod
    def from_range(cls, path: str, low: float, high: float) -> Parameter:
        """Any value from ``low`` to ``high`` (uniformly likely)."""
        return cls(path, "range", low=float(low), high=float(high))

    @classmethod
    def from_levels(cls, path: str, levels: Iterable[Level]) -> Parameter:
        """One of the listed ``levels`` (numbers or labels), equally likely."""
        return cls(path, "levels", levels=tuple(levels))

    @classmethod
    def from_dist(cls, path: str, dist: str, args: Iterable[float]) -> Parameter:
        """A value drawn from distribution ``dist`` with arguments ``args``."""
        return cls(path, "distribution", dist=dist, dist_args=tuple(args))

    @classmethod
    def from_draws(cls, path: str, source: str, column: str | None = None,
                   draws: Iterable[float] = ()) -> Parameter:
        """Column ``column`` (default: the path itself) of the joint draws in ``source``."""
        return cls(path, "draws", source=source, column=column or path, draws=tuple(draws))

    # -- properties ---------------------------------------------------------
    @property
    def is_categorical(self) -> bool:
        """True when the levels include labels (text) rather than only numbers."""
        return self.kind == "levels" and any(isinstance(v, str) for v in self.levels)

    @property
    def bounds(self) -> tuple[float, float]:
        """Bounds used in the SALib problem: ``(low, high)`` for ranges, else (0, 1).

        For levels, distributions and draws the unit interval is sampled and
        :meth:`ppf` maps it to values.
        """
        if self.kind == "range" and self.low is not None and self.high is not None:
            return (self.low, self.high)
        return (0.0, 1.0)

    @property
    def central(self) -> Level:
        """Baseline value: range midpoint, distribution median, first label, or
        the middle of the sorted numeric levels."""
        if self.kind == "levels":
            if self.is_categorical:
                return self.levels[0]
            ordered = sorted(self.levels, key=float)
            return ordered[(len(ordered) - 1) // 2]
        return float(self.ppf(np.array([0.5]))[0])

    # -- mapping ------------------------------------------------------------
    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Map uniform samples ``u`` in [0, 1) to values of this parameter.

        Ranges: ``low + u * (high - low)``. Levels: the level at index
        ``floor(u * n)`` (labels are returned, not indices). Distributions: the
        quantile function, with ``u`` clipped to [U_EPS, 1 - U_EPS]. Draws: the sorted
        column's value at index ``floor(u * n)`` (a value of the column, never between
        two); replications do not use this but take whole rows
        (:func:`mktsim.scenario.draws.draw_rows`).
        """
        u = np.asarray(u, dtype=float)
        if self.kind == "range":
            lo, hi = self.bounds
            return lo + u * (hi - lo)
        if self.kind == "levels":
            return self.level_array()[self.level_index(u)]
        if self.kind == "draws":
            ordered = np.sort(self.draw_array())
            idx = np.clip(np.floor(u * len(ordered)).astype(int), 0, len(ordered) - 1)
            return ordered[idx]
        clipped = np.clip(u, U_EPS, 1.0 - U_EPS)
        return np.asarray(self._quantile(clipped), dtype=float)

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
        """Value at quantile ``q`` (0..1) for ranges and distributions."""
        if self.kind == "levels":
            raise ParamSpecError(f"{self.path}: percentiles need a range or distribution")
        return float(self.ppf(np.array([q]))[0])

    def _quantile(self, u: np.ndarray) -> np.ndarray:
        """Quantile function of the distribution (scipy.special only: scipy.stats takes
        about a second to import, which every run would pay)."""
        from scipy.special import betaincinv, ndtri

        a = self.dist_args
        if self.dist == "normal":
            return np.asarray(a[0] + a[1] * ndtri(u))
        if self.dist == "lognormal":
            return np.asarray(np.exp(a[0] + a[1] * ndtri(u)))
        if self.dist == "uniform":
            return a[0] + u * (a[1] - a[0])
        if self.dist == "triangular":
            low, mode, high = a
            c = (mode - low) / (high - low)
            left = low + np.sqrt(u * (high - low) * (mode - low))
            right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
            return np.where(u < c, left, right)
        lo, hi = (a[2], a[3]) if len(a) == 4 else (0.0, 1.0)
        return np.asarray(lo + (hi - lo) * betaincinv(a[0], a[1], u))

    # -- serialisation ------------------------------------------------------
    def to_spec(self) -> str:
        """The ``PATH=...`` text form accepted by :func:`parse_param`."""
        if self.kind == "range":
            return f"{self.path}={self.low!r}:{self.high!r}"
        if self.kind == "levels":
            return f"{self.path}=" + ",".join(str(v) for v in self.levels)
        if self.kind == "draws":
            return f"{self.path}={draws_text(self.source or '', self.column, self.path)}"
        args = ",".join(repr(a) for a in self.dist_args)
        return f"{self.path}={self.dist}({args})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (inverse of :meth:`from_dict`)."""
        out: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.kind == "range":
            out.update(low=self.low, high=self.high)
        elif self.kind == "levels":
            out["levels"] = list(self.levels)
        elif self.kind == "draws":
            out.update(source=self.source, column=self.column, draws=list(self.draws))
        else:
            out.update(dist=self.dist, dist_args=list(self.dist_args))
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


def draws_text(source: str, column: str | None, path: str) -> str:
    """``draws(FILE)``, or ``draws(FILE, COLUMN)`` when the column is not the path."""
    return f"draws({source})" if column in (None, path) else f"draws({source}, {column})"


# --------------------------------------------------------------------------- validation


def _check_path(path: str) -> None:
    if not isinstance(path, str) or not _PATH_RE.fullmatch(path):
        raise ParamSpecError(
            f"bad path {path!r}: use dotted names of letters, digits and _ "
            "(list items as .0), e.g. channels.kol.cost.cpm"
        )


def _check_range(low: float | None, high: float | None) -> tuple[float, float]:
    if low is None or high is None:
        raise ParamSpecError("a range needs both LOW and HIGH (PATH=LOW:HIGH)")
    lo, hi = _as_number(low, "LOW"), _as_number(high, "HIGH")
    if not lo < hi:
        raise ParamSpecError(
            f"LOW ({format_number(lo, 6)}) must be below HIGH "
            f"({format_number(hi, 6)}) in PATH=LOW:HIGH"
        )
    return lo, hi


def _check_levels(levels: tuple[Level, ...]) -> None:
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


def _check_dist(dist: str | None, args: tuple[float, ...]) -> tuple[float, ...]:
    if dist not in DISTRIBUTIONS:
        raise ParamSpecError(
            f"unknown distribution {dist!r}; use one of " + ", ".join(DISTRIBUTIONS)
        )
    names = DISTRIBUTIONS[dist]
    if dist == "beta" and len(args) == 4:
        names = _BETA_SCALED
    usage = f"{dist}({','.join(names)})"
    if len(args) != len(names):
        raise ParamSpecError(f"{usage} takes {len(names)} numbers, got {len(args)}")
    vals = [_as_number(a, f"{dist} argument") for a in args]
    problem = _dist_problem(dist, vals)
    if problem:
        raise ParamSpecError(f"{problem} in {usage}")
    return tuple(vals)


def _dist_problem(dist: str, a: list[float]) -> str | None:
    """Return what is inconsistent about distribution arguments, if anything."""
    if dist in ("normal", "lognormal") and a[1] <= 0:
        return "sigma must be > 0"
    if dist == "uniform" and not a[0] < a[1]:
        return "a must be below b"
    if dist == "triangular" and not (a[0] <= a[1] <= a[2] and a[0] < a[2]):
        return "need low <= mode <= high and low < high"
    if dist == "beta":
        if a[0] <= 0 or a[1] <= 0:
            return "a and b must be > 0"
        if len(a) == 4 and not a[2] < a[3]:
            return "low must be below high"
    return None


def _check_draws(source: str | None, column: str | None, draws: tuple[float, ...]) -> None:
    if not isinstance(source, str) or not source.strip():
        raise ParamSpecError("draws need a file: draws(FILE) or {draws: FILE, column: NAME}")
    if not isinstance(column, str) or not column.strip():
        raise ParamSpecError("the column of the draws must be a name")
    for v in draws:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ParamSpecError(f"draw {v!r} must be a finite number")


def check_unique(params: Sequence[Parameter]) -> None:
    """Raise :class:`ParamSpecError` if two parameters share a path."""
    seen: set[str] = set()
    for p in params:
        if p.path in seen:
            raise ParamSpecError(f"parameter {p.path!r} is given more than once")
        seen.add(p.path)


# --------------------------------------------------------------------------- parsing


def _parse_value(path: str, text: str) -> Parameter:
    """Parse the right-hand side of ``PATH=...`` (raises without context)."""
    v = text.strip()
    if not v:
        raise ParamSpecError("nothing after '='; " + ACCEPTED_FORMS)
    d = DRAWS_RE.fullmatch(v)
    if d:
        column = (d.group(2) or "").strip()
        return Parameter.from_draws(path, d.group(1).strip(), column or None)
    m = _DIST_RE.fullmatch(v)
    if m:
        name = m.group(1).lower()
        if name not in DISTRIBUTIONS:
            raise ParamSpecError(
                f"unknown distribution '{m.group(1)}'; use one of " + ", ".join(DISTRIBUTIONS)
            )
        parts = m.group(2).split(",") if m.group(2).strip() else []
        return Parameter.from_dist(path, name, [_arg(p) for p in parts])
    if ":" in v:
        parts = v.split(":")
        if len(parts) != 2:
            raise ParamSpecError("a range has exactly one ':'; " + ACCEPTED_FORMS)
        return Parameter.from_range(path, _arg(parts[0]), _arg(parts[1]))
    return Parameter.from_levels(path, [_level(p) for p in v.split(",")])


def _arg(text: str) -> float:
    try:
        return float(parse_number(text))
    except ParamSpecError:
        raise ParamSpecError(f"'{text.strip()}' is not a number; " + ACCEPTED_FORMS) from None


def _level(text: str) -> Level:
    s = text.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        s = s[1:-1].strip()
        if s:
            return s
    if not s:
        raise ParamSpecError("empty level; " + ACCEPTED_FORMS)
    if _NUMBER_RE.fullmatch(s):
        return parse_number(s)
    if _LABEL_RE.fullmatch(s):
        return s
    raise ParamSpecError(f"cannot read '{s}'; " + ACCEPTED_FORMS)


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
        return _parse_value(path.strip(), value)
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
        return _parse_value(path, value)
    if isinstance(value, bool) or value is None:
        raise ParamSpecError(f"unsupported value {value!r}; " + _MAPPING_FORMS)
    if isinstance(value, int | float):
        return Parameter.from_levels(path, [_yaml_level(value)])
    if isinstance(value, list | tuple):
        return Parameter.from_levels(path, [_yaml_level(v) for v in value])
    if isinstance(value, Mapping):
        return _parse_structured(path, value)
    raise ParamSpecError(f"unsupported value {value!r}; " + _MAPPING_FORMS)


_MAPPING_FORMS = (
    "use {range: [LOW, HIGH]}, {levels: [a, b]}, {dist: NAME, args: [...]}, "
    "{draws: FILE, column: NAME} or a string such as '30:60' or 'normal(40,5)'"
)
#: Keys of a draws entry; `values` is added when the scenario is loaded (the column read
#: from the file), never written by hand.
DRAWS_KEYS = ({"draws"}, {"draws", "column"}, {"draws", "values"},
              {"draws", "column", "values"})


def _parse_structured(path: str, value: Mapping[str, Any]) -> Parameter:
    keys = set(value)
    if keys == {"range"}:
        rng = value["range"]
        if isinstance(rng, str):
            return _parse_value(path, rng)
        if not isinstance(rng, list | tuple) or len(rng) != 2:
            raise ParamSpecError("range must be [LOW, HIGH]")
        return Parameter.from_range(path, _as_number(rng[0], "LOW"), _as_number(rng[1], "HIGH"))
    if keys == {"levels"}:
        lv = value["levels"]
        items = lv if isinstance(lv, list | tuple) else [lv]
        return Parameter.from_levels(path, [_yaml_level(v) for v in items])
    if keys in ({"dist"}, {"dist", "args"}):
        name = str(value["dist"]).strip()
        if "(" in name and "args" not in value:
            return _parse_value(path, name)
        args = value.get("args", [])
        if not isinstance(args, list | tuple):
            raise ParamSpecError("args must be a list of numbers")
        nums = [_as_number(a, f"{name} argument") for a in args]
        return Parameter.from_dist(path, name.lower(), nums)
    if keys in DRAWS_KEYS:
        return _parse_draws(path, value)
    raise ParamSpecError(f"unexpected keys {sorted(keys)}; " + _MAPPING_FORMS)


def _parse_draws(path: str, value: Mapping[str, Any]) -> Parameter:
    source, column = value["draws"], value.get("column")
    if not isinstance(source, str):
        raise ParamSpecError(f"draws must name a CSV file, got {source!r}")
    if column is not None and not isinstance(column, str):
        raise ParamSpecError(f"column must be the name of a column, got {column!r}")
    values = value.get("values", ())
    if not isinstance(values, list | tuple):
        raise ParamSpecError("values must be a list of numbers")
    return Parameter.from_draws(path, source.strip(), column,
                                [_as_number(v, "draw") for v in values])


def _yaml_level(v: Any) -> Level:
    if isinstance(v, str):
        return _level(v)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ParamSpecError(f"level {v!r} must be a number or a label")
    return v
