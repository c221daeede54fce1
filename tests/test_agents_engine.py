"""The per-customer engine: agrees with the counts engine on a well-mixed market, follows
the Bass closed form, is bit-identical for any number of threads, and shows the effects
only a network can (slower word of mouth on a lattice, seeding at hubs).

Statistical criterion (MODELS.md section 7): means over replications within 4 standard
errors (of the difference, for two engines) plus a small tolerance.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mktsim
from mktsim.engine.agents import AgentReplication, place_customers
from mktsim.engine.montecarlo import simulate
from mktsim.engine.network import csr_from_edges, social_graph
from mktsim.engine.rng import replication_seeds, splitmix64
from mktsim.kpis import KPI_INDEX
from mktsim.model import plan as P
from mktsim.model.bass import bass_cdf
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_text
from mktsim.simulate import run_plan
from mktsim.simulate.agents import network_shape, unmodelled

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ("units", "new_customers", "revenue", "churned")

WELL_MIXED = """
name: well mixed
start_date: 2027-01-01
horizon_days: 180
seed: 11
market:
  size: 20_000
  awareness_decay_per_year: 2.0
  word_of_mouth: {innovation: 0.05, imitation: 0.6, source: customers}
  segments:
    young: {share: 0.6, initial_awareness: 0.1, initial_customers: 0.02,
            consideration_per_year: 4, purchase_per_year: 2, repurchase_per_year: 1.5,
            churn_per_year: 1.0, loyalty_per_year: 0.5, winback_per_year: 0.8}
    old: {share: 0.4, consideration_per_year: 2, purchase_per_year: 1, churn_per_year: 0.5,
          channel_affinity: {tv: 0.5}}
  competitors: {rival: {price: 90, awareness: 0.7}}
products: {band: {price: 100, unit_cost: 60}}
channels:
  tv:
    type: offline
    cost: {model: cpm, cpm: 20}
    awareness: {per_year: 3.0, half_saturation: 2.0, shape: 1.5}
    conversion: {lift: 0.5, half_saturation: 2.0}
    adstock: {retention_per_week: 0.5}
strategies:
  pulsed:
    budget: 400_000
    allocation: {tv: 1}
    flighting: {by: month, weights: [3, 0.05, 2, 0.05, 1, 0.05, 1, 1, 1, 1, 1, 1]}
"""

DIFFUSION = """
name: diffusion
start_date: 2027-01-01
horizon_days: {days}
seed: 5
market:
  size: 20_000
  bass_consistent: true
  word_of_mouth: {{innovation: {p}, imitation: {q}}}
  segments: {{all: {{share: 1, initial_customers: {seeded}, initial_awareness: {seeded}}}}}
{network}
products: {{p: {{price: 10, unit_cost: 5}}}}
strategies: {{none: {{}}}}
"""


def scenario(text: str, overrides: tuple[str, ...] = ()) -> mktsim.Scenario:
    return mktsim.Scenario(load_text(text, overrides=overrides))


def series(run, kpi: str) -> np.ndarray:
    """[R, D]; flows summed to date."""
    x = run.daily[:, KPI_INDEX[kpi], :]
    return x.cumsum(axis=1) if kpi in FLOWS else x


def gap_in_se(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """|mean a - mean b| and the standard error of the difference, per column."""
    se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
    return np.abs(a.mean(axis=0) - b.mean(axis=0)), se


def test_engines_agree_on_a_well_mixed_market():
    plan = scenario(WELL_MIXED).plan()
    reps = 30
    agents = simulate(plan, reps, 1, engine="agents")
    counts = simulate(plan, reps, 2)
    days = np.array([29, 59, 89, 119, 149, 179])
    for kpi in ("brand_awareness", "consideration", "customers", "cumulative_adopters",
                "loyalty_members", *FLOWS):
        a, c = series(agents, kpi)[:, days], series(counts, kpi)[:, days]
        gap, se = gap_in_se(a, c)
        assert np.all(gap <= 4 * se + 1e-9 * np.abs(c.mean(axis=0)) + 1e-12), (kpi, gap, se)
    # the same check has teeth: a channel 20% weaker is detectably off
    weaker = scenario(WELL_MIXED, ("channels.tv.awareness.per_year=2.4",)).plan()
    a = series(simulate(weaker, reps, 1, engine="agents"), "brand_awareness")[:, days]
    gap, se = gap_in_se(a, series(counts, "brand_awareness")[:, days])
    assert np.any(gap > 4 * se)


def test_bass_mode_follows_the_closed_form():
    loaded = mktsim.load(ROOT / "scenarios" / "validation" / "bass.yaml",
                         ["market.size=50_000", "horizon_days=3650"])
    run = simulate(loaded.plan(), 6, 1969, engine="agents")
    shares = run.daily[:, KPI_INDEX["cumulative_adopters"], :] / 50_000
    years = np.arange(1, 11)
    days = years * 365 - 1
    mean = shares[:, days].mean(axis=0)
    se = shares[:, days].std(axis=0, ddof=1) / np.sqrt(shares.shape[0])
    assert np.all(np.abs(mean - bass_cdf(years, 0.03, 0.38)) <= 4 * se + 0.002), mean


HASH_SCRIPT = """
import hashlib, sys
import mktsim
from mktsim.simulate import run_plan
from mktsim.scenario.load import load_text
text = sys.stdin.read()
sc = mktsim.Scenario(load_text(text))
run = run_plan(sc.plan(), 2, 3, engine="agents", network=sc.spec.market.network)
h = hashlib.sha256()
for a in (run.daily, run.channels, run.leaks, run.states):
    h.update(a.tobytes())
