"""Compiled rule expressions: a tree of small immutable nodes.

The compiler (``expr_compile``) turns checked text into these nodes; they hold
only plain data (text, numbers, tuples), so a compiled expression pickles
cheaply and evaluates without re-parsing.  Every value flowing through a tree
is exactly a ``float``, a ``bool`` or a ``str``: numbers from the environment
are converted to ``float`` as they enter.

Evaluation rules (documented for users in ``docs/expressions.md``):

* arithmetic (``+ - * / % **``) works on numbers only; dividing by zero, a
  result too large to represent and exponents beyond 100 are errors;
* ``and``/``or``/``not`` read numbers as true when non-zero (NaN is false),
  stop as soon as the outcome is known, and always give ``true``/``false``;
* comparisons need two values of the same type; text and true/false only
  support ``==`` and ``!=``; numbers are equal when they agree to 1 part in
  a billion.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TypeAlias, runtime_checkable

from mktsim.expr.errors import ExpressionError, did_you_mean, one_of, quote
from mktsim.expr.vocab import ANY, NUMBER, STRING

Value: TypeAlias = float | bool | str
Trace: TypeAlias = dict[str, Value]


def is_true(value: Value) -> bool:
    """Whether a condition's value holds: a true boolean, or a number that is neither 0
    nor NaN (text never holds)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        return value != 0 and value == value
    return False

#: Largest exponent magnitude allowed in ``a ** b``.
MAX_EXPONENT = 100.0
#: Relative tolerance of ``==`` and ``!=`` between numbers.
EQUAL_REL_TOL = 1e-9
#: Absolute tolerance of ``==`` and ``!=`` between numbers (for values near 0).
EQUAL_ABS_TOL = 1e-12

# Binding strength, loosest first (same order as Python).
P_IF, P_OR, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_UNARY, P_POW, P_ATOM = range(1, 11)


@runtime_checkable
class Environment(Protocol):
    """What an expression reads the simulation through."""

    def call(self, name: str, args: tuple[Value, ...]) -> Value:
        """Return the value of function ``name`` applied to ``args``."""
        ...

    def lookup(self, name: str) -> Value:
        """Return the current value of the bare name ``name``."""
        ...


# --------------------------------------------------------------------- values


def format_number(number: float) -> str:
    """Render a number briefly: ``3`` rather than ``3.0``, ``0.25`` as is."""
    if math.isfinite(number) and number == int(number) and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def describe(value: Value) -> str:
    """Name a value for an error message: ``the number 3``, ``the text 'kol'``."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {quote(value)}"
    return f"the number {format_number(value)}"


def coerce(value: object, source: str, position: int) -> Value:
    """Convert what the environment returned into a float, bool or str.

    Raises:
        ExpressionError: for values of any other type, or numbers too large
            to hold in a float.
    """
    kind = type(value)
    if kind is float or kind is bool or kind is str:
        return value  # type: ignore[return-value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except (OverflowError, ValueError, TypeError):
            raise ExpressionError(f"{source} gave a number too large to use",
                                  position) from None
    item = getattr(value, "item", None) if kind.__module__ == "numpy" else None
    if callable(item):
        plain = item()
        if isinstance(plain, bool | int | float | str):
            return coerce(plain, source, position)
    raise ExpressionError(f"{source} gave a {kind.__name__}, which is not a number, "
                          "true/false or text", position)


def truth(value: Value, node: Node) -> bool:
    """Read a value as a condition: numbers are true when non-zero (NaN is false)."""
    if value is True or value is False:
        return value
    if type(value) is float:
        return value != 0.0 and value == value
    raise ExpressionError(f"{describe(value)} cannot be used as true/false; "
                          "compare it with == or != first", node.pos)


def check_argument(value: Value, function: str, index: int, kind: str,
                   allowed: frozenset[str] | None, position: int) -> None:
    """Check one function argument against its declared kind.

    ``allowed`` is the set of known symbols for a symbol kind (None: any text).
    """
    if kind == ANY:
        return
    where = f"argument {index + 1} of {function}()"
    if kind == NUMBER:
        if type(value) is not float:
            raise ExpressionError(f"{where} must be a number, got {describe(value)}", position)
        return
    if type(value) is not str:
        wanted = "text in quotes" if kind == STRING else f"{_article(kind)} {kind} name in quotes"
        raise ExpressionError(f"{where} must be {wanted}, got {describe(value)}", position)
    if allowed is not None and value not in allowed:
        raise ExpressionError(f"unknown {kind} {quote(value)}{did_you_mean(value, allowed)}",
                              position, expected=one_of(allowed))


def _article(word: str) -> str:
    """Return ``a`` or ``an`` for ``word``."""
    return "an" if word[:1].lower() in "aeiou" else "a"


# ---------------------------------------------------------------------- nodes


class Node:
    """Base of all compiled nodes; ``pos`` is the 0-based offset in the text."""

    __slots__ = ()
    pos: int

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Compute the node's value, recording calls and lookups into ``trace``."""
        raise NotImplementedError

    def render(self) -> str:
        """Canonical text of the node (used for traces and messages)."""
        raise NotImplementedError

    def precedence(self) -> int:
        """Binding strength, to decide where ``render`` needs parentheses."""
        return P_ATOM

    def children(self) -> tuple[Node, ...]:
        """Direct sub-nodes, left to right."""
        return ()


