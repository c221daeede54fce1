"""Start-up: what `validate`, `run` and `--help` import, and the fast paths that replace
slower ones (YAML through libyaml, JSON text, tables without pandas) giving the same
results as the paths they replace."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mktsim
from mktsim.documents.jsontext import dumps
from mktsim.scenario import yamlio
from mktsim.scenario.crosscheck import reporting_cycle
from mktsim.scenario.yamlfast import RESOLVER_TABLE, fast_parse
from mktsim.simulate.result import month_sums

ROOT = Path(__file__).resolve().parents[1]
SMART_BAND = ROOT / "scenarios" / "smart_band.yaml"
#: Packages no command that only reads a scenario or runs it may import (the normal
#: quantiles and distribution function a run asks for are computed as scipy.special does,
#: `params.normal_quantile`, `params.normal_cdf`).
HEAVY = ("pandas", "networkx", "matplotlib", "dask", "distributed", "SALib", "openpyxl",
         "pyarrow", "scipy.stats", "scipy.optimize", "scipy.linalg", "scipy.special",
         "mktsim.report.charts", "mktsim.report.html", "mktsim.report.excel",
         "mktsim.sweep", "mktsim.calibrate", "mktsim.track")
_PROBE = """
import sys
from mktsim.cli import main
try:
    main({args!r}, prog_name="mktsim")
except SystemExit as exc:
    code = exc.code
print("\\n" + repr((code, sorted(sys.modules))))
"""


def loaded_after(*args: str) -> tuple[int, set[str]]:
    """Exit code and the modules loaded once `mktsim ARGS` has run in a fresh process."""
    done = subprocess.run([sys.executable, "-c", _PROBE.format(args=list(args))],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    code, modules = eval(done.stdout.strip().splitlines()[-1])  # our own repr
    return code, set(modules)


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(h for h in HEAVY if h in modules)


def test_help_imports_no_engine() -> None:
    code, modules = loaded_after("--help")
    assert code == 0
    assert heavy_in(modules) == []
    assert {"numba", "numpy", "simpy", "pydantic", "mktsim.api"} & modules == set()


def test_validate_imports_no_engine_and_no_tables() -> None:
    code, modules = loaded_after("validate", str(SMART_BAND))
    assert code == 0
    assert heavy_in(modules) == []
    assert {"numba", "simpy", "llvmlite", "mktsim.engine.batch", "mktsim.report"} & modules \
        == set()


def test_run_as_json_imports_no_tables_charts_or_cluster() -> None:
    code, modules = loaded_after("run", str(SMART_BAND), "-n", "2", "--no-incremental",
                                 "-w", "1", "--format", "json")
    assert code == 0
    assert heavy_in(modules) == []
    assert {"numba", "mktsim.engine.batch"} <= modules  # the kernels do run


#: What `run`'s path loads for nothing: ruamel.yaml (a well-formed file is read through
#: libyaml), numba's array math and linear algebra (no loaded kernel's implementation is
#: there; `numba.np.arraymath` checks BLAS at import), and the other documents and their
#: tables (the terminal draws the run's).
NOT_ON_THE_RUN_PATH = (
    "ruamel.yaml", "numba.np.arraymath", "numba.np.linalg", "numba.cpython.heapq",
    "mktsim.report.load", "mktsim.report.tables.compare", "mktsim.report.tables.optimize",
    "mktsim.report.tables.analyze", "mktsim.report.tables.track", "mktsim.documents.compare",
    "mktsim.documents.optimize", "mktsim.documents.sweep", "mktsim.documents.track",
    "mktsim.decision.compare", "mktsim.decision.optimize",
)


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_run_imports_only_what_it_uses(fmt: str) -> None:
    """`mktsim run SCENARIO -n 5` as a planner types it (the channels' counterfactual runs,
    the default workers) imports none of pandas, scipy's modules, networkx, matplotlib,
    openpyxl, nor what the run path does not use."""
    code, modules = loaded_after("run", str(SMART_BAND), "-n", "5", "--format", fmt)
    assert code == 0
    assert heavy_in(modules) == []
    assert sorted(m for m in NOT_ON_THE_RUN_PATH if m in modules) == []
    assert not [m for m in modules if m.startswith("scipy.") and not m.startswith(
        ("scipy._lib", "scipy.__config__", "scipy._distributor_init", "scipy.version",
         "scipy._cyutility"))]  # numba reads scipy's version only
    assert {"numba", "mktsim.engine.batch", "mktsim.simulate.incremental"} <= modules


def test_run_as_a_table_imports_no_tables_charts_or_cluster() -> None:
    """The terminal's tables are the report's table model, whose tables of texts become
    DataFrames only when read: drawing them needs neither pandas nor pyarrow."""
    code, modules = loaded_after("run", str(SMART_BAND), "-n", "2", "-w", "1")
    assert code == 0
    assert "mktsim.report.render.rich" in modules  # the tables were drawn
    assert heavy_in(modules) == []
    assert "pyarrow" not in modules


_WARM_PROBE = """
import os
import numpy as np
import mktsim
from mktsim.engine.montecarlo import simulate
from mktsim.engine.workers import open_pool

