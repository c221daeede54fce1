"""Start-up of the commands a planner types most, for one or more source trees side by
side in one run (the machines are shared and noisy: compare the trees' ratios, measured
in turn, rather than absolute times across runs).

Run:
    python benchmarks/bench_startup.py                      # this tree
    python benchmarks/bench_startup.py --src /path/to/other/src --src src --repeats 9

Each command runs as a fresh process (`python -m mktsim ...` with PYTHONPATH set to the
tree's `src`, bytecode caching on), the trees in turn within each round, so that a
change of load hits every tree alike. Before the rounds each tree runs every command once
untimed, so numba's cache and the bytecode are warm.
Prints the median and the fastest wall time of each command and tree, each tree's median
as a ratio of the first tree's, and the median CPU time of the command and its worker
processes (less disturbed by a loaded machine, blind to workers running side by side):

- `mktsim --help`
- `mktsim validate SCENARIO`
- `mktsim run SCENARIO -n 20` (the default table on stdout, numba cache warm)
- `mktsim run SCENARIO -n 20 --format json`

With `--phases`, each tree's `mktsim run SCENARIO -n 20` instead, in a fresh process, cut
into its phases (the command's own functions, timed as they run: the interpreter and the
command modules, importing the API, reading and validating the file, importing numba and
the engine, the replications with the pool if one is started, the tables, and ending the
process as the tree's command ends it: the CPU of the whole process less the phases
before), median CPU seconds of each and of the worker processes, the trees in turn.

Where the time goes: `python -X importtime -m mktsim validate SCENARIO` and
`python -m cProfile -s cumulative -m mktsim run SCENARIO -n 20` (docs/architecture.md,
"Start-up").
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "smart_band.yaml"


def commands(scenario: Path) -> dict[str, list[str]]:
    """Label -> arguments of `mktsim`."""
    run = ["run", str(scenario), "-n", "20"]
    return {"--help": ["--help"], "validate": ["validate", str(scenario)], "run -n 20": run,
            "run -n 20 --format json": [*run, "--format", "json"]}


def seconds(src: Path, args: list[str]) -> tuple[float, float]:
    """Wall-clock seconds of one `python -m mktsim ARGS` with `src` first on the path, and
    the CPU seconds (user and system) of it and its worker processes: a figure a loaded
    machine disturbs less than wall time, but blind to what workers do side by side."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)  # bytecode cached as on an installed copy
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mktsim", *args], env=env, cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"mktsim {' '.join(args)} failed with {src}:\n{done.stderr}")
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    return took, (now.ru_utime + now.ru_stime) - (used.ru_utime + used.ru_stime)


Times = dict[str, dict[Path, list[tuple[float, float]]]]


def measure(trees: list[Path], scenario: Path, repeats: int) -> Times:
    """(wall, CPU) seconds of every command for every tree, trees in turn within each
    round."""
    for src in trees:  # warm numba's cache, the bytecode and the file system's cache
        for args in commands(scenario).values():
            seconds(src, args)
    times: Times = {
        label: {src: [] for src in trees} for label in commands(scenario)}
    for _ in range(repeats):
        for label, args in commands(scenario).items():
            for src in trees:
                times[label][src].append(seconds(src, args))
    return times


def report(times: Times, trees: list[Path]) -> None:
    """One line per command and tree: median and fastest wall time, ratio to the first
    tree, median CPU time (the command and its workers) and its ratio."""
    print(f"{'command':<24} {'tree':<32} {'median s':>9} {'min s':>6} {'vs first':>9} "
          f"{'CPU s':>6} {'vs first':>9}")
    for label, per_tree in times.items():
        first = [statistics.median(t[i] for t in per_tree[trees[0]]) for i in (0, 1)]
        for src in trees:
            wall, cpu = (statistics.median(t[i] for t in per_tree[src]) for i in (0, 1))
            print(f"{label:<24} {str(src)[-32:]:<32} {wall:9.2f} "
                  f"{min(t[0] for t in per_tree[src]):6.2f} {wall / first[0]:9.2f} "
                  f"{cpu:6.2f} {cpu / first[1]:9.2f}")