def wrap(node: Node, weakest: int) -> str:
    """Render ``node``, in parentheses if it binds more loosely than ``weakest``."""
    text = node.render()
    return text if node.precedence() >= weakest else f"({text})"


def walk(root: Node) -> Iterator[Node]:
    """Yield ``root`` and all its descendants, parents first, left to right."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children()))


@dataclass(frozen=True, slots=True)
class Const(Node):
    """A literal number, text or true/false."""

    value: Value
    pos: int = 0

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Return the literal."""
        return self.value

    def render(self) -> str:
        """Render as written in the language (``true``, ``'kol'``, ``0.25``)."""
        value = self.value
        if value is True or value is False:
            return "true" if value else "false"
        if isinstance(value, str):
            return repr(value)
        return format_number(value)

    def precedence(self) -> int:
        """Negative numbers render with a leading minus, like a unary minus."""
        value = self.value
        negative = type(value) is float and math.copysign(1.0, value) < 0
        return P_UNARY if negative else P_ATOM


@dataclass(frozen=True, slots=True)
class Var(Node):
    """A bare value name, read from the environment."""

    name: str
    pos: int = 0

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Look the name up (and record what was seen)."""
        value = coerce(env.lookup(self.name), self.name, self.pos)
        if trace is not None:
            trace[self.name] = value
        return value

    def render(self) -> str:
        """The name itself."""
        return self.name


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A call of a registered function with positional arguments."""

    name: str
    args: tuple[Node, ...]
    pos: int = 0
    label: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        inner = ", ".join(arg.render() for arg in self.args)
        object.__setattr__(self, "label", f"{self.name}({inner})")

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Evaluate the arguments, then ask the environment (and record the result)."""
        args = tuple([arg.evaluate(env, trace) for arg in self.args])
        value = coerce(env.call(self.name, args), self.label, self.pos)
        if trace is not None:
            trace[self.label] = value
        return value

    def render(self) -> str:
        """``name(arg, ...)``."""
        return self.label

    def children(self) -> tuple[Node, ...]:
        """The arguments."""
        return self.args


@dataclass(frozen=True, slots=True)
class Checked(Node):
    """A computed function argument whose kind is checked when evaluated."""

    operand: Node
    function: str
    index: int
    kind: str
    allowed: frozenset[str] | None = None
    pos: int = 0

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Evaluate the argument and check it (e.g. that it is a known channel)."""
        value = self.operand.evaluate(env, trace)
        check_argument(value, self.function, self.index, self.kind, self.allowed, self.pos)
        return value

    def render(self) -> str:
        """Same text as the argument."""
        return self.operand.render()

    def precedence(self) -> int:
        """Same binding as the argument."""
        return self.operand.precedence()

    def children(self) -> tuple[Node, ...]:
        """The argument."""
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class Unary(Node):
    """``not x``, ``-x`` or ``+x``."""

    op: str
    operand: Node
    pos: int = 0

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Negate logically or numerically."""
        value = self.operand.evaluate(env, trace)
        if self.op == "not":
            return not truth(value, self.operand)
        if type(value) is not float:
            raise ExpressionError(f"{self.op!r} needs a number, got {describe(value)}", self.pos)
        return -value if self.op == "-" else value

    def render(self) -> str:
        """``not x`` or ``-x``."""
        if self.op == "not":
            return "not " + wrap(self.operand, P_NOT)
        return self.op + wrap(self.operand, P_UNARY)

    def precedence(self) -> int:
        """``not`` binds loosely, signs tightly."""
        return P_NOT if self.op == "not" else P_UNARY

    def children(self) -> tuple[Node, ...]:
        """The operand."""
        return (self.operand,)


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
}
_BINARY_PRECEDENCE = {"+": P_ADD, "-": P_ADD, "*": P_MUL, "/": P_MUL, "%": P_MUL, "**": P_POW}


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """Arithmetic on two numbers; ``op_pos`` is where the operator is written."""

    op: str
    left: Node
    right: Node
    pos: int = 0
    op_pos: int = 0

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Compute the result, refusing non-numbers, division by zero and overflow."""
        a = self.left.evaluate(env, trace)
        b = self.right.evaluate(env, trace)
        if type(a) is not float or type(b) is not float:
            bad = b if type(a) is float else a
            raise ExpressionError(f"{self.op!r} needs numbers, got {describe(bad)}", self.op_pos)
        if self.op == "**":
            return power(a, b, self)
        try:
            result = _ARITHMETIC[self.op](a, b)
        except ZeroDivisionError:
            raise ExpressionError(f"division by zero in {quote(self.render())}",
                                  self.op_pos) from None
        if not math.isfinite(result) and math.isfinite(a) and math.isfinite(b):
            raise self.too_large()
        return result

    def too_large(self) -> ExpressionError:
        """The error for a result beyond the range of numbers."""
        return ExpressionError(f"the result of {quote(self.render())} is too large", self.op_pos)

    def render(self) -> str:
        """``left op right`` with the parentheses the precedence needs."""
        strength = _BINARY_PRECEDENCE[self.op]
        if self.op == "**":
            left, right = wrap(self.left, strength + 1), wrap(self.right, P_UNARY)
        else:
            left, right = wrap(self.left, strength), wrap(self.right, strength + 1)
        return f"{left} {self.op} {right}"

    def precedence(self) -> int:
        """As in Python: ``**`` over ``* / %`` over ``+ -``."""
        return _BINARY_PRECEDENCE[self.op]

    def children(self) -> tuple[Node, ...]:
        """Both operands."""
        return (self.left, self.right)


