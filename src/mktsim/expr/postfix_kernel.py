"""The compiled evaluator of `expr.postfix` programs: one call for many rows.

`evaluate_rows(program, leaves, rows)` gives each selected row's value (float64; true/false
as 1.0/0.0) and a status (0: the value is the tree's; otherwise the tree raises an error
for that row: 1 division by zero, 2 a result too large, 3 a bad power). The arithmetic is
the tree's (`expr.nodes`): Python's float `%`, `math.pow` with an exponent of at most 100
in magnitude, numbers equal to 1 part in a billion.

numba is imported here only: `mktsim.expr` itself stays light for the commands that only
check a scenario.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from mktsim.expr.nodes import EQUAL_ABS_TOL, EQUAL_REL_TOL, MAX_EXPONENT
from mktsim.expr.postfix import Program

OK, ZERO_DIVISION, TOO_LARGE, BAD_POWER = 0, 1, 2, 3


def evaluate_rows(program: Program, leaves: np.ndarray, rows: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, statuses and jumps of `program` for the rows of `leaves` ([R, Q] float64,
    column q the value of `program.leaves[q]`) where `rows` ([R] bool) is true (all by
    default); unselected rows get NaN and status 0. `jumped[r]` is true when the row's
    evaluation skipped part of the code (an `and`/`or` stopped early, a branch of
    `a if c else b` left out): false means the tree reads every leaf, in leaf order."""
    leaves = np.ascontiguousarray(leaves, dtype=np.float64)
    if rows is None:
        rows = np.ones(leaves.shape[0], dtype=np.bool_)
    return _evaluate(program.code, program.constants, leaves, rows, program.depth)


@njit(cache=True)
def _truth(x):
    return 1.0 if (x != 0.0 and x == x) else 0.0


@njit(cache=True)
def _isclose(a, b):
    """`math.isclose(a, b, rel_tol=EQUAL_REL_TOL, abs_tol=EQUAL_ABS_TOL)` or equal."""
    if a == b:
        return True
    if math.isinf(a) or math.isinf(b):
        return False
    diff = abs(b - a)
    return (diff <= abs(EQUAL_REL_TOL * b) or diff <= abs(EQUAL_REL_TOL * a)
            or diff <= EQUAL_ABS_TOL)


@njit(cache=True)
def _pymod(a, b):
    """Python's float `a % b` (b != 0): the sign of the divisor."""
    mod = np.fmod(a, b)
    if mod != 0.0:
        if (b < 0.0) != (mod < 0.0):
            mod += b
    else:
        mod = math.copysign(0.0, b)
    return mod


@njit(cache=True)
def _arith(opcode, a, b):
    """(result, status) of a binary arithmetic opcode (5-10 of `expr.postfix`)."""
    finite = math.isfinite(a) and math.isfinite(b)
    if opcode == 5:
        r = a + b
    elif opcode == 6:
        r = a - b
    elif opcode == 7:
        r = a * b
    elif opcode == 8:
        if b == 0.0:
            return math.nan, ZERO_DIVISION
        r = a / b
    elif opcode == 9:
        if b == 0.0:
            return math.nan, ZERO_DIVISION
        r = _pymod(a, b)
    else:
        return _power(a, b)
    if finite and not math.isfinite(r):
        return math.nan, TOO_LARGE
    return r, OK


@njit(cache=True)
def _power(a, b):
    """`expr.nodes.power` without the exceptions: (result, status)."""
    if abs(b) > MAX_EXPONENT:
        return math.nan, BAD_POWER
    finite = math.isfinite(a) and math.isfinite(b)
    if finite and a == 0.0 and b < 0.0:
        return math.nan, ZERO_DIVISION
    if finite and a < 0.0 and b != math.floor(b):
        return math.nan, BAD_POWER
    r = math.pow(a, b)
    if finite and not math.isfinite(r):
        return math.nan, TOO_LARGE
    return r, OK


@njit(cache=True)
def _compare(opcode, a, b):
    if opcode == 11:
        return a < b
    if opcode == 12:
        return a <= b
    if opcode == 13:
        return a > b
    if opcode == 14:
        return a >= b
    if opcode == 15:
        return _isclose(a, b)
    if opcode == 16:
        return not _isclose(a, b)
    if opcode == 17:
        return a == b
    return a != b


@njit(cache=True)
def _evaluate_row(code, constants, leaves, r, stack):
    """(value, status, jumped) of one row."""
    jumped = False
    top = -1
    pc = 0
    n = code.shape[0]
    while pc < n:
        opcode, arg = code[pc, 0], code[pc, 1]
        pc += 1
        if opcode == 0:
            top += 1
            stack[top] = constants[arg]
        elif opcode == 1:
            top += 1
            stack[top] = leaves[r, arg]
        elif opcode == 2:
            stack[top] = -stack[top]
        elif opcode == 3:
            stack[top] = 1.0 - _truth(stack[top])
        elif opcode == 4:
            stack[top] = _truth(stack[top])
        elif opcode <= 10:
            value, status = _arith(opcode, stack[top - 1], stack[top])
            if status != OK:
                return math.nan, status, jumped
            top -= 1
            stack[top] = value
        elif opcode <= 18:
            top -= 1
            stack[top] = 1.0 if _compare(opcode, stack[top], stack[top + 1]) else 0.0
        elif opcode == 19 or opcode == 20:  # and / or: keep the deciding value and jump
            if (stack[top] == 0.0) == (opcode == 19):
                pc = arg
                jumped = True
            else:
                top -= 1
        elif opcode == 21:
            top -= 1
            jumped = True  # one branch of `a if c else b` is left out either way
            if stack[top + 1] == 0.0:
                pc = arg
        elif opcode == 22:
            pc = arg
        else:  # 23: a chain's link (the tree stops at the first false link)
            top -= 1
            if stack[top] == 0.0:
                jumped = True
            stack[top] = 1.0 if (stack[top] != 0.0 and stack[top + 1] != 0.0) else 0.0
    return stack[top], OK, jumped


@njit(cache=True)
def _evaluate(code, constants, leaves, rows, depth):
    n = leaves.shape[0]
    values = np.full(n, np.nan)
    status = np.zeros(n, dtype=np.int8)
    jumped = np.zeros(n, dtype=np.bool_)
    stack = np.empty(depth + 1)
    for r in range(n):
        if rows[r]:
            values[r], status[r], jumped[r] = _evaluate_row(code, constants, leaves, r, stack)
    return values, status, jumped
