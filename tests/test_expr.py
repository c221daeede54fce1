"""Behaviour of the rule expression language (mktsim.expr)."""

from __future__ import annotations

import math
import operator
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mktsim.expr import (
    Computed,
    Environment,
    Expression,
    ExpressionError,
    FunctionSpec,
    SimpleEnvironment,
    Vocabulary,
    compile_expression,
    describe_functions,
    evaluate_with_trace,
)
from mktsim.expr.nodes import Node, walk

VOCAB = Vocabulary(
    functions={
        "roi": FunctionSpec("roi", 1, 1, ("channel",), "return on spend of a channel"),
        "cac": FunctionSpec("cac", 1, 1, ("channel",), "cost per acquired customer"),
        "kpi": FunctionSpec("kpi", 1, 2, ("kpi", "measure"), "current value of a KPI"),
        "budget_left": FunctionSpec("budget_left", 0, 0, (), "unspent budget"),
        "best_channel": FunctionSpec("best_channel", 1, 1, ("string",), "best channel"),
        "on_track": FunctionSpec("on_track", 1, 1, ("target",), "target on track?"),
        "gap": FunctionSpec("gap", 1, 1, ("target",), "distance to a target"),
        "target": FunctionSpec("target", 1, 1, ("target",), "target value"),
        "echo": FunctionSpec("echo", 1, 1, ("any",), "returns its argument"),
        "scale": FunctionSpec("scale", 1, 2, ("number", "number"), "a number times 10"),
    },
    names=frozenset({"day", "x", "y", "z", "budget_total"}),
    symbols={
        "channel": frozenset({"kol", "social", "search"}),
        "kpi": frozenset({"sales", "leads"}),
        "measure": frozenset({"total", "rate"}),
        "target": frozenset({"sales_up"}),
    },
)


class RecordingEnv:
    """An Environment that logs every call and lookup it serves."""

    def __init__(self, functions: dict[str, Callable[..., Any]] | None = None,
                 values: dict[str, Any] | None = None) -> None:
        self.functions = {
            "roi": lambda c: {"kol": 0.4, "social": 2.0, "search": 1.0}[c],
            "cac": lambda c: 12.5,
            "kpi": lambda k, m="total": 100.0,
            "budget_left": lambda: 250_000,
            "best_channel": lambda m: "social",
            "on_track": lambda t: False,
            "gap": lambda t: 30.0,
            "target": lambda t: 200.0,
            "echo": lambda v: v,
            "scale": lambda a, b=10.0: a * b,
            **(functions or {}),
        }
        self.values = {"day": 12, "x": 3.0, "y": -2.5, "z": 0.0, "budget_total": 1e6,
                       **(values or {})}
        self.log: list[tuple[Any, ...]] = []

    def call(self, name: str, args: tuple[Any, ...]) -> Any:
        self.log.append((name, args))
        return self.functions[name](*args)

    def lookup(self, name: str) -> Any:
        self.log.append((name,))
        return self.values[name]


def run(text: str, env: RecordingEnv | None = None) -> float | bool | str:
    """Compile with VOCAB and evaluate."""
    return compile_expression(text, VOCAB).evaluate(env or RecordingEnv())


def error_of(text: str, env: RecordingEnv | None = None) -> ExpressionError:
    """The ExpressionError raised compiling or evaluating ``text``."""
    with pytest.raises(ExpressionError) as info:
        run(text, env)
    return info.value


