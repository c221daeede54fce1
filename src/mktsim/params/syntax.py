"""The pieces of a parameter specification as users write them: paths, levels, arguments,
the ``draws(FILE)`` form, and the texts that list the accepted forms in errors. Nothing
here evaluates user text as code."""

from __future__ import annotations

import re
from typing import Any

from .distributions import REGISTRY
from .errors import ParamSpecError
from .numbers import NUMBER_RE, parse_number

Level = int | float | str

ACCEPTED_FORMS = (
    "expected PATH=LOW:HIGH, PATH=a,b,c or PATH=dist(args) with dist one of "
    + ", ".join(REGISTRY)
)
MAPPING_FORMS = (
    "use {range: [LOW, HIGH]}, {levels: [a, b]}, {dist: NAME, args: [...]}, "
    "{draws: FILE, column: NAME} or a string such as '30:60' or 'normal(40,5)'"
)

PATH_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
LABEL_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-. ]*")
DIST_RE = re.compile(r"([A-Za-z_]+)\s*\((.*)\)")
DRAWS_RE = re.compile(r"draws\s*\(([^,()]*)(?:,([^,()]*))?\)", re.IGNORECASE)


def check_path(path: str) -> None:
    """Raise :class:`ParamSpecError` unless ``path`` is a dotted name."""
    if not isinstance(path, str) or not PATH_RE.fullmatch(path):
        raise ParamSpecError(
            f"bad path {path!r}: use dotted names of letters, digits and _ "
            "(list items as .0), e.g. channels.kol.cost.cpm"
        )


def text_arg(text: str) -> float:
    """A number of a specification's text (a bound or a distribution's argument)."""
    try:
        return float(parse_number(text))
    except ParamSpecError:
        raise ParamSpecError(f"'{text.strip()}' is not a number; " + ACCEPTED_FORMS) from None


def text_level(text: str) -> Level:
    """A level of ``PATH=a,b,c``: a number, a label, or a quoted label."""
    s = text.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        s = s[1:-1].strip()
        if s:
            return s
    if not s:
        raise ParamSpecError("empty level; " + ACCEPTED_FORMS)
    if NUMBER_RE.fullmatch(s):
        return parse_number(s)
    if LABEL_RE.fullmatch(s):
        return s
    raise ParamSpecError(f"cannot read '{s}'; " + ACCEPTED_FORMS)


def yaml_level(v: Any) -> Level:
    """A level of a design file or ``uncertainties:`` section, as loaded from YAML."""
    if isinstance(v, str):
        return text_level(v)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ParamSpecError(f"level {v!r} must be a number or a label")
    return v


def draws_text(source: str, column: str | None, path: str) -> str:
    """``draws(FILE)``, or ``draws(FILE, COLUMN)`` when the column is not the path."""
    return f"draws({source})" if column in (None, path) else f"draws({source}, {column})"
