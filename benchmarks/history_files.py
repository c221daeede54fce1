"""Every history file of tests/hostile_history_files.py through `mktsim init from-history`
and `mktsim validate`, each as its own process, as a user at a terminal runs them; with
`--calibrate NAME ...`, also `mktsim calibrate DRAFT --holdout 13 --out fitted.yaml` of
those files (about 15 s each on 30 weeks).

One line per file: the exit codes, whether a traceback appeared, what was left in the
output folder after a refusal, and the first line of the message.

Run: python benchmarks/history_files.py [--calibrate plain.csv semicolon_decimal_comma.csv]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile_history_files import BAD, GOOD, write_case  # noqa: E402


def mktsim(*args: object) -> tuple[int, str]:
    """Exit code and output of `mktsim ARGS` run on this checkout's code."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)}
    done = subprocess.run([sys.executable, "-m", "mktsim", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    return done.returncode, done.stdout + done.stderr


def history(name: str, data: Path) -> Path:
    """The case's file (`<missing>`: a path with nothing there; `<folder>`: a folder)."""
    if name == "<missing>":
        return data / "nothing_here.csv"
    if name == "<folder>":
        (data / "folder.csv").mkdir(parents=True, exist_ok=True)
        return data / "folder.csv"
    return write_case(name, data)


def one(name: str, root: Path, calibrate: bool) -> str:
    """The line of one case."""
    path = history(name, root / "data")
    out = root / ("plan_" + name.strip("<>"))
    kpi = ("--kpi", "units") if name == "units_kpi.csv" else ()
    code, text = mktsim("init", "from-history", path, out, *kpi)
    line = f"{name:<30} init {code}"
    traceback = "Traceback" in text
    if code == 0:
        scenario = out / f"{path.stem}.yaml"
        code, said = mktsim("validate", scenario)
        line += f", validate {code}"
        traceback |= "Traceback" in said
        if calibrate:
            start = time.perf_counter()
            code, said = mktsim("calibrate", scenario, "--holdout", 13, "--out",
                                out / "fitted.yaml")
            line += f", calibrate {code} ({time.perf_counter() - start:.0f} s)"
            traceback |= "Traceback" in said
            text = said
    else:
        left = sorted(p.name for p in out.rglob("*")) if out.exists() else []
        line += f", left behind {left or 'nothing'}"
    first = next((s.strip() for s in text.splitlines()[1:2]), "")
    return f"{line}, traceback {'YES' if traceback else 'no'}\n    {first[:200]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", nargs="*", default=[],
                        help="good files to calibrate too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in [*GOOD, *BAD, "<missing>", "<folder>"]:
            print(one(name, Path(tmp), name in args.calibrate), flush=True)


if __name__ == "__main__":
    main()