# ---------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("10 - 4 - 3", 3.0),
        ("10 - (4 - 3)", 9.0),
        ("2 * 3 ** 2", 18.0),
        ("2 ** 3 ** 2", 512.0),
        ("(2 ** 3) ** 2", 64.0),
        ("-2 ** 2", -4.0),
        ("(-2) ** 2", 4.0),
        ("2 ** -1", 0.5),
        ("7 / 2", 3.5),
        ("-7 % 3", 2.0),
        ("+3 - -3", 6.0),
        ("100_000 * 2", 200_000.0),
        ("1_000.000_5", 1000.0005),
        ("1e3 + .5", 1000.5),
        ("x * 2 + y", 3.5),
        ("-x", -3.0),
        ("budget_left() / 1_000", 250.0),
        ("day % 7", 5.0),
    ],
)
def test_arithmetic_and_precedence(text: str, expected: float) -> None:
    value = run(text)
    assert type(value) is float
    assert value == pytest.approx(expected)


def test_literals_true_false_and_text() -> None:
    assert run("true") is True
    assert run("False") is False
    assert run("'kol' == \"kol\"") is True
    assert run("echo('a b') == 'a b'") is True


# ---------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 < 2 < 3", True),
        ("1 < 3 < 2", False),
        ("x < 5 <= 5 != 4", True),
        ("3 >= x > y", True),
        ("x == 3", True),
        ("x != 3", False),
        ("0.1 + 0.2 == 0.3", True),
        ("0.1 + 0.2 != 0.3", False),
        ("1 == 1.000001", False),
        ("best_channel('roi') == 'social'", True),
        ("on_track('sales_up') == false", True),
    ],
)
def test_comparisons(text: str, expected: bool) -> None:
    assert run(text) is expected


def test_chained_comparison_stops_at_first_false_link() -> None:
    env = RecordingEnv()
    assert run("roi('kol') > 1 > roi('social')", env) is False
    assert ("roi", ("social",)) not in env.log


def test_chained_comparison_evaluates_middle_operand_once() -> None:
    env = RecordingEnv()
    assert run("0 < roi('kol') < 1", env) is True
    assert env.log.count(("roi", ("kol",))) == 1


def test_comparing_number_with_text_is_an_error() -> None:
    err = error_of("best_channel('roi') == 1")
    assert "cannot compare the text 'social' with the number 1" in str(err)
    assert err.position == 20


def test_ordering_text_is_an_error() -> None:
    assert "only compares numbers" in str(error_of("best_channel('roi') < echo('z')"))
    assert "only compares numbers" in str(error_of("roi('kol') < 'a'"))


# ---------------------------------------------------------- and / or / not


def test_and_short_circuits() -> None:
    env = RecordingEnv()
    assert run("roi('kol') > 1 and roi('social') > 1", env) is False
    assert env.log == [("roi", ("kol",))]


def test_or_short_circuits() -> None:
    env = RecordingEnv()
    assert run("roi('social') > 1 or roi('kol') > 1", env) is True
    assert env.log == [("roi", ("social",))]


def test_not_and_boolean_results() -> None:
    assert run("not on_track('sales_up')") is True
    assert run("not (x > 1)") is False
    assert run("x and 5") is True
    assert run("z or 0") is False
    assert run("not z") is True


def test_nan_counts_as_false() -> None:
    env = RecordingEnv(values={"x": math.nan})
    assert run("x or false", env) is False


def test_text_is_not_a_condition() -> None:
    err = error_of("best_channel('roi') and true")
    assert "cannot be used as true/false" in str(err)


def test_if_else_evaluates_only_the_chosen_branch() -> None:
    env = RecordingEnv()
    assert run("roi('kol') if x > 1 else roi('social')", env) == 0.4
    assert ("roi", ("social",)) not in env.log
    assert run("1 if false else 2") == 2.0


def test_readme_examples() -> None:
    env = RecordingEnv()
    assert run("roi('kol') < 0.5 and budget_left() > 100_000", env) is True
    assert run("not on_track('sales_up') and gap('sales_up') > 0.1 * target('sales_up')",
               env) is True
    assert run("best_channel('roi')", env) == "social"


