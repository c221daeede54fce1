"""How much a history can tell of word of mouth and the channels: the information bound.

For a market simulated from known values (the smart band with imitation and two
channels' awareness effects free; a market of 2 million people whose customers talk,
with imitation and each channel's awareness effect, or its effect on purchases, free; a
small Bass market with innovation and imitation free), and a history of the series a
company may have (units, revenue, a monthly awareness survey of 500 people,
new_customers, customers; 52, 104 or 156 weeks; spend drawn at random every week, or
flighted: each channel on in blocks of weeks and off between them), it computes:

- the Jacobian of the expected path in the free values (central differences at x/÷ 1.2
  of each value on common random numbers, the mean of `--replications` replications),
  twice on independent replications, the information being their cross product
  (`cross`: the jitter of each does not inflate it);
- `naive`: the standard error the independence likelihood believes (the fit's noise
  model: Poisson units and counts, binomial survey, each period's simulation variance;
  every period independent), J' D^-1 J;
- `fit`: the true standard error of that weighted least-squares estimator, whose
  residuals are one path's deviations, persistent in time and shared by the series
  (the sandwich H^-1 V H^-1, V from single paths simulated at the truth);
- `bound`: the smallest standard error any estimator that compares the history with
  the expected path can reach (Cramer-Rao of the Gaussian path, J' S^-1 J, S the
  single paths' covariance shrunk towards its diagonal (Ledoit and Wolf 2004) plus the
  observation noise);

each relative to the true value, against the aim: 15% / 1.645 = 9.1% (a 90% interval
of +-15%). `--fits N` also calibrates N histories of each design (one path each) and
prints the spread of the estimates and the mean posterior sd (the 90% interval's width
/ 3.29), relative to the truth.

    .venv/bin/python benchmarks/bench_calibrate_market.py [--designs ...] [--fits 4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

AIM = 0.15 / 1.645  # relative sd of a 90% interval of +-15%
START = dt.date(2026, 1, 5)
SURVEY_N = 500


@dataclass(frozen=True)
class Market:
    """A scenario, the values it is simulated at, the free values and their priors."""

    scenario: Path
    fixed: tuple[str, ...]
    truth: dict[str, float]
    priors: tuple[str, ...]


SMART = Market(ROOT / "scenarios" / "smart_band.yaml",
               ("market.segments.young_urban.churn_per_year=0.3",),
               {"market.word_of_mouth.imitation": 0.2,
                "channels.social.awareness.per_year": 0.18,
                "channels.kol.awareness.per_year": 0.1},
               ("market.word_of_mouth.imitation=0.05:0.5",
                "channels.social.awareness.per_year=0.02:0.5",
                "channels.kol.awareness.per_year=0.02:0.5"))
BASS = Market(ROOT / "src" / "mktsim" / "templates" / "bass.yaml", ("market.size=20000",),
              {"market.word_of_mouth.innovation": 0.2, "market.word_of_mouth.imitation": 1.0},
              ("market.word_of_mouth.innovation=0.05:0.5",
               "market.word_of_mouth.imitation=0.2:2.0"))
#: word of mouth a large part of awareness (2 million people, imitation 1.2 a year)
WOM = Market(ROOT / "tests" / "data" / "word_of_mouth_two_channels.yaml", (),
             {"market.word_of_mouth.imitation": 1.2,
              "channels.social.awareness.per_year": 0.3,
              "channels.kol.awareness.per_year": 0.3},
             ("market.word_of_mouth.imitation=0.3:3.0",
              "channels.social.awareness.per_year=0.05:1.0",
              "channels.kol.awareness.per_year=0.05:1.0"))
#: the same market, word of mouth and each channel's effect on purchases free
WOM_LIFT = Market(WOM.scenario, (),
                  {"market.word_of_mouth.imitation": 1.2,
                   "channels.social.conversion.lift": 0.4,
                   "channels.kol.conversion.lift": 0.4},
                  ("market.word_of_mouth.imitation=0.3:3.0",
                   "channels.social.conversion.lift=0.05:1.5",
                   "channels.kol.conversion.lift=0.05:1.5"))
MARKETS = {"smart": SMART, "bass": BASS, "wom": WOM, "wom-lift": WOM_LIFT}


@dataclass(frozen=True)
class Design:
    """What the history holds: its length, its series and how the money was spent."""

    market: str
    weeks: int
    series: tuple[str, ...]
    spend: str = "random"  # random | flighted | none

    @property
    def name(self) -> str:
        """A short label: market, weeks, series, spend."""
        return f"{self.market} {self.weeks}w {'+'.join(self.series)} {self.spend}"


SHIPPED = ("units", "revenue", "survey")
DESIGNS = {
    "smart-52": Design("smart", 52, SHIPPED),
    "smart-156": Design("smart", 156, SHIPPED),
    "smart-52-new": Design("smart", 52, (*SHIPPED, "new_customers")),
    "smart-156-new": Design("smart", 156, (*SHIPPED, "new_customers", "customers")),
    "smart-156-flighted": Design("smart", 156, (*SHIPPED, "new_customers"), "flighted"),
    "smart-156-weekly-survey": Design("smart", 156, ("units", "revenue", "weekly_survey",
                                                     "new_customers"), "flighted"),
    "wom-52": Design("wom", 52, (*SHIPPED, "new_customers"), "flighted"),
    "wom-104": Design("wom", 104, (*SHIPPED, "new_customers"), "flighted"),
    "wom-156-no-new": Design("wom", 156, SHIPPED, "flighted"),
    "wom-156": Design("wom", 156, (*SHIPPED, "new_customers"), "flighted"),
    "wom-156-weekly-survey": Design("wom", 156, ("units", "revenue", "weekly_survey",
                                                 "new_customers"), "flighted"),
    "wom-lift-52": Design("wom-lift", 52, (*SHIPPED, "new_customers"), "flighted"),
    "wom-lift-156": Design("wom-lift", 156, (*SHIPPED, "new_customers"), "flighted"),
    "bass-52": Design("bass", 52, ("new_customers",), "none"),
    "bass-156": Design("bass", 156, ("new_customers",), "none"),
}


def spend_of(design: Design, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Weekly money per channel: drawn every week, or flighted (on in blocks of 3-8
    weeks at a drawn level, off for 2-6 weeks between them, each channel on its own)."""
    if design.spend == "none":
        return {}
    levels = {"social": (20_000, 120_000), "kol": (10_000, 90_000)}
    if design.spend == "random":
        return {c: rng.uniform(lo, hi, design.weeks).round(-2) for c, (lo, hi) in levels.items()}
    out = {}
    for c, (lo, hi) in levels.items():
        weeks: list[float] = []
        while len(weeks) < design.weeks:
            weeks += [float(rng.uniform(lo, 2 * hi))] * int(rng.integers(3, 9))
            weeks += [0.0] * int(rng.integers(2, 7))
        out[c] = np.round(np.array(weeks[:design.weeks]), -2)
    return out


