"""Hostile input for the rule expression language: every attempt must fail fast,
with a one-line ExpressionError, and without doing anything."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from mktsim.expr import (
    ExpressionError,
    FunctionSpec,
    Vocabulary,
    compile_expression,
)

VOCAB = Vocabulary(
    functions={
        "roi": FunctionSpec("roi", 1, 1, ("channel",), "return on spend"),
        "echo": FunctionSpec("echo", 1, 1, ("any",), "returns its argument"),
        "value": FunctionSpec("value", 0, 0, (), "a number"),
    },
    names=frozenset({"x", "y"}),
    symbols={"channel": frozenset({"kol", "social"})},
)

# Audit events that would mean the text managed to act on the outside world.
FORBIDDEN_EVENTS = ("exec", "import", "open", "os.", "subprocess.", "socket.", "shutil.",
                    "builtins.input", "ctypes.", "pickle.", "marshal.", "urllib.", "sys._getframe")
_recorded: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """Record forbidden audit events while a hostile compilation runs."""
    if _recorded is not None and event.startswith(FORBIDDEN_EVENTS):
        _recorded.append(event)


sys.addaudithook(_audit)


class GuardEnv:
    """An environment that records any use (compilation must never touch it)."""

    def __init__(self) -> None:
        self.used: list[tuple[Any, ...]] = []

    def call(self, name: str, args: tuple[Any, ...]) -> Any:
        self.used.append((name, args))
        return 1.0

    def lookup(self, name: str) -> Any:
        self.used.append((name,))
        return 1.0


@contextmanager
def watch() -> Iterator[list[str]]:
    """Collect forbidden audit events raised inside the block."""
    global _recorded
    events: list[str] = []
    _recorded = events
    try:
        yield events
    finally:
        _recorded = None


@pytest.fixture
def quiet_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in an empty directory, warmed up, and check it stays empty."""
    monkeypatch.chdir(tmp_path)
    compile_expression("roi('kol') > 1", VOCAB)  # warm up: no first-use imports later
    with pytest.raises(ExpressionError):
        compile_expression("rio('kol')", VOCAB)
    yield tmp_path
    assert os.listdir(tmp_path) == []


