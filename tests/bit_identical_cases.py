"""Runs whose whole arrays must not change when the code is reorganised.

Each case runs a shipped scenario (scenarios/*.yaml, scenarios/validation/*.yaml) through
the public API for a few replications and reduces each array of the run (daily, channels,
leaks, states; the sampled values and the incremental estimates where the case has them)
to a fingerprint: its shape and, for each row along its last axis (a KPI's days, a
channel's days), the sum, the sum of magnitudes, two sums with fixed random weights and
where its values are not finite. tests/test_bit_identical.py compares them with
tests/data/bit_identical.json to a relative 1e-11 of each row's sum of magnitudes: the
same numbers up to the last bits that the processor's vector instructions change (NumPy
and numba pick AVX-512, AVX2 or SSE code by the machine and sum in another order, which
moved rows here by 1e-16 to 6e-15), while a count changed by one, or moved by a day, in a
row of hundreds of millions moves its random-weighted sums a hundred times more than that.

Regenerate the reference only when a change of the numbers is intended:

    PYTHONPATH=$PWD/src python tests/bit_identical_cases.py
"""

from __future__ import annotations

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

Digests = dict[str, Any]


#: relative tolerance of a fingerprint's sums, against their row's sum of magnitudes
RTOL = 1e-11
#: a fingerprint row: the sum, the sum of magnitudes, two sums weighted at random, then
#: the counts of NaN, +inf and -inf and the random-weighted sum of their positions
COLUMNS = 8
INEXACT = 4  # the first INEXACT columns are compared to RTOL, the rest exactly

Fingerprint = dict[str, Any]


def digest(array: Any) -> Fingerprint:
    """The array's fingerprint: its shape and [rows, COLUMNS], a row being the last axis.
    The random weights (standard normal, fixed by the row's length) make a move of a
    value from one position to another, or a value changed by one, show in the sums."""
    a = np.asarray(array, dtype=np.float64)
    if a.size == 0:
        return {"shape": list(a.shape), "rows": []}
    rows = a.reshape(-1, a.shape[-1] if a.ndim else 1)
    weights = np.random.default_rng(rows.shape[1]).standard_normal((rows.shape[1], 3))
    odd = ~np.isfinite(rows)
    finite = np.where(odd, 0.0, rows)
    sums = np.column_stack([finite.sum(axis=1), np.abs(finite).sum(axis=1),
                            finite @ weights[:, :2], np.isnan(rows).sum(axis=1),
                            (rows == np.inf).sum(axis=1), (rows == -np.inf).sum(axis=1),
                            odd @ weights[:, 2]])
    return {"shape": list(a.shape), "rows": sums.tolist()}


def same(found: Any, expected: Any) -> bool:
    """Whether two fingerprints (or a case's dicts of them, or plain values) are the
    same: equal shapes, the same values not finite, each row's sums within RTOL of its
    sum of magnitudes."""
    if isinstance(found, dict) and isinstance(expected, dict):
        if set(found) != set(expected):
            return False
        if "rows" in found and "shape" in found:
            return found["shape"] == expected["shape"] and _rows_close(found["rows"],
                                                                       expected["rows"])
        return all(same(found[k], expected[k]) for k in found)
    return found == expected


def _rows_close(found: list[list[float]], expected: list[list[float]]) -> bool:
    a, b = (np.asarray(x, float).reshape(-1, COLUMNS) for x in (found, expected))
    if a.shape != b.shape or not np.array_equal(a[:, INEXACT:], b[:, INEXACT:]):
        return False
    scale = np.maximum(np.abs(a[:, 1:2]), np.abs(b[:, 1:2]))
    return bool(np.all(np.abs(a[:, :INEXACT] - b[:, :INEXACT]) <= RTOL * scale))


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


def _as_text(found: dict[str, Digests]) -> str:
    """The reference as JSON, a line per case and array."""
    cases_text = []
    for name in sorted(found):
        fields = [f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}"
                  for k, v in sorted(found[name].items())]
        cases_text.append(f" {json.dumps(name)}: {{\n" + ",\n".join(fields) + "\n }")
    return "{\n" + ",\n".join(cases_text) + "\n}\n"


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found = {name: run() for name, run in cases(Path(tmp)).items()}
    REFERENCE.parent.mkdir(exist_ok=True)
    REFERENCE.write_text(_as_text(found), encoding="utf-8")
    print(f"wrote {len(found)} cases to {REFERENCE}", file=sys.stderr)


if __name__ == "__main__":
    main()
