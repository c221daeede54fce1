"""How numba loads mktsim's compiled kernels from its cache: without its target
registries and without `scipy.linalg` (docs/architecture.md, "Start-up").

A run loads its kernels from numba's cache in each process. Before its first load numba
refreshes its CPU target: it imports and installs its implementations of Python and
numpy (the target registries, about 0.15 s of CPU), which only compiling needs, and
`numba.np.arraymath` checks at its import that BLAS is there by importing
`scipy.linalg.cython_blas` (all of `scipy.linalg` and scipy's array-API layer, about
0.2 s) though no kernel of mktsim calls BLAS. Both come before the first replication, in
the process the workers fork from, so they bound a short run. `install_fast_loading`:

- `load_cached_without_registries`: a kernel loaded from the cache starts numba's
  runtime (NRT) but loads no registry. Compiling anything still refreshes the target
  first (numba's compiler does it for every compilation, and its lowering again on a
  missing implementation), so what a compilation needs is there; the machine code loaded
  from the cache is the same, and so are the numbers.
- `defer_blas_check`: arraymath's import-time check is answered without the import
  (scipy is a dependency of mktsim, so it would pass); numba's own check is back from
  then on for what is compiled with BLAS, and numba binds the BLAS functions (importing
  `scipy.linalg.cython_blas`) when one is first called.

Both leave numba as it is when its internals are not the ones described here (another
version), and do nothing when numba has already loaded them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import llvmlite
import numba
from numba.core import caching, environment
from numba.core.cpu import CPUContext
from numba.core.runtime import nrt, nrtdynmod

#: The attribute that marks numba functions replaced here.
MARK = "mktsim_fast_loading"


#: numba's modules of implementations that the run's cached kernels link (np.empty and
#: np.zeros, ufunc broadcasting, integer powers, array sums) and whose import only
#: registers how to type and compile them: nothing a loaded kernel needs when it runs.
LAZY_ENVIRONMENT_MODULES = frozenset({"numba.np.arrayobj", "numba.np.npyimpl",
                                      "numba.cpython.numbers", "numba.np.arraymath"})


#: Where the object code of numba's runtime functions is kept (`cache_runtime_functions`)
RUNTIME_CACHE = Path(__file__).resolve().parent / "__pycache__"


def install_fast_loading() -> None:
    """The four changes below (idempotent)."""
    load_cached_without_registries()
    defer_blas_check()
    rebuild_environments_without_imports()
    cache_runtime_functions()


def load_cached_without_registries() -> None:
    """Load cached CPU functions with numba's runtime started but no target registry."""
    cache = getattr(caching, "Cache", None)
    original = getattr(cache, "load_overload", None)
    needed = ("_load_overload", "_guard_against_spurious_io_errors")
    if cache is None or original is None or getattr(original, MARK, False) \
            or not all(hasattr(cache, name) for name in needed) \
            or not hasattr(getattr(nrt, "rtsys", None), "initialize"):
        return

    def load_overload(self: Any, sig: Any, target_context: Any) -> Any:
        if not isinstance(target_context, CPUContext):
            return original(self, sig, target_context)
        nrt.rtsys.initialize(target_context)  # what the refresh did that loading needs
        with self._guard_against_spurious_io_errors():
            return self._load_overload(sig, target_context)

    setattr(load_overload, MARK, True)
    cache.load_overload = load_overload