# ------------------------------------------------------------ percent, modulo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30%", 0.3),
        ("12.5%", 0.125),
        ("1_000%", 10.0),
        ("1e2%", 1.0),
        ("-30%", -0.3),
        ("(30%)", 0.3),
        ("30% ", 0.3),
        ("30% + 1", 1.3),
        ("30%+1", 1.3),
        ("30%-5", -4.7),
        ("30% * budget_total", 300_000.0),
        ("30%*2", 0.6),
        ("30% ** 2", 0.09),
        ("30% % 7", 0.3),
        ("scale(30%, 2)", 0.6),
        ("100% == 1", True),
        ("x > 30% and true", True),
        ("5% if true else 1", 0.05),
        ("7 % 2", 1.0),
        ("7%2", 1.0),
        ("7 %2", 1.0),
        ("7% 2", 1.0),
        ("7 % (-2)", -1.0),
        ("7 %-2", -1.0),
        ("x % 2", 1.0),
        ("x%2", 1.0),
        ("30%x", 0.0),
        ("30%(7)", 2.0),
        ("30%.5", 0.0),
        ("echo('30%') == '30%'", True),
    ],
)
def test_percent_and_modulo(text: str, expected: float | bool) -> None:
    value = run(text)
    if isinstance(expected, bool):
        assert value is expected
    else:
        assert value == pytest.approx(expected)


@pytest.mark.parametrize("text", ["30 %", "x%", "(30)%", "30%%"])
def test_percent_sign_needs_a_number_right_before_it(text: str) -> None:
    assert "syntax error" in str(error_of(text))


def test_percent_glued_to_a_keyword_asks_for_a_space() -> None:
    err = error_of("x > 50%and true")
    assert "put a space between '%' and 'and'" in str(err)
    assert err.position == 7


def test_written_complex_number_is_refused() -> None:
    assert "complex numbers" in str(error_of("30j"))


# ------------------------------------------------------ names and functions


@pytest.mark.parametrize(
    ("text", "phrase", "position"),
    [
        ("roi()", "roi() takes 1 argument, got 0", 0),
        ("roi('kol', 'social')", "roi() takes 1 argument, got 2", 0),
        ("x + kpi()", "kpi() takes 1 to 2 arguments, got 0", 4),
        ("budget_left(1)", "budget_left() takes 0 arguments, got 1", 0),
        ("rio('kol')", "unknown function 'rio' (did you mean 'roi'?)", 0),
        ("roi('kool')", "unknown channel 'kool' (did you mean 'kol'?)", 4),
        ("roi('KOL')", "unknown channel 'KOL' (did you mean 'kol'?)", 4),
        ("kpi('sales', 'totl')", "unknown measure 'totl' (did you mean 'total'?)", 13),
        ("on_track('sale_up')", "unknown target 'sale_up' (did you mean 'sales_up'?)", 9),
        ("roi(3)", "argument 1 of roi() must be a channel name in quotes, got the number 3", 4),
        ("scale('a')", "argument 1 of scale() must be a number, got the text 'a'", 6),
        ("scale(true)", "must be a number, got true", 6),
        ("best_channel(1)", "must be text in quotes", 13),
        ("dya > 3", "unknown name 'dya' (did you mean 'day'?)", 0),
        ("roi(kol)", "to mean the channel 'kol', put it in quotes", 4),
        ("roi > 1", "'roi' is a function: call it with parentheses", 0),
        ("day() > 1", "'day' is a value, not a function", 0),
        ("TRUE", "did you mean 'true'?", 0),
    ],
)
def test_static_errors(text: str, phrase: str, position: int) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, VOCAB)
    err = info.value
    assert phrase in str(err)
    assert err.position == position
    assert str(err).startswith(f"column {position + 1}: ")


def test_error_attributes_and_text() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("roi('kol') > 1 and rio('kol') > 2", VOCAB)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.message == "unknown function 'rio' (did you mean 'roi'?)"
    assert err.position == 19
    assert err.expected is not None and err.expected.startswith("one of: best_channel, ")
    assert "roi" in err.expected
    assert str(err) == f"column 20: {err.message}; expected {err.expected}"
    assert err.text == "roi('kol') > 1 and rio('kol') > 2"
    assert err.excerpt().splitlines()[1].startswith(" " * 19 + "^")


