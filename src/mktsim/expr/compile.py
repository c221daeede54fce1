"""Second pass: parse with ``ast``, enforce size limits, build checked nodes.

Only the node types listed in ``_Builder.HANDLERS`` are accepted; anything else
Python's grammar can express is refused with a message naming the construct.
Sub-expressions made only of literals are computed once here ("folded"), so
mistakes such as ``1/0`` or ``9**9**9`` are reported at load time.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from typing import Any, ClassVar

from mktsim.expr.errors import ExpressionError, did_you_mean, one_of, quote
from mktsim.expr.lex import MAX_NESTING, Prepared, prepare
from mktsim.expr.nodes import (
    Binary,
    BoolOp,
    Call,
    Checked,
    Compare,
    Const,
    IfElse,
    Node,
    Unary,
    Value,
    Var,
    check_argument,
    describe,
    power,
    truth,
)
from mktsim.expr.vocab import ANY, Vocabulary

#: Deepest accepted nesting of the parsed tree.
MAX_DEPTH = MAX_NESTING
#: Most parts (numbers, names, operators, calls ...) in one expression.
MAX_NODES = 500
#: Largest number that may be written literally.
MAX_LITERAL = 1e15

_LITERAL_WORDS = {"true": True, "false": False}
_SKIPPED = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)

_BOOL_OPS = {ast.And: "and", ast.Or: "or"}
_UNARY_OPS = {ast.Not: "not", ast.USub: "-", ast.UAdd: "+"}
_BINARY_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%",
               ast.Pow: "**"}
_COMPARE_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
                ast.NotEq: "!="}
_ORDERING = frozenset({"<", "<=", ">", ">="})

_REFUSED_OPERATORS: dict[type, tuple[str, str | None]] = {
    ast.FloorDiv: ("//", "'/'"),
    ast.BitAnd: ("&", "'and'"),
    ast.BitOr: ("|", "'or'"),
    ast.BitXor: ("^", "'**' for powers"),
    ast.LShift: ("<<", None),
    ast.RShift: (">>", None),
    ast.MatMult: ("@", None),
    ast.Invert: ("~", "'not'"),
    ast.In: ("in", None),
    ast.NotIn: ("not in", None),
    ast.Is: ("is", "'=='"),
    ast.IsNot: ("is not", "'!='"),
}

_REFUSED_NODES = {
    "Attribute": "attribute access with '.' is not allowed",
    "Subscript": "indexing with '[...]' is not allowed",
    "Slice": "indexing with '[...]' is not allowed",
    "Lambda": "lambda functions are not allowed",
    "ListComp": "comprehensions ('for ... in ...') are not allowed",
    "SetComp": "comprehensions ('for ... in ...') are not allowed",
    "DictComp": "comprehensions ('for ... in ...') are not allowed",
    "GeneratorExp": "comprehensions ('for ... in ...') are not allowed",
    "Starred": "'*' unpacking is not allowed",
    "JoinedStr": "f-strings are not allowed",
    "FormattedValue": "f-strings are not allowed",
    "NamedExpr": "assignment with ':=' is not allowed",
    "Await": "'await' is not allowed",
    "Yield": "'yield' is not allowed",
    "YieldFrom": "'yield' is not allowed",
    "List": "lists, tuples, sets and dictionaries are not allowed",
    "Tuple": "lists, tuples, sets and dictionaries are not allowed",
    "Set": "lists, tuples, sets and dictionaries are not allowed",
    "Dict": "lists, tuples, sets and dictionaries are not allowed",
}

_SYNTAX_REWORDING = (
    (re.compile(r"Maybe you meant '==' or ':=' instead of '='\?"), "use '==' to compare"),
    (re.compile(r"\s*\(detected at line \d+\)"), ""),
)


def build_tree(text: object, vocabulary: Vocabulary) -> Node:
    """Check ``text`` against ``vocabulary`` and return its compiled tree.

    Raises:
        ExpressionError: for anything outside the language or its limits.
    """
    prepared = prepare(text)
    body = _parse(prepared)
    _check_size(body, prepared)
    return _Builder(prepared, vocabulary).build(body)


def _parse(prepared: Prepared) -> ast.expr:
    """Run Python's parser on the prepared text, turning its failures into ours."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(prepared.source, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(exc, prepared) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("expression is too complex to read") from None
    except ValueError as exc:
        raise ExpressionError(f"cannot read the expression: {exc}") from None
    return tree.body


