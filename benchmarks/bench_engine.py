"""Engine throughput and start-up, side by side in one run (ratios matter: these machines
are shared and noisy, absolute times drift).

Run: python benchmarks/bench_engine.py [--replications N]
     python benchmarks/bench_engine.py --before /path/to/main [--strategies baseline adaptive]
       (the bare kernel's replication-years per second and the end-to-end replications per
       second of each checkout's code, alternately)

Prints:
- the bare kernel: replication-years per second of the smart-band population kernel
  (no SimPy, no events, one call over 365 days);
- end to end: replications per second of `Scenario.run` for each smart-band strategy, on
  1 and 2 workers, and the ratio of end-to-end time to kernel time;
- where the time of a replication goes: inside the kernel, and outside it;
- start-up: `mktsim --help`, and `mktsim run -n 20` with a cold and a warm numba cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "smart_band.yaml"


def kernel_years_per_second(reps: int) -> float:
    """Bare kernel: one call advancing a fresh population 365 days."""
    return kernel_rates(reps)[0]


def kernel_rates(reps: int) -> tuple[float, float, float]:
    """`kernel_years_per_second`, replication-years per CPU second of this process (a
    figure a loaded machine disturbs less than wall time), and replication-years per CPU
    second of the compiled call alone (`Replication.advance`, `kernel._advance`: without
    setting the replication up, its roster and its derived KPIs)."""
    import mktsim
    from mktsim.engine.replication import Replication
    from mktsim.engine.rng import replication_seeds

    plan = mktsim.load(SCENARIO).plan("digital_first")
    seeds = replication_seeds(1, reps + 1)
    Replication(plan, seeds[0]).sync(plan.horizon)
    start, cpu = time.perf_counter(), time.process_time()
    for seed in seeds[1:]:
        Replication(plan, seed).sync(plan.horizon)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    ready = [Replication(plan, seed) for seed in replication_seeds(1, reps + 1)[1:]]
    for rep in ready:
        rep.advance_roster(0, plan.horizon)
    call = time.process_time()
    for rep in ready:
        rep.advance(0, plan.horizon)
    return reps / wall, reps / cpu, reps / (time.process_time() - call)


def run_reps_per_second(strategy: str, reps: int, workers: int) -> float:
    """End to end: `Scenario.run` with uncertainties, events and rules. The incremental
    channel runs (one more set of replications per funded channel) are left out, so that
    the figure stays replications of the plan per second."""
    return run_rates(strategy, reps, workers)[0]


def run_rates(strategy: str, reps: int, workers: int) -> tuple[float, float]:
    """`run_reps_per_second`, and replications per CPU second of this process (on one
    worker everything runs here: a figure a loaded machine disturbs less than wall time)."""
    import mktsim

    scenario = mktsim.load(SCENARIO)
    scenario.run(strategy, 4, workers=1, incremental=False)
    start, cpu = time.perf_counter(), time.process_time()
    scenario.run(strategy, reps, workers=workers, incremental=False)
    return reps / (time.perf_counter() - start), reps / (time.process_time() - cpu)


def time_split(strategy: str, reps: int) -> tuple[float, float]:
    """Milliseconds per replication inside the population kernel and outside it (plans,
    rosters, events, derived KPIs, SimPy for plans with rules), for `Scenario.run` on one
    worker: the kernel entry points are wrapped with timers."""
    import mktsim
    from mktsim.engine import batch, replication

    spent = [0.0]

    def timed(fn):
        def wrapper(*args):
            start = time.perf_counter()
            fn(*args)
            spent[0] += time.perf_counter() - start
        return wrapper

    original = batch._advance_many, batch._advance_rows, replication._advance
    batch._advance_many, batch._advance_rows, replication._advance = map(timed, original)
    try:
        scenario = mktsim.load(SCENARIO)
        scenario.run(strategy, 4, workers=1, incremental=False)
        spent[0] = 0.0
        start = time.perf_counter()
        scenario.run(strategy, reps, workers=1, incremental=False)
        total = time.perf_counter() - start
    finally:
        batch._advance_many, batch._advance_rows, replication._advance = original
    return 1e3 * spent[0] / reps, 1e3 * (total - spent[0]) / reps


def command_seconds(args: list[str], env: dict[str, str] | None = None, repeat: int = 3) -> float:
    """Best wall time of a command over `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def startup() -> None:
    """`mktsim --help`, and a short run with a cold and a warm compile cache."""
    cli = [sys.executable, "-m", "mktsim"]
    print(f"mktsim --help: {command_seconds([*cli, '--help']):.2f} s")
    cache = tempfile.mkdtemp(prefix="numba-cache-")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    run = [*cli, "run", str(SCENARIO), "-n", "20", "--format", "json"]
    try:
        cold = command_seconds(run, env, repeat=1)
        warm = command_seconds(run, env, repeat=2)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(f"mktsim run -n 20: cold cache {cold:.2f} s, warm cache {warm:.2f} s")


def _floats_in(src: Path, call: str) -> list[float]:
    """The numbers `call` (a call of a function of this file) prints, run with the code
    under `src` (another checkout's `src`) in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(src))
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
            f"import bench_engine; print(*bench_engine.{call})")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True, env=env)
    return [float(v) for v in done.stdout.strip().splitlines()[-1].split()]


def throughput_in(src: Path, strategy: str, reps: int, workers: int) -> tuple[float, float]:
    """`run_rates` of the code under `src`, in a fresh process: (wall, CPU) rates."""
    wall, cpu = _floats_in(src, f"run_rates({strategy!r}, {reps}, {workers})")
    return wall, cpu


def kernel_in(src: Path, reps: int) -> tuple[float, float, float]:
    """`kernel_rates` of the code under `src`, in a fresh process: (wall, CPU, compiled
    call alone) rates."""
    wall, cpu, call = _floats_in(src, f"kernel_rates({reps})")
    return wall, cpu, call


def before_and_after(before: Path, strategies: list[str], reps: int) -> None:
    """The bare kernel's replication-years per second (3 rounds), then replications per
    second of each strategy, on 1 and 2 workers, with the code under `before` and this
    checkout's, measured alternately (a shared machine's load drifts)."""
    after = ROOT / "src"
    for _ in range(3):
        old, new = kernel_in(before, reps), kernel_in(after, reps)
        print(f"bare kernel: before {old[0]:6,.0f} replication-years/s, after {new[0]:6,.0f} "
              f"(x{new[0] / old[0]:.2f}); per CPU s: before {old[1]:6,.0f}, after "
              f"{new[1]:6,.0f} (x{new[1] / old[1]:.2f}); the compiled call alone, per CPU s: "
              f"before {old[2]:6,.0f}, after {new[2]:6,.0f} (x{new[2] / old[2]:.2f})",
              flush=True)
    for workers in (1, 2):
        found: dict[str, dict[str, tuple[float, float]]] = {}
        for strategy in strategies:
            found[strategy] = {name: throughput_in(src, strategy, reps, workers)
                               for name, src in (("before", before), ("after", after))}
        kinds = ((0, "reps/s"), (1, "reps per CPU s")) if workers == 1 else ((0, "reps/s"),)
        for column, unit in kinds:
            for strategy, pair in found.items():
                rate = {name: figures[column] for name, figures in pair.items()}
                share = ""
                if "baseline" in found:
                    base = {name: figures[column]
                            for name, figures in found["baseline"].items()}
                    share = (f"; of baseline: before {rate['before'] / base['before']:.2f}, "
                             f"after {rate['after'] / base['after']:.2f}")
                print(f"run {strategy:>15} on {workers} worker(s): before "
                      f"{rate['before']:6,.0f} {unit}, after {rate['after']:6,.0f} "
                      f"(x{rate['after'] / rate['before']:.2f})" + share, flush=True)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=400)
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout (e.g. main's worktree): throughput of its code "
                             "and this one's, side by side")
    parser.add_argument("--strategies", nargs="*", default=["baseline", "adaptive"],
                        help="with --before: the strategies to measure")
    args = parser.parse_args()
    if args.before is not None:
        before_and_after(args.before / "src", args.strategies, args.replications)
        return
    kernel = kernel_years_per_second(args.replications)
    print(f"bare kernel: {kernel:,.0f} replication-years/s (1 core)")
    import mktsim

    for strategy in mktsim.load(SCENARIO).strategies:
        one = run_reps_per_second(strategy, args.replications, 1)
        two = run_reps_per_second(strategy, args.replications, 2)
        print(f"run {strategy:>15}: {one:6,.0f} reps/s on 1 worker, {two:6,.0f} on 2 "
              f"(x{two / one:.2f}); end-to-end / kernel time = {kernel / one:.1f}")
    for strategy in mktsim.load(SCENARIO).strategies:
        inside, outside = time_split(strategy, args.replications)
        print(f"time per replication {strategy:>15}: kernel {inside:.2f} ms, "
              f"outside it {outside:.2f} ms")
    startup()


if __name__ == "__main__":
    main()
