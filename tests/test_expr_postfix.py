"""The postfix form of expressions (`expr.postfix`) evaluated in compiled code for many
rows at once gives, row by row, what the tree gives: the same value, the same truth, and
an error status exactly where the tree raises."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktsim.expr import (
    ExpressionError,
    FunctionSpec,
    SimpleEnvironment,
    Vocabulary,
    compile_expression,
    is_true,
)
from mktsim.expr.postfix import compile_postfix, leaf_kinds
from mktsim.expr.postfix_kernel import OK, evaluate_rows

VOCAB = Vocabulary(
    functions={
        "roi": FunctionSpec("roi", 1, 1, ("channel",), "a number"),
        "budget_left": FunctionSpec("budget_left", 0, 0, (), "a number"),
        "on_track": FunctionSpec("on_track", 1, 1, ("target",), "true/false"),
        "best": FunctionSpec("best", 0, 0, (), "text"),
    },
    names=frozenset({"day", "x"}),
    symbols={"channel": frozenset({"kol", "social"}), "target": frozenset({"up", "down"})},
)
KINDS = {"roi": "number", "budget_left": "number", "on_track": "bool", "best": None}

NUMBER_LEAVES = ("roi('kol')", "roi('social')", "budget_left()", "day", "x")
BOOL_LEAVES = ("on_track('up')", "on_track('down')")
SPECIAL = (0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 1e-12, 1e308, -1e308, 1e-308, math.inf,
           -math.inf, math.nan, 100.0, 101.0, -3.0)
numbers = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True),
                    st.floats(-1e3, 1e3))


def _literal(value: float) -> str:
    return repr(abs(value)) if math.isfinite(value) else "1e400"


number_atoms = st.one_of(st.sampled_from(NUMBER_LEAVES),
                         st.sampled_from((0.0, 1.0, 2.0, 0.5, 3.0, 100.0, 1e300)).map(_literal))
bool_atoms = st.sampled_from((*BOOL_LEAVES, "true", "false"))


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        st.builds(lambda ab, op: f"({ab[0]} {op} {ab[1]})", pair,
                  st.sampled_from(("+", "-", "*", "/", "%", "**", "<", "<=", ">", ">=", "==",
                                   "!=", "and", "or"))),
        st.builds(lambda a, op: f"({op}{a})", children, st.sampled_from(("-", "+", "not "))),
        st.builds(lambda abc: f"({abc[0]} if {abc[1]} else {abc[2]})",
                  st.tuples(children, children, children)),
        st.builds(lambda abc, ops: f"({abc[0]} {ops[0]} {abc[1]} {ops[1]} {abc[2]})",
                  st.tuples(children, children, children),
                  st.tuples(st.sampled_from(("<", "<=", "==")), st.sampled_from(("<", "!=")))),
    )


texts = st.recursive(st.one_of(number_atoms, bool_atoms), _combine, max_leaves=8)


def _environment(values: dict[str, float | bool]) -> SimpleEnvironment:
    return SimpleEnvironment(
        functions={"roi": lambda c: values[f"roi('{c}')"],
                   "budget_left": lambda: values["budget_left()"],
                   "on_track": lambda t: values[f"on_track('{t}')"],
                   "best": lambda: "kol"},
        values={"day": values["day"], "x": values["x"]})


def _tree(expression, values):
    """('ok', value) or ('error', None) from the tree."""
    try:
        return "ok", expression.evaluate(_environment(values))
    except ExpressionError:
        return "error", None


def _same(a: float | bool, b: float) -> bool:
    if isinstance(a, bool):
        return float(a) == b
    return (math.isnan(a) and math.isnan(b)) or a == b


@settings(max_examples=400, deadline=None)
@given(texts, st.lists(st.tuples(*(numbers for _ in NUMBER_LEAVES),
                                 *(st.booleans() for _ in BOOL_LEAVES)),
                       min_size=1, max_size=6))
def test_compiled_rows_equal_the_tree(text, rows):
    try:
        expression = compile_expression(text, VOCAB)
    except ExpressionError:
        return  # refused by the checker (e.g. too deep): nothing to compile
    program = compile_postfix(expression.root, KINDS.get)
    if program is None:
        return  # the tree evaluates it (ill-typed: the tree raises whatever the values)
    assert set(leaf_kinds(program, KINDS.get)) <= {"number", "bool"}
    names = (*NUMBER_LEAVES, *BOOL_LEAVES)
    table = [dict(zip(names, row, strict=True)) for row in rows]
    leaves = np.array([[float(v[leaf]) for leaf in program.leaves] for v in table],
                      dtype=np.float64).reshape(len(table), len(program.leaves))
    values, status, jumped = evaluate_rows(program, leaves)
    for r, row_values in enumerate(table):
        outcome, value = _tree(expression, row_values)
        assert (status[r] != OK) == (outcome == "error"), (text, row_values, status[r])
        if outcome == "ok" and not jumped[r]:  # the tree read every leaf, in leaf order
            seen = expression.evaluate_with_trace(_environment(row_values))[1]
            assert list(seen) == list(program.leaves)
        if outcome == "ok":
            assert _same(value, values[r]), (text, row_values, value, values[r])
            assert is_true(value) == is_true(values[r] if program.kind == "number"
                                             else bool(values[r]))
            assert program.kind == ("bool" if isinstance(value, bool) else "number")


@pytest.mark.parametrize("text", [
    "best() == 'kol'",                      # text
    "roi(best())",                          # a computed argument
    "on_track('up') + 1",                   # refused by the tree whatever the values
    "1 if on_track('up') else false",       # branches of different types
    "x < 1 < 2 / x",                        # a chain whose later operand may fail
])
def test_what_is_left_to_the_tree(text):
    assert compile_postfix(compile_expression(text, VOCAB).root, KINDS.get) is None


def test_rows_not_selected_are_left_alone_and_leaves_are_shared():
    program = compile_postfix(
        compile_expression("roi('kol') / x > 1 and roi('kol') < 5", VOCAB).root, KINDS.get)
    assert program is not None and program.leaves == ("roi('kol')", "x")
    leaves = np.array([[4.0, 2.0], [4.0, 0.0], [9.0, 1.0]])
    values, status, _ = evaluate_rows(program, leaves, np.array([True, True, False]))
    assert values[0] == 1.0 and status[0] == OK
    assert status[1] != OK                  # division by zero, as the tree says
    assert math.isnan(values[2]) and status[2] == OK


def test_short_circuit_keeps_errors_out():
    program = compile_postfix(compile_expression("x != 0 and 1 / x > 2", VOCAB).root,
                              KINDS.get)
    values, status, jumped = evaluate_rows(program, np.array([[0.0], [0.25]]))
    assert list(status) == [OK, OK] and list(values) == [0.0, 1.0]
    assert list(jumped) == [True, False]