def _syntax_error(exc: SyntaxError, prepared: Prepared) -> ExpressionError:
    """Word a parser error, located in the original text."""
    message = exc.msg or "invalid syntax"
    for pattern, replacement in _SYNTAX_REWORDING:
        message = pattern.sub(replacement, message)
    index = exc.offset - 1 if exc.offset else len(prepared.source)  # 0: at the very end
    position = prepared.from_source(index)
    return ExpressionError(f"syntax error: {message}", position)


def _check_size(body: ast.expr, prepared: Prepared) -> None:
    """Refuse trees deeper than MAX_DEPTH or bigger than MAX_NODES, without recursion."""
    stack: list[tuple[ast.AST, int]] = [(body, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ExpressionError("expression has too many parts",
                                  expected=f"at most {MAX_NODES}")
        if depth > MAX_DEPTH:
            column = getattr(node, "col_offset", None)
            where = None if column is None else prepared.from_column(column)
            raise ExpressionError("expression is nested too deeply", where,
                                  expected=f"at most {MAX_DEPTH} levels")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node)
                     if not isinstance(child, _SKIPPED))


def _refused_operator(op: ast.AST) -> tuple[str, str | None]:
    """Message and hint for an operator outside the language."""
    symbol, hint = _REFUSED_OPERATORS.get(type(op), (type(op).__name__, None))
    return f"operator {symbol!r} is not allowed", None if hint is None else f"{hint} instead"


def _literal_only(node: Node) -> bool:
    """The node is an operator that computes from literals only (no calls, no names, at
    any depth)."""
    if not isinstance(node, Unary | Binary | BoolOp | Compare | IfElse):
        return False
    return all(isinstance(c, Const) or _literal_only(c) for c in node.children())


class _NoEnvironment:
    """Stands in for the simulation while folding literals (never consulted)."""

    def call(self, name: str, args: tuple[Value, ...]) -> Value:
        """Never called: folded sub-trees contain no calls."""
        raise AssertionError("folded expression made a call")

    def lookup(self, name: str) -> Value:
        """Never called: folded sub-trees contain no names."""
        raise AssertionError("folded expression looked up a name")


_NO_ENVIRONMENT = _NoEnvironment()