CORPUS: list[tuple[str, str]] = [
    # attribute access and introspection
    ("().__class__", "attribute access"),
    ("().__class__.__bases__[0].__subclasses__()", "attribute access"),
    ("x.y", "attribute access"),
    ("x.__dict__", "attribute access"),
    ("roi('kol').real", "attribute access"),
    ("True.__class__", "attribute access"),
    ("'abc'.upper()", "attribute access"),
    ("__import__('os').system('touch pwned')", "attribute access"),
    # dunder and dangerous names
    ("__import__('os')", "names starting with '__'"),
    ("__builtins__", "names starting with '__'"),
    ("__class__", "names starting with '__'"),
    ("1 if true else __import__('os')", "names starting with '__'"),
    ("open('x', 'w')", "unknown function 'open'"),
    ("exec('1')", "unknown function 'exec'"),
    ("eval('1')", "unknown function 'eval'"),
    ("compile('1', 'f', 'eval')", "unknown function 'compile'"),
    ("getattr(x, 'y')", "unknown function 'getattr'"),
    ("globals()", "unknown function 'globals'"),
    ("locals()", "unknown function 'locals'"),
    ("vars()", "unknown function 'vars'"),
    ("breakpoint()", "unknown function 'breakpoint'"),
    ("print(1)", "unknown function 'print'"),
    ("type(x)", "unknown function 'type'"),
    ("os", "unknown name 'os'"),
    ("_x", "unknown name '_x'"),
    # statements and syntax
    ("import os", "syntax error"),
    ("from os import system", "syntax error"),
    ("def f(): pass", "syntax error"),
    ("x = 1", "syntax error"),
    ("y := 1", "syntax error"),
    ("1; 2", "only one expression is allowed"),
    ("x > 1; import os", "only one expression is allowed"),
    ("1\n2", "single line"),
    ("1 +\n2", "single line"),
    ("1\r+ 2", "single line"),
    ("x\u2028+ 1", "single line"),
    ("1 + \\\n2", "backslashes are not allowed"),
    ("'\\x41' == 'A'", "backslashes are not allowed"),
    ("1 # comment", "comments"),
    ("'''x'''", "triple quotes"),
    ("'unclosed", "missing its closing quote"),
    ("*x", "syntax error"),
    ("", "empty expression"),
    # functions and comprehensions
    ("lambda: 1", "lambda"),
    ("(lambda: 0)()", "lambda"),
    ("[c for c in 'ab']", "comprehensions"),
    ("{c for c in 'ab'}", "comprehensions"),
    ("{c: 1 for c in 'ab'}", "comprehensions"),
    ("(c for c in 'ab')", "comprehensions"),
    ("echo(c for c in 'ab')", "comprehensions"),
    ("roi('kol')()", "only the listed functions can be called"),
    # f-strings, walrus, subscripts, unpacking, keywords
    ("f'{x}'", "f-strings"),
    ("f'{().__class__}'", "f-strings"),
    ("F'{1}' == '1'", "f-strings"),
    ("(y := 1)", "assignment with ':='"),
    ("roi(y := 'kol')", "assignment with ':='"),
    ("x[0]", "indexing"),
    ("'abc'[0]", "indexing"),
    ("'abc'[1:2]", "indexing"),
    ("roi(*x)", "'*' unpacking"),
    ("roi(**x)", "'**' unpacking"),
    ("roi(channel='kol')", "keyword arguments"),
    ("await x", "'await'"),
    ("(yield)", "'yield'"),
    ("(yield from x)", "'yield'"),
    # containers and other literals
    ("[1, 2]", "lists, tuples"),
    ("(1, 2)", "lists, tuples"),
    ("()", "lists, tuples"),
    ("{1}", "lists, tuples"),
    ("{'a': 1}", "lists, tuples"),
    ("1, 2", "lists, tuples"),
    ("b'x'", "bytes literals"),
    ("rb'x' == 1", "bytes literals"),
    ("None", "'None' is not allowed"),
    ("x == None", "'None' is not allowed"),
    ("...", "'...' is not allowed"),
    ("30j", "complex numbers"),
    ("1e999", "number is too large"),
    ("1" + "0" * 1000, "number is too large"),
    # operators outside the language
    ("x @ y", "operator '@'"),
    ("~x", "operator '~'"),
    ("x // 2", "operator '//'"),
    ("x << 2", "operator '<<'"),
    ("x & y", "operator '&'"),
    ("x | y", "operator '|'"),
    ("x ^ y", "operator '^'"),
    ("x is None", "operator 'is'"),
    ("'a' in 'abc'", "operator 'in'"),
    ("'a' not in 'abc'", "operator 'not in'"),
    # resource exhaustion
    ("9**9**9", "exponent 387420489 is too large"),
    ("10**1000", "exponent 1000 is too large"),
    ("(10**10)**(10**10)", "is too large"),
    ("2 ** 1e10", "is too large"),
    ("x ** 10000", "exponent 10000 is too large"),
    ("1e15 ** 100", "is too large"),
    ("1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 "
     "* 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15", "is too large"),
    ("'a' * 10**9", "'*' needs numbers"),
    ("'a' + 'b'", "'+' needs numbers"),
    ("(" * 5000 + "1" + ")" * 5000, "too long"),
    ("(" * 900 + "1" + ")" * 900, "nested too deeply"),
    ("[" * 100 + "]" * 100, "nested too deeply"),
    ("not " * 5000 + "true", "too long"),
    ("not " * 400 + "true", "nested too deeply"),
    ("-" * 5000 + "1", "too long"),
    ("-" * 1900 + "1", "nested too deeply"),
    ("~" * 1900 + "1", "nested too deeply"),
    ("+".join(["1"] * 900), "nested too deeply"),
    ("**".join(["2"] * 600), "nested too deeply"),
    ("echo(" * 300 + "1" + ")" * 300, "nested too deeply"),
    ("x if x else " * 150 + "x", "nested too deeply"),
    ("x" * 100_000, "too long"),
    ("1 + " * 25_000 + "1", "too long"),
    ("echo(" + ",".join(["1"] * 700) + ")", "too many parts"),
    ("<".join(["x"] * 700), "too many parts"),
    (" and ".join(["x"] * 400), "too long"),
    # characters
    ("\x00", "invisible character"),
    ("x\x00 + 1", "invisible character"),
    ("roi('kol\u202e')", "invisible character"),
    ("x\u200b > 1", "invisible character"),
    ("ｒｏｉ('kol')", "unexpected character"),
    ("x ≤ 1", "unexpected character '≤'"),
    ("roi(‘kol’)", "unexpected character"),
]