print(h.hexdigest())
"""


def test_bit_identical_for_one_and_two_threads():
    text = WELL_MIXED.replace("horizon_days: 180", "horizon_days: 60").replace(
        "  awareness_decay_per_year: 2.0",
        "  awareness_decay_per_year: 2.0\n  network: {model: watts_strogatz, degree: 6}")
    digests = []
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        done = subprocess.run([sys.executable, "-c", HASH_SCRIPT], input=text, env=env,
                              capture_output=True, text=True, check=True, timeout=300)
        digests.append(done.stdout.strip())
    assert digests[0] == digests[1] and len(digests[0]) == 64


def diffusion(days: int, p: float, q: float, network: str = "", seeded: float = 0.0,
              reps: int = 4) -> np.ndarray:
    """Adopters at the horizon per replication, with the per-customer engine."""
    sc = scenario(DIFFUSION.format(days=days, p=p, q=q, network=network, seeded=seeded))
    run = run_plan(sc.plan(), reps, 3, engine="agents", network=sc.spec.market.network)
    return run.daily[:, KPI_INDEX["cumulative_adopters"], -1]


def test_word_of_mouth_is_slower_on_a_lattice():
    """Small-world graph with little rewiring: talkers cluster, so imitation saturates
    locally and fewer people adopt than in a well-mixed market with the same q."""
    mixed = diffusion(1095, 0.01, 1.2)
    lattice = diffusion(1095, 0.01, 1.2,
                        "  network: {model: watts_strogatz, degree: 4, rewiring: 0.01}")
    gap, se = gap_in_se(mixed[:, None], lattice[:, None])
    assert mixed.mean() > lattice.mean() and gap[0] > 4 * se[0], (mixed, lattice)


def test_seeding_hubs_beats_seeding_at_random():
    """Barabasi-Albert graph, no innovation: 20 seeds at the hubs reach more people in
    half a year than 20 seeds placed at random."""
    hubs = diffusion(180, 0.0, 1.5, "  network: {model: barabasi_albert, degree: 4, "
                                    "seed_hubs: 20}")
    random = diffusion(180, 0.0, 1.5, "  network: {model: barabasi_albert, degree: 4}",
                       seeded=0.001)
    gap, se = gap_in_se(hubs[:, None], random[:, None])
    assert hubs.mean() > random.mean() and gap[0] > 4 * se[0], (hubs, random)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(50, 600), churn=st.floats(0, 5), winback=st.floats(0, 5),
       imitation=st.floats(0, 3), loyalty=st.floats(0, 3), budget=st.floats(0, 50_000),
       network=st.sampled_from(["", "  network: {model: erdos_renyi, degree: 4}"]))
def test_customers_and_money_are_conserved(size, churn, winback, imitation, loyalty, budget,
                                           network):
    text = WELL_MIXED.replace("horizon_days: 180", "horizon_days: 40").replace(
        "size: 20_000", f"size: {size}").replace(
        "  awareness_decay_per_year: 2.0", "  awareness_decay_per_year: 2.0\n" + network)
    sc = scenario(text, (f"market.segments.young.churn_per_year={churn}",
                         f"market.segments.young.winback_per_year={winback}",
                         f"market.segments.young.loyalty_per_year={loyalty}",
                         f"market.word_of_mouth.imitation={imitation}",
                         f"strategies.pulsed.budget={budget}"))
    plan = sc.plan()
    graph = social_graph(network_shape(sc.spec.market.network), int(plan.init_state.sum()), 1)
    rep = AgentReplication(plan, replication_seeds(1, 1)[0], graph)
    result = rep.run()
    people = int(plan.init_state.sum())
    counts, ever = rep.customers.counts(plan.n_segments)
    assert np.array_equal(counts, result.state) and counts.sum() == people
    assert np.array_equal(counts.sum(axis=1), plan.init_state.sum(axis=1))
    assert result.state[:, P.WAITING].sum() == 0
    daily = result.daily
    adopters = daily[KPI_INDEX["cumulative_adopters"]]
    assert adopters[-1] == ever.sum() <= people
    assert np.all(np.diff(adopters) >= 0)
    assert np.all(daily[KPI_INDEX["customers"]] <= adopters)
    assert np.all((daily[KPI_INDEX["brand_awareness"]] >= 0)
                  & (daily[KPI_INDEX["brand_awareness"]] <= 1 + 1e-12))
    revenue = daily[KPI_INDEX["revenue"]].sum()
    assert np.isclose(rep.customers.value.sum(), revenue, rtol=1e-9, atol=1e-6)
    assert np.all(rep.customers.adopted_on[rep.customers.ever == 0] == -1)


def test_placement_follows_the_initial_counts():
    init = np.array([[5, 3, 2, 4, 1, 0, 0], [10, 0, 0, 0, 0, 0, 0]], dtype=np.int64)
    c = place_customers(init, np.random.default_rng(0), hubs=np.array([15, 16]))
    assert c.segment.tolist() == [0] * 15 + [1] * 10
    counts, ever = c.counts(2)
    assert counts[0].tolist() == init[0].tolist()
    assert counts[1, P.CUSTOMER] == 2 and ever.tolist() == [5, 2]


def test_csr_of_a_small_graph():
    g = csr_from_edges(np.array([[0, 1], [1, 2], [2, 2], [3, 1]]), 4)
    assert g.indptr.tolist() == [0, 1, 4, 5, 6]
    assert g.indices.tolist() == [1, 0, 2, 3, 1, 1]
    assert g.hubs(1).tolist() == [1]


def test_counter_based_uniform_is_splitmix64():
    """The kernel's draw is output i of the SplitMix64 stream keyed by (seed, day)."""
    from mktsim.engine.agents_kernel import _stream_key, _uniform

    seed, day, i = 0xDEADBEEF12345678, 17, 42
    key = splitmix64(seed ^ splitmix64(day * 2))
    assert _stream_key(np.uint64(seed), day, 0) == key
    gamma = 0x9E3779B97F4A7C15
    x = splitmix64((key + i * gamma) & ((1 << 64) - 1))
    assert _uniform(np.uint64(key), i) == (x >> 11) / 2.0**53