def kpis_of(design: Design) -> list[str]:
    """The simulated KPI columns a design observes (a survey observes brand_awareness)."""
    return [("brand_awareness" if s.endswith("survey") else s) for s in design.series]


def survey_sizes(design: Design, dates: tuple[dt.date, ...]) -> np.ndarray:
    """Sample size per period of the awareness survey (NaN: no survey that period)."""
    n = np.full(len(dates), np.nan)
    for i, d in enumerate(dates):
        if "weekly_survey" in design.series or i == 0 or d.month != dates[i - 1].month:
            n[i] = SURVEY_N * (4 if "weekly_survey" in design.series else 1)
    return n


class Window:
    """The design's history window of a market, simulated at given values."""

    def __init__(self, design: Design, seed: int) -> None:
        import mktsim
        from history_fixtures import blank_history
        from mktsim.history import History
        from mktsim.history.periods import PeriodKind

        self.design = design
        self.market = MARKETS[design.market]
        self.loaded = mktsim.load(self.market.scenario, list(self.market.fixed)).loaded
        self.spend = spend_of(design, np.random.default_rng(seed))
        blank = blank_history(START, design.weeks, PeriodKind.WEEK, self.spend)
        self.dates = blank.dates
        self.shaped = History(blank.source, blank.kind, blank.dates, blank.ends,
                              {k: np.zeros(design.weeks) for k in kpis_of(design)},
                              spend=blank.spend)
        self.n = survey_sizes(design, self.dates)

    def paths(self, values: dict[str, float], replications: int, seed: int
              ) -> dict[str, np.ndarray]:
        """{kpi: [replications, weeks]} at `values` (the truth's other values)."""
        from mktsim.engine.montecarlo import simulate
        from mktsim.history import history_plan, period_values
        from mktsim.scenario.load import with_values

        spec = with_values(self.loaded, {**self.market.truth, **values}).spec
        plan = history_plan(spec, next(iter(spec.strategies)), self.shaped)
        return period_values(simulate(plan, replications, seed).daily, self.shaped)

    def observed(self, kpi: str) -> np.ndarray:
        """Which periods of `kpi` the history observes."""
        if kpi == "brand_awareness":
            return np.isfinite(self.n)
        return np.ones(self.design.weeks, dtype=bool)

    def stacked(self, paths: dict[str, np.ndarray]) -> np.ndarray:
        """The observed cells of every series side by side: [replications, cells]."""
        return np.concatenate([paths[k][:, self.observed(k)] for k in paths], axis=1)

    def own_variance(self, mean: dict[str, np.ndarray]) -> np.ndarray:
        """The observation noise of each observed cell under the fit's model: Poisson for
        counts and units, binomial for the survey, none for money (its scale is
        estimated: a simulated history has no noise beyond its path's)."""
        parts = []
        for kpi, mu in mean.items():
            m = self.observed(kpi)
            if kpi == "brand_awareness":
                parts.append(mu[m] * (1 - mu[m]) / self.n[m])
            elif kpi == "revenue":
                parts.append(np.zeros(int(m.sum())))
            else:
                parts.append(np.maximum(mu[m], 1.0))
        return np.concatenate(parts)