def test_error_pickles_with_its_attributes() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("roi('kool')", VOCAB)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.message, copy.position, copy.expected, copy.text) == (
        info.value.message, info.value.position, info.value.expected, info.value.text)
    assert str(copy) == str(info.value)


def test_positions_count_characters_not_bytes() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("echo('été') + rio('kol')", VOCAB)
    assert info.value.position == 14


def test_positions_count_leading_blanks() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("   rio('kol')", VOCAB)
    assert info.value.position == 3


def test_operator_position_is_reported() -> None:
    err = error_of("x / (z * 2)")
    assert "division by zero in 'x / (z * 2)'" in str(err)
    assert err.position == 2


def test_symbol_check_applies_to_computed_arguments_at_run_time() -> None:
    env = RecordingEnv(functions={"best_channel": lambda m: "tiktok"})
    err = error_of("roi(best_channel('roi')) > 1", env)
    assert "unknown channel 'tiktok'" in str(err)
    assert err.text == "roi(best_channel('roi')) > 1"


def test_argument_without_symbol_list_accepts_any_text() -> None:
    vocabulary = Vocabulary(functions={"team_load": FunctionSpec("team_load", 1, 1, ("team",))})
    expr = compile_expression("team_load('design') > 2", vocabulary)
    assert expr.evaluate(SimpleEnvironment({"team_load": lambda t: 3})) is True


# ------------------------------------------------------------- run-time errors


@pytest.mark.parametrize(
    ("text", "values", "phrase"),
    [
        ("x / z", {}, "division by zero in 'x / z'"),
        ("x % z", {}, "division by zero"),
        ("z ** -1", {}, "division by zero"),
        ("x ** 100", {"x": 1e10}, "is too large"),
        ("x * x", {"x": 1e200}, "is too large"),
        ("x ** y", {"y": 101}, "exponent 101 is too large"),
        ("y ** 0.5", {}, "negative number cannot be raised to a fractional power"),
        ("-on_track('sales_up')", {}, "'-' needs a number, got false"),
        ("x + on_track('sales_up')", {}, "'+' needs numbers, got false"),
    ],
)
def test_runtime_errors(text: str, values: dict[str, Any], phrase: str) -> None:
    err = error_of(text, RecordingEnv(values=values))
    assert phrase in str(err)
    assert err.text == text


def test_infinity_from_the_environment_is_usable() -> None:
    env = RecordingEnv(values={"x": math.inf})
    assert run("x > 1e15", env) is True
    assert run("x * 2", env) == math.inf


def test_environment_values_are_normalised() -> None:
    numpy = pytest.importorskip("numpy")
    env = RecordingEnv(values={"x": numpy.float64(2.5), "y": numpy.int64(3),
                               "z": numpy.bool_(True), "day": 7})
    expr = compile_expression("x + y + day", VOCAB)
    assert expr.evaluate(env) == 12.5
    assert type(expr.evaluate(env)) is float
    assert run("z and true", env) is True


@pytest.mark.parametrize(("returned", "phrase"), [
    (object(), "not a number, true/false or text"),
    (None, "not a number, true/false or text"),
    (10**400, "too large"),
    ([1], "not a number"),
])
def test_bad_values_from_the_environment(returned: object, phrase: str) -> None:
    env = RecordingEnv(functions={"cac": lambda c: returned})
    err = error_of("cac('kol') > 1", env)
    assert phrase in str(err)
    assert "cac('kol')" in str(err)


# ---------------------------------------------------------------- constants


