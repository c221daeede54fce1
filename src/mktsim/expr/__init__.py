"""The safe expression language of scenario rules.

Scenario files hold conditions such as ``roi('kol') < 0.5 and budget_left() >
100_000`` and computed action arguments such as ``best_channel('roi')``.  This
module compiles such text into an :class:`Expression` and evaluates it against
the simulation through an :class:`Environment`.

Nothing from the text is ever run as Python.  The text is only *parsed* by
``ast.parse`` and every node is checked against a short allow-list of
constructs (literals, names, calls of registered functions, arithmetic,
comparisons, ``and``/``or``/``not``, ``a if c else b``); the result is a tree of
this package's own small node objects.  Size limits (text length, nesting,
number of parts, literal and exponent sizes) keep compilation and evaluation
fast and finite whatever the input.

Typical use::

    vocabulary = Vocabulary(
        functions={"roi": FunctionSpec("roi", 1, 1, ("channel",), "return on spend")},
        symbols={"channel": frozenset({"kol", "social"})},
    )
    condition = compile_expression("roi('kol') < 0.5", vocabulary)
    condition.evaluate(environment)          # -> True / False
    evaluate_with_trace(condition, environment)  # -> (True, {"roi('kol')": 0.42})

The language itself is described for scenario authors in ``docs/expressions.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mktsim.expr.compile import MAX_DEPTH, MAX_LITERAL, MAX_NODES, build_tree
from mktsim.expr.errors import ExpressionError
from mktsim.expr.lex import MAX_LENGTH
from mktsim.expr.nodes import (
    MAX_EXPONENT,
    Call,
    Checked,
    Const,
    Environment,
    Node,
    Trace,
    Value,
    Var,
    is_true,
    walk,
)
from mktsim.expr.vocab import (
    ANY,
    NUMBER,
    STRING,
    FunctionSpec,
    Vocabulary,
    describe_functions,
)

__all__ = [
    "ANY",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_LITERAL",
    "MAX_NODES",
    "NUMBER",
    "STRING",
    "Computed",
    "Environment",
    "Expression",
    "ExpressionError",
    "FunctionSpec",
    "SimpleEnvironment",
    "Value",
    "Vocabulary",
    "compile_expression",
    "describe_functions",
    "evaluate_with_trace",
    "is_true",
]


@dataclass(frozen=True, slots=True)
class Computed:
    """Stands, in :meth:`Expression.calls`, for an argument that is computed
    (e.g. ``best_channel('roi')`` in ``roi(best_channel('roi'))``) rather than written
    as a literal; ``text`` is its canonical text."""

    text: str


@dataclass(frozen=True, slots=True)
class Expression:
    """A compiled, checked expression; immutable and picklable.

    Attributes:
        text: the text it was compiled from.
        root: the compiled tree (plain data: no parser objects).
    """

    text: str
    root: Node = field(repr=False)

    def evaluate(self, env: Environment) -> Value:
        """Compute the value: a float, a bool or a str.

        Raises:
            ExpressionError: on a runtime problem (division by zero, a value of
                the wrong type, a result too large ...), located in ``text``.
        """
        try:
            return self.root.evaluate(env, None)
        except ExpressionError as exc:
            raise self._located(exc) from None

    def evaluate_with_trace(self, env: Environment) -> tuple[Value, dict[str, Value]]:
        """Like :meth:`evaluate`, also returning what the expression saw.

        The dictionary maps the canonical text of every function call made
        (e.g. ``"roi('kol')"``) and every bare name read to the value it gave,
        in evaluation order.  Operands skipped by ``and``/``or``/``if`` do not
        appear.  If evaluation fails, the error propagates and nothing is returned.
        """
        seen: Trace = {}
        try:
            value = self.root.evaluate(env, seen)
        except ExpressionError as exc:
            raise self._located(exc) from None
        return value, seen

    def calls(self) -> list[tuple[str, tuple[Value | Computed, ...]]]:
        """Functions the expression may call, with their arguments, each once.

        Literal arguments appear as their value; computed ones as
        :class:`Computed`.  Order: outer calls before the calls inside them,
        left to right.
        """
        found: dict[tuple[str, tuple[Value | Computed, ...]], None] = {}
        for node in walk(self.root):
            if isinstance(node, Call):
                found[(node.name, tuple(_argument(arg) for arg in node.args))] = None
        return list(found)

    def variables(self) -> list[str]:
        """Bare names the expression may read, each once, left to right."""
        return list(dict.fromkeys(n.name for n in walk(self.root) if isinstance(n, Var)))

    @property
    def is_constant(self) -> bool:
        """Whether the value is known without any environment (e.g. ``0.25``)."""
        return isinstance(self.root, Const)

    def canonical(self) -> str:
        """The expression re-written in a normal form (spacing, quotes, numbers)."""
        return self.root.render()

    def __str__(self) -> str:
        return self.text

    def _located(self, exc: ExpressionError) -> ExpressionError:
        """Attach this expression's text to an error raised while evaluating it."""
        if exc.text is None:
            exc.text = self.text
        return exc


def _argument(node: Node) -> Value | Computed:
    """An argument as listed by :meth:`Expression.calls`."""
    if isinstance(node, Checked):
        node = node.operand
    return node.value if isinstance(node, Const) else Computed(node.render())


def compile_expression(text: str, vocabulary: Vocabulary) -> Expression:
    """Check ``text`` completely and compile it.

    Every construct, name, function, argument count and literal symbol argument
    (e.g. the channel in ``roi('kol')``) is checked here, so a scenario with a
    mistake fails when it is loaded rather than in the middle of a run.

    Raises:
        ExpressionError: describing the first problem found, with its position
            and, where possible, a suggestion.
    """
    cache_key = (text, vocabulary.key) if isinstance(text, str) else None
    known = _COMPILED.get(cache_key) if cache_key else None
    if known is not None:
        return known
    try:
        root = build_tree(text, vocabulary)
    except ExpressionError as exc:
        if exc.text is None and isinstance(text, str) and len(text) <= MAX_LENGTH:
            exc.text = text
        raise
    expression = Expression(text, root)
    if cache_key is not None:
        if len(_COMPILED) >= _CACHE_SIZE:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[cache_key] = expression
    return expression


# Compiled expressions are immutable, so the same text under the same vocabulary is
# compiled once per process (a scenario is re-validated for every Monte Carlo draw).
_CACHE_SIZE = 4096
_COMPILED: dict[tuple[str, tuple[object, ...]], Expression] = {}


def evaluate_with_trace(expr: Expression, env: Environment) -> tuple[Value, dict[str, Value]]:
    """Evaluate ``expr``; return ``(value, seen)`` as :meth:`Expression.evaluate_with_trace`."""
    return expr.evaluate_with_trace(env)


class SimpleEnvironment:
    """An :class:`Environment` over plain callables and values (for tools and tests)."""

    def __init__(
        self,
        functions: Mapping[str, Callable[..., Value]] | None = None,
        values: Mapping[str, Value] | None = None,
    ) -> None:
        self.functions = dict(functions or {})
        self.values = dict(values or {})

    def call(self, name: str, args: tuple[Value, ...]) -> Value:
        """Call the function registered as ``name``."""
        try:
            function = self.functions[name]
        except KeyError:
            raise ExpressionError(f"no implementation for function {name!r}") from None
        return function(*args)

    def lookup(self, name: str) -> Value:
        """Return the value registered as ``name``."""
        try:
            return self.values[name]
        except KeyError:
            raise ExpressionError(f"no value for name {name!r}") from None
