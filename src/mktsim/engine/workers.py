"""Worker processes that never outlive the process that started them.

A sweep, a comparison or an optimisation runs its replications on a local process pool.
When the main process is killed (SIGKILL, a closed terminal) it cannot shut its pool
down, and the workers would run on forever. Every pool started by mktsim therefore runs
`exit_with_parent` in each worker as it starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

#: Seconds between a worker's checks that the process that started it still runs.
WATCHDOG_SECONDS = 1.0

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes (forked on Linux) that end with this process."""
    ctx = mp.get_context("fork" if sys.platform == "linux" else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                               initializer=exit_with_parent, initargs=(os.getpid(),))


def exit_with_parent(parent: int) -> None:
    """Worker start-up: end this worker when the process `parent` (a pid) is gone.

    On Linux the kernel sends SIGKILL when the parent dies (`PR_SET_PDEATHSIG`); on every
    system a daemon thread checks each `WATCHDOG_SECONDS` that the parent is still the
    same process and exits otherwise. A sweep killed this way resumes with `--resume`.
    """
    _ask_kernel_for_death_signal()
    if os.getppid() != parent:  # the parent died before the signal was set up
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="mktsim-parent-watchdog").start()


def _ask_kernel_for_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the watchdog alone does the work
        pass


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)