def test_literal_sub_expressions_are_folded_and_checked_at_compile_time() -> None:
    expr = compile_expression("2 * 3 + 10%", VOCAB)
    assert expr.is_constant
    assert expr.evaluate(RecordingEnv()) == pytest.approx(6.1)
    with pytest.raises(ExpressionError, match="division by zero"):
        compile_expression("x > 1 / 0", VOCAB)
    with pytest.raises(ExpressionError, match="exponent 1000 is too large"):
        compile_expression("x ** 1000", VOCAB)


def test_unreached_branches_are_still_checked() -> None:
    with pytest.raises(ExpressionError, match="unknown function 'rio'"):
        compile_expression("1 if true else rio('kol')", VOCAB)


# ------------------------------------------------------------ trace and calls


def test_trace_records_what_the_condition_saw() -> None:
    expr = compile_expression(
        "roi( 'kol' ) < 50% and budget_left() > 100_000 or roi('social') > day", VOCAB)
    value, seen = evaluate_with_trace(expr, RecordingEnv())
    assert value is True
    assert seen == {"roi('kol')": 0.4, "budget_left()": 250_000.0}
    assert list(seen) == ["roi('kol')", "budget_left()"]


def test_trace_includes_nested_calls_and_names() -> None:
    expr = compile_expression("roi(best_channel('roi')) > x", VOCAB)
    value, seen = expr.evaluate_with_trace(RecordingEnv())
    assert value is False
    assert seen == {"best_channel('roi')": "social", "roi(best_channel('roi'))": 2.0,
                    "x": 3.0}


def test_calls_lists_functions_with_literal_arguments() -> None:
    expr = compile_expression(
        "roi('kol') < 0.5 and kpi('sales', 'rate') > roi(best_channel('roi')) "
        "and roi('kol') > -1", VOCAB)
    assert expr.calls() == [
        ("roi", ("kol",)),
        ("kpi", ("sales", "rate")),
        ("roi", (Computed("best_channel('roi')"),)),
        ("best_channel", ("roi",)),
    ]
    assert compile_expression("day + x * day", VOCAB).variables() == ["day", "x"]


def test_canonical_text() -> None:
    expr = compile_expression("roi( \"kol\" )<50% and(x+1)*2>=3", VOCAB)
    assert expr.canonical() == "roi('kol') < 0.5 and (x + 1) * 2 >= 3"
    assert str(expr) == expr.text


# ---------------------------------------------------------------- pickling


def test_expression_pickles_and_still_evaluates() -> None:
    text = "not on_track('sales_up') and gap('sales_up') > 10% * target('sales_up') " \
           "or roi(best_channel('roi')) > x ** 2 if day > 3 else -x < 1 < 2"
    expr = compile_expression(text, VOCAB)
    copy = pickle.loads(pickle.dumps(expr))
    assert copy == expr
    assert copy.text == text
    assert copy.evaluate(RecordingEnv()) == expr.evaluate(RecordingEnv())
    assert copy.calls() == expr.calls()


def test_compiled_tree_holds_no_parser_objects() -> None:
    expr = compile_expression("roi('kol') < 0.5 and x > 1 if day else kpi('sales') % 3", VOCAB)
    for node in walk(expr.root):
        assert isinstance(node, Node)
        assert type(node).__module__ == "mktsim.expr.nodes"


def test_expression_is_immutable() -> None:
    expr = compile_expression("x > 1", VOCAB)
    with pytest.raises(AttributeError):
        expr.text = "y > 1"  # type: ignore[misc]


def test_recording_env_is_an_environment() -> None:
    assert isinstance(RecordingEnv(), Environment)
    assert isinstance(SimpleEnvironment(), Environment)


def test_simple_environment_reports_missing_entries() -> None:
    expr = compile_expression("roi('kol') > x", VOCAB)
    with pytest.raises(ExpressionError, match="no implementation for function 'roi'"):
        expr.evaluate(SimpleEnvironment())


# ---------------------------------------------------------------- vocabulary


