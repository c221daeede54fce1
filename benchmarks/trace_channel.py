"""Why a channel's contribution misses its truth on our generator: a trace, suspect by
suspect, of one `calibrate` of the drafted scenario (docs/calibration.md, "The always-on
channels over their truth, traced"):

    PYTHONPATH=$PWD/src python benchmarks/trace_channel.py --seeds 3 5 6

For each history (`synthetic_history.generate(seed)`, 156 weeks) it drafts and calibrates
as `bench_calibrate.py --from-history` does (holdout 13, the draft's choices), keeping the
kept form's model, its fit and the posterior draws the contributions were built from,
then prints per channel:

- the point reported, the mean and the median over the 40 posterior draws, and the
  contribution at the fit's optimum (16 replications), each against the truth;
- the -log posterior (untempered, the search's objective) at the optimum and at the
  truth's values (the purchase rate, whose truth is the draft's own level, profiled on
  a grid), and the contributions the model gives at the truth's values (the form and
  the definition: they should be the truth's);
- each channel's lift and carry-over: the optimum, its Laplace sd and the draws' median
  in z, the prior's median, the truth;
- the search started at the truth (does it stop elsewhere than the fit's optimum?);
- the fit again with every lift prior's median scaled so that the draft's assumed media
  share (30% of the KPI) is the truth's (the prior's centre as the only change).

Contributions in the KPI's money over the window; z: the prior's standard-normal
coordinates (calibrate.priors).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import tempfile
from functools import partial
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_history as sh

HOLDOUT = 13
AT_OPTIMUM = 16  # replications of a contribution at one point


def captured_calibration(seed: int) -> tuple[sh.Synthetic, dict]:
    """Draft and calibrate seed's history; the kept form's model, fit, the result and
    the draws the contributions were built from (captured as `calibrate` passes them)."""
    import mktsim
    import mktsim.calibrate.run as run
    from mktsim.api import init_from_history

    synthetic = sh.generate(seed=seed)
    got: dict = {}
    report, contributions = run._report, run.contributions

    def keep_report(loaded, model, result, settings, started):
        got["model"], got["fit"] = model, result
        return report(loaded, model, result, settings, started)

    def keep_draws(model, zs, *args, **kwargs):
        got["draws"] = zs
        return contributions(model, zs, *args, **kwargs)

    run._report, run.contributions = keep_report, keep_draws
    try:
        with tempfile.TemporaryDirectory() as tmp:
            history = synthetic.write_csv(Path(tmp) / "history.csv")
            got["result"] = mktsim.load(init_from_history(history, tmp, lang="en")
                                        ).calibrate(holdout=HOLDOUT)
    finally:
        run._report, run.contributions = report, contributions
    return synthetic, got


def per_draw(model, zs: np.ndarray, replications: int) -> dict[str, np.ndarray]:
    """Each channel's revenue contribution over the window at each row of `zs`."""
    from mktsim.calibrate.contributions import _simulate
    from mktsim.calibrate.counterfactuals import DrawPlans, without_channels
    from mktsim.calibrate.priors import values_at
    from mktsim.history import history_plan
    from mktsim.scenario.load import with_values

    specs = [with_values(model.loaded, values_at(model.priors, z)).spec for z in zs]
    actual = DrawPlans(tuple(history_plan(s, model.strategy, model.history) for s in specs),
                       replications)
    sim = partial(_simulate, model, ["revenue"])
    total = sim(actual)["revenue"]
    return {c: (total - sim(actual.mapped(partial(without_channels, rows=[i])))["revenue"]
                ).sum(axis=1) for i, c in enumerate(actual.plans[0].channels)}