def defer_blas_check() -> None:
    """Answer `numba.np.arraymath`'s import-time BLAS check without importing
    `scipy.linalg`; numba's own check from then on. `numba.np.linalg`, which holds the
    check, is changed as soon as it is imported (before arraymath reads the check from it),
    not imported here: a run's cached kernels need neither it nor arraymath."""
    if "numba.np.arraymath" in sys.modules:
        return
    linalg = sys.modules.get("numba.np.linalg")
    if linalg is not None:
        _answer_first_blas_check(linalg)
    elif not any(isinstance(f, AfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, AfterImport("numba.np.linalg", _answer_first_blas_check))


def _answer_first_blas_check(linalg: ModuleType) -> None:
    check = getattr(linalg, "ensure_blas", None)
    if check is None or getattr(check, MARK, False):
        return

    def first_check() -> None:
        linalg.ensure_blas = check  # later checks are numba's own

    setattr(first_check, MARK, True)
    linalg.ensure_blas = first_check


class AfterImport:
    """An import hook (`sys.meta_path`) that hands module `name` to `then` as soon as its
    code has run, the first time it is imported, and then leaves the import system."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        """The module's own spec from the other finders, its loader made to call `then`."""
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            self.then(module)

        loader.exec_module = exec_module
        return spec


def rebuild_environments_without_imports() -> None:
    """Rebuild a cached kernel's environments of `LAZY_ENVIRONMENT_MODULES` without
    importing the module."""
    original = getattr(environment, "_rebuild_env", None)
    if original is None or getattr(original, MARK, False) \
            or not all(hasattr(environment, name) for name in ("Environment",
                                                                 "lookup_environment")) \
            or not hasattr(environment.Environment, "_memo"):
        return
    _ORIGINAL_REBUILD.append(original)
    environment._rebuild_env = _rebuild_env


#: numba's own `environment._rebuild_env`, once replaced
_ORIGINAL_REBUILD: list[Callable[..., Any]] = []


def _rebuild_env(*args: Any) -> Any:
    """numba's `environment._rebuild_env(modname, consts, env_name)`, except that the
    environment of a function of a module of `LAZY_ENVIRONMENT_MODULES` not imported yet
    holds a namespace with only the module's name instead of the module's globals, which
    compiled code reads only in object mode (none of numba's implementations runs in it):
    importing the module only for its namespace cost every run about 0.06 s (arrayobj pulls
    in numba's string and hashing implementations). An environment found in numba's table
    is numba's; arguments of another shape (another numba) or any failure here go to
    numba's own function."""
    original = _ORIGINAL_REBUILD[0]
    if len(args) != 3:
        return original(*args)
    modname, consts, env_name = args
    try:
        found = environment.lookup_environment(env_name)
        if found is not None:
            return found
        if modname not in LAZY_ENVIRONMENT_MODULES or modname in sys.modules:
            return original(*args)
        env = environment.Environment({"__name__": modname})
        env.consts[:] = consts
        env.env_name = env_name
        environment.Environment._memo[env_name] = env
        return env
    except Exception:  # numba's internals changed: numba's own way
        return original(*args)


# pickled, an environment names numba's function (`Environment.__reduce__`), which is this
# one in a process where it is installed and numba's own in any other
_rebuild_env.__module__ = environment.__name__
_rebuild_env.__qualname__ = "_rebuild_env"
setattr(_rebuild_env, MARK, True)


def cache_runtime_functions() -> None:
    """Load numba's runtime functions (NRT: reference counts, atomic operations) from a
    cache of their object code instead of compiling them with LLVM in every process."""
    original = getattr(nrtdynmod, "compile_nrt_functions", None)
    if original is None or getattr(original, MARK, False) \
            or not hasattr(nrtdynmod, "create_nrt_module"):
        return
    nrtdynmod.compile_nrt_functions = runtime_library


def runtime_library(ctx: Any) -> Any:
    """numba's `nrtdynmod.compile_nrt_functions`, its object code read from
    `RUNTIME_CACHE` when kept there for this numba, llvmlite, LLVM and processor (numba's
    own key of cached machine code, `magic_tuple`), else compiled as numba does and kept.
    numba starts its runtime before the first kernel loads from its cache and compiles
    these functions then (about 0.025 s of every run); loaded, they are the same machine
    code. A file that cannot be read or written is compiled as before."""
    codegen = ctx.codegen()
    path = _runtime_file(codegen)
    state = _read_state(path)
    if state is not None:
        try:
            return codegen.unserialize_library(state)
        except Exception:  # a damaged or foreign file: compile and replace it
            pass
    ir_module, library = nrtdynmod.create_nrt_module(ctx)
    library.enable_object_caching()
    library.add_ir_module(ir_module)
    library.finalize()
    _write_state(path, library.serialize_using_object_code())
    return library


setattr(runtime_library, MARK, True)


def _runtime_file(codegen: Any) -> Path:
    key = repr((numba.__version__, llvmlite.__version__, codegen.magic_tuple(),
                sys.version_info[:2], numba.config.DEBUG_NRT,
                getattr(numba.config, "DEBUG_NRT_STACK_LIMIT", None),
                numba.config.MACHINE_BITS))
    return RUNTIME_CACHE / f"numba_runtime-{hashlib.sha256(key.encode()).hexdigest()[:16]}.nbo"


def _read_state(path: Path) -> Any:
    """The serialized library kept at `path`, or None."""
    try:
        state = pickle.loads(path.read_bytes())
    except Exception:  # missing, damaged or foreign: compiled as before
        return None
    ok = isinstance(state, tuple) and len(state) == 3 and state[1] == "object"
    return state if ok else None


def _write_state(path: Path, state: Any) -> None:
    """Keep `state` at `path`, written whole or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        return