plan = mktsim.load({path!r}).plan("digital_first")
with open_pool("local", 2) as pool:
    two = simulate(plan, 6, seed=1, workers=2, pool=pool.executor)
    started = pool.executor.started
done = os.times()
one = simulate(plan, 6, seed=1, workers=1)
same = all(np.array_equal(getattr(one, k), getattr(two, k))
           for k in ("daily", "channels", "leaks", "states"))
with open_pool("local", 2) as pool:  # one chunk: no worker is started for it
    simulate(plan, 1, seed=1, workers=2, pool=pool.executor)
    single = pool.executor.started
print(repr((started, same, done.children_user + done.children_system, single)))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes fork on Linux only")
def test_forked_workers_inherit_the_kernels_loaded_here() -> None:
    """A local pool's workers are forked once this process has run a few replications, so
    they do not load numba's cached kernels again (about a second of CPU each when they
    do): the workers' CPU time stays far below that, and the numbers are one worker's. A
    run of one chunk starts no worker at all."""
    done = subprocess.run([sys.executable, "-c", _WARM_PROBE.format(path=str(SMART_BAND))],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    started, same, worker_cpu, single = eval(done.stdout.strip().splitlines()[-1])  # our repr
    assert started and same
    assert worker_cpu < 0.5, f"the workers spent {worker_cpu:.2f} s of CPU"
    assert not single


_BLAS_PROBE = """
import sys
import numpy as np
from numba import njit
{imports}
@njit
def shifted(a):
    return a + 1.0

shifted(np.ones(2))  # numba loads its registries: numba.np.arraymath checks BLAS
loaded = ("numba.np.arraymath" in sys.modules, "scipy.linalg" in sys.modules)
restored = not getattr(sys.modules["numba.np.linalg"].ensure_blas, "mktsim_fast_loading", False)

@njit
def product(a, b):
    return np.dot(a, b)

a, b = np.arange(6.0).reshape(2, 3), np.arange(3.0)
print(repr((loaded, restored, np.array_equal(product(a, b), a @ b),
            "scipy.linalg.cython_blas" in sys.modules)))
"""


@pytest.mark.parametrize("imports", [
    "from numba.np import linalg\nimport mktsim.engine.jit\n",  # linalg there first
    "import mktsim.engine.jit\nassert 'numba.np.linalg' not in sys.modules\n",  # hooked
])
def test_kernels_load_without_scipy_linalg_and_blas_still_works(imports: str) -> None:
    """numba's import-time BLAS check (`numba.np.arraymath`) is answered without importing
    scipy.linalg, whether `numba.np.linalg` was imported before the engine or is imported
    after it (as numba loads its registries); numba's own check is back for what is
    compiled next, and a compiled function that calls BLAS computes what numpy computes
    (numba imports scipy.linalg.cython_blas for it)."""
    done = subprocess.run([sys.executable, "-c", _BLAS_PROBE.format(imports=imports)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    loaded, restored, same_product, bound = eval(done.stdout.strip().splitlines()[-1])
    assert loaded == (True, False)
    assert restored and same_product and bound


_CACHED_PROBE = """
import sys
import numpy as np
from numba import njit
import mktsim
from mktsim.engine.montecarlo import simulate

plan = mktsim.load({path!r}).plan("digital_first")
first = simulate(plan, 3, seed=5, workers=1)
registries = "numba.cpython.heapq" in sys.modules

@njit
def tripled(a):
    return a * 3.0  # compiled here: numba loads its registries for it

same = np.array_equal(tripled(np.arange(3.0)), np.arange(3.0) * 3.0)
again = simulate(plan, 3, seed=5, workers=1)
print(repr((registries, "numba.cpython.heapq" in sys.modules, same,
            all(np.array_equal(getattr(first, k), getattr(again, k))
                for k in ("daily", "channels", "leaks", "states")))))
"""


def test_cached_kernels_load_without_numba_registries() -> None:
    """Kernels loaded from numba's cache need none of numba's target registries (imported
    and installed only to compile); a function compiled afterwards in the same process
    loads them, and the kernels give the same numbers before and after."""
    probe = [sys.executable, "-c", _CACHED_PROBE.format(path=str(SMART_BAND))]
    subprocess.run(probe, capture_output=True, cwd=ROOT, check=True)  # the cache is warm
    done = subprocess.run(probe, capture_output=True, text=True, cwd=ROOT, check=True)
    registries, loaded_later, same, unchanged = eval(done.stdout.strip().splitlines()[-1])
    assert not registries
    assert loaded_later and same and unchanged


_ZEROS_MODULE = """
import numpy as np
from numba import njit


@njit(cache=True)
def filled(n):
    out = np.zeros(n)
    for i in range(n):
        out[i] = i * 0.5
    return out
"""
_ENV_PROBE = """
import sys
sys.path.insert(0, {folder!r})
{engine}
import zeros_probe
print(repr((lazy, zeros_probe.filled(4).tolist(),
            sum(zeros_probe.filled.stats.cache_hits.values()))))
"""
_WITH_ENGINE = """
from pathlib import Path
import mktsim
from mktsim.engine.montecarlo import simulate

from numba.core.runtime import nrtdynmod
from mktsim.engine import numba_load

numba_load.RUNTIME_CACHE = Path({cache!r})  # this test's own, not other tests'
compiled = []
original = nrtdynmod.create_nrt_module
nrtdynmod.create_nrt_module = lambda ctx: compiled.append(1) or original(ctx)
simulate(mktsim.load({path!r}).plan("digital_first"), 2, seed=5, workers=1)
lazy = [m for m in ("numba.np.arrayobj", "numba.np.npyimpl", "numba.cpython.unicode")
        if m in sys.modules] + ["runtime compiled"] * len(compiled)
"""


def test_environments_rebuilt_without_imports_still_compile_and_cache(tmp_path: Path) -> None:
    """The run's kernels load without importing numba's array implementations for their
    environments (`numba_load.rebuild_environments_without_imports`) and with numba's
    runtime functions from their cache (`numba_load.cache_runtime_functions`: compiled
    in the first process, then loaded); a function compiled and cached afterwards in that
    process (its environments pickled, its code calling the runtime's) loads from the
    cache in the next one, with or without mktsim, and computes the same."""
    (tmp_path / "zeros_probe.py").write_text(_ZEROS_MODULE, encoding="utf-8")
    cache = tmp_path / "runtime"  # empty: not the package's, which tests beside may fill
    cache.mkdir()
    engine = _WITH_ENGINE.format(path=str(SMART_BAND), cache=str(cache))
    runs = []
    for setup in (engine, engine, "lazy = []"):
        probe = _ENV_PROBE.format(folder=str(tmp_path), engine=setup)
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              cwd=ROOT, check=True)
        runs.append(eval(done.stdout.strip().splitlines()[-1]))  # our own repr
    assert [lazy for lazy, _, _ in runs] == [["runtime compiled"], [], []]
    assert all(values == [0.0, 0.5, 1.0, 1.5] for _, values, _ in runs)
    assert [hits for _, _, hits in runs] == [0, 1, 1]


_DAMAGE_PROBE = """
import pickle, sys
from pathlib import Path
from numba.core.registry import cpu_target
import mktsim
from mktsim.engine import numba_load
from mktsim.engine.montecarlo import simulate

numba_load.RUNTIME_CACHE = Path({folder!r})
path = numba_load._runtime_file(cpu_target.target_context.codegen())
damage = {damage!r}
if damage == "bad object code":
    damage = pickle.dumps(("nrt", "object", b"\\x00garbage"))
elif damage == "foreign class":
    damage = b"cbuiltins\\nno_such_name\\n."
path.write_bytes(damage)
result = simulate(mktsim.load({path!r}).plan("digital_first"), 2, seed=5, workers=1)
print(repr((path.read_bytes() != damage, result.replications)))
"""


@pytest.mark.parametrize("damage", [b"not a pickle", "bad object code", "foreign class"])
def test_a_damaged_runtime_cache_is_compiled_again_and_replaced(tmp_path: Path,
                                                                damage: object) -> None:
    """A kept runtime file that cannot be read, or read but not loaded (object code LLVM
    refuses, a pickle naming what does not exist), costs a compilation, never the run:
    the functions are compiled as numba does, the run completes and the file is replaced."""
    probe = _DAMAGE_PROBE.format(folder=str(tmp_path), damage=damage, path=str(SMART_BAND))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert eval(done.stdout.strip().splitlines()[-1]) == (True, 2)  # our own repr


_EXIT_PROBE = """
import atexit, sys, threading, time
from mktsim.cli import entry

atexit.register(lambda: print("exit functions ran", flush=True))
late = threading.Thread(target=lambda: (time.sleep(0.5), print("thread finished")))
late.start()
sys.argv = ["mktsim", *{args!r}]
entry()
print("not reached")
"""


@pytest.mark.parametrize(("args", "code"), [(["validate", str(SMART_BAND)], 0),
                                            (["validate", "no-such-file.yaml"], 2),
                                            (["--help"], 0), (["no-such-command"], 2)])
def test_the_command_ends_as_python_would_without_the_teardown(args: list[str],
                                                               code: int) -> None:
    """`mktsim` (`cli.entry`) ends the process when the command is done, with the
    command's exit status, once the threads still running have finished, the `atexit`
    functions have run and the output is flushed (`cli.common.exit_now`)."""
    done = subprocess.run([sys.executable, "-c", _EXIT_PROBE.format(args=args)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == code, done.stderr
    lines = done.stdout.splitlines()
    assert "thread finished" in lines and lines[-1] == "exit functions ran"
    assert "not reached" not in lines
    assert len(done.stdout + done.stderr) > 60  # the command's own output came first


def test_a_run_written_to_a_folder_through_the_command(tmp_path: Path) -> None:
    """`python -m mktsim run ... --out DIR`: every file is there and complete when the
    process has ended without its teardown."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "mktsim", "run", str(SMART_BAND), "-n", "2",
                           "--no-incremental", "-w", "1", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    document = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert document["replications"] == 2
    assert (out / "kpis.csv").read_text(encoding="utf-8").count("\n") > 3


# -- YAML: the libyaml path gives what the round-trip loader gives ------------------------

YAML_FILES = sorted([*ROOT.glob("scenarios/**/*.yaml"), *ROOT.glob("src/mktsim/templates/*.yaml"),
                     *ROOT.glob("tests/**/*.yaml")])


def same(a: object, b: object) -> bool:
    """Equal values of the same types, NaN equal to NaN, key order included."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)  # type: ignore
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)  # type: ignore[arg-type]
    return a == b


def both(text: str) -> tuple[object, object]:
    fast = fast_parse(text, yamlio.MAX_VALUES, yamlio.MAX_PATH)
    try:
        slow: object = yamlio._round_trip(text, "x.yaml")
    except yamlio.ScenarioError as exc:
        slow = exc
    return fast, slow


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_yaml_files_read_the_same_both_ways(path: Path) -> None:
    fast, slow = both(path.read_text(encoding="utf-8"))
    if fast is None:
        return  # left to the round-trip loader
    assert not isinstance(slow, Exception), "fast path accepted a file the loader refuses"
    assert same(fast[0], slow[0])  # type: ignore[index]
    assert fast[1] == slow[1]  # type: ignore[index]


def test_shipped_scenarios_take_the_fast_path() -> None:
    for path in [SMART_BAND, *ROOT.glob("src/mktsim/templates/*.yaml")]:
        assert fast_parse(path.read_text(encoding="utf-8"), yamlio.MAX_VALUES,
                          yamlio.MAX_PATH) is not None, path


SCALARS = ["1", "-1", "+1", "0", "007", "1_000", "0x1F", "0X1f", "0o17", "0b101", "-0b1",
           "0x_1", "0b", "1.5", "1.", ".5", "-.5", "1e5", "1E+5", "1.0e-3", "1_0.5", ".inf",
           "-.Inf", "+.INF", ".nan", ".NaN", "true", "True", "TRUE", "false", "yes", "no", "on",
           "off", "y", "n", "null", "Null", "NULL", "~", "", "2026-12-01", "2026-1-1",
           "2026-12-01T10:00:00Z", "2026-02-30", "1:30", "12:30:00", "=", "<<", "'1'", '"1"',
           "'true'", '"a\\tb"', "|\n  x\n  y\n", ">\n  x\n  y\n", "a b", "'a''b'",
           "0.1%", "1,000", "-", "--", "+", "0o", "- 1", "[1, 2]", "{a: 1}", "abc # note",
           "\"\\u00e9\"", "é", "中文", "1e", "e5", "inf", "NaN", "0.", "00.5", "+.5", "-0",
           "-0.0"]


@pytest.mark.parametrize("scalar", SCALARS)
@pytest.mark.parametrize("form", ["key: {}\n", "- {}\n", "a:\n  b: [{}]\n"])
def test_scalars_resolve_as_the_round_trip_loader_does(form: str, scalar: str) -> None:
    text = form.format(scalar.replace("\n", "\n    ") if form.startswith("a:") else scalar)
    fast, slow = both(text)
    if fast is not None:
        assert not isinstance(slow, Exception)
        assert same(fast[0], slow[0]) and fast[1] == slow[1]  # type: ignore[index]


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: !custom 1\n", "a: !!python/object:os.system x\n",
    "<<: {a: 1}\n", "a: 1\na: 2\n", "1: a\n'1': b\n", "%YAML 1.1\n---\na: yes\n",
    "--- a\n--- b\n", "a: \x07\n", "? [1, 2]\n: x\n", "true: 1\n", "null: 1\n", "1.5: x\n",
    "a:\n" + "".join(f"{'  ' * (i + 1)}k{i}:\n" for i in range(45)),
    "[" * 70 + "]" * 70, "a: [1, 2\n", "a:\n\t- 1\n",
])
def test_unusual_files_go_to_the_round_trip_loader(text: str) -> None:
    assert fast_parse(text, yamlio.MAX_VALUES, yamlio.MAX_PATH) is None


def test_resolver_table_is_ruamels() -> None:
    """The fast path's plain-scalar resolvers, written out so that reading a file does not
    import ruamel.yaml, are ruamel.yaml's YAML 1.2 resolvers: tags, patterns, flags, first
    characters, order."""
    from ruamel.yaml.resolver import implicit_resolvers

    theirs = [(tag.removeprefix("tag:yaml.org,2002:"), pattern.pattern, pattern.flags,
               tuple(firsts)) for versions, tag, pattern, firsts in implicit_resolvers
              if (1, 2) in versions]
    assert [(tag, pattern, re.compile(pattern, flags).flags, firsts)
            for tag, pattern, flags, firsts in RESOLVER_TABLE] == theirs


def test_values_past_the_bound_go_to_the_round_trip_loader() -> None:
    text = "".join(f"k{i}: {i}\n" for i in range(60))
    assert fast_parse(text, 200, yamlio.MAX_PATH) is not None
    assert fast_parse(text, 100, yamlio.MAX_PATH) is None


# -- the org check without networkx -------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=8, unique=True).flatmap(
    lambda names: st.tuples(st.just([f"d{n}" for n in names]),
                            st.lists(st.integers(-1, len(names) - 1), min_size=len(names),
                                     max_size=len(names)))))