@pytest.mark.parametrize(("text", "phrase"), CORPUS, ids=[f"{i:03d}" for i in range(len(CORPUS))])
@pytest.mark.usefixtures("quiet_dir")
def test_hostile_text_is_refused(text: str, phrase: str) -> None:
    env = GuardEnv()
    started = time.perf_counter()
    with watch() as events, pytest.raises(ExpressionError) as info:
        compile_expression(text, VOCAB).evaluate(env)
    elapsed = time.perf_counter() - started
    message = str(info.value)
    assert phrase in message
    assert "\n" not in message and "\r" not in message
    assert len(message) < 400
    assert elapsed < 1.0
    assert env.used == []
    assert events == []


def test_the_side_effect_watch_works(tmp_path: Path) -> None:
    with watch() as events:
        (tmp_path / "probe").write_text("x")
    assert "open" in events


@pytest.mark.parametrize("value", [42, 0.5, True, None, b"x > 1", ["x"]])
def test_non_text_is_refused(value: object) -> None:
    with pytest.raises(ExpressionError, match="must be text"):
        compile_expression(value, VOCAB)  # type: ignore[arg-type]


class ValueEnv(GuardEnv):
    """Serves fixed values, to attack evaluation through the numbers themselves."""

    def __init__(self, x: object = 1.0, y: object = 1.0, returned: object = 1.0) -> None:
        super().__init__()
        self.values = {"x": x, "y": y}
        self.returned = returned

    def call(self, name: str, args: tuple[Any, ...]) -> Any:
        return self.returned

    def lookup(self, name: str) -> Any:
        return self.values[name]


RUNTIME: list[tuple[str, ValueEnv, str]] = [
    ("x ** y", ValueEnv(y=1e9), "exponent 1000000000 is too large"),
    ("x ** y", ValueEnv(x=1e10, y=100), "is too large"),
    ("x * x * x", ValueEnv(x=1e200), "is too large"),
    ("x / y", ValueEnv(y=0), "division by zero"),
    ("x % y", ValueEnv(y=0.0), "division by zero"),
    ("x ** 0.5", ValueEnv(x=-1), "fractional power"),
    ("value() + 1", ValueEnv(returned=10**400), "too large"),
    ("value() + 1", ValueEnv(returned=object()), "not a number"),
    ("value() + 1", ValueEnv(returned="1"), "needs numbers"),
    ("value() and true", ValueEnv(returned="yes"), "cannot be used as true/false"),
    ("value() == 1", ValueEnv(returned="1"), "cannot compare"),
    ("roi(echo(x)) > 1", ValueEnv(), "must be a channel name"),
]


@pytest.mark.parametrize(("text", "env", "phrase"), RUNTIME,
                         ids=[f"{i:02d}" for i in range(len(RUNTIME))])
@pytest.mark.usefixtures("quiet_dir")
def test_hostile_values_fail_cleanly(text: str, env: ValueEnv, phrase: str) -> None:
    started = time.perf_counter()
    with watch() as events, pytest.raises(ExpressionError) as info:
        compile_expression(text, VOCAB).evaluate(env)
    assert time.perf_counter() - started < 1.0
    assert phrase in str(info.value)
    assert "\n" not in str(info.value)
    assert events == []


def test_compiling_many_hostile_inputs_stays_fast() -> None:
    started = time.perf_counter()
    for text, _ in CORPUS:
        with pytest.raises(ExpressionError):
            compile_expression(text, VOCAB)
    assert time.perf_counter() - started < 2.0