#: `mktsim run SCENARIO -n 20` as the command runs it, with the CPU seconds of each phase
#: (this process; the workers' at the end) printed as the last line (a repr).
_PHASES = r"""
import os, sys, time
from contextlib import nullcontext
marks = []
def mark(label):
    marks.append((label, time.process_time()))
import importlib
from mktsim.cli import common, main
run_module = importlib.import_module("mktsim.cli.run")  # the package's `run` is the command
mark("interpreter, command modules")
load = common.load_scenario
def timed_load(path, overrides):
    with getattr(common, "collector_paused", nullcontext)():  # as the command pauses it
        import mktsim.api  # noqa: F401
        mark("import the API")
        scenario = load(path, overrides)
        mark("read and validate")
    import mktsim.engine.replication  # noqa: F401  (numba, simpy, the kernels' modules)
    mark("import numba and the engine")
    return scenario
run_module.load_scenario = timed_load
from mktsim.report import terminal
print_run = terminal.print_run
def timed_print(result, console=None):
    mark("replications (and pool)")
    print_run(result, console)
    mark("tables")
terminal.print_run = timed_print
try:
    main(["run", sys.argv[1], "-n", "20"], prog_name="mktsim")
except SystemExit:
    pass
done = os.times()
marks.append(("workers", done.children_user + done.children_system))
print(repr(marks), flush=True)
exit_now = getattr(common, "exit_now", None)  # the command's own end, where it has one
if exit_now is not None:
    exit_now(0)
"""


def phases(src: Path, scenario: Path) -> list[tuple[str, float]]:
    """(phase, CPU seconds) of one `run SCENARIO -n 20` with `src` first on the path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", _PHASES, str(scenario)], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    whole = (now.ru_utime + now.ru_stime) - (used.ru_utime + used.ru_stime)
    marks = eval(done.stdout.strip().splitlines()[-1])  # our own repr
    steps = [(label, t - (marks[i - 1][1] if i else 0.0))
             for i, (label, t) in enumerate(marks[:-1])]
    total = marks[-2][1]
    ending = whole - total - marks[-1][1]  # after the tables: the process ending
    return [*steps, ("ending the process", ending), ("this process, in all", total + ending),
            marks[-1]]


def report_phases(trees: list[Path], scenario: Path, repeats: int) -> None:
    """The median CPU seconds of each phase, one column per tree."""
    for src in trees:  # warm numba's cache and the bytecode
        phases(src, scenario)
    runs: dict[Path, list[list[tuple[str, float]]]] = {src: [] for src in trees}
    for _ in range(repeats):
        for src in trees:
            runs[src].append(phases(src, scenario))
    labels = [label for label, _ in runs[trees[0]][0]]
    print(f"{'phase (CPU s, median)':<32}" + "".join(f"{str(t)[-24:]:>26}" for t in trees))
    for i, label in enumerate(labels):
        cells = [statistics.median(r[i][1] for r in runs[src]) for src in trees]
        print(f"{label:<32}" + "".join(f"{c:26.3f}" for c in cells))


def main() -> None:
    """Parse the options, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", action="append", type=Path,
                        help="a source tree (its `src` folder); repeat to compare, the "
                             "first is the reference (default: this tree)")
    parser.add_argument("--repeats", type=int, default=7, help="rounds (median of them)")
    parser.add_argument("--scenario", type=Path, default=SCENARIO)
    parser.add_argument("--phases", action="store_true",
                        help="the phases of `run -n 20` (CPU seconds) instead")
    options = parser.parse_args()
    trees = [p.resolve() for p in (options.src or [ROOT / "src"])]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"{options.repeats} rounds, scenario {options.scenario}")
    if options.phases:
        report_phases(trees, options.scenario.resolve(), options.repeats)
    else:
        report(measure(trees, options.scenario.resolve(), options.repeats), trees)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