def test_reporting_cycle_is_the_cycle_networkx_finds(case: tuple[list[str], list[int]]) -> None:
    names, bosses = case
    boss = {n: names[b] for n, b in zip(names, bosses, strict=True) if b >= 0}
    graph = nx.DiGraph()
    for name in names:
        graph.add_node(name)
        if name in boss:
            graph.add_edge(name, boss[name])
    want = [] if nx.is_directed_acyclic_graph(graph) else [u for u, _ in nx.find_cycle(graph)]
    assert reporting_cycle(names, boss) == want


# -- numbers without pandas are pandas' numbers -------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.integers(1, 400), st.integers(0, 2**32 - 1), st.integers(-3, 9))
def test_month_sums_are_pandas_groupby_sums(days: int, seed: int, scale: int) -> None:
    import datetime as dt

    values = np.random.default_rng(seed).random(days) * 10.0 ** scale
    months = [(dt.date(2026, 11, 20) + dt.timedelta(d)).strftime("%Y-%m") for d in range(days)]
    want = pd.Series(values, index=months).groupby(level=0, sort=True).sum()
    assert month_sums(values, months) == {str(m): float(v) for m, v in want.items()}


@pytest.fixture(scope="module")
def smart_run() -> mktsim.RunResult:
    return mktsim.load(SMART_BAND).run(replications=12, seed=5, incremental=False)


