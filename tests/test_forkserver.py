"""The warm fork server of a command that simulates on local workers (`mktsim.cli.warm`,
`engine.workers.warm_server`): same numbers, same errors, no process left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from mktsim.engine.workers import numba_threads_started, start_method, warm_server

ROOT = Path(__file__).resolve().parents[1]
SMART_BAND = ROOT / "scenarios" / "smart_band.yaml"
MARKER = "MKTSIM_TEST_MARKER"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the server is Linux only")


def marked(token: str) -> list[int]:
    """Processes whose environment carries `MARKER=token` (the command and its children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes()
        except OSError:  # gone, or not ours
            continue
        if f"{MARKER}={token}".encode() in env.split(b"\0"):
            found.append(int(entry.name))
    return found


def none_left(token: str, seconds: float = 10.0) -> bool:
    """Whether every marked process has ended within `seconds`."""
    end = time.monotonic() + seconds
    while marked(token):
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def mktsim(*args: str, token: str) -> subprocess.Popen[str]:
    env = {**os.environ, MARKER: token}
    return subprocess.Popen([sys.executable, "-m", "mktsim", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_numbers_are_those_of_one_worker_and_the_server_ends() -> None:
    token = uuid.uuid4().hex
    args = ("run", str(SMART_BAND), "-n", "20", "--format", "json")
    alone = mktsim(*args, "-w", "1", token=token).communicate()
    served = mktsim(*args, "-w", "2", token=token).communicate()
    assert served == alone
    assert none_left(token)


def test_a_bad_scenario_exits_2_with_its_message_and_leaves_no_process(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMART_BAND.read_text().replace("replications:", "replications: [", 1))
    token = uuid.uuid4().hex
    done = mktsim("run", str(bad), "-n", "20", "-w", "2", token=token)
    _, err = done.communicate()
    assert done.returncode == 2
    assert "bad.yaml" in err and "Traceback" not in err
    assert none_left(token)


def test_ctrl_c_while_the_server_warms_leaves_no_process() -> None:
    token = uuid.uuid4().hex
    done = mktsim("run", str(SMART_BAND), "-n", "2000", "-w", "2", token=token)
    time.sleep(0.4)
    done.send_signal(signal.SIGINT)
    done.communicate()
    assert done.returncode != 0
    assert none_left(token)


def test_a_process_with_numba_loaded_forks_its_workers_itself() -> None:
    import numba  # noqa: F401 - the test process, like CliRunner's, has it

    assert not warm_server("mktsim.cli.warm", {})
    assert start_method() == ("forkserver" if numba_threads_started() else "fork")
