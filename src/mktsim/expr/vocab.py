"""What a scenario lets its rule expressions name: functions, values and symbols.

A :class:`Vocabulary` is built by the code that evaluates the rules (it knows
which channels, KPIs, targets and teams the scenario defines) and passed to
``compile_expression``, which checks every name in the text against it.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Argument kind: the argument must be a number.
NUMBER = "number"
#: Argument kind: the argument must be a piece of text (any text).
STRING = "string"
#: Argument kind: anything goes (no check).
ANY = "any"
#: Kinds with a fixed meaning; every other kind names a set of symbols.
BUILTIN_KINDS = frozenset({NUMBER, STRING, ANY})

#: Words with a meaning of their own in the language; they cannot be registered.
RESERVED = frozenset({"true", "false", "none", "null", *keyword.kwlist})
#: Largest number of arguments a function may take.
MAX_ARITY = 8

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def check_identifier(name: object, what: str) -> str:
    """Return ``name`` if it is a plain ASCII identifier usable in expressions.

    Raises:
        ValueError: for non-strings, reserved words, names that do not start
            with a letter (in particular anything starting with ``_``).
    """
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ValueError(f"{what} name {name!r} must be letters, digits and '_', "
                         "starting with a letter")
    if name.casefold() in RESERVED:
        raise ValueError(f"{what} name {name!r} is a reserved word")
    return name


@dataclass(frozen=True)
class FunctionSpec:
    """A function that rule expressions may call, e.g. ``roi('kol')``.

    Attributes:
        name: the name used in expressions.
        min_args: fewest positional arguments accepted.
        max_args: most positional arguments accepted.
        arg_kinds: the kind of each of the ``max_args`` arguments, or None for
            "no check".  ``"number"``, ``"string"`` and ``"any"`` are built in;
            any other kind (``"channel"``, ``"kpi"``, ``"target"``, ``"team"``,
            ``"measure"``, ...) is a symbol kind: the argument must be text, and
            if the vocabulary lists symbols of that kind it must be one of them.
        doc: one-line description shown in help and error messages.
    """

    name: str
    min_args: int
    max_args: int
    arg_kinds: tuple[str, ...] | None = None
    doc: str = ""

    def __post_init__(self) -> None:
        check_identifier(self.name, "function")
        if not 0 <= self.min_args <= self.max_args <= MAX_ARITY:
            raise ValueError(f"function {self.name!r}: need 0 <= min_args <= max_args "
                             f"<= {MAX_ARITY}, got {self.min_args}, {self.max_args}")
        if self.arg_kinds is not None:
            kinds = tuple(self.arg_kinds)
            if len(kinds) != self.max_args or not all(isinstance(k, str) for k in kinds):
                raise ValueError(f"function {self.name!r}: arg_kinds must give one kind "
                                 f"name per argument ({self.max_args})")
            object.__setattr__(self, "arg_kinds", kinds)

    def kind(self, index: int) -> str | None:
        """Kind of the argument at ``index`` (0-based), or None when unchecked."""
        return None if self.arg_kinds is None else self.arg_kinds[index]

    def arity_text(self) -> str:
        """Word the accepted argument count, e.g. ``"1 argument"``, ``"1 to 2 arguments"``."""
        low, high = self.min_args, self.max_args
        count = str(low) if low == high else f"{low} to {high}"
        return f"{count} argument{'' if high == 1 else 's'}"

    def signature(self) -> str:
        """Render the call shape, e.g. ``roi(channel)`` or ``kpi(kpi[, measure])``."""
        labels = [self.kind(i) or f"arg{i + 1}" for i in range(self.max_args)]
        required = ", ".join(labels[: self.min_args])
        optional = "".join(
            f"[, {label}" if i or self.min_args else f"[{label}"
            for i, label in enumerate(labels[self.min_args:])
        )
        closing = "]" * (self.max_args - self.min_args)
        return f"{self.name}({required}{optional}{closing})"


@dataclass(frozen=True)
class Vocabulary:
    """The names a scenario makes available to its rule expressions.

    Attributes:
        functions: callable functions by name.
        names: bare value names (variables) such as ``day`` or ``budget_total``.
        symbols: for each symbol kind, the text values allowed for arguments of
            that kind, e.g. ``{"channel": {"kol", "social"}}``.
    """

    functions: Mapping[str, FunctionSpec]
    names: frozenset[str] = frozenset()
    symbols: Mapping[str, frozenset[str]] = field(default_factory=dict)
    key: tuple[object, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        functions = dict(self.functions)
        for key, spec in functions.items():
            if not isinstance(spec, FunctionSpec) or spec.name != key:
                raise ValueError(f"function {key!r} must map to a FunctionSpec named {key!r}")
        names = frozenset(check_identifier(n, "value") for n in self.names)
        clash = names & functions.keys()
        if clash:
            raise ValueError(f"names used both as function and value: {sorted(clash)}")
        symbols = {str(kind): frozenset(values) for kind, values in self.symbols.items()}
        for kind, values in symbols.items():
            if not all(isinstance(v, str) for v in values):
                raise ValueError(f"symbols of kind {kind!r} must all be text")
        object.__setattr__(self, "functions", MappingProxyType(functions))
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "symbols", MappingProxyType(symbols))
        object.__setattr__(self, "key", (
            tuple(sorted(functions.items())), tuple(sorted(names)),
            tuple(sorted((k, tuple(sorted(v))) for k, v in symbols.items()))))

    def __reduce__(self) -> tuple[type[Vocabulary], tuple[object, ...]]:
        """Pickle through plain dicts (read-only mapping views cannot be pickled)."""
        return (type(self), (dict(self.functions), self.names, dict(self.symbols)))

    def allowed(self, kind: str | None) -> frozenset[str] | None:
        """Symbols allowed for ``kind``, or None when any text (or value) will do."""
        if kind is None or kind in BUILTIN_KINDS:
            return None
        return self.symbols.get(kind)


def describe_functions(vocabulary: Vocabulary) -> str:
    """Describe what a vocabulary offers, one item per line, for help and docs.

    Lists each function's signature and description, then the value names and
    the known symbols of each kind.
    """
    lines = ["Functions:"]
    for name in sorted(vocabulary.functions):
        spec = vocabulary.functions[name]
        doc = f" - {spec.doc}" if spec.doc else ""
        lines.append(f"  {spec.signature()}{doc}")
    if len(lines) == 1:
        lines.append("  (none)")
    if vocabulary.names:
        lines.append("Values: " + ", ".join(sorted(vocabulary.names)))
    for kind in sorted(vocabulary.symbols):
        values = ", ".join(repr(v) for v in sorted(vocabulary.symbols[kind]))
        lines.append(f"Known {kind} names: {values or '(none)'}")
    return "\n".join(lines)
