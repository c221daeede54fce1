"""Which part of the drafted weekly model moves a channel's fitted contribution, on
PyMC-Marketing's example histories: a least-squares stand-in of the drafted model.

    python benchmarks/bench_contribution_bias.py [--seeds 327 1 2]

The stand-in is the drafted scenario's expected KPI in closed form, week by week (a
baseline times the demand drivers: trend with its change point, two Fourier harmonics,
the price index's elasticity, the events' lifts; plus each channel's lift on the
logistic saturation of its weekly stepped stock at the drafted half-saturation, added to
the drivers' demand: `media_scaling` 0), fitted by least squares on the whitened
residuals (quasi-Poisson, the dispersion re-estimated) and each freed value's z, as
`calibrate` does but without simulation. Rows: at the optimum; with the prior terms
weighted up (a likelihood tempered by 1/w^2 weighs the priors as w); with one group of
priors left out under that weight; with the lift priors centred at the optimum's lifts
(and at `lift_reading`'s least-squares reading of the history). Each
row: every channel's contribution against its truth, the rest of the KPI against its
truth's, and the fitted retentions. docs/calibration.md, "The channels under their
truth with the weekly draft, traced".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy import optimize, stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic_history as sh  # noqa: E402
from lift_reading import recentred  # noqa: E402

YEAR = 365.25
HOLDOUT = 13


def drafted(synthetic, channels: tuple[str, ...]) -> dict:
    """The draft's figures the stand-in needs: baseline, half-saturations, lift
    centres (the money share's, `share_lift`, and the draft's own), trend break."""
    from mktsim.history import draft as d
    from mktsim.history.draft_init import read_any_history
    from mktsim.history.draft_text import trend_break

    with tempfile.TemporaryDirectory() as tmp:
        history = read_any_history(synthetic.write_csv(Path(tmp) / "h.csv"))
    draft = d.draft(history, "h.csv", "revenue")
    money = {c: float(np.nansum(history.spend[c])) for c in channels}
    share = {c: d.MEDIA_SHARE / (1 - d.MEDIA_SHARE) * 2 * money[c] / sum(money.values())
             * 0.5 / max(ch.saturation, 0.025)
             for c, ch in zip(channels, draft.channels, strict=True)}
    theta = d.RETENTION_PRIOR["online"][1]
    return {"channels": channels, "base": draft.level * (1 - d.MEDIA_SHARE),
            "K": {c.name: c.spend_per_day_on / (1 - theta) for c in draft.channels},
            "share_lift": share, "lift": share,
            "draft_lift": {c.name: c.lift for c in recentred(draft).channels},
            "break": trend_break(draft)}


def expected(p: dict, synthetic, cfg: dict, drop: str | None = None) -> np.ndarray:
    """The stand-in's KPI per week at values `p` (without channel `drop`)."""
    cols, dates = synthetic.columns, synthetic.dates
    x = np.array([(day - dates[0]).days + 3.0 for day in dates])
    r0, r1 = np.log1p(p["g0"]) / YEAR, np.log1p(p["g1"]) / YEAR
    trend = np.exp(r0 * x + (r1 - r0) * np.maximum(0, x - (cfg["break"] - dates[0]).days))
    doy = np.array([day.timetuple().tm_yday + 2.0 for day in dates])
    season = sum(p[f"s{k}"] * np.sin(2 * np.pi * k * doy / YEAR)
                 + p[f"c{k}"] * np.cos(2 * np.pi * k * doy / YEAR) for k in (1, 2))
    demand = trend * np.exp(season) * cols["control.price_index"] ** p["price"]
    for event in sh.PYMC_EVENTS:
        demand = demand * (1 + p[event] * cols[f"event.{event}"])
    media = np.zeros(len(dates))
    for c in cfg["channels"]:
        if c != drop:
            stock, acc = np.empty(len(dates)), 0.0
            for i, money in enumerate(cols[f"spend.{c}"] / 7.0):
                acc = money + p[f"r_{c}"] * acc
                stock[i] = acc
            media += p[f"l_{c}"] * np.tanh(0.5 * np.log(3) * stock / cfg["K"][c])
    return 7 * cfg["base"] * p["pp"] / 0.02 * (demand + media)


