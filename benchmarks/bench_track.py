"""Time to track the smart band: six months (26 weeks) of weekly actuals of units, revenue
and a monthly awareness survey (n = 500), 1,000 conditioned replications, on 2 workers;
with `--reoptimize`, also the time to re-optimise the rest of the year (the scenario's
`decision:` budget of evaluations and replications per candidate, verified on `-n`
fresh conditioned replications).

    .venv/bin/python benchmarks/bench_track.py [--workers 2] [-n 1000] [--write-example]
    .venv/bin/python benchmarks/bench_track.py --reoptimize [--evaluations 200]

`--write-example` (re)writes scenarios/smart_band_actuals_h1.csv, the shipped example:
replication 3 of seed 7 of the baseline strategy, simulated by mktsim itself.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "smart_band_actuals_h1.csv"


def make_actuals(path: Path, seed: int = 7, replication: int = 3) -> Path:
    """26 weeks of the baseline's replication `replication` of `seed`, as actuals."""
    import mktsim
    from mktsim.history.periods import PeriodKind
    from mktsim.track.synthetic import simulated_actuals, write_actuals

    scenario = mktsim.load(ROOT / "scenarios" / "smart_band.yaml")
    actuals = simulated_actuals(scenario, "baseline", 26, PeriodKind.WEEK,
                                ("units", "revenue", "brand_awareness"), ("social", "kol"),
                                seed, replication=replication)
    return write_actuals(path, actuals)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("-n", "--replications", type=int, default=1000)
    parser.add_argument("--write-example", action="store_true")
    parser.add_argument("--reoptimize", action="store_true")
    parser.add_argument("--evaluations", type=int)
    parser.add_argument("--search-reps", type=int)
    args = parser.parse_args()
    import mktsim

    if args.write_example:
        print("wrote", make_actuals(EXAMPLE))
        return
    with tempfile.TemporaryDirectory() as tmp:
        actuals = make_actuals(Path(tmp) / "actuals.csv")
        scenario = mktsim.load(ROOT / "scenarios" / "smart_band.yaml")
        started = time.perf_counter()
        result = scenario.track(actuals, replications=args.replications,
                                workers=args.workers)
        seconds = time.perf_counter() - started
    c = result.conditioning
    print(f"track smart band: {seconds:.1f} s, {args.replications} replications (x2: plan "
          f"and conditioned), {args.workers} workers; ESS {c.ess:.0f}, beta {c.beta:.3g}")
    for t in result.targets:
        print(f"  {t.conditional.target.id}: P {t.conditional.probability:.2f} "
              f"[{t.conditional.interval[0]:.2f}, {t.conditional.interval[1]:.2f}], plan "
              f"{t.unconditional.probability:.2f}, {t.position.status}")
    if args.reoptimize:
        reoptimize(scenario, result, args)


def reoptimize(scenario: object, result: object, args: argparse.Namespace) -> None:
    """Time `Tracking.reoptimize` and print what it found."""
    started = time.perf_counter()
    result.reoptimize(scenario, None, None, args.evaluations,  # type: ignore[attr-defined]
                      args.search_reps, args.replications, args.workers)
    seconds = time.perf_counter() - started
    r = result.reoptimization  # type: ignore[attr-defined]
    print(f"reoptimize: {seconds:.1f} s, {r.evaluations} candidates on {r.search_reps} "
          f"particles ({r.search_unique} distinct replications), verified on "
          f"{r.verify_reps} fresh replications (ESS {r.verify_ess:.0f}), {args.workers} "
          f"workers; cost of the change {r.cost_of_change:,.0f}; {r.message}")
    for t in r.targets:
        after = "-" if t.after is None else f"{t.after[0]:.2f} [{t.after[1][0]:.2f}, " \
            f"{t.after[1][1]:.2f}]"
        print(f"  {t.id}: plan {t.before[0]:.2f} -> new {after}")


if __name__ == "__main__":
    main()
