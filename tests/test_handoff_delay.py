"""Hand-off delays: the mean and coefficient of variation of an Erlang-k wherever a stage
lasts half a day or more on average (exactly, so within 5% in the interval of the
simulation), and the documented Binomial(k, D / k) days for shorter stages."""

import numpy as np
import pytest
from scipy import stats

from mktsim.engine.kernel import _enter_handoff, _handoffs
from mktsim.engine.variates import new_stream
from mktsim.model import plan as P
from mktsim.model.compile import handoff_delay_moments, handoff_stages

LEADS = 200_000


def simulate_delays(mean_days, stages, leads=LEADS, seed=1):
    """Leads arriving at the team on each day after entering a hand-off together on day 0
    (index d: delay of d days), through the kernel's own hand-off functions."""
    k, rate, skip = handoff_stages(mean_days, stages)
    chan = np.zeros((1, P.N_CHAN_PAR))
    chan[0, P.C_HANDOFF_STAGES], chan[0, P.C_HANDOFF_RATE] = k, rate
    chan[0, P.C_HANDOFF_SKIP], chan[0, P.C_TEAM] = skip, 0
    pipe = np.zeros((1, 1, 8), dtype=np.int64)
    queue = np.zeros((1, 1, 4), dtype=np.int64)
    state = np.zeros((1, P.N_STATES), dtype=np.int64)
    state[0, P.WAITING] = leads
    day, leak = np.zeros(16), np.zeros(16)
    rs = new_stream(seed)
    _enter_handoff(rs, 0, 0, leads, chan, pipe, queue, state, day, leak)
    arrivals = [int(queue.sum())]
    while sum(arrivals) < leads:
        assert len(arrivals) < 5000
        queue[:] = 0
        _handoffs(rs, chan, pipe, queue, state, day, leak)
        arrivals.append(int(queue.sum()))
    assert pipe.sum() == 0
    return np.array(arrivals)


def stage_pmf(rate, skip, days):
    """P(a stage lasts d days), d = 0..days-1."""
    d = np.arange(days)
    return np.where(d == 0, skip, (1 - skip) * rate * (1 - rate) ** np.maximum(d - 1, 0))


def delay_pmf(mean_days, stages, days):
    """P(L = d) for d = 0..days-1: the k-fold convolution of the stage's pmf."""
    k, rate, skip = handoff_stages(mean_days, stages)
    one = stage_pmf(rate, skip, days)
    out = np.zeros(days)
    out[0] = 1.0
    for _ in range(k):
        out = np.convolve(out, one)[:days]
    return out


def moments(counts):
    """Mean, variance and their standard errors of a delay given as counts per day."""
    d = np.arange(len(counts), dtype=float)
    n = counts.sum()
    mean = counts @ d / n
    var = counts @ (d - mean) ** 2 / n
    m4 = counts @ (d - mean) ** 4 / n
    return mean, var, np.sqrt(var / n), np.sqrt(max(m4 - var**2, 0.0) / n)


def chi_square_p(counts, pmf):
    """Goodness of fit of the counts per day to the pmf, pooling days expected < 20 times."""
    n = counts.sum()
    pmf = np.concatenate([pmf, np.zeros(max(0, len(counts) - len(pmf)))])
    counts = np.concatenate([counts, np.zeros(max(0, len(pmf) - len(counts)))])
    expected = pmf * n
    keep = expected >= 20
    obs = list(counts[keep])
    exp = list(expected[keep])
    obs.append(counts[~keep].sum())
    exp.append(max(n - sum(exp), 1e-9))
    return stats.chisquare(obs, np.array(exp) * sum(obs) / sum(exp)).pvalue


ERLANG_GRID = [(1, 1.0), (3, 6.0), (4, 4.0), (2, 20.0), (8, 8.0), (2, 1.5), (5, 3.0),
               (1, 0.5), (6, 30.0)]


@pytest.mark.parametrize(("stages", "mean_days"), ERLANG_GRID)
def test_delay_has_the_erlang_mean_and_cv(stages, mean_days):
    """D / k >= 1/2: mean D and coefficient of variation 1 / sqrt(k), exactly."""
    assert handoff_stages(mean_days, stages)[0] == stages  # no stage is dropped
    mean, var = handoff_delay_moments(mean_days, stages)
    assert mean == pytest.approx(mean_days, rel=1e-12)
    assert var == pytest.approx(mean_days**2 / stages, rel=1e-12)
    counts = simulate_delays(mean_days, stages)
    got_mean, got_var, se_mean, se_var = moments(counts)
    # the tolerance, and the intervals of the simulation around the exact values
    assert abs(got_mean / mean_days - 1) < 0.05
    assert abs(np.sqrt(got_var) / got_mean * np.sqrt(stages) - 1) < 0.05
    assert abs(got_mean - mean_days) < 5 * se_mean
    assert abs(got_var - mean_days**2 / stages) < 5 * se_var
    assert chi_square_p(counts, delay_pmf(mean_days, stages, len(counts) + 50)) > 1e-4


SHORT_GRID = [(4, 1.0), (8, 2.0), (3, 0.3), (2, 0.9), (8, 3.9)]


@pytest.mark.parametrize(("stages", "mean_days"), SHORT_GRID)
def test_short_delays_are_binomial_days(stages, mean_days):
    """D / k < 1/2: every stage lasts 0 or 1 day, so L ~ Binomial(k, D / k) days, of mean
    D and variance D (1 - D / k)."""
    k, rate, skip = handoff_stages(mean_days, stages)
    assert (k, rate) == (stages, 1.0) and skip == pytest.approx(1 - mean_days / stages)
    mean, var = handoff_delay_moments(mean_days, stages)
    assert mean == pytest.approx(mean_days)
    assert var == pytest.approx(mean_days * (1 - mean_days / stages))
    counts = simulate_delays(mean_days, stages)
    assert len(counts) <= stages + 1  # never longer than k days
    got_mean, got_var, se_mean, se_var = moments(counts)
    assert abs(got_mean - mean_days) < 5 * se_mean
    assert abs(got_var - var) < 5 * se_var
    pmf = stats.binom(stages, mean_days / stages).pmf(np.arange(stages + 1))
    assert chi_square_p(counts, pmf) > 1e-4


def test_no_delay_has_no_stages():
    assert handoff_stages(0.0, 3) == (0, 0.0, 0.0)
    assert handoff_delay_moments(0.0, 3) == (0.0, 0.0)


def test_delay_moments_are_continuous_at_half_a_day_per_stage():
    below = handoff_delay_moments(2.0 - 1e-9, 4)
    at = handoff_delay_moments(2.0, 4)
    assert below == pytest.approx(at, rel=1e-6)
