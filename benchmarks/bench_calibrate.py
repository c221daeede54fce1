"""Time to calibrate the smart band: 4 free parameters, 52 weekly periods of units and
revenue and a monthly awareness survey (n = 500), on 2 workers.

    .venv/bin/python benchmarks/bench_calibrate.py [--workers 2] [--write-example]

`--from-history` times what a new user does with a spreadsheet instead: a three-year
weekly history with three channels, a price index and promotion weeks, generated with a
known truth (`benchmarks/synthetic_history.py`), then `init from-history` and
`calibrate --holdout 13 --out fitted.yaml` (no other setting), for each `--seeds`; it
reports the time, the held-out MAPE against the noise, the 90% band's coverage of the
held-out weeks and, when calibrate reports `contributions`, each channel's error against
the truth:

    .venv/bin/python benchmarks/bench_calibrate.py --from-history [--seeds 1 2 3]

`--kind pymc` does the same on PyMC-Marketing's example MMM (179 weeks, channels x1 x2,
`--channels x1 x2 x3` for a third; docs/calibration.md, "PyMC-Marketing's example MMM,
measured"); `--kind additive` (or `--additive`) on the additive formula.

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
    parser.add_argument("--from-history", action="store_true")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--additive", action="store_true",
                        help="--from-history on the additive generator (not mktsim's model)")
    parser.add_argument("--kind", choices=("mktsim", "additive", "pymc"), default="mktsim",
                        help="--from-history on mktsim's model, the additive formula or "
                             "PyMC-Marketing's example MMM (179 weeks, channels x1 x2 [x3])")
    parser.add_argument("--channels", nargs="+", default=None,
                        help="--from-history with these channels only (of tv, search, "
                             "social; of x1, x2, x3 with --kind pymc)")
    parser.add_argument("--scale", nargs="+", default=[], metavar="CHANNEL=FACTOR",
                        help="--from-history with a channel's true effect multiplied, e.g. "
                             "search=3 social=0.5 (a truth not proportional to spend)")
    parser.add_argument("--save-bands", type=Path, default=None, metavar="DIR",
                        help="--from-history: write each fit's revenue band (observed, "
                             "expected, low, high) to DIR/band-KIND-SEED-CHANNELS.npz")
    args = parser.parse_args()
    import mktsim

    if args.from_history:
        import synthetic_history

        scale = synthetic_history.parse_scale(args.scale)
        kind = "additive" if args.additive else args.kind
        for seed in args.seeds:
            print(from_history(seed, kind=kind, channels=args.channels, scale=scale,
                               save_bands=args.save_bands))
        return
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


def from_history(seed: int, kind: str = "mktsim", channels: list[str] | None = None,
                 scale: dict[str, float] | None = None, save_bands: Path | None = None
                 ) -> str:
    """One line of the --from-history benchmark: generate (with mktsim's model, the
    additive formula or PyMC-Marketing's example, `kind`), draft, calibrate, forecast,
    compare with the truth."""
    import synthetic_history

    import mktsim
    from mktsim.api import init_from_history

    synthetic = synthetic_history.make(kind, seed, channels, scale)
    with tempfile.TemporaryDirectory() as tmp:
        history = synthetic.write_csv(Path(tmp) / "history.csv")
        started = time.perf_counter()
        path = init_from_history(history, tmp, lang="en")
        result = mktsim.load(path).calibrate(holdout=13, out=Path(tmp) / "fitted.yaml")
        seconds = time.perf_counter() - started
        fitted = mktsim.load(Path(tmp) / "fitted.yaml")
        forecast = fitted.run(replications=60, incremental=False).kpi_rows()
        next_year = forecast["revenue"]["mean"]
    doc = result.to_dict()
    fit = doc["fit"]["revenue"]
    if save_bands is not None:
        band = result.bands["revenue"]
        save_bands.mkdir(parents=True, exist_ok=True)
        np.savez(save_bands / f"band-{kind}-{seed}-{len(synthetic.truth.contributions)}.npz",
                 observed=band.observed, expected=band.expected, low=band.low,
                 high=band.high, truth=synthetic.truth.expected)
    noise = synthetic.noise
    line = (f"seed {seed} ({kind}, {len(synthetic.truth.contributions)} channels): "
            f"{seconds:.0f} s, {result.evaluations} simulations, "
            f"{len(doc['parameters'])} free values; noise {noise:g}; R^2 {fit['r2']:.3f}; "
            f"held-out MAPE {fit['holdout']['mape']:.3f} (the noise's own "
            f"{noise_mape(synthetic):.3f}), 90% band coverage of the "
            f"held-out weeks {fit['coverage']:.2f}; {band_summary(result.bands['revenue'])}")
    post = doc["posterior"]
    line += (f"; posterior {post['effective_sample_size']:g} effective draws, k-hat "
             f"{post['khat']}, {'trusted' if post['trusted'] else 'untrusted'}, "
             f"{len(post['rival_optima'])} rival optima")
    power = fit.get("noise_power")
    if power:
        line += (f"; noise sd ~ level^k, k {power['estimate']:.2f} [{power['interval'][0]:.2f}, "
                 f"{power['interval'][1]:.2f}], used {power['power']:.2f}")
    truth = synthetic.truth.values
    inside = [p for p in doc["parameters"] if p["path"] in truth
              and p["interval"][0] <= truth[p["path"]] <= p["interval"][1]]
    if truth:
        line += f"; truth inside the 90% interval for {len(inside)} of {len(truth)} values"
    line += (f"; next year's revenue (run of fitted.yaml from {fitted.loaded.spec.start_date}) "
             f"{next_year / synthetic.truth.next_year - 1:+.1%} against the truth")
    rows = [f"    {p['path']}: {p['estimate']:.4g} [{p['interval'][0]:.4g}, "
            f"{p['interval'][1]:.4g}] truth {truth[p['path']]:g}"
            for p in doc["parameters"] if p["path"] in truth]
    rows += [f"    {p['path']}: {p['estimate']:.4g} [{p['interval'][0]:.4g}, "
             f"{p['interval'][1]:.4g}] (1: media scaled by the drivers, 0: additive)"
             for p in doc["parameters"]
             if p["path"] == "market.demand.media_scaling" and p["path"] not in truth]
    if not truth:
        line += "; (additive truth: no parameter of the model to compare)"
    bound = ", ".join(f"{c} {e:.0%}" for c, e in
                      synthetic_history.information_of(kind, synthetic).items())
    line += f"; least-squares standard error of each channel's effect (all else known): {bound}"
    rows += choice_rows(doc)
    drift = quarter_ratios(doc, synthetic) if kind == "pymc" else []
    return "\n".join([line + "; " + contribution_errors(doc, synthetic.truth.contributions),
                      *rows, *drift])


def choice_rows(doc: dict) -> list[str]:
    """The candidate forms fitted (`calibration.choices`), their scores and the one kept."""
    choice = doc.get("choice")
    if not choice:
        return []
    return [f"    choice ({choice['criterion']}, common temper {choice['temper']:.3f}, "
            f"{choice['seconds']:.0f} s, {choice['extra_evaluations']} extra simulations): "
            + "; ".join(f"{c['values']} log evidence {c['log_evidence']:.1f} weight "
                        f"{c['weight']:.3f} held-out MAPE {c['holdout_mape']}"
                        + (" KEPT" if c["kept"] else "") for c in choice["candidates"])]


def quarter_ratios(doc: dict, synthetic) -> list[str]:
    """Fitted over true contribution in each quarter of the window, per channel and for
    the rest of the KPI (baseline, trend, season, control, events together): a ratio that
    drifts from one quarter to the next shows a part that absorbs another's growth (a
    channel scaled by a trend that the truth gives the baseline alone); then over the 13
    held-out weeks (the last quarter holds them)."""
    import synthetic_history

    found = doc.get("contributions") or {}
    if "total" not in found:
        return []
    columns, quarters = synthetic.columns, np.array_split(np.arange(len(synthetic.dates)), 4)
    fitted = {c: np.asarray(found[c]["periods"]) for c in synthetic.truth.contributions}
    true = {c: synthetic_history.pymc_media(columns[f"spend.{c}"]
                                            / synthetic_history.PYMC_SPEND_SCALE[c], c)
            * synthetic_history.PYMC_REVENUE_SCALE for c in fitted}
    fitted["rest"] = np.asarray(found["total"]["periods"]) - sum(fitted.values())
    true["rest"] = synthetic.truth.expected - sum(true.values())
    held_out = slice(-13, None)
    return [f"    {part} fitted / true by quarter of the window: "
            + " ".join(f"{fitted[part][q].sum() / true[part][q].sum():.2f}" for q in quarters)
            + f"; the 13 held-out weeks: "
            f"{fitted[part][held_out].sum() / true[part][held_out].sum():.3f}"
            for part in fitted]


def band_summary(band, holdout: int = 13) -> str:
    """The band's mean width over the held-out weeks (relative to the expected path) and
    the autocorrelation at lags 1 to 4 of the fitted weeks' residuals, (y - mu) / sqrt(mu)
    (the money series' noise model)."""
    from mktsim.calibrate.metrics import autocorrelation

    width = np.mean((band.high - band.low)[-holdout:] / band.expected[-holdout:])
    y, mu = band.observed[:-holdout], band.expected[:-holdout]
    lags = autocorrelation((y - mu) / np.sqrt(np.maximum(np.abs(mu), 1.0)), 4)
    return (f"band width held out {width:.1%}; residual autocorrelation lags 1-4 "
            + " ".join(f"{r:+.2f}" for r in lags))


def noise_mape(synthetic, holdout: int = 13) -> float:
    """The MAPE of the truth's expected revenue against the observed over the held-out
    weeks: what the noise alone gives."""
    observed = synthetic.columns["revenue"][-holdout:]
    expected = synthetic.truth.expected[-holdout:]
    return float(np.mean(np.abs(observed - expected) / observed))


def contribution_errors(doc: dict, truth: dict[str, float]) -> str:
    """Each channel's contribution error against the truth, or why there is none."""
    found = doc.get("contributions")
    if not found:
        return "contribution error: not reported by this calibrate (no 'contributions')"
    parts = []
    for channel, true in truth.items():
        entry = found.get(channel) or {}
        if "contribution" in entry:
            low, high = entry.get("interval", (float("nan"), float("nan")))
            inside = "in" if low <= true <= high else "OUT of"
            parts.append(f"{channel} {entry['contribution'] / true - 1:+.0%} "
                         f"[{low / true - 1:+.0%}, {high / true - 1:+.0%}] (truth {inside} "
                         f"its interval)")
    return "contribution error: " + ", ".join(parts)


if __name__ == "__main__":
    main()