def test_kpi_and_channel_rows_are_the_tables(smart_run: mktsim.RunResult) -> None:
    kpis = smart_run.kpis()
    assert list(smart_run.kpi_rows()) == list(kpis.index)
    for name, row in smart_run.kpi_rows().items():
        assert row == kpis.loc[name].to_dict()
    channels = smart_run.channels()
    rows = smart_run.channel_rows()
    assert list(rows) == list(channels.index)
    for name, row in rows.items():
        want = channels.loc[name].to_dict()
        assert list(row) == list(want)
        assert all(same(row[k], want[k]) or (row[k] == want[k]) for k in row), name
    assert smart_run.run.sample_paths() == [str(c) for c in smart_run.run.samples.columns]


# -- JSON text ------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(JSON, st.integers(0, 3))
def test_json_text_is_json_dumps(value: object, indent: int) -> None:
    assert dumps(value, indent=indent) == json.dumps(value, indent=indent)


def test_json_text_of_a_run_document(smart_run: mktsim.RunResult) -> None:
    doc = smart_run.to_dict()
    assert dumps(doc, indent=1) == json.dumps(doc, indent=1)
    with pytest.raises(TypeError):
        dumps({"a": object()})


# -- sampled plans compiled once per process ------------------------------------------------

def test_paired_runs_reuse_the_plans_of_their_replications() -> None:
    """The runs without a channel draw the values of the replications they are paired
    with: their plans come from the plans compiled for the run, and equal plans compiled
    afresh without that channel's money."""
    import dataclasses

    from mktsim.simulate import sampled

    loaded = mktsim.load(SMART_BAND).loaded
    source = sampled.uncertain_plans(loaded, "baseline", 11)
    assert source is not None
    base = source.plans_for(3, 4)
    kept = len(sampled._PLANS)
    without = dataclasses.replace(source, without=(1,)).plans_for(3, 4)
    assert len(sampled._PLANS) == kept  # nothing compiled again
    sampled._PLANS.clear()
    fresh = dataclasses.replace(source, without=(1,)).plans_for(3, 4)
    for (plan, values), (again, drawn), (b, _) in zip(without, fresh, base, strict=True):
        assert values == drawn
        assert plan.spend[1].sum() == 0 < b.spend[1].sum()
        for f in dataclasses.fields(plan):
            x, y = getattr(plan, f.name), getattr(again, f.name)
            if isinstance(x, np.ndarray):
                np.testing.assert_array_equal(x, y)
            else:
                assert x == y, f.name


_GC_PROBE = """
import gc
from mktsim.cli import main
states = []
for path in ({paths}):
    try:
        main(["validate", path], prog_name="mktsim")
    except SystemExit as exc:
        states.append((exc.code, gc.isenabled(), gc.get_freeze_count() > 0))
print(repr(states))
"""


def test_start_up_pauses_the_collector_once_and_restores_it(tmp_path: Path) -> None:
    """The cycle collector is on again after the scenario is loaded, also when loading
    fails; the start-up's objects are frozen once, not again by later commands."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    paths = f"{str(bad)!r}, {str(SMART_BAND)!r}"
    done = subprocess.run([sys.executable, "-c", _GC_PROBE.format(paths=paths)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    first, second = eval(done.stdout.strip().splitlines()[-1])  # our own repr
    assert first == (2, True, True)
    assert second == (0, True, True)
