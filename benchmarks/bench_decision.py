"""Time `compare` of the smart-band strategies and `optimize --mode target`.

Run: python benchmarks/bench_decision.py [workers] [what] [flighting]
(what: compare, optimize, both; `flighting`: optimize with `decision.levers.flighting:
{by: month}` as a lever too: a curve per channel, or the one plan-wide curve of versions
before it)
     python benchmarks/bench_decision.py --before /path/to/main [workers]
       (compare with that checkout's code and with this one's, in one run)

`optimize` includes the confirmation of the plan found on its own replications
(decision.confirm); its attempts and wall time are printed on a second line.

Besides wall time it prints the CPU time of this process and its worker processes (and
of this process alone, the parent, which shares the cores with the workers): on a machine
shared with other work, CPU seconds / workers is the wall time an idle machine would
take.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import mktsim
from mktsim.decision.compare import compare
from mktsim.decision.optimize import optimize


def _cpu() -> float:
    return _own_cpu() + _cpu_of(resource.RUSAGE_CHILDREN)


def _own_cpu() -> float:
    """CPU seconds of this process alone (the parent of the workers)."""
    return _cpu_of(resource.RUSAGE_SELF)


def _cpu_of(who: int) -> float:
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def before_and_after(before: Path, workers: int) -> None:
    """`compare` with the code under `before` (another checkout) and this one's, each in a
    fresh process, one after the other."""
    root = Path(__file__).resolve().parents[1]
    for name, src in (("before", before / "src"), ("after", root / "src")):
        env = dict(os.environ, PYTHONPATH=str(src))
        done = subprocess.run([sys.executable, __file__, str(workers), "compare"], check=True,
                              capture_output=True, text=True, env=env, cwd=root)
        print(f"{name:>6}: {done.stdout.strip()}", flush=True)


def main() -> None:
    """Print the timings."""
    if len(sys.argv) > 2 and sys.argv[1] == "--before":
        workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2
        before_and_after(Path(sys.argv[2]), workers)
        return
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    what = sys.argv[2] if len(sys.argv) > 2 else "both"
    sc = mktsim.load("scenarios/smart_band.yaml")
    if len(sys.argv) > 3 and sys.argv[3] == "flighting":
        sc = sc.with_values({"decision.levers.flighting": {"by": "month"}})
    sc.run("baseline", 4, 1)  # warm the compiled kernels
    if what in ("compare", "both"):
        t, c0, p0 = time.perf_counter(), _cpu(), _own_cpu()
        c = compare(sc, precision=1e-6, max_reps=1000, batch=1000, workers=workers)
        reps = len(c.strategies) * c.replications
        cpu = _cpu() - c0
        print(f"compare: {len(c.strategies)} strategies x {c.replications} replications "
              f"in {time.perf_counter() - t:.1f} s ({workers} workers); CPU {cpu:.1f} s "
              f"= {1e3 * cpu / reps:.1f} ms per replication, of which the parent "
              f"{_own_cpu() - p0:.1f} s")
    if what in ("optimize", "both"):
        t, c0 = time.perf_counter(), _cpu()
        o = optimize(sc, "target", workers=workers)
        print(f"optimize --mode target: {o.evaluations} evaluations in "
              f"{time.perf_counter() - t:.1f} s ({workers} workers); CPU {_cpu() - c0:.1f} s; "
              f"reached={o.reached}, budget={o.budget:,.0f}")
        c = getattr(o, "confirmation", None)  # None before the confirmation existed
        if c is not None:
            print(f"  confirmation: {len(o.confirmations)} attempt(s) of "
                  f"{o.verified.replications} replications in {o.confirm_seconds:.1f} s; "
                  + ", ".join(f"{t.id} {t.probability:.3f} (lower {t.lower:.3f})"
                              for t in c.targets))


if __name__ == "__main__":
    main()
