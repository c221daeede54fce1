"""Compiled expressions in postfix form, for evaluation in compiled code over many rows.

A checked :class:`~mktsim.expr.Expression` is the one source of truth; this module turns
its tree into a flat program of opcodes (`Program`) that `expr.postfix_kernel` evaluates
for many rows at once (e.g. every replication of a batch at one review), each row reading
its own vector of *leaves*: the values of the expression's function calls with literal
arguments (``roi('kol')``) and of its bare names (``day``), computed beforehand.

What compiles: numbers and true/false literals, leaves, ``+ - * / % **``, unary ``-``,
``+`` and ``not``, comparisons (chains too, when the operands after the first link cannot
fail), ``and``/``or`` (stopping early, as in the tree) and ``a if c else b``; every node
must have a type known before the run (number or true/false: the caller says what each
function gives). What does not (the caller then evaluates the tree, `Expression.evaluate`):
text values, a function argument that is computed (``roi(best_channel('roi'))``), a
function whose value may be text or of either type, and anything the tree would refuse
whatever the values (``on_track('x') + 1``). `compile_postfix` returns None for those.

Values are float64 in the program (true/false as 1.0/0.0); a row whose evaluation would
raise in the tree (division by zero, a result too large, a bad power) gets a non-zero
status, and the caller evaluates that row with the tree to get the located error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from mktsim.expr.nodes import (
    Binary,
    BoolOp,
    Call,
    Compare,
    Const,
    IfElse,
    Node,
    Unary,
    Var,
    walk,
)

# Opcodes (`postfix_kernel` implements them; the argument is in the second column).
PUSH, LOAD, NEG, NOT, TRUTH = 0, 1, 2, 3, 4
ADD, SUB, MUL, DIV, MOD, POW = 5, 6, 7, 8, 9, 10
LT, LE, GT, GE, EQ, NE, IS, ISNOT = 11, 12, 13, 14, 15, 16, 17, 18
JUMP_IF_FALSE_OR_POP, JUMP_IF_TRUE_OR_POP, POP_JUMP_IF_FALSE, JUMP = 19, 20, 21, 22
AND_LINK = 23  # pops a link's result r and the chain so far c, pushes c and r

NUMBER_KIND, BOOL_KIND = "number", "bool"

_ARITHMETIC = {"+": ADD, "-": SUB, "*": MUL, "/": DIV, "%": MOD, "**": POW}
_ORDER = {"<": LT, "<=": LE, ">": GT, ">=": GE}

#: What a function gives: "number", "bool", or None (text, or not known: not compiled).
KindOf = Callable[[str], str | None]


class NotCompiled(Exception):
    """A node the postfix form does not support (the tree evaluates the expression)."""


@dataclass(frozen=True, eq=False)
class Program:
    """An expression as postfix code.

    Attributes:
        code: [n, 2] int64 rows of (opcode, argument): a constant's or a leaf's index, a
            jump's target.
        constants: the literal numbers, float64.
        leaves: the canonical text of each leaf (``roi('kol')``, ``day``): row q of the
            leaf matrix holds its value; each leaf is a `Call` with literal arguments or a
            `Var`, in `nodes`.
        kind: "number" or "bool", the type of the value.
        depth: the most values on the stack at once.
    """

    code: np.ndarray
    constants: np.ndarray
    leaves: tuple[str, ...]
    nodes: tuple[Node, ...] = field(repr=False)
    kind: str
    depth: int


def compile_postfix(root: Node, kind_of: KindOf) -> Program | None:
    """The postfix program of a checked tree, or None when a part of it is not supported
    (see the module docstring); `kind_of(function)` says what each function gives."""
    builder = _Builder(kind_of)
    try:
        kind = builder.emit(root)
    except NotCompiled:
        return None
    code = np.array(builder.code, dtype=np.int64).reshape(-1, 2)
    return Program(code, np.array(builder.constants, dtype=np.float64),
                   tuple(builder.leaves), tuple(builder.leaf_nodes), kind,
                   max(_depth(code), 1))


def leaf_kinds(program: Program, kind_of: KindOf) -> tuple[str, ...]:
    """The kind of each leaf ("number" or "bool"), in leaf order."""
    return tuple(_leaf_kind(node, kind_of) for node in program.nodes)


def _leaf_kind(node: Node, kind_of: KindOf) -> str:
    if isinstance(node, Var):
        return NUMBER_KIND
    assert isinstance(node, Call)
    kind = kind_of(node.name)
    if kind not in (NUMBER_KIND, BOOL_KIND):
        raise NotCompiled(node.name)
    return kind


class _Builder:
    """Emits postfix code for one tree."""

    def __init__(self, kind_of: KindOf) -> None:
        self.kind_of = kind_of
        self.code: list[int] = []
        self.constants: list[float] = []
        self.leaves: list[str] = []
        self.leaf_nodes: list[Node] = []

    def op(self, opcode: int, argument: int = 0) -> int:
        """Append one instruction; return its position."""
        self.code += [opcode, argument]
        return len(self.code) // 2 - 1

    def patch(self, at: int) -> None:
        """Make the jump at `at` land on the next instruction."""
        self.code[2 * at + 1] = len(self.code) // 2

    def emit(self, node: Node) -> str:
        """Emit `node`'s code; return its kind."""
        emitter: Mapping[type, Callable[[Node], str]] = {
            Const: self._const, Var: self._leaf, Call: self._leaf, Unary: self._unary,
            Binary: self._binary, BoolOp: self._boolop, Compare: self._compare,
            IfElse: self._ifelse}
        method = emitter.get(type(node))
        if method is None:  # Checked (a computed argument) and anything new
            raise NotCompiled(type(node).__name__)
        return method(node)

    def number(self, node: Node) -> None:
        """Emit a node that must be a number."""
        if self.emit(node) != NUMBER_KIND:
            raise NotCompiled("a number is needed")

    def _const(self, node: Node) -> str:
        assert isinstance(node, Const)
        value = node.value
        if isinstance(value, str):
            raise NotCompiled("text")
        self.constants.append(float(value))
        self.op(PUSH, len(self.constants) - 1)
        return BOOL_KIND if isinstance(value, bool) else NUMBER_KIND

    def _leaf(self, node: Node) -> str:
        if isinstance(node, Call) and not all(isinstance(a, Const) for a in node.args):
            raise NotCompiled("a computed argument")
        kind = _leaf_kind(node, self.kind_of)
        text = node.render()
        if text not in self.leaves:
            self.leaves.append(text)
            self.leaf_nodes.append(node)
        self.op(LOAD, self.leaves.index(text))
        return kind

    def _unary(self, node: Node) -> str:
        assert isinstance(node, Unary)
        if node.op == "not":
            self.emit(node.operand)
            self.op(NOT)
            return BOOL_KIND
        self.number(node.operand)
        if node.op == "-":
            self.op(NEG)
        return NUMBER_KIND

    def _binary(self, node: Node) -> str:
        assert isinstance(node, Binary)
        self.number(node.left)
        self.number(node.right)
        self.op(_ARITHMETIC[node.op])
        return NUMBER_KIND

    def _boolop(self, node: Node) -> str:
        assert isinstance(node, BoolOp)
        jump = JUMP_IF_FALSE_OR_POP if node.op == "and" else JUMP_IF_TRUE_OR_POP
        jumps = []
        for i, operand in enumerate(node.values):
            self.emit(operand)
            self.op(TRUTH)
            if i < len(node.values) - 1:
                jumps.append(self.op(jump))
        for at in jumps:
            self.patch(at)
        return BOOL_KIND

    def _compare(self, node: Node) -> str:
        assert isinstance(node, Compare)
        if any(isinstance(n, Binary) for part in node.rest[1:] for n in walk(part)):
            raise NotCompiled("a chained comparison whose later operand may fail")
        left = self.emit(node.first)
        for i, (op, operand) in enumerate(zip(node.ops, node.rest, strict=True)):
            if i:  # the chain's previous right operand again (leaves only: no side effects)
                left = self.emit(node.rest[i - 1])
            right = self.emit(operand)
            self.op(_comparison(op, left, right))
            if i:
                self.op(AND_LINK)
        return BOOL_KIND

    def _ifelse(self, node: Node) -> str:
        assert isinstance(node, IfElse)
        self.emit(node.test)
        self.op(TRUTH)
        otherwise = self.op(POP_JUMP_IF_FALSE)
        body = self.emit(node.body)
        end = self.op(JUMP)
        self.patch(otherwise)
        orelse = self.emit(node.orelse)
        self.patch(end)
        if body != orelse:
            raise NotCompiled("branches of different types")
        return body


def _comparison(op: str, left: str, right: str) -> int:
    """The opcode comparing values of kinds `left` and `right` as the tree does."""
    if left != right:
        raise NotCompiled("comparing a number with true/false")
    if left == NUMBER_KIND:
        return _ORDER.get(op) or (EQ if op == "==" else NE)
    if op not in ("==", "!="):
        raise NotCompiled("ordering true/false")
    return IS if op == "==" else ISNOT


_STACK_EFFECT = {PUSH: 1, LOAD: 1, NEG: 0, NOT: 0, TRUTH: 0, AND_LINK: -1,
                 JUMP_IF_FALSE_OR_POP: -1, JUMP_IF_TRUE_OR_POP: -1, POP_JUMP_IF_FALSE: -1,
                 JUMP: 0}


def _depth(code: np.ndarray) -> int:
    """An upper bound of the stack's height (each instruction's effect, straight through;
    a jump never raises the height above the straight path's)."""
    height = best = 0
    for opcode in code[:, 0]:
        height += _STACK_EFFECT.get(int(opcode), -1)
        best = max(best, height)
    return best + 1
