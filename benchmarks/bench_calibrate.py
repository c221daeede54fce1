"""Time to calibrate the smart band: 4 free parameters, 52 weekly periods of units and
revenue and a monthly awareness survey (n = 500), on 2 workers.

    .venv/bin/python benchmarks/bench_calibrate.py [--workers 2] [--write-example]

`--write-example` (re)writes scenarios/smart_band_history.csv, the shipped example,
simulated by mktsim from the TRUTH values below.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

TRUTH = {
    "market.word_of_mouth.imitation": 0.2,
    "channels.social.awareness.per_year": 0.18,
    "channels.kol.awareness.per_year": 0.1,
    "market.segments.young_urban.churn_per_year": 0.3,
}
PRIORS = (
    "market.word_of_mouth.imitation=0.05:0.5",
    "channels.social.awareness.per_year=0.02:0.5",
    "channels.kol.awareness.per_year=0.02:0.5",
    "market.segments.young_urban.churn_per_year=0.05:0.8",
)
START = dt.date(2026, 1, 5)
WEEKS = 52


def make_history(path: Path, seed: int = 11) -> Path:
    """Simulate one replication of the smart band's baseline at TRUTH and write it."""
    import mktsim
    from history_fixtures import blank_history, simulate_history, write_history
    from mktsim.history.periods import PeriodKind

    loaded = mktsim.load(ROOT / "scenarios" / "smart_band.yaml").loaded
    rng = np.random.default_rng(seed)
    spend = {"social": rng.uniform(20_000, 120_000, WEEKS).round(-2),
             "kol": rng.uniform(10_000, 90_000, WEEKS).round(-2)}
    obs = simulate_history(loaded, TRUTH, ["units", "revenue", "brand_awareness"], START,
                           WEEKS, PeriodKind.WEEK, seed, spend)
    dates = blank_history(START, WEEKS, PeriodKind.WEEK).dates
    survey = np.full(WEEKS, np.nan)
    n = np.full(WEEKS, np.nan)
    for i, d in enumerate(dates):
        if i == 0 or d.month != dates[i - 1].month:  # one survey a month, n = 500
            survey[i] = rng.binomial(500, obs["brand_awareness"][i]) / 500
            n[i] = 500
    columns = {"units": obs["units"], "revenue": obs["revenue"].round(0),
               "brand_awareness": survey, "brand_awareness_n": n,
               "spend.social": spend["social"], "spend.kol": spend["kol"]}
    return write_history(path, dates, columns)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-example", action="store_true")
    args = parser.parse_args()
    import mktsim

    if args.write_example:
        print("wrote", make_history(ROOT / "scenarios" / "smart_band_history.csv"))
        return
    with tempfile.TemporaryDirectory() as tmp:
        history = make_history(Path(tmp) / "history.csv")
        scenario = mktsim.load(ROOT / "scenarios" / "smart_band.yaml")
        started = time.perf_counter()
        result = scenario.calibrate(history=history, params=PRIORS, workers=args.workers)
        seconds = time.perf_counter() - started
    print(f"calibrate smart band: {seconds:.1f} s, {result.evaluations} simulations, "
          f"{args.workers} workers")
    if result.contributions is not None:  # included in the time above
        print(f"  of which contributions: {result.contributions.seconds:.1f} s")
    for p in result.parameters:
        print(f"  {p.path}: {p.estimate:.4g} [{p.interval[0]:.4g}, {p.interval[1]:.4g}] "
              f"truth {TRUTH[p.path]}")


if __name__ == "__main__":
    main()
