"""Simulation-based calibration of `calibrate`: histories simulated at parameter values
drawn from the prior, each fitted, and the share of 90% intervals holding the truth and
of held-out periods inside the 90% predictive band (Talts et al. 2018, in its coverage
form). Used by benchmarks/bench_calibrate_sbc.py and tests/test_calibrate_sbc.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import mktsim
from history_fixtures import blank_history, simulate_history, write_history
from mktsim.history.periods import PeriodKind
from mktsim.params import parse_param

BASS = Path(__file__).parents[1] / "src" / "mktsim" / "templates" / "bass.yaml"
START = dt.date(2027, 1, 4)
#: a small, fast market: Bass diffusion in 20,000 people, weekly new customers
MARKET = ("market.size=20000",)
PRIORS = ("market.word_of_mouth.innovation=0.05:0.5",
          "market.word_of_mouth.imitation=0.2:2.0",
          "market.size=10000:40000")


@dataclass
class Coverage:
    """Per parameter: histories whose 90% interval held the truth, of how many; and the
    held-out periods inside the 90% predictive band, of how many."""

    held: dict[str, int] = field(default_factory=dict)
    fits: int = 0
    band_inside: int = 0
    band_total: int = 0
    identified: dict[str, int] = field(default_factory=dict)
    evaluations: int = 0
    seconds: float = 0.0
    untrusted: int = 0  # fits whose importance weights could not be trusted (k-hat, ESS)
    ess: float = 0.0  # the effective sample sizes, summed over the fits
    noise_power: int = 0  # fits whose band drew its noise with an estimated level power
    wander: int = 0  # fits whose band fanned out with a random walk after the window
    band_width: float = 0.0  # the band's mean held-out width over the expected path, summed

    @property
    def width(self) -> float:
        """The band's mean width over the held-out periods relative to the expected
        path, averaged over the fits."""
        return self.band_width / max(self.fits, 1)

    def share(self, path: str) -> float:
        """Share of the fits whose interval of `path` held the truth."""
        return self.held.get(path, 0) / max(self.fits, 1)

    @property
    def band(self) -> float:
        """Share of held-out periods inside the predictive band."""
        return self.band_inside / max(self.band_total, 1)


def prior_draw(priors: tuple[str, ...], rng: np.random.Generator) -> dict[str, float]:
    """One value per prior, drawn from it."""
    return {p.path: float(p.ppf(np.array([rng.uniform()]))[0])
            for p in (parse_param(s) for s in priors)}


def one_history(tmp: Path, truth: dict[str, float], weeks: int, seed: int) -> Path:
    """One replication of the market at `truth`, written as a weekly history."""
    scenario = mktsim.load(BASS, list(MARKET))
    obs = simulate_history(scenario.loaded, truth, ["new_customers"], START, weeks,
                           PeriodKind.WEEK, seed)
    dates = blank_history(START, weeks, PeriodKind.WEEK).dates
    return write_history(tmp / f"history{seed}.csv", dates, obs)


def run_sbc(tmp: Path, histories: int, priors: tuple[str, ...] = PRIORS, weeks: int = 52,
            holdout: int = 13, replications: int = 4, seed: int = 0) -> Coverage:
    """Fit `histories` histories drawn from the prior; count what the intervals and the
    predictive band hold."""
    import time

    rng = np.random.default_rng(seed)
    out = Coverage()
    scenario = mktsim.load(BASS, list(MARKET))
    started = time.perf_counter()
    for i in range(histories):
        truth = prior_draw(priors, rng)
        history = one_history(tmp, truth, weeks, 10_000 + seed * 1000 + i)
        result = scenario.calibrate(history=history, params=priors, holdout=holdout,
                                    replications=replications, starts=2, seed=i)
        out.fits += 1
        out.evaluations += result.evaluations
        out.untrusted += not result.posterior["trusted"]
        out.ess += result.posterior["effective_sample_size"]
        for est in result.parameters:
            low, high = est.interval
            out.held[est.path] = out.held.get(est.path, 0) + (low <= truth[est.path] <= high)
            out.identified[est.path] = out.identified.get(est.path, 0) + est.identified
        out.noise_power += bool(result.fit["new_customers"].get("noise_power", {})
                                .get("significant"))
        out.wander += bool(result.fit["new_customers"].get("noise_wander", {})
                           .get("significant"))
        band = result.bands["new_customers"]
        y, lo, hi = band.observed[-holdout:], band.low[-holdout:], band.high[-holdout:]
        out.band_inside += int(np.sum((y >= lo) & (y <= hi)))
        out.band_total += int(np.sum(np.isfinite(y)))
        out.band_width += float(np.mean((hi - lo) / band.expected[-holdout:]))
    out.seconds = time.perf_counter() - started
    return out