def test_function_spec_signature_and_validation() -> None:
    assert VOCAB.functions["kpi"].signature() == "kpi(kpi[, measure])"
    assert FunctionSpec("f", 0, 2).signature() == "f([arg1[, arg2]])"
    assert FunctionSpec("f", 2, 2, None).arity_text() == "2 arguments"
    with pytest.raises(ValueError, match="one kind name per argument"):
        FunctionSpec("f", 1, 2, ("channel",))
    with pytest.raises(ValueError, match="starting with a letter"):
        FunctionSpec("__import__", 1, 1)
    with pytest.raises(ValueError, match="reserved"):
        FunctionSpec("and", 1, 1)
    with pytest.raises(ValueError, match="min_args"):
        FunctionSpec("f", 2, 1)


def test_vocabulary_validation() -> None:
    spec = FunctionSpec("roi", 1, 1)
    with pytest.raises(ValueError, match="both as function and value"):
        Vocabulary(functions={"roi": spec}, names=frozenset({"roi"}))
    with pytest.raises(ValueError, match="FunctionSpec named"):
        Vocabulary(functions={"cac": spec})
    with pytest.raises(ValueError, match="reserved"):
        Vocabulary(functions={}, names=frozenset({"true"}))
    vocabulary = Vocabulary(functions={"roi": spec}, names={"day"},  # type: ignore[arg-type]
                            symbols={"channel": {"kol"}})  # type: ignore[dict-item]
    assert vocabulary.names == frozenset({"day"})
    assert pickle.loads(pickle.dumps(vocabulary)) == vocabulary


def test_describe_functions() -> None:
    text = describe_functions(VOCAB)
    assert "roi(channel) - return on spend of a channel" in text
    assert "kpi(kpi[, measure])" in text
    assert "Values: budget_total, day, x, y, z" in text
    assert "Known channel names: 'kol', 'search', 'social'" in text


# ------------------------------------------------- property: a reference model


LEFT_ASSOC = {"+": 1, "-": 1, "*": 2, "/": 2, "%": 2}
ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "%": operator.mod,
}
VALUES = {"a": 3.0, "b": -2.5, "c": 0.0}
NAMES_ONLY = Vocabulary(functions={}, names=frozenset(VALUES))


class Failed(Exception):
    """The reference evaluator's "this is an error"."""


def leaves() -> st.SearchStrategy[tuple[Any, ...]]:
    """Numbers, percent literals and names."""
    return st.one_of(
        st.integers(0, 20).map(lambda n: ("num", n)),
        st.integers(0, 250).map(lambda n: ("pct", n)),
        st.sampled_from(sorted(VALUES)).map(lambda v: ("var", v)),
    )


def extend(children: st.SearchStrategy[tuple[Any, ...]]) -> st.SearchStrategy[tuple[Any, ...]]:
    """Binary operators, unary minus, and powers with a small literal exponent."""
    return st.one_of(
        st.tuples(st.just("bin"), st.sampled_from(sorted(LEFT_ASSOC)), children, children),
        st.tuples(st.just("pow"), children, st.integers(0, 3)),
        st.tuples(st.just("neg"), children),
    )


TREES = st.recursive(leaves(), extend, max_leaves=12)


def depth(tree: tuple[Any, ...]) -> int:
    """Nesting depth of a generated tree."""
    kids = [t for t in tree[1:] if isinstance(t, tuple)]
    return 1 + max((depth(k) for k in kids), default=0)


def strength(tree: tuple[Any, ...]) -> int:
    """Binding strength of a generated tree's top operator (Python's rules)."""
    if tree[0] == "bin":
        return LEFT_ASSOC[tree[1]]
    return {"neg": 3, "pow": 4}.get(tree[0], 5)