def power(base: float, exponent: float, node: Binary) -> float:
    """``base ** exponent`` with a bounded exponent and no overflow or complex results."""
    if abs(exponent) > MAX_EXPONENT:
        raise ExpressionError(
            f"exponent {format_number(exponent)} is too large in {quote(node.render())}",
            node.op_pos, expected=f"an exponent between -{MAX_EXPONENT:g} and {MAX_EXPONENT:g}")
    try:
        result = math.pow(base, exponent)
    except OverflowError:
        raise node.too_large() from None
    except ValueError:
        if base == 0:
            raise ExpressionError(f"division by zero in {quote(node.render())}",
                                  node.op_pos) from None
        raise ExpressionError(f"{quote(node.render())} has no value: a negative number "
                              "cannot be raised to a fractional power", node.op_pos) from None
    if not math.isfinite(result) and math.isfinite(base) and math.isfinite(exponent):
        raise node.too_large()
    return result


@dataclass(frozen=True, slots=True)
class BoolOp(Node):
    """``a and b and ...`` or ``a or b or ...``, stopping early."""

    op: str
    values: tuple[Node, ...]
    pos: int = 0

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Evaluate left to right only as far as needed; the result is a bool."""
        if self.op == "and":
            return all(truth(node.evaluate(env, trace), node) for node in self.values)
        return any(truth(node.evaluate(env, trace), node) for node in self.values)

    def render(self) -> str:
        """Operands joined by the keyword."""
        strength = self.precedence()
        return f" {self.op} ".join(wrap(node, strength + 1) for node in self.values)

    def precedence(self) -> int:
        """``and`` binds tighter than ``or``."""
        return P_AND if self.op == "and" else P_OR

    def children(self) -> tuple[Node, ...]:
        """The operands."""
        return self.values


_ORDERING: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compare(op: str, a: Value, b: Value, position: int) -> bool:
    """Apply one comparison operator under the language's typing rules."""
    if type(a) is float and type(b) is float:
        if op == "==" or op == "!=":
            same = a == b or math.isclose(a, b, rel_tol=EQUAL_REL_TOL, abs_tol=EQUAL_ABS_TOL)
            return same if op == "==" else not same
        return _ORDERING[op](a, b)
    if type(a) is not type(b):
        raise ExpressionError(f"cannot compare {describe(a)} with {describe(b)}", position)
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    raise ExpressionError(f"{op!r} only compares numbers, got {describe(a)} and "
                          f"{describe(b)}", position, expected="== or != for these")


