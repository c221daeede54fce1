"""The warm fork server's preload: imported once by the fork server a scenario command
starts (`engine.workers.warm_server`) when it will simulate on local worker processes.

While the command's own process imports the API and validates the file, the server, on
the other core, imports the API and the engine, reads the same scenario (its path in the
environment variable `SCENARIO_VARIABLE`) and runs one replication of its first strategy:
numba's target registries, the cached kernels and scipy are then loaded once, and every
worker forked from the server has them. Whatever goes wrong here is the command's to
report, not the server's: errors and output are swallowed, the command then validates the
file itself. The server ends with the command's process, also while it warms up.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal

#: Environment variable naming the scenario file the server warms up on.
SCENARIO_VARIABLE = "MKTSIM_WARM_SCENARIO"
#: Environment variable holding the process id of the command that started the server.
PARENT_VARIABLE = "MKTSIM_WARM_PARENT"


def warm_up() -> None:
    """End with the command's process; then load what a replication of the scenario needs."""
    from ..engine.workers import exit_with_parent

    parent = os.environ.pop(PARENT_VARIABLE, "")
    if parent.isdigit():
        exit_with_parent(int(parent))
    path = os.environ.pop(SCENARIO_VARIABLE, None)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's
    try:
        with contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            _run_one(path)
    except Exception:  # the command reports its own errors
        pass
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_one(path: str | None) -> None:
    """One replication of the scenario at `path` (its first strategy, no runs without
    channels), in this process; only the engine's modules when there is no path."""
    import gc

    gc.disable()  # as the command's start-up (`cli.common.collector_paused`)
    try:
        import mktsim

        from ..engine import montecarlo  # noqa: F401 - imported for the workers

        scenario = mktsim.load(path) if path else None
    finally:
        gc.freeze()
        gc.enable()
    if scenario is not None:
        scenario.run(None, 1, None, 1, incremental=False)


warm_up()