def test_large_markets_are_refused_and_unmodelled_parts_warned():
    sc = mktsim.load(ROOT / "scenarios" / "smart_band.yaml")
    with pytest.raises(ScenarioError, match="per-customer engine is for markets up to"):
        run_plan(sc.plan(), 1, 1, engine="agents")
    where = {p.where for p in unmodelled(sc.spec)}
    assert "crm.complaints_per_order" in where
    assert any(w.endswith(".team") for w in where)
    with pytest.raises(ValueError, match="unknown engine"):
        run_plan(sc.plan(), 1, 1, engine="people")


def test_seed_hubs_needs_a_graph():
    with pytest.raises(ScenarioError, match="seed_hubs needs a graph"):
        scenario(DIFFUSION.format(days=10, p=0.1, q=0.1, seeded=0.0,
                                  network="  network: {model: complete, seed_hubs: 3}"))


def test_run_api_and_cli_take_the_engine(tmp_path: Path):
    from click.testing import CliRunner

    from mktsim.cli import main

    path = tmp_path / "mixed.yaml"
    path.write_text(WELL_MIXED.replace("horizon_days: 180", "horizon_days: 30"),
                    encoding="utf-8")
    result = mktsim.load(path).run(replications=2, engine="agents")
    assert result.run.daily.shape[0] == 2
    out = CliRunner().invoke(main, ["run", str(path), "-n", "2", "--engine", "agents",
                                    "--format", "csv"])
    assert out.exit_code == 0, out.output


def test_run_cli_prints_what_the_per_customer_engine_leaves_out_once():
    from click.testing import CliRunner

    from mktsim.cli import main

    args = ["run", str(ROOT / "scenarios" / "smart_band.yaml"), "-n", "1", "--engine",
            "agents", "--no-incremental", "--format", "csv", "--set", "market.size=20_000",
            "-s", "baseline"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    lines = [line for line in out.stderr.splitlines() if line.startswith("warning:")]
    assert lines and len(lines) == len(set(lines))
    assert any("per-customer engine" in line or "agents" in line for line in lines), lines


def test_a_fresh_cli_run_on_worker_processes_loads_the_cached_kernel(tmp_path: Path):
    """`mktsim run --engine agents` as a user runs it, twice (the second loads the kernel
    from numba's cache): its first chunk runs in the command's process, which starts
    numba's threads, so the pool's workers come from a fork server and load the parallel
    kernel fresh; a worker that did so without starting the threading layer died (exit 1,
    BrokenProcessPool)."""
    import subprocess
    import sys

    path = tmp_path / "mixed.yaml"
    path.write_text(WELL_MIXED.replace("horizon_days: 180", "horizon_days: 30"),
                    encoding="utf-8")
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "mktsim", "run", str(path), "-n", "4",
                               "--engine", "agents", "--workers", "2", "--format", "csv"],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "units" in done.stdout
