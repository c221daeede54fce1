"""Runs whose whole arrays must not change when the code is reorganised.

Each case runs a shipped scenario (scenarios/*.yaml, scenarios/validation/*.yaml) through
the public API for a few replications and reduces the run to the sha256 of each array's
float64 bytes (daily, channels, leaks, states; the sampled values and the incremental
estimates where the case has them). tests/test_bit_identical.py compares them with
tests/data/bit_identical.json.

Regenerate the reference only when a change of the numbers is intended:

    PYTHONPATH=$PWD/src python tests/bit_identical_cases.py
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import mktsim

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).resolve().parent / "data" / "bit_identical.json"
SCENARIOS = sorted(ROOT.glob("scenarios/*.yaml")) + sorted(ROOT.glob("scenarios/validation/*.yaml"))
REPS = 2
SEED = 11
#: a small market with a social network for the per-customer engine
AGENTS_VALUES = {"market.size": 3000, "horizon_days": 400,
                 "market.network": {"model": "watts_strogatz", "degree": 4, "seed_hubs": 3}}

Digests = dict[str, str]


def digest(array: Any) -> str:
    """sha256 of the array's float64 bytes (C order), with its shape."""
    a = np.ascontiguousarray(np.asarray(array, dtype=np.float64))
    return hashlib.sha256(repr(a.shape).encode() + a.tobytes()).hexdigest()


def run_digests(result: Any) -> Digests:
    """Digests of a RunResult's whole-run arrays (and its sampled values, if any)."""
    run = result.run
    out = {name: digest(getattr(run, name)) for name in ("daily", "channels", "leaks", "states")}
    if run.samples is not None:
        out["samples"] = digest(run.samples.to_numpy(dtype=float))
        out["sample_columns"] = ",".join(run.samples.columns)
    if getattr(result, "incremental", None):
        values = [[e["mean"], *e["interval"]] for ch in sorted(result.incremental)
                  for _, e in sorted(result.incremental[ch].items())]
        out["incremental"] = digest(values)
    return out


def without_uncertainties(path: Path, tmp: Path) -> Path:
    """A copy of the scenario file without its `uncertainties:` section (one fixed plan)."""
    text = re.sub(r"(?ms)^uncertainties:\n.*?(?=^\S|\Z)", "", path.read_text(encoding="utf-8"))
    out = tmp / f"fixed_{path.name}"
    out.write_text(text, encoding="utf-8")
    return out


def cases(tmp: Path) -> dict[str, Callable[[], Digests]]:
    """Name -> a function running the case and returning its digests."""
    out: dict[str, Callable[[], Digests]] = {}
    for path in SCENARIOS:
        fixed = mktsim.load(without_uncertainties(path, tmp))
        for strategy in fixed.strategies:
            out[f"{path.stem}/{strategy}/counts"] = _runner(fixed, strategy)
    band = mktsim.load(ROOT / "scenarios" / "smart_band.yaml")
    out["smart_band/digital_first/sampled"] = _runner(band, "digital_first", reps=3)
    out["smart_band/adaptive/sampled+rules"] = _runner(band, "adaptive", reps=3)
    out["smart_band/digital_first/sampled/2 workers"] = _runner(band, "digital_first", reps=3,
                                                                workers=2)
    out["smart_band/baseline/sampled+incremental"] = _runner(band, "baseline", reps=2,
                                                             incremental=True)
    bass = mktsim.load(ROOT / "scenarios" / "validation" / "bass.yaml")
    small = bass.with_values(AGENTS_VALUES)
    out["bass/no_marketing/agents+network"] = _runner(small, "no_marketing", engine="agents")
    return out


def _runner(scenario: Any, strategy: str, reps: int = REPS, workers: int = 1,
            engine: str = "counts", incremental: bool = False) -> Callable[[], Digests]:
    def run() -> Digests:
        return run_digests(scenario.run(strategy, replications=reps, seed=SEED,
                                        workers=workers, engine=engine,
                                        incremental=incremental))
    return run


def reference() -> dict[str, Digests]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found = {name: run() for name, run in cases(Path(tmp)).items()}
    REFERENCE.parent.mkdir(exist_ok=True)
    REFERENCE.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(found)} cases to {REFERENCE}", file=sys.stderr)


if __name__ == "__main__":
    main()