class _Builder:
    """Turns an ``ast`` tree into nodes, checking each construct and name."""

    def __init__(self, prepared: Prepared, vocabulary: Vocabulary) -> None:
        self.prepared = prepared
        self.vocabulary = vocabulary

    # ----------------------------------------------------------- helpers

    def at(self, node: ast.AST) -> int:
        """Index in the original text where ``node`` starts."""
        return self.prepared.from_column(getattr(node, "col_offset", 0))

    def end(self, node: ast.AST) -> int:
        """Index in the original text just after ``node``."""
        end = getattr(node, "end_col_offset", None)
        return self.at(node) if end is None else self.prepared.from_column(end)

    def operator_at(self, symbol: str, before: ast.AST, after: ast.AST) -> int:
        """Where ``symbol`` is written between two operands (their start if not found)."""
        start, stop = self.end(before), self.at(after)
        found = self.prepared.text.find(symbol, start, stop)
        return found if found >= 0 else self.at(before)

    def build(self, node: ast.AST) -> Node:
        """Build any accepted node; refuse everything else."""
        handler = self.HANDLERS.get(type(node))
        if handler is None:
            name = type(node).__name__
            message = _REFUSED_NODES.get(name, f"{name} is not allowed in an expression")
            raise ExpressionError(message, self.at(node))
        return handler(self, node)

    @staticmethod
    def fold(node: Node) -> Node:
        """Replace a node whose operands are all literals by its value (kept as it is when
        the value would be a number larger than a literal may be, so that the canonical
        text of an expression always compiles again)."""
        if _literal_only(node):
            value = node.evaluate(_NO_ENVIRONMENT, None)  # errors show at load time
            if isinstance(value, float) and not abs(value) <= MAX_LITERAL:
                return node
            return Const(value, node.pos)
        return node

    # ---------------------------------------------------------- literals

    def constant(self, node: ast.Constant) -> Node:
        """Numbers, text and True/False; numbers become floats of bounded size."""
        value, pos = node.value, self.at(node)
        if isinstance(value, bool | str):
            return Const(value, pos)
        if isinstance(value, int | float):
            return Const(self.number(value, pos), pos)
        if isinstance(value, complex) and pos in self.prepared.percents and not value.real:
            return Const(self.number(value.imag, pos) / 100.0, pos)
        if isinstance(value, complex):
            raise ExpressionError("complex numbers are not allowed", pos)
        if isinstance(value, bytes):
            raise ExpressionError("bytes literals (b'...') are not allowed", pos)
        if value is None:
            raise ExpressionError("'None' is not allowed", pos, expected="a number, text, "
                                  "true or false")
        if value is Ellipsis:
            raise ExpressionError("'...' is not allowed", pos)
        raise ExpressionError(f"the literal {quote(repr(value))} is not allowed", pos)

    @staticmethod
    def number(value: float, pos: int) -> float:
        """Check a written number's size and return it as a float."""
        if not abs(value) <= MAX_LITERAL:
            raise ExpressionError("number is too large", pos,
                                  expected=f"at most {MAX_LITERAL:,.0f} in size")
        return float(value)

    # ------------------------------------------------------------- names

    def name(self, node: ast.Name) -> Node:
        """A bare name: true/false, or a value from the vocabulary."""
        ident, pos, vocabulary = node.id, self.at(node), self.vocabulary
        if ident.startswith("__"):
            raise ExpressionError(f"names starting with '__' are not allowed ({ident!r})", pos)
        if ident in _LITERAL_WORDS:
            return Const(_LITERAL_WORDS[ident], pos)
        if ident in vocabulary.names:
            return Var(ident, pos)
        spec = vocabulary.functions.get(ident)
        if spec is not None:
            raise ExpressionError(f"{ident!r} is a function: call it with parentheses", pos,
                                  expected=spec.signature())
        for kind, symbols in sorted(vocabulary.symbols.items()):
            if ident in symbols:
                raise ExpressionError(f"unknown name {ident!r}; to mean the {kind} "
                                      f"{ident!r}, put it in quotes", pos, expected=repr(ident))
        known = vocabulary.names | _LITERAL_WORDS.keys()
        raise ExpressionError(f"unknown name {ident!r}"
                              f"{did_you_mean(ident, known | vocabulary.functions.keys())}",
                              pos, expected=one_of(known))

    def call(self, node: ast.Call) -> Node:
        """A call of a known function with the right number and kinds of arguments."""
        pos = self.at(node)
        if not isinstance(node.func, ast.Name):
            if type(node.func).__name__ in _REFUSED_NODES:
                self.build(node.func)
            raise ExpressionError("only the listed functions can be called, as in "
                                  "roi('kol')", pos)
        name = node.func.id
        if name.startswith("__"):
            raise ExpressionError(f"names starting with '__' are not allowed ({name!r})", pos)
        spec = self.vocabulary.functions.get(name)
        if spec is None:
            raise self.unknown_function(name, pos)
        for keyword in node.keywords:
            message = ("keyword arguments (name=value) are not allowed" if keyword.arg
                       else "'**' unpacking is not allowed")
            raise ExpressionError(message, self.at(keyword), expected=spec.signature())
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise ExpressionError(_REFUSED_NODES["Starred"], self.at(arg))
        if not spec.min_args <= len(node.args) <= spec.max_args:
            raise ExpressionError(f"{name}() takes {spec.arity_text()}, got {len(node.args)}",
                                  pos, expected=spec.signature())
        args = tuple(self.argument(name, index, arg) for index, arg in enumerate(node.args))
        return Call(name, args, pos)

    def unknown_function(self, name: str, pos: int) -> ExpressionError:
        """The error for a call of a function the vocabulary does not have."""
        functions = self.vocabulary.functions
        if name in self.vocabulary.names:
            return ExpressionError(f"{name!r} is a value, not a function: remove the "
                                   "parentheses", pos)
        return ExpressionError(f"unknown function {name!r}{did_you_mean(name, functions)}",
                               pos, expected=one_of(functions) or "no function (none exists)")

    def argument(self, function: str, index: int, node: ast.expr) -> Node:
        """Build one argument, checking literal ones against their kind now."""
        built = self.build(node)
        kind = self.vocabulary.functions[function].kind(index)
        if kind is None or kind == ANY:
            return built
        allowed = self.vocabulary.allowed(kind)
        if isinstance(built, Const):
            check_argument(built.value, function, index, kind, allowed, built.pos)
            return built
        return Checked(built, function, index, kind, allowed, built.pos)

    # --------------------------------------------------------- operators

    def bool_op(self, node: ast.BoolOp) -> Node:
        """``and`` / ``or`` over two or more operands."""
        values = tuple(self.build(value) for value in node.values)
        return self.fold(BoolOp(_BOOL_OPS[type(node.op)], values, self.at(node)))

    def unary_op(self, node: ast.UnaryOp) -> Node:
        """``not``, unary minus and plus."""
        op = _UNARY_OPS.get(type(node.op))
        if op is None:
            message, hint = _refused_operator(node.op)
            raise ExpressionError(message, self.at(node), expected=hint)
        operand = self.build(node.operand)
        if op != "not":
            self.require_number(op, operand)
        return self.fold(Unary(op, operand, self.at(node)))

    def bin_op(self, node: ast.BinOp) -> Node:
        """Arithmetic; literal operands are type-checked and folded now."""
        op = _BINARY_OPS.get(type(node.op))
        if op is None:
            message, hint = _refused_operator(node.op)
            symbol = _REFUSED_OPERATORS.get(type(node.op), ("", None))[0]
            position = self.operator_at(symbol, node.left, node.right) if symbol else None
            raise ExpressionError(message, position, expected=hint)
        left, right = self.build(node.left), self.build(node.right)
        op_pos = self.operator_at(op, node.left, node.right)
        self.require_number(op, left, op_pos)
        self.require_number(op, right, op_pos)
        built = Binary(op, left, right, self.at(node), op_pos)
        if op == "**" and isinstance(right, Const) and isinstance(right.value, float):
            power(1.0, right.value, built)
        return self.fold(built)

    @staticmethod
    def require_number(op: str, operand: Node, position: int | None = None) -> None:
        """Refuse a literal that is not a number as an arithmetic operand."""
        if isinstance(operand, Const) and type(operand.value) is not float:
            raise ExpressionError(f"{op!r} needs numbers, got {describe(operand.value)}",
                                  operand.pos if position is None else position)

    def compare(self, node: ast.Compare) -> Node:
        """Comparisons, possibly chained."""
        ops: list[str] = []
        positions: list[int] = []
        operands = [node.left, *node.comparators]
        for index, op_node in enumerate(node.ops):
            op = _COMPARE_OPS.get(type(op_node))
            symbol = op or _REFUSED_OPERATORS.get(type(op_node), ("", None))[0]
            word = (symbol.split() or [""])[0]
            at = self.operator_at(word, operands[index], operands[index + 1])
            if op is None:
                message, hint = _refused_operator(op_node)
                raise ExpressionError(message, at, expected=hint)
            ops.append(op)
            positions.append(at)
        first, *rest = (self.build(operand) for operand in operands)
        lefts = [first, *rest][:-1]
        for op, position, left, right in zip(ops, positions, lefts, rest, strict=True):
            self.require_orderable(op, position, left, right)
        built = Compare(first, tuple(ops), tuple(rest), self.at(node), tuple(positions))
        return self.fold(built)

    @staticmethod
    def require_orderable(op: str, position: int, left: Node, right: Node) -> None:
        """Refuse ``<``-style comparisons with a literal that is not a number."""
        if op not in _ORDERING:
            return
        for side in (left, right):
            if isinstance(side, Const) and type(side.value) is not float:
                raise ExpressionError(f"{op!r} only compares numbers, got "
                                      f"{describe(side.value)}", position)

    def if_exp(self, node: ast.IfExp) -> Node:
        """``a if condition else b``."""
        test = self.build(node.test)
        body, orelse = self.build(node.body), self.build(node.orelse)
        if isinstance(test, Const):
            return body if truth(test.value, test) else orelse
        return IfElse(test, body, orelse, self.at(node))

    HANDLERS: ClassVar[dict[type, Callable[[_Builder, Any], Node]]] = {
        ast.Constant: constant,
        ast.Name: name,
        ast.Call: call,
        ast.BoolOp: bool_op,
        ast.UnaryOp: unary_op,
        ast.BinOp: bin_op,
        ast.Compare: compare,
        ast.IfExp: if_exp,
    }
