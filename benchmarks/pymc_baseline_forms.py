"""Which part of the drafted form forecasts PyMC-Marketing's held-out quarter low.

The drafted form (docs/calibration.md, "The baseline a quarter past the window,
traced"), written out in numpy and fitted by least squares to a PyMC history's weeks
less the last 13: a level, a trend log-linear with the draft's change point halfway
through the fitted weeks, a Fourier season of `--order` harmonics scaled by the trend to
the power q (`--season-scaling`, or `free` within 0 to 1), the price index by an
elasticity, the two events by lifts, and x1, x2 at their true saturation (their lifts
free) added to the rest (the additive form the choice keeps on these histories). It
prints the fit's revenue over the truth's over the held-out weeks and over the last
fitted year.
`--truth` changes the truth first: `no-season` removes PyMC's season, `straight-trend`
puts a straight line through its trend's first and 166th weeks in place of it;
`--noisy` fits the observed revenue instead of the truth's expected.

    python benchmarks/pymc_baseline_forms.py --seeds 1 6 327 [--order 2]
        [--season-scaling 1|0|free] [--truth as-is|no-season|straight-trend] [--noisy]
"""

from __future__ import annotations

import argparse
import datetime as dt

import numpy as np
import synthetic_history as sh
from scipy.optimize import least_squares

HELD_OUT = 13


def weekly_inputs(synthetic: sh.Synthetic) -> dict[str, np.ndarray]:
    """Days since the first week's middle, day of the year - 1 there, the price index,
    the events, each channel's true saturation (0-1) per week."""
    mid = [d + dt.timedelta(days=3) for d in synthetic.dates]
    cols = synthetic.columns
    return {
        "day": np.array([(d - mid[0]).days for d in mid], dtype=float),
        "doy": np.array([d.timetuple().tm_yday - 1 for d in mid], dtype=float),
        "price": cols["control.price_index"] / cols["control.price_index"].mean(),
        "events": np.stack([cols["event.event_1"], cols["event.event_2"]]),
        "saturation": np.stack([sh.pymc_media(cols[f"spend.{c}"] / sh.PYMC_SPEND_SCALE[c], c)
                                / sh.PYMC_TRUTH[c][2] for c in ("x1", "x2")]),
    }


def truth_of(synthetic: sh.Synthetic, change: str) -> np.ndarray:
    """The truth's expected y per week (revenue / PYMC_REVENUE_SCALE), changed as asked."""
    y = synthetic.truth.expected / sh.PYMC_REVENUE_SCALE
    n = len(y)
    day = np.array([d.timetuple().tm_yday for d in synthetic.dates], dtype=float)
    season = 0.5 * (np.cos(2 * np.pi * day / 365.5) - np.sin(4 * np.pi * day / 365.5))
    trend = (np.arange(n) * 50.0 / (sh.PYMC_WEEKS - 1) + 10) ** 0.25 - 1
    if change == "no-season":
        return y - season
    if change == "straight-trend":
        last = n - HELD_OUT - 1
        line = trend[0] + (trend[last] - trend[0]) * np.arange(n) / last
        return y - trend + line
    return y


def drafted(x: np.ndarray, w: dict[str, np.ndarray], order: int, q: float | None,
            breaks: float) -> np.ndarray:
    """The drafted form's y per week at the values `x` (q last when free)."""
    level, g0, g1 = x[:3]
    log_trend = (g0 * w["day"] + (g1 - g0) * np.maximum(0.0, w["day"] - breaks)) / 365.25
    fourier = np.zeros(len(w["day"]))
    for k in range(order):
        angle = 2 * np.pi * (k + 1) * w["doy"] / 365.25
        fourier += x[3 + 2 * k] * np.sin(angle) + x[4 + 2 * k] * np.cos(angle)
    i = 3 + 2 * order
    elasticity, lift_1, lift_2, beta_1, beta_2 = x[i:i + 5]
    trend = np.exp(log_trend)
    power = x[-1] if q is None else q
    season = 1.0 + (np.exp(fourier) - 1.0) * trend ** (power - 1.0)
    events = 1.0 + lift_1 * w["events"][0] + lift_2 * w["events"][1]
    base = level * trend * season * w["price"] ** elasticity * events
    return base + level * (beta_1 * w["saturation"][0] + beta_2 * w["saturation"][1])


def fit_line(seed: int, order: int, q: float | None, change: str, noisy: bool) -> str:
    """One history: the fitted form's held-out and last-year ratios to the truth."""
    synthetic = sh.pymc(seed)
    w = weekly_inputs(synthetic)
    truth = truth_of(synthetic, change)
    target = synthetic.columns["revenue"] / sh.PYMC_REVENUE_SCALE if noisy else truth
    fitted = len(truth) - HELD_OUT
    breaks = w["day"][fitted // 2]
    start = np.r_[3.0, 0.0, 0.0, np.zeros(2 * order), -1.0, 0.0, 0.0, 0.3, 0.3,
                  [0.5] if q is None else []]
    lower, upper = np.full(len(start), -np.inf), np.full(len(start), np.inf)
    if q is None:  # a free q within the setting's range, 0 to 1
        lower[-1], upper[-1] = 0.0, 1.0
    result = least_squares(lambda x: (drafted(x, w, order, q, breaks) - target)[:fitted],
                           start, bounds=(lower, upper))
    path = drafted(result.x, w, order, q, breaks)
    held, year = slice(fitted, None), slice(fitted - 52, fitted)
    line = (f"seed {seed}: held-out {path[held].sum() / truth[held].sum():.3f}, last fitted "
            f"year {path[year].sum() / truth[year].sum():.3f}")
    return line + (f"; q {result.x[-1]:.2f}" if q is None else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 6, 327])
    parser.add_argument("--order", type=int, default=2)
    parser.add_argument("--season-scaling", default="1")
    parser.add_argument("--truth", choices=("as-is", "no-season", "straight-trend"),
                        default="as-is")
    parser.add_argument("--noisy", action="store_true")
    args = parser.parse_args()
    q = None if args.season_scaling == "free" else float(args.season_scaling)
    print(f"order {args.order}, season scaling {args.season_scaling}, truth {args.truth}"
          + (", fitted to the observed revenue" if args.noisy else ""))
    for seed in args.seeds:
        print("  " + fit_line(seed, args.order, q, args.truth, args.noisy))


if __name__ == "__main__":
    main()
