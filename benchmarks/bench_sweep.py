"""Sweep throughput: points per second of an LHS sweep of the smart-band scenario.

Runs the same sweep with 1 and 2 local workers and on a Dask LocalCluster, prints points
per second, parallel efficiency (speed-up / workers) and the peak resident memory of this
process and of its children (MiB) for growing numbers of points.

    python benchmarks/bench_sweep.py --points 1000 --replications 4
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import mktsim
from mktsim.params import parse_params
from mktsim.sweep.batch import SweepConfig, build_design, run_sweep

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"
PARAMS = ["channels.social.cost.cpm=30:60", "channels.kol.cost.fee_per_post=10000:40000",
          "market.segments.young_urban.churn_per_year=0.15:0.35",
          "market.word_of_mouth.imitation=0.1:0.2"]


def peak_mib() -> tuple[float, float]:
    """Peak resident set size of this process and of its finished children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def one(cfg: SweepConfig, loaded: object, executor: str, workers: int) -> float:
    """Seconds for the whole sweep in a fresh folder."""
    out = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    try:
        start = time.perf_counter()
        summary = run_sweep(loaded, cfg, out / "s", executor=executor, workers=workers)
        seconds = time.perf_counter() - start
        assert summary.complete, summary.failed
        return seconds
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=1000)
    ap.add_argument("--replications", type=int, default=4)
    ap.add_argument("--strategy", default="digital_first")
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    scenario = mktsim.load(SCENARIO)
    params = parse_params(PARAMS)
    design = build_design(params, "lhs", args.points, 1)
    cfg = SweepConfig(design, args.replications, (args.strategy,), 1)
    print(f"{args.points} points x {args.replications} replications, strategy {args.strategy}")
    runs = [("local", 1), ("local", 2)] + ([] if args.no_dask else [("dask", 2)])
    base = None
    for executor, workers in runs:
        seconds = one(cfg, scenario.loaded, executor, workers)
        rate = args.points / seconds
        base = base or rate
        own, kids = peak_mib()
        print(f"{executor:5s} workers={workers}: {seconds:7.1f} s, {rate:6.2f} points/s, "
              f"efficiency {rate / base / workers:4.0%}, peak RSS self {own:.0f} MiB, "
              f"children {kids:.0f} MiB")
    for n in (max(2, args.points // 4), max(2, args.points // 2), args.points):
        small = SweepConfig(build_design(params, "lhs", n, 1), args.replications,
                            (args.strategy,), 1)
        one(small, scenario.loaded, "local", 1)
        print(f"points={n:5d}: peak RSS self {peak_mib()[0]:.0f} MiB (1 worker, in process)")


if __name__ == "__main__":
    main()
