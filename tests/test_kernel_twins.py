"""Each compiled draw against a slow, obviously correct twin, compared in distribution."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from mktsim.engine.variates import competing_exits, hill, new_stream, split_without_replacement
from mktsim.model import response


def twin_competing_exits(n, hazards, rng):
    """Plain numpy: one multinomial over (routes..., stay)."""
    total = sum(hazards)
    leave = 1 - np.exp(-total)
    p = [h / total * leave for h in hazards]
    return rng.multinomial(n, [*p, 1 - sum(p)])[:-1]


def test_competing_exits_matches_multinomial_twin():
    rs = new_stream(11)
    hazards = np.array([0.1, 0.3, 0.0, 0.05])
    out = np.zeros(4, dtype=np.int64)
    draws = []
    for _ in range(4000):
        competing_exits(rs, 1000, hazards, 4, out)
        draws.append(out.copy())
    fast = np.array(draws)
    rng = np.random.default_rng(3)
    slow = np.array([twin_competing_exits(1000, list(hazards), rng) for _ in range(4000)])
    se = np.sqrt(fast.var(axis=0) / 4000 + slow.var(axis=0) / 4000) + 1e-12
    assert np.all(np.abs(fast.mean(axis=0) - slow.mean(axis=0)) <= 4 * se)
    assert np.allclose(fast.var(axis=0), slow.var(axis=0), rtol=0.15, atol=1e-9)
    assert fast[:, 2].max() == 0  # a zero hazard never fires


def test_split_without_replacement_matches_hypergeometric_twin():
    rs = new_stream(5)
    counts = np.array([30, 0, 50, 20], dtype=np.int64)
    out = np.zeros(4, dtype=np.int64)
    draws = []
    for _ in range(4000):
        split_without_replacement(rs, counts, 4, 40, out)
        assert out.sum() == 40 and np.all(out <= counts)
        draws.append(out.copy())
    fast = np.array(draws)
    slow = np.random.default_rng(1).multivariate_hypergeometric(counts, 40, size=4000)
    se = np.sqrt(fast.var(axis=0) / 4000 + slow.var(axis=0) / 4000) + 1e-12
    assert np.all(np.abs(fast.mean(axis=0) - slow.mean(axis=0)) <= 4 * se)
    split_without_replacement(rs, counts, 4, 500, out)  # more than there is: everything
    assert list(out) == list(counts)


@pytest.mark.parametrize("x", [0.0, 0.01, 25.0, 50.0, 100.0])
def test_hill_kernel_equals_reference(x):
    assert hill(x, 50.0, 2.0) == pytest.approx(float(response.hill(x, 50.0, 2.0)))


TINY = textwrap.dedent("""
    name: tiny
    start_date: 2027-01-01
    horizon_days: 60
    seed: 3
    market:
      size: 20_000
      word_of_mouth: {innovation: 0.05, imitation: 0.4}
      awareness_decay_per_year: 1.0
      segments:
        a: {share: 0.6, initial_awareness: 0.3, initial_consideration: 0.1,
            initial_customers: 0.02, churn_per_year: 0.5, purchase_per_year: 2.0}
        b: {share: 0.4, initial_awareness: 0.1, purchase_per_year: 1.0}
      competitors: {rival: {price: 110, quality: 0.6, awareness: 0.8}}
    products: {p: {price: 100, unit_cost: 60, quality: 0.6}}
    channels:
      ads:
        type: online
        cost: {model: cpm, cpm: 30}
        awareness: {per_year: 2.0, half_saturation: 0.05}
        conversion: {lift: 1.0, half_saturation: 0.05}
      calls:
        type: direct
        cost: {model: cpc, cpc: 4}
        conversion: {lift: 3.0, half_saturation: 0.001}
        team: sales
    teams:
      sales: {headcount: 2, capacity_per_person_per_day: 5, patience_days: 2}
      care: {headcount: 1, capacity_per_person_per_day: 3}
    crm: {complaints_per_order: 0.05, service_team: care}
    strategies:
      s: {budget: 60_000, allocation: {ads: 0.7, calls: 0.3}}
""")

RUN_TINY = """
import json, sys
from mktsim.scenario.load import load_text
from mktsim.api import Scenario
from mktsim.kpis import KPI_NAMES
r = Scenario(load_text(sys.stdin.read())).run(replications=40, seed=int(sys.argv[1]))
k = r.kpis()
print(json.dumps({n: [float(k.loc[n, "mean"])] for n in KPI_NAMES}))
daily = r.run.daily
import numpy as np
print(json.dumps({n: daily[:, i, :].sum(axis=1).std(ddof=1) / np.sqrt(40)
                  for i, n in enumerate(KPI_NAMES)}))
"""


def _run_tiny(seed, disable_jit):
    env = dict(os.environ, NUMBA_DISABLE_JIT="1" if disable_jit else "0")
    proc = subprocess.run([sys.executable, "-c", RUN_TINY, str(seed)], input=TINY,
                          capture_output=True, text=True, env=env, timeout=300, check=True)
    means, ses = (json.loads(line) for line in proc.stdout.strip().splitlines())
    return means, ses


@pytest.mark.slow
def test_whole_kernel_compiled_equals_interpreted_in_distribution():
    """The compiled kernel and the same code run as plain Python agree in distribution."""
    fast, fast_se = _run_tiny(1, disable_jit=False)
    slow, slow_se = _run_tiny(2, disable_jit=True)
    for name in ("units", "new_customers", "leads", "complaints", "churned", "revenue"):
        gap = abs(fast[name][0] - slow[name][0])
        # horizon totals: se of each mean from the daily sums' spread
        assert gap <= 5 * np.hypot(fast_se[name], slow_se[name]) + 1e-9, name
