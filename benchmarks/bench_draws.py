"""The population kernel's binomial variates replayed: nanoseconds each, by kind.

Run: python benchmarks/bench_draws.py [--rounds N] [--before PATH]

Every binomial variate of one smart-band replication-year (`digital_first`) is recorded
with its n and p from the kernel run without compiling (`NUMBA_DISABLE_JIT`, in a
subprocess, a few seconds), then drawn again in a compiled loop: in the kernel's order,
and each kind alone (BTRS; inversion by mean). The kernel's order costs more than the
kinds alone: the sampler's branches are mispredicted when one variate's kind differs
from the last one's.

With --before, that checkout's `engine/variates.py` draws the same variates too,
alternately with this tree's, in this process (the steadiest comparison on a shared
machine); the two must draw the same numbers (checked). Times are CPU seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "smart_band.yaml"
KINDS = {"BTRS (mean >= 30)": (30.0, np.inf), "inversion, mean 5-30": (5.0, 30.0),
         "inversion, mean 1-5": (1.0, 5.0), "inversion, mean < 1": (0.0, 1.0)}


def record(path: str) -> None:
    """Run one replication-year uncompiled, saving every binomial's (n, p) to `path`."""
    from mktsim import load
    from mktsim.engine import kernel, variates
    from mktsim.engine.replication import Replication
    from mktsim.engine.rng import replication_seeds

    calls: list[tuple[int, float]] = []
    sampler = variates.binomial

    def recorded(rs, n, p):
        calls.append((int(n), float(p)))
        return sampler(rs, n, p)

    variates.binomial = kernel.binomial = recorded
    plan = load(SCENARIO).plan("digital_first")
    rep = Replication(plan, replication_seeds(1, 2)[1])
    rep.advance_roster(0, plan.horizon)
    rep.advance(0, plan.horizon)
    np.savez(path, n=np.array([n for n, _ in calls], dtype=np.int64),
             p=np.array([p for _, p in calls]), days=plan.horizon)


def recorded_calls() -> tuple[np.ndarray, np.ndarray, int]:
    """(n, p, days) of the recorded variates (from a subprocess without numba)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "calls.npz")
        env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
        subprocess.run([sys.executable, __file__, "--record", path], check=True, env=env,
                       stderr=subprocess.DEVNULL)
        data = np.load(path)
        return data["n"], data["p"], int(data["days"])


def replayer(binomial):
    """A compiled loop drawing binomial(rs, n[i], p[i]) for every i, `reps` times."""
    from numba import njit

    @njit
    def replay(rs, n, p, out, reps):
        for _ in range(reps):
            for i in range(n.shape[0]):
                out[i] = binomial(rs, n[i], p[i])

    return replay


def variates_of(src: Path):
    """Another checkout's `engine/variates.py` as a module of its own."""
    text = (src / "src" / "mktsim" / "engine" / "variates.py").read_text()
    text = text.replace("from .jit import", "from mktsim.engine.jit import")
    path = Path(tempfile.mkdtemp()) / "variates_before.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("variates_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def us_per_day(replay, new_stream, n, p, days, reps=3) -> float:
    """CPU microseconds per simulated day of drawing n, p `reps` times."""
    out = np.zeros(n.shape[0], dtype=np.int64)
    start = time.process_time()
    replay(new_stream(7), n, p, out, reps)
    return (time.process_time() - start) / reps / days * 1e6


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--before", type=Path, default=None)
    args = parser.parse_args()
    if args.record:
        record(args.record)
        return
    from mktsim.engine import variates

    n, p, days = recorded_calls()
    mean = n * np.minimum(p, 1.0 - p)
    drawn = (n > 0) & (p > 0.0) & (p < 1.0)
    replay = replayer(variates.binomial)
    print(f"{len(n) / days:.1f} binomial variates a day ({(~drawn).sum() / days:.1f} "
          "with n = 0 or p in {0, 1}, no uniform)")
    for kind, (low, high) in [("all, in the kernel's order", (-1.0, np.inf)), *KINDS.items()]:
        pick = (mean >= low) & (mean < high) & (drawn | (low < 0))
        kn, kp = np.ascontiguousarray(n[pick]), np.ascontiguousarray(p[pick])
        us_per_day(replay, variates.new_stream, kn[:10], kp[:10], days, 1)  # compile
        best = min(us_per_day(replay, variates.new_stream, kn, kp, days)
                   for _ in range(args.rounds))
        print(f"{kind:>28}: {pick.sum() / days:5.1f} a day, {best * days / pick.sum() * 1e3:5.1f}"
              f" ns each, {best:5.2f} us a day (best of {args.rounds})")
    if args.before is not None:
        before_and_after(variates, variates_of(args.before), n, p, days, args.rounds)


def before_and_after(after, before, n, p, days, rounds) -> None:
    """The day's variates drawn by both samplers, alternately; same numbers checked."""
    replays = {"before": (replayer(before.binomial), before.new_stream),
               "after": (replayer(after.binomial), after.new_stream)}
    outs = []
    for replay, new_stream in replays.values():
        out = np.zeros(n.shape[0], dtype=np.int64)
        replay(new_stream(3), n, p, out, 1)
        outs.append(out)
    if not np.array_equal(*outs):
        print("before and after draw different numbers")
    times: dict[str, list[float]] = {name: [] for name in replays}
    for _ in range(rounds):
        for name, (replay, new_stream) in replays.items():
            times[name].append(us_per_day(replay, new_stream, n, p, days))
    for name, values in times.items():
        print(f"{name:>6}: best {min(values):.2f}, median {np.median(values):.2f} us a day")
    print(f"after / before: median {np.median(times['after']) / np.median(times['before']):.3f}"
          f", best {min(times['after']) / min(times['before']):.3f}")


if __name__ == "__main__":
    main()