def priors(cfg: dict) -> dict:
    """The drafted priors of the freed values."""
    out = {"pp": stats.lognorm(0.5, scale=0.02), "g0": stats.norm(0, 0.15),
           "g1": stats.norm(0, 0.15), "price": stats.norm(-1, 0.75)}
    out.update({f"{f}{k}": stats.norm(0, 0.25) for k in (1, 2) for f in "sc"})
    out.update({e: stats.beta(2, 4, loc=-0.8, scale=3.0) for e in sh.PYMC_EVENTS})
    for c in cfg["channels"]:
        out[f"l_{c}"] = stats.lognorm(0.5, scale=cfg["lift"][c])
        out[f"r_{c}"] = stats.beta(1.5, 4.5)
    return out


def fit(synthetic, cfg: dict, weights: dict[str, float]) -> dict:
    """Least squares on the whitened residuals and the weighted z of each prior."""
    prior = priors(cfg)
    names = list(prior)
    y = synthetic.columns["revenue"][:-HOLDOUT]
    w = np.array([weights.get(n, weights.get("*", 1.0)) for n in names])
    phi = [1.0]

    def values(z: np.ndarray) -> dict:
        return {n: float(prior[n].ppf(stats.norm.cdf(v))) for n, v in zip(names, z,
                                                                         strict=True)}

    def residuals(z: np.ndarray) -> np.ndarray:
        mu = expected(values(z), synthetic, cfg)[:-HOLDOUT]
        return np.concatenate([(y - mu) / np.sqrt(phi[0] * mu), w * z])

    z = np.zeros(len(names))
    for _ in range(4):
        z = optimize.least_squares(residuals, z, bounds=(-3.09, 3.09)).x
        mu = expected(values(z), synthetic, cfg)[:-HOLDOUT]
        phi[0] = float(np.mean((y - mu) ** 2 / mu))
    return values(z)


def row(seed: int, label: str, synthetic, cfg: dict, weights: dict[str, float]) -> dict:
    p = fit(synthetic, cfg, weights)
    full = expected(p, synthetic, cfg)
    parts = {c: float((full - expected(p, synthetic, cfg, drop=c)).sum())
             for c in cfg["channels"]}
    truth = synthetic.truth
    rest = (full.sum() - sum(parts.values())) / (
        truth.expected.sum() - sum(truth.contributions.values())) - 1
    print(f"{seed:4d} {label:34s} "
          + " ".join(f"{c} {parts[c] / truth.contributions[c] - 1:+6.1%}" for c in parts)
          + f"  rest {rest:+.1%}  "
          + " ".join(f"r_{c} {p[f'r_{c}']:.2f}" for c in parts), flush=True)
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[327, 1, 2])
    parser.add_argument("--weight", type=float, default=3.0,
                        help="prior weight of the tempered rows (a temper of 1/w^2)")
    args = parser.parse_args()
    w = args.weight
    groups = {"lifts": ["l_x1", "l_x2"], "retentions": ["r_x1", "r_x2"],
              "trend": ["g0", "g1"],
              "season, events, price": ["s1", "c1", "s2", "c2", "price", *sh.PYMC_EVENTS]}
    for seed in args.seeds:
        synthetic = sh.pymc(seed)
        cfg = drafted(synthetic, ("x1", "x2"))
        optimum = row(seed, "optimum, money-share lift centres", synthetic, cfg, {})
        row(seed, f"priors x{w:g}", synthetic, cfg, {"*": w})
        for name, paths in groups.items():
            row(seed, f"priors x{w:g}, {name} left out", synthetic, cfg,
                {"*": w, **dict.fromkeys(paths, 0.0)})
        at_optimum = {**cfg, "lift": {c: optimum[f"l_{c}"] for c in cfg["channels"]}}
        row(seed, f"priors x{w:g}, lifts centred at optimum", synthetic, at_optimum,
            {"*": w})
        row(seed, f"priors x{w:g}, lifts centred at reading", synthetic,
            {**cfg, "lift": cfg["draft_lift"]}, {"*": w})


if __name__ == "__main__":
    main()
