"""The adaptive strategy run in batches (the review loop's changes carried out on the days
its rules fix) and each replication alone under SimPy (the path of rules whose days are
not known in advance) give the same distribution: KPI means and distributions, and how
often each rule acts, agree within sampling error over a few hundred replications."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import mktsim
from mktsim.engine.batch import schedule_key
from mktsim.engine.montecarlo import batchable, run_batched
from mktsim.engine.replication import Replication
from mktsim.engine.rng import replication_seeds
from mktsim.kpis import KPI_INDEX
from mktsim.rules.review import ReviewLoop
from mktsim.simulate.sampled import uncertain_plans

SMART_BAND = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"
REPS = 300
FLOWS = ("units", "revenue", "marketing_spend", "new_customers")


def _replications(scenario, seed):
    source = uncertain_plans(scenario.loaded, "adaptive", seed)
    plans = [p for p, _ in source.plans_for(0, REPS)]
    return [Replication(p, child, (ReviewLoop(),))
            for p, child in zip(plans, replication_seeds(seed, REPS), strict=True)]


def _figures(results):
    """Per replication: the year's total of some flows, the final customers."""
    daily = np.stack([r.daily for r in results])
    out = {name: daily[:, KPI_INDEX[name], :].sum(axis=1) for name in FLOWS}
    out["customers"] = daily[:, KPI_INDEX["customers"], -1]
    return out


def _acted(results):
    """Replications in which each rule carried out at least one action."""
    return Counter(rule for r in results
                   for rule in {d["rule"] for d in r.reviews.decisions if d["status"] == "done"})


@pytest.mark.slow
def test_batched_and_alone_give_the_same_distribution():
    scenario = mktsim.load(SMART_BAND)
    batched_reps = _replications(scenario, 101)
    assert all(batchable(r.plan, r.controllers) for r in batched_reps)
    assert len({schedule_key(r) for r in batched_reps}) == 1
    batched = run_batched(batched_reps)
    alone = [r.run() for r in _replications(scenario, 202)]  # SimPy, other streams
    a, b = _figures(batched), _figures(alone)
    for name in a:
        se = np.sqrt(a[name].var(ddof=1) / REPS + b[name].var(ddof=1) / REPS)
        assert abs(a[name].mean() - b[name].mean()) < 4.0 * se, name
        assert stats.ks_2samp(a[name], b[name]).pvalue > 1e-4, name
    acted_a, acted_b = _acted(batched), _acted(alone)
    assert set(acted_a) == set(acted_b)
    for rule in acted_a:
        pa, pb = acted_a[rule] / REPS, acted_b[rule] / REPS
        pooled = (acted_a[rule] + acted_b[rule]) / (2 * REPS)
        se = np.sqrt(max(pooled * (1 - pooled), 1e-9) * 2 / REPS)
        assert abs(pa - pb) < 4.0 * se + 1e-9, rule
    # the decision log of the batched path: each review's decisions with its day
    review_days = set(batched_reps[0].plan.rules.review_days) | {
        s.start for s in batched_reps[0].plan.rules.info.studies}
    days = {d["day"] for r in batched for d in r.reviews.decisions}
    assert days and days <= review_days


def test_each_replications_logged_shift_has_its_own_settings():
    """A `shift_budget` with fixed settings, carried out in a batch for every replication
    at once: each replication's decision holds its own settings (changing one leaves the
    others as they were) and its own amount moved."""
    from mktsim.scenario.load import load_text

    text = SMART_BAND.read_text(encoding="utf-8").replace(
        "when: \"roi('social') < -0.85 and budget_left() > 1_000_000\"",
        "when: \"day >= 30\"").replace("to: \"best_channel('roi', 'social')\"", "to: kol")
    loaded = load_text(text)
    source = uncertain_plans(loaded, "adaptive", 7)
    plans = [p for p, _ in source.plans_for(0, 4)]
    reps = [Replication(p, child, (ReviewLoop(),))
            for p, child in zip(plans, replication_seeds(7, 4), strict=True)]
    assert all(batchable(r.plan, r.controllers) for r in reps)
    logged = [d for r in run_batched(reps) for d in r.reviews.decisions
              if d["rule"] == "cut_weak_social" and d["status"] == "done"]
    assert len(logged) >= 4
    assert len({id(d["args"]) for d in logged}) == len(logged)
    logged[0]["args"]["from"] = "changed"
    assert all(d["args"]["from"] == "social" and d["args"]["to"] == "kol"
               for d in logged[1:])
    assert len({round(d["args"]["amount"], 6) for d in logged}) > 1


def test_the_batchs_planned_money_goes_with_the_batch():
    """`budget_left()` over sampled plans (each replication its own spend) stacks the
    planned money on the batch's own state: nothing of a batch outlives its replications."""
    import gc
    import weakref

    from mktsim.scenario.load import load_text

    loaded = load_text(SMART_BAND.read_text(encoding="utf-8"))
    source = uncertain_plans(loaded, "adaptive", 7)
    reps = [Replication(p, child, (ReviewLoop(),)) for (p, _), child in zip(
        source.plans_for(0, 4), replication_seeds(7, 4), strict=True)]
    assert all(batchable(r.plan, r.controllers) for r in reps)
    assert len({id(r.plan.spend) for r in reps}) == len(reps)  # a spend each
    results = run_batched(reps)
    assert len(results) == len(reps)
    stack = reps[0].stack
    assert stack is not None
    scales = weakref.ref(stack["chan_scale"])
    del reps, stack, results
    gc.collect()
    assert scales() is None