def truth_z(synthetic: sh.Synthetic, model, fit, objective) -> np.ndarray:
    """The truth's values in z (the purchase rate profiled on a grid)."""
    from mktsim.calibrate.priors import values_at

    z = fit.z.copy()
    for j, p in enumerate(model.priors):
        if p.path in synthetic.truth.values:
            z[j] = brentq(lambda x, p=p: values_at([p], np.array([x]))[p.path]
                          - synthetic.truth.values[p.path], -3.09, 3.09)
    j = [p.path for p in model.priors].index("market.segments.buyers.purchase_per_year")
    z[j] = min(np.linspace(-2, 2, 21), key=lambda x: objective(np.r_[z[:j], x, z[j + 1:]]))
    return z


def errors(found: dict[str, np.ndarray], truth: dict[str, float]) -> str:
    return ", ".join(f"{c} {found[c][0] / truth[c] - 1:+.0%}" for c in truth)


def trace(seed: int) -> None:
    from mktsim.calibrate.fit import FitSettings, fit, neg_log_posterior, refine
    from mktsim.calibrate.priors import values_at
    from mktsim.calibrate.simulator import WindowModel
    from mktsim.history import observed_mask

    synthetic, got = captured_calibration(seed)
    model, result, truth = got["model"], got["fit"], synthetic.truth.contributions
    reported = {e.name: e.values["revenue"] for e in got["result"].contributions.entries
                if e.part == "channel"}
    print(f"seed {seed}: kept {got['result'].choice.kept if got['result'].choice else '-'}")
    draws = per_draw(model, got["draws"], 2)
    optimum = per_draw(model, result.z[None, :], AT_OPTIMUM)
    for c, true in truth.items():
        d = draws[c] / true - 1
        print(f"  {c}: reported {reported[c].contribution / true - 1:+.0%}; draws' mean "
              f"{d.mean():+.0%}, median {np.median(d):+.0%}; at the optimum "
              f"{optimum[c][0] / true - 1:+.0%}")
    mask = observed_mask(model.history, HOLDOUT)

    def objective(z: np.ndarray) -> float:
        return neg_log_posterior(z, model, result.sim_var, mask, {})

    zt = truth_z(synthetic, model, result, objective)
    at_truth = errors(per_draw(model, zt[None], AT_OPTIMUM), truth)
    print(f"  -log posterior: optimum {objective(result.z):.1f}, truth {objective(zt):.1f}; "
          f"the model at the truth's values: {at_truth}")
    for j, p in enumerate(model.priors):
        if p.path.startswith("channels."):
            print(f"    {p.path}: optimum {values_at(model.priors, result.z)[p.path]:.3g} "
                  f"(z {result.z[j]:+.2f}, Laplace sd {math.sqrt(result.cov[j, j]):.2f}, "
                  f"draws' median z {np.median(got['draws'][:, j]):+.2f}); prior median "
                  f"{values_at([p], np.zeros(1))[p.path]:.3g}; truth "
                  f"{synthetic.truth.values[p.path]:g} (z {zt[j]:+.2f})")
    started = refine(model, zt, result.sim_var, mask, {}, 30)[0]
    print(f"  search from the truth: -log posterior {objective(started):.1f}; contributions "
          f"{errors(per_draw(model, started[None], AT_OPTIMUM), truth)}")
    share = sum(truth.values()) / synthetic.truth.expected.sum()
    scale = share / (1 - share) / (0.3 / 0.7)
    priors = [dataclasses.replace(p, dist_args=(p.dist_args[0] + math.log(scale),
                                                *p.dist_args[1:]))
              if p.path.endswith("conversion.lift") else p for p in model.priors]
    centred = WindowModel(model.loaded, model.strategy, model.history, priors,
                          model.replications, model.seed)
    refit = fit(centred, FitSettings(HOLDOUT),
                np.random.default_rng(np.random.SeedSequence(model.seed, spawn_key=(31,))))
    print(f"  lift medians x {scale:.2f} (media share {share:.3f} for the assumed 0.3): at "
          f"the optimum {errors(per_draw(centred, refit.z[None], AT_OPTIMUM), truth)}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[3])
    for seed in parser.parse_args().seeds:
        trace(seed)


if __name__ == "__main__":
    main()
