"""The per-customer kernel's quiet days: a customer to whom nothing happens on a day is
told apart by one comparison of the draw with a threshold of their class. The threshold
must be the exact boundary of the full path's tests, so the fast path changes no result.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktsim.engine.agents_kernel import (
    BLOCK,
    CLASS_SHIFT,
    CLASS_WIDTH,
    GRID,
    UNIT,
    _class_probabilities,
    _cumulative,
    _customers_day,
    _is_quiet,
    _least_quiet_variate,
    _quiet_thresholds,
    _route_tables,
    _stream_key,
    _variate,
)
from mktsim.engine.network import csr_from_edges
from mktsim.model import plan as P

PROBABILITY = st.floats(0.0, 1.0)
EDGE_CASES = [(0.0, 0.0), (0.0, 0.3), (1e-9, 0.0), (1e-5, 2e-4), (0.3, 0.5),
              (1.0 - 1e-12, 0.2), (0.5, 1.0), (1.0, 0.0), (2.0**-53, 2.0**-53)]


def check_boundary(p_move: float, q: float) -> None:
    """The least quiet draw is quiet, the draw below it is not, and it sits where the
    probability of a move or an event says (within the grid's rounding)."""
    m = _least_quiet_variate(p_move, q)
    assert 0 <= m <= GRID
    assert m == GRID or _is_quiet(m, p_move, q)
    assert m == 0 or not _is_quiet(m - 1, p_move, q)
    busy = p_move + q * (1.0 - p_move)
    assert abs(m - busy * GRID) <= 4


@pytest.mark.parametrize(("p_move", "q"), EDGE_CASES)
def test_least_quiet_draw_is_the_boundary_at_the_edges(p_move, q):
    check_boundary(p_move, q)


@settings(max_examples=300, deadline=None)
@given(p_move=PROBABILITY, q=PROBABILITY)
def test_least_quiet_draw_is_the_boundary(p_move, q):
    check_boundary(p_move, q)


@settings(max_examples=300, deadline=None)
@given(aw_base=st.floats(0.0, 2.0), aw_q=st.floats(0.0, 5.0), q=PROBABILITY,
       degree=st.integers(1, 40), data=st.data())
def test_a_networked_unaware_class_is_quiet_above_its_threshold(aw_base, aw_q, q, degree,
                                                                 data):
    """On a network the unaware move with their own probability (their neighbours' talk
    share); a draw at or above their class's threshold is quiet whatever the share."""
    talkers = data.draw(st.integers(0, degree))
    p_move = -np.expm1(-(aw_base + aw_q * (talkers / degree)))
    leave = np.zeros(CLASS_WIDTH)
    p2 = np.full(CLASS_WIDTH, q)
    quiet = np.zeros(CLASS_WIDTH, dtype=np.uint64)
    _quiet_thresholds(leave, p2, np.array([aw_base]), np.array([aw_q]), True, quiet)
    m = int(quiet[P.UNAWARE])
    assert m == GRID or _is_quiet(m, p_move, q)
    assert quiet[P.AWARE] == _least_quiet_variate(0.0, q)  # only the unaware are wired


def busy_day(network: bool):
    """Inputs of `_customers_day` for a day on which many customers move or buy: two
    segments, two channels, large hazards, customers over several blocks."""
    rng = np.random.default_rng(7)
    n_seg, n_ch, n = 2, 2, 3 * BLOCK + 123
    n_routes, dest, event, second = _route_tables(False, n_ch)
    cum = np.zeros((n_seg, CLASS_WIDTH, 3 + n_ch))
    for s in range(n_seg):
        for state in range(P.N_STATES):
            _cumulative(rng.exponential(0.1, 3 + n_ch), n_routes[state], cum[s, state])
    leave = np.zeros(n_seg * CLASS_WIDTH)
    _class_probabilities(n_routes, cum, leave)
    p2 = np.zeros((n_seg, CLASS_WIDTH))
    p2[:, :P.N_STATES] = rng.uniform(0.0, 0.3, (n_seg, P.N_STATES))
    p2[:, P.WAITING] = 0.0
    states = rng.choice([P.UNAWARE, P.AWARE, P.CONSIDERING, P.CUSTOMER, P.LOYAL, P.CHURNED],
                        n)
    cls = ((rng.integers(0, n_seg, n) << CLASS_SHIFT) | states).astype(np.int16)
    if network:
        graph = csr_from_edges(rng.integers(0, n, (4 * n, 2)), n)
        indptr, indices = graph.indptr, graph.indices
    else:
        indptr, indices = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    n_blocks = (n + BLOCK - 1) // BLOCK
    return dict(
        cls=cls, ever=(rng.uniform(size=n) < 0.2).astype(np.int8), value=np.zeros(n),
        adopted_on=np.full(n, -1, dtype=np.int32),
        talk=(rng.uniform(size=n) < 0.4).astype(np.int8) if network else np.zeros(0, np.int8),
        indptr=indptr, indices=indices, shares=rng.uniform(0.1, 1.0, (n_seg, P.N_SHARE)),
        aw_base=rng.uniform(0.0, 0.2, n_seg), aw_q=rng.uniform(0.0, 0.5, n_seg),
        n_routes=n_routes, dest=dest, event=event, second=second, cum=cum, leave=leave,
        p2=p2.reshape(n_seg * CLASS_WIDTH),
        counts_b=np.zeros((n_blocks, n_seg, P.N_STATES), dtype=np.int64),
        ever_b=np.zeros((n_blocks, n_seg), dtype=np.int64),
        flows_b=np.zeros((n_blocks, n_seg, 4), dtype=np.int64),
        intents_b=np.zeros((n_blocks, n_seg, n_ch), dtype=np.int64))


OUTPUTS = ("cls", "ever", "value", "adopted_on", "counts_b", "ever_b", "flows_b", "intents_b")


def run_day(inputs: dict, quiet: np.ndarray, day: int = 3) -> dict:
    """The day's outputs with the given quiet thresholds (the inputs are left as they are)."""
    a = {k: v.copy() for k, v in inputs.items()}
    _customers_day(day, np.uint64(99), a["cls"], a["ever"], a["value"], a["adopted_on"],
                   a["talk"], a["indptr"], a["indices"], a["shares"], a["aw_base"],
                   a["aw_q"], a["n_routes"], a["dest"], a["event"], a["second"], a["cum"],
                   a["leave"], a["p2"], quiet, a["counts_b"], a["ever_b"], a["flows_b"],
                   a["intents_b"])
    return {k: a[k] for k in OUTPUTS}


@pytest.mark.parametrize("network", [False, True])
def test_the_quiet_test_changes_no_result(network):
    """The same day with the class thresholds and with every customer on the full path
    (threshold GRID: no draw is taken as quiet) gives the same customers and tallies."""
    inputs = busy_day(network)
    quiet = np.zeros(inputs["leave"].shape[0], dtype=np.uint64)
    _quiet_thresholds(inputs["leave"], inputs["p2"], inputs["aw_base"], inputs["aw_q"],
                      network, quiet)
    fast = run_day(inputs, quiet)
    full = run_day(inputs, np.full_like(quiet, GRID))
    for k in OUTPUTS:
        assert np.array_equal(fast[k], full[k]), k
    moved = int(np.abs(full["counts_b"]).sum()) // 2
    assert moved > 0.05 * inputs["cls"].shape[0]  # a busy day: the comparison has teeth
    # thresholds that call every day quiet would change the results
    none = run_day(inputs, np.zeros_like(quiet))
    assert np.array_equal(none["cls"], inputs["cls"]) and not np.array_equal(none["cls"],
                                                                            full["cls"])


def one_customer(state: int, p_move: float, q: float) -> dict:
    """Inputs of `_customers_day` for one aware or customer person of segment 0, whose
    moves have probability p_move in all (split evenly over the state's routes) and whose
    second event q."""
    inputs = busy_day(False)
    n_routes = inputs["n_routes"][state]
    inputs["cum"][0, state, :n_routes] = p_move * np.arange(1, n_routes + 1) / n_routes
    inputs["cum"][0, state, n_routes - 1] = p_move
    _class_probabilities(inputs["n_routes"], inputs["cum"], inputs["leave"])
    inputs["p2"][state] = q
    for k in ("ever", "value", "adopted_on"):
        inputs[k] = inputs[k][:1]
    inputs["cls"] = np.array([state], dtype=np.int16)
    for k in ("counts_b", "ever_b", "flows_b", "intents_b"):
        inputs[k] = inputs[k][:1]
    return inputs


def acted(out: dict) -> bool:
    """Whether the day's customer moved or bought."""
    return bool(np.abs(out["counts_b"]).sum() + out["flows_b"].sum()
                + out["intents_b"].sum() > 0)


@pytest.mark.parametrize("state", [P.AWARE, P.CUSTOMER])
@pytest.mark.parametrize("day", range(6))
def test_the_threshold_is_exact_where_the_draw_sits_on_it(state, day):
    """Probabilities set so that the customer's draw of the day is the least quiet draw
    (a quiet day on the full path too) or one below it (a move or an event on the full
    path); fast and full path agree on both."""
    key = np.uint64(_stream_key(np.uint64(99), 3 + day, 0))  # numba returns a Python int
    m = int(_variate(key, 0))
    u = m * UNIT
    p_event = 0.25 * u
    for p_move, q in ((u, 0.0), (p_event, (u - p_event) / (1.0 - p_event))):
        for want in (m, m + 1):
            if q == 0.0:
                p_move = want * UNIT
            else:  # step q float by float until the threshold is where we want it
                while _least_quiet_variate(p_move, q) > want:
                    q = np.nextafter(q, 0.0)
                while _least_quiet_variate(p_move, q) < want:
                    q = np.nextafter(q, 1.0)
            inputs = one_customer(state, p_move, q)
            quiet = np.zeros(inputs["leave"].shape[0], dtype=np.uint64)
            _quiet_thresholds(inputs["leave"], inputs["p2"], inputs["aw_base"],
                              inputs["aw_q"], False, quiet)
            assert quiet[state] == want
            fast = run_day(inputs, quiet, 3 + day)
            full = run_day(inputs, np.full_like(quiet, GRID), 3 + day)
            for k in OUTPUTS:
                assert np.array_equal(fast[k], full[k]), (k, want - m)
            assert acted(full) == (want > m)
