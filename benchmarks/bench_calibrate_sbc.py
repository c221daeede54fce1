"""Simulation-based calibration of `calibrate` (tests/sbc_fixtures.py): histories of a
small Bass market (weekly new customers, 52 weeks, the last 13 held out) simulated at
parameter values drawn from the prior, each fitted with 4 replications; prints how often
each 90% interval holds the truth and the 90% predictive band's coverage of the held-out
weeks (and how many fits' bands drew the noise with an estimated level power or fanned
out with a random walk after the window, calibrate.serial.estimate_wander).

    .venv/bin/python benchmarks/bench_calibrate_sbc.py [--histories 50] [--params 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    from sbc_fixtures import PRIORS, run_sbc

    parser = argparse.ArgumentParser()
    parser.add_argument("--histories", type=int, default=50)
    parser.add_argument("--params", type=int, default=3, choices=(2, 3))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cov = run_sbc(Path(tmp), args.histories, PRIORS[:args.params], seed=args.seed)
    print(f"simulation-based calibration: {cov.fits} histories, {cov.seconds:.0f} s, "
          f"{cov.evaluations / max(cov.fits, 1):.0f} simulations per fit; effective sample "
          f"{cov.ess / max(cov.fits, 1):.0f} draws on average, {cov.untrusted} fits whose "
          "weights could not be trusted (intervals widened)")
    for path in cov.held:
        print(f"  {path}: 90% interval held the truth in {cov.share(path):.0%} "
              f"({cov.held[path]}/{cov.fits}); identified in {cov.identified[path]}")
    print(f"  90% predictive band: {cov.band:.1%} of {cov.band_total} held-out weeks, "
          f"mean width {cov.width:.1%} of the expected path; "
          f"{cov.noise_power} fits drew the band's noise with an estimated level power, "
          f"{cov.wander} fanned it out with a random walk after the window")


if __name__ == "__main__":
    main()