@dataclass(frozen=True, slots=True)
class Compare(Node):
    """A comparison, possibly chained: ``a < b <= c`` means ``a < b and b <= c``."""

    first: Node
    ops: tuple[str, ...]
    rest: tuple[Node, ...]
    pos: int = 0
    op_positions: tuple[int, ...] = ()

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Compare pairwise left to right, stopping at the first false link."""
        left = self.first.evaluate(env, trace)
        positions = self.op_positions or (self.pos,) * len(self.ops)
        for op, node, position in zip(self.ops, self.rest, positions, strict=True):
            right = node.evaluate(env, trace)
            if not compare(op, left, right, position):
                return False
            left = right
        return True

    def render(self) -> str:
        """Operands and operators in order."""
        parts = [wrap(self.first, P_CMP + 1)]
        for op, node in zip(self.ops, self.rest, strict=True):
            parts += [op, wrap(node, P_CMP + 1)]
        return " ".join(parts)

    def precedence(self) -> int:
        """Comparisons bind between ``not`` and arithmetic."""
        return P_CMP

    def children(self) -> tuple[Node, ...]:
        """All operands."""
        return (self.first, *self.rest)


@dataclass(frozen=True, slots=True)
class IfElse(Node):
    """``body if test else orelse``."""

    test: Node
    body: Node
    orelse: Node
    pos: int = 0

    def evaluate(self, env: Environment, trace: Trace | None) -> Value:
        """Evaluate the test, then only the chosen branch."""
        chosen = self.body if truth(self.test.evaluate(env, trace), self.test) else self.orelse
        return chosen.evaluate(env, trace)

    def render(self) -> str:
        """``a if test else b``."""
        return (f"{wrap(self.body, P_IF + 1)} if {wrap(self.test, P_IF + 1)} "
                f"else {wrap(self.orelse, P_IF)}")

    def precedence(self) -> int:
        """The loosest construct."""
        return P_IF

    def children(self) -> tuple[Node, ...]:
        """Test first, then the branches (in evaluation order of the test)."""
        return (self.test, self.body, self.orelse)