def render(tree: tuple[Any, ...], spaced: bool, extra_parens: bool) -> str:
    """Write a tree as text with the parentheses Python's precedence requires."""
    def sub(child: tuple[Any, ...], needs: bool) -> str:
        text = render(child, spaced, extra_parens)
        return f"({text})" if needs or (extra_parens and child[0] != "num") else text

    gap = " " if spaced else ""
    kind = tree[0]
    if kind == "num":
        return str(tree[1])
    if kind == "pct":
        return f"{tree[1]}%"
    if kind == "var":
        return str(tree[1])
    if kind == "neg":
        return "-" + sub(tree[1], strength(tree[1]) < 3)
    if kind == "pow":
        return f"{sub(tree[1], strength(tree[1]) <= 4)}{gap}**{gap}{tree[2]}"
    op, left, right = tree[1], tree[2], tree[3]
    level = LEFT_ASSOC[op]
    before = " " if op == "%" else gap  # '%' right after a number would be a percent sign
    return (f"{sub(left, strength(left) < level)}{before}{op}{gap}"
            f"{sub(right, strength(right) <= level)}")


def reference(tree: tuple[Any, ...]) -> float:
    """Evaluate a generated tree directly, with the language's error rules."""
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "pct":
        return tree[1] / 100.0
    if kind == "var":
        return VALUES[tree[1]]
    if kind == "neg":
        return -reference(tree[1])
    if kind == "pow":
        base = reference(tree[1])
        if base == 0 and tree[2] < 0:
            raise Failed
        try:
            return math.pow(base, tree[2])
        except OverflowError:
            raise Failed from None
    a, b = reference(tree[2]), reference(tree[3])
    if tree[1] in "/%" and b == 0:
        raise Failed
    result = ARITHMETIC[tree[1]](a, b)
    if not math.isfinite(result):
        raise Failed
    return result


def outcome(function: Callable[[], object]) -> object:
    """A value, or "error" for the reference's or the language's failures."""
    try:
        return function()
    except (Failed, ExpressionError):
        return "error"


@settings(max_examples=300, deadline=None)
@given(tree=TREES, spaced=st.booleans(), extra_parens=st.booleans())
def test_arithmetic_matches_reference_model(tree: tuple[Any, ...], spaced: bool,
                                            extra_parens: bool) -> None:
    assume(depth(tree) <= 14)
    text = render(tree, spaced, extra_parens)
    env = SimpleEnvironment(values=VALUES)
    expected = outcome(lambda: reference(tree))
    actual = outcome(lambda: compile_expression(text, NAMES_ONLY).evaluate(env))
    assert actual == expected, text


@settings(max_examples=200, deadline=None)
@given(tree=TREES)
def test_canonical_text_means_the_same(tree: tuple[Any, ...]) -> None:
    assume(depth(tree) <= 14)
    env = SimpleEnvironment(values=VALUES)
    try:
        expr = compile_expression(render(tree, True, False), NAMES_ONLY)
    except ExpressionError:
        return
    again = compile_expression(expr.canonical(), NAMES_ONLY)
    assert outcome(lambda: again.evaluate(env)) == outcome(lambda: expr.evaluate(env))


@settings(max_examples=200, deadline=None)
@given(numbers=st.lists(st.integers(-3, 3), min_size=2, max_size=6),
       ops=st.lists(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), min_size=5,
                    max_size=5))
def test_chained_comparison_matches_pairwise_and(numbers: list[int], ops: list[str]) -> None:
    pairs = list(zip(numbers, numbers[1:], ops, strict=False))
    text = str(numbers[0]) + "".join(f" {op} {right}" for _, right, op in pairs)
    checks = {"<": int.__lt__, "<=": int.__le__, ">": int.__gt__, ">=": int.__ge__,
              "==": int.__eq__, "!=": int.__ne__}
    expected = all(checks[op](left, right) for left, right, op in pairs)
    assert compile_expression(text, NAMES_ONLY).evaluate(SimpleEnvironment()) is expected


def test_expression_type_is_exported() -> None:
    assert isinstance(compile_expression("1", VOCAB), Expression)