STEP = 1.2  # the values are moved to x STEP and / STEP for the central differences


def jacobian(window: Window, replications: int, seed: int) -> np.ndarray:
    """d expected cell / d log value (central differences at x/÷ STEP on common random
    numbers, the mean of `replications` replications of seed `seed`): [cells, k]."""
    columns = []
    for path, value in window.market.truth.items():
        up = window.stacked(window.paths({path: value * STEP}, replications, seed))
        down = window.stacked(window.paths({path: value / STEP}, replications, seed))
        columns.append((up.mean(axis=0) - down.mean(axis=0)) / (2 * np.log(STEP)))
    return np.column_stack(columns)


def cross(a: np.ndarray, b: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(a' W b + b' W a) / 2 for a diagonal W (`weights`): with a and b the Jacobians of
    two independent sets of replications, an unbiased J' W J. Common random numbers do
    not stay aligned as the values move (the engine's rejection sampling), so each
    Jacobian carries jitter whose square inflates J' W J by about 1 / replications; the
    jitters of two independent sets do not multiply up."""
    m = a.T @ (b * weights[:, None])
    return (m + m.T) / 2


def ledoit_wolf(x: np.ndarray) -> np.ndarray:
    """Covariance of the rows of `x` shrunk towards its diagonal by the Ledoit-Wolf
    intensity (the estimated optimum for a diagonal target: the off-diagonal entries'
    sampling variance over their spread)."""
    n = x.shape[0]
    d = x - x.mean(axis=0)
    s = d.T @ d / n
    norms = np.sum(d * d, axis=1)
    total = float(np.sum(norms ** 2 - 2 * np.einsum("ij,jk,ik->i", d, s, d))
                  + n * np.sum(s * s))
    diagonal = float(np.sum((d * d - np.diag(s)) ** 2))
    spread = float(np.sum(s * s) - np.sum(np.diag(s) ** 2))
    shrink = 1.0 if spread <= 0 else float(np.clip((total - diagonal) / n / n / spread, 0, 1))
    return shrink * np.diag(np.diag(s)) + (1 - shrink) * s


def standard_errors(window: Window, replications: int, paths: int, seed: int
                    ) -> dict[str, np.ndarray]:
    """Relative standard errors per free value: naive, fit (sandwich) and bound. The
    information is the cross product of two Jacobians of `replications` replications
    each on independent seeds (`cross`); the scores use their mean."""
    jac_a, jac_b = jacobian(window, replications, seed), jacobian(window, replications,
                                                                    seed + 7919)
    jac = (jac_a + jac_b) / 2
    single = window.stacked(window.paths({}, paths, seed + 1))
    mean = {k: v.mean(axis=0) for k, v in window.paths({}, replications, seed).items()}
    own = window.own_variance(mean)
    d = own + single.var(axis=0, ddof=1) * (1 + 1 / 8)  # the fit's R = 8 replications
    h_inv = inverse(cross(jac_a, jac_b, 1 / d))
    scores = (single - single.mean(axis=0)) / d @ jac
    v = np.cov(scores, rowvar=False) + jac.T @ (jac * (own / d ** 2)[:, None])
    sigma = ledoit_wolf(single) + np.diag(own)
    whiten = np.linalg.cholesky(sigma)
    efficient = cross(np.linalg.solve(whiten, jac_a), np.linalg.solve(whiten, jac_b),
                      np.ones(len(d)))
    return {"naive": np.sqrt(np.diag(h_inv)),
            "fit": np.sqrt(np.diag(h_inv @ v @ h_inv)),
            "bound": np.sqrt(np.diag(inverse(efficient)))}


def inverse(information: np.ndarray) -> np.ndarray:
    """The inverse of an information matrix whose directions that the history does not
    measure (an eigenvalue at or below zero: the two Jacobians' jitter outweighs their
    signal) are given an information of 1e-12 of the largest: a standard error shown as
    beyond any aim."""
    values, vectors = np.linalg.eigh((information + information.T) / 2)
    values = np.maximum(values, 1e-12 * max(float(values.max()), 1e-300))
    return (vectors / values) @ vectors.T


def fits(window: Window, count: int, seed: int) -> dict[str, np.ndarray]:
    """Calibrate `count` histories (one path each) of the design: relative error of each
    estimate and the posterior sd (90% interval width / 3.29) relative to the truth,
    [count, k] each; and whether each truth lay inside its interval."""
    import mktsim
    from history_fixtures import write_history

    market = window.market
    scenario = mktsim.load(market.scenario, list(market.fixed))
    truth = np.array(list(market.truth.values()))
    errors, sds, inside = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            path = write_history(Path(tmp) / f"h{i}.csv", window.dates,
                                 history_columns(window, seed + 100 + i))
            result = scenario.calibrate(history=path, params=market.priors, seed=seed + i)
            by = {p.path: p for p in result.parameters}
            est = np.array([by[p].estimate for p in market.truth])
            low = np.array([by[p].interval[0] for p in market.truth])
            high = np.array([by[p].interval[1] for p in market.truth])
            errors.append(est / truth - 1)
            sds.append((high - low) / 3.29 / truth)
            inside.append((low <= truth) & (truth <= high))
    return {"error": np.array(errors), "sd": np.array(sds), "inside": np.array(inside)}


def history_columns(window: Window, seed: int) -> dict[str, np.ndarray]:
    """One simulated path of the design as history columns (the survey drawn binomially
    from the simulated awareness)."""
    path = {k: v[0] for k, v in window.paths({}, 1, seed).items()}
    rng = np.random.default_rng(seed)
    columns = {}
    for kpi, values in path.items():
        if kpi == "brand_awareness":
            n = window.n
            columns[kpi] = np.where(np.isfinite(n), rng.binomial(
                np.nan_to_num(n).astype(int), values) / np.where(np.isfinite(n), n, 1), np.nan)
            columns["brand_awareness_n"] = n
        else:
            columns[kpi] = values.round(0) if kpi == "revenue" else values
    return {**columns, **{f"spend.{c}": s for c, s in window.spend.items()}}


def shown(share: float) -> str:
    """A relative standard error as a percentage, '>999%' beyond."""
    return f"{share:6.1%}" if share < 10 else "  >999%"


def report(design: Design, errors: dict[str, np.ndarray], fitted: dict | None) -> str:
    """One block of the table: per free value, the relative standard errors."""
    market = MARKETS[design.market]
    lines = [f"{design.name}"]
    for j, path in enumerate(market.truth):
        name = ".".join(path.split(".")[1:3]) if path.startswith("channels") \
            else path.split(".")[-1]
        row = (f"  {name:<17} naive {shown(errors['naive'][j])}  fit {shown(errors['fit'][j])}"
               f"  bound {shown(errors['bound'][j])}  "
               f"{'within aim' if errors['bound'][j] <= AIM else 'beyond aim'}")
        if fitted is not None:
            row += (f"  | fits: spread {np.sqrt(np.mean(fitted['error'][:, j] ** 2)):6.1%}"
                    f" posterior sd {np.mean(fitted['sd'][:, j]):6.1%}"
                    f" inside {int(fitted['inside'][:, j].sum())}/{len(fitted['inside'])}")
        lines.append(row)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--designs", nargs="+", default=list(DESIGNS), choices=list(DESIGNS))
    parser.add_argument("--replications", type=int, default=128,
                        help="replications of the expected path in the Jacobian")
    parser.add_argument("--paths", type=int, default=400,
                        help="single paths for the deviations' covariance")
    parser.add_argument("--fits", type=int, default=0, help="histories calibrated per design")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"relative standard errors; aim: {AIM:.1%} (a 90% interval of +-15%)")
    for key in args.designs:
        started = time.perf_counter()
        window = Window(DESIGNS[key], args.seed)
        errors = standard_errors(window, args.replications, args.paths, args.seed)
        fitted = fits(window, args.fits, args.seed) if args.fits else None
        print(report(DESIGNS[key], errors, fitted), f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
