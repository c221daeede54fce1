"""`calibrate`: read the history, fit the free values, judge the fit and identification."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.workers import Pool, open_pool
from ..history import History, check_enough, observed_mask, read_history
from ..i18n import _
from ..params import Parameter
from ..scenario.errors import Problem, ScenarioError
from ..scenario.load import LoadedSpec
from .band import predictive_bands
from .choice import check_choices, check_form_priors, choice_warnings, choose
from .choice_form import expander
from .contributions import ContributionSettings, contributions, spread_draws
from .end_state import check_fitted_start, end_state, window_start
from .fit import Fit, FitSettings, log_posterior_of, residuals
from .identify import (
    collinear_spend,
    correlated_pairs,
    data_that_would_help,
    disagreeing,
    rival_optima,
    why_not_identified,
)
from .metrics import coverage, fit_metrics
from .noise_power import NoisePower
from .posterior import Posterior, sample
from .priors import Z_MAX, check_flags, check_priors, parse_priors, prior_interval, values_at
from .result import CalibrationResult, ParameterEstimate, SeriesBand
from .simulator import WindowModel

BAND_DRAWS = 40
POSTERIOR_DRAWS = 400
CONTRIBUTIONS = ContributionSettings()  # 100 posterior draws, one replication each
# below this many replications an evaluation runs faster in-process than on a pool
POOL_REPLICATIONS = 32


@dataclass(frozen=True)
class CalibrationOptions:
    """What the command line (or `Scenario.calibrate`) asks for; None: the scenario's
    `calibration:` section, then the defaults."""

    history: Path | None = None
    strategy: str | None = None
    params: tuple[str, ...] = ()
    holdout: int | None = None
    sheet: str | None = None
    seed: int | None = None
    workers: int = 1
    replications: int | None = None
    weights: dict[str, float] = field(default_factory=dict)
    starts: int = 3
    overrides: tuple[str, ...] = ()  # the --set values the scenario was loaded with
    executor: str = "local"  # or "dask": the cluster at `scheduler`, else a LocalCluster
    fitted_out: bool = False  # a fitted scenario will be written: check it can start
    scheduler: str | None = None  # tcp://HOST:PORT of a Dask scheduler
    # candidate values of paths, each fitted and one kept (over calibration.choices)
    choices: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def history_path(loaded: LoadedSpec, options: CalibrationOptions) -> Path:
    """The history file: --history, else the section's path relative to the scenario."""
    if options.history is not None:
        return options.history
    section = loaded.spec.calibration
    if section is None:
        raise ScenarioError([Problem(loaded.source, None, "--history", "no history file",
                                     "give --history FILE or a calibration.history entry")])
    return Path(loaded.source).parent / section.history


def calibrate(loaded: LoadedSpec, options: CalibrationOptions,
              on_evaluation: Callable[[], None] | None = None) -> CalibrationResult:
    """Fit the scenario's free values to a history (see docs/calibration.md)."""
    started = time.perf_counter()
    section = loaded.spec.calibration
    strategy = _strategy(loaded, options.strategy or (section.strategy if section else None))
    check_flags(options.params, options.overrides, loaded.source)
    priors = parse_priors(options.params, section.parameters if section else None,
                          loaded.source)
    check_priors(loaded, priors)
    choices = {**(section.choices if section else {}), **options.choices}
    check_choices(loaded, choices, [p.path for p in priors],
                  set(section.choices if section else ()) - set(options.choices))
    check_form_priors(loaded, choices, priors)
    sheet = options.sheet or (section.sheet if section else None)
    history = read_history(history_path(loaded, options), loaded.spec.channels,
                           loaded.spec.products, sheet, loaded.spec.market.demand)
    holdout = options.holdout if options.holdout is not None else (
        section.holdout if section else 0)
    check_enough(history, len(priors), holdout)  # the history's own problems first
    if options.fitted_out:
        check_fitted_start(loaded, history)  # before the fit, not after it
    loaded = window_start(loaded, history)  # a fitted scenario: where its history began
    seed = loaded.spec.seed if options.seed is None else options.seed
    reps = options.replications or (section.replications if section else 8)
    weights = {**(section.weights if section else {}), **options.weights}
    with _pool(options, reps) as pool:
        def model_of(form: LoadedSpec, form_priors: list[Parameter]) -> WindowModel:
            return WindowModel(form, strategy, history, form_priors, reps, seed,
                               pool.workers, pool.executor, on_evaluation=on_evaluation)

        settings = FitSettings(holdout, weights, options.starts)
        model, result, choice = choose(
            loaded, choices, model_of, settings,
            lambda: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(31,))),
            expander(loaded, history, priors))
        report, zs = _report(loaded, model, result, settings, started)
        if choice is not None:
            report.choice = choice
            report.evaluations += choice.extra_evaluations
            report.warnings.extend(choice_warnings(choice))
        pick = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(34,))).choice(
            len(zs), min(CONTRIBUTIONS.draws, len(zs)), replace=False)
        spread = spread_draws(zs, result.cov, draws_centre(report.posterior, result.z))
        report.contributions = contributions(model, spread[np.sort(pick)], CONTRIBUTIONS,
                                             optimum=result.z)
        report.seconds = time.perf_counter() - started
    report.overrides = tuple(options.overrides)
    return report


def centred(zs: np.ndarray, centre: np.ndarray | None) -> np.ndarray:
    """Posterior draws in z [n, k] moved so that their mean is `centre` (None: as they
    are), kept inside the prior's range: the draws every later step uses (the values
    written to the fitted scenario, its end state, the band), centred on the optimum
    when the importance weights cannot be trusted (`draws_centre`), where their own
    mean rests on a few heavy draws."""
    if centre is None or len(zs) < 2:
        return zs
    return np.clip(zs - zs.mean(axis=0) + centre, -Z_MAX, Z_MAX)


def draws_centre(posterior: dict[str, object], optimum: np.ndarray) -> np.ndarray | None:
    """Where the contributions' draws are centred (`spread_draws`): the fit's `optimum`
    (z) when the importance weights cannot be trusted and no rival optimum fits about as
    well (the draws' own mean, resting on a few effective draws, is noise); else None,
    their own mean. `posterior`: the result's summary (`_posterior_summary`)."""
    if posterior.get("trusted", True) or posterior.get("rival_optima"):
        return None
    return optimum


def _pool(options: CalibrationOptions, reps: int) -> AbstractContextManager[Pool]:
    """One executor for every simulation of the fit: Dask when asked for; local worker
    processes from POOL_REPLICATIONS replications on (below, this process is faster)."""
    pooled = reps >= POOL_REPLICATIONS or options.executor != "local" or options.scheduler
    return open_pool(options.executor, options.workers if pooled else 1, options.scheduler)


def _strategy(loaded: LoadedSpec, name: str | None) -> str:
    names = list(loaded.spec.strategies)
    if name is None:
        return names[0]
    if name not in names:
        from ..scenario.suggest import did_you_mean

        raise ScenarioError([Problem(loaded.source, None, "--strategy",
                                     f"unknown strategy '{name}'", did_you_mean(name, names))])
    return name


def posterior_of(model: WindowModel, result: Fit, settings: FitSettings,
                 rng: np.random.Generator) -> tuple[Posterior, list[tuple[np.ndarray, float]]]:
    """The posterior (importance sampling on the simulator, around the best optimum and
    every rival optimum that fits about as well) and those rivals."""
    rivals = rival_optima(result.optima, np.sqrt(np.maximum(np.diag(result.cov), 0.0)))
    post = sample(log_posterior_of(model, result, settings),
                  [result.z, *(z for z, _ in rivals)], result.cov, POSTERIOR_DRAWS, rng,
                  _tempered_residuals(model, result, settings))
    return post, rivals


def _tempered_residuals(model: WindowModel, result: Fit, settings: FitSettings
                        ) -> Callable[[np.ndarray], np.ndarray]:
    """The standardised residuals at z with each series' weight times its temper (the
    noise and simulation variance of the fit's optimum), then z: half their sum of
    squares is about -log posterior, for the profile to follow its ridge."""
    mask = observed_mask(model.history, settings.holdout)
    weights = {kpi: (settings.weights or {}).get(kpi, 1.0) * result.tempers.get(kpi, 1.0)
               for kpi in model.history.series}
    return lambda z: residuals(z, model, result.noise, result.sim_var, mask, weights)


def _report(loaded: LoadedSpec, model: WindowModel, result: Fit, settings: FitSettings,
            started: float) -> tuple[CalibrationResult, np.ndarray]:
    """The calibration result, and the posterior draws in z it was built from."""
    rng = np.random.default_rng(np.random.SeedSequence(model.seed, spawn_key=(32,)))
    post, rivals = posterior_of(model, result, settings, rng)
    summary = _posterior_summary(model, post, rivals)
    centre = draws_centre(summary, result.z)
    zs = centred(post.draws, centre)
    values = np.array([[values_at(model.priors, z)[p.path] for p in model.priors] for z in zs])
    in_step = collinear_spend([p.path for p in model.priors], model.history.spend,
                              model.history.n_periods - settings.holdout)
    years = model.history.days / 365.25
    estimates = [_estimate(p, j, result, post, rivals, in_step.get(p.path),
                           (tuple(model.history.series), years))
                 for j, p in enumerate(model.priors)]
    paths = [p.path for p in model.priors]
    pairs = correlated_pairs(paths, post.cov)
    bands = _bands(model, result, zs[:BAND_DRAWS], rng, settings)
    holdout = settings.holdout
    fit_table = _fit_table(model.history, result, bands, holdout)
    warnings = _warnings(estimates, pairs, fit_table) + _posterior_warnings(
        model, post, rivals, centre is not None)
    seconds = time.perf_counter() - started
    return CalibrationResult(
        scenario=loaded.source, history=model.history.source, strategy=model.strategy,
        period=model.history.kind.value, periods=model.history.n_periods, holdout=holdout,
        dates=[d.isoformat() for d in model.history.dates], parameters=estimates,
        fit=fit_table, correlated=pairs, bands=bands, draws=values, priors=list(model.priors),
        warnings=warnings, end_state=end_state(model, zs),
        posterior=summary,
        evaluations=model.evaluations, seconds=seconds), zs


def _estimate(prior: Parameter, j: int, result: Fit, post: Posterior,
              rivals: list[tuple[np.ndarray, float]], in_step_with: str | None = None,
              history: tuple[tuple[str, ...], float] = ((), 0.0)) -> ParameterEstimate:
    """The optimum's value, the posterior draws' central 90% (widened to hold the
    estimate), identification from the posterior's width and the rival optima;
    `history`: its series and length in years, for what would identify the value."""
    sd = float(np.sqrt(max(post.cov[j, j], 0.0)))
    z = float(result.z[j])

    def at(x: float) -> float:
        return values_at([prior], np.array([x]))[prior.path]

    low, high = post.interval(j)
    estimate, interval = at(z), (at(min(low, z)), at(max(high, z)))
    others = ", ".join(f"{at(float(r[j])):.4g}" for r, _ in rivals) \
        if disagreeing(j, result.z, rivals) else None
    spread = (interval[1] - interval[0]) / 2 / estimate \
        if prior_interval(prior)[0] > 0 and estimate > 0 else 0.0
    reason = why_not_identified(z, sd, f"{at(z):.4g}, {others}" if others else None,
                                in_step_with, spread)
    return ParameterEstimate(
        path=prior.path, estimate=estimate, interval=interval,
        prior=prior.to_spec().split("=", 1)[1], prior_interval=prior_interval(prior),
        identified=reason is None, reason=reason,
        would_identify=data_that_would_help(prior.path, *history) if reason else None)


def _bands(model: WindowModel, result: Fit, zs: np.ndarray, rng: np.random.Generator,
           settings: FitSettings) -> dict[str, SeriesBand]:
    """90% predictive band of each series (calibrate/band.py): the draws' simulations plus
    observation noise, widened to the fitted periods' own misses and, after the window,
    to those of forecasts from earlier origins."""
    return predictive_bands(model, result, zs, rng,
                            observed_mask(model.history, settings.holdout),
                            weights=settings.weights)


def _fit_table(history: History, result: Fit, bands: dict[str, SeriesBand], holdout: int
               ) -> dict[str, dict[str, object]]:
    fitted, held = observed_mask(history, holdout), observed_mask(history, holdout, False)
    table: dict[str, dict[str, object]] = {}
    for kpi, y in history.series.items():
        band, m, h = bands[kpi], fitted[kpi], held[kpi]
        table[kpi] = {
            **fit_metrics(y[m], result.mean[kpi][m]),
            "noise": result.noise[kpi].noise.value,
            "holdout": fit_metrics(y[h], result.mean[kpi][h]),
            "coverage": coverage(y[h], band.low[h], band.high[h]),
            "coverage_fitted": coverage(y[m], band.low[m], band.high[m]),
            "noise_correlation": _noise_correlation(result, kpi),
            "noise_power": result.powers.get(kpi, NoisePower.default()).to_dict(),
            "noise_wander": band.wander.to_dict(),
        }
    return table


def _noise_correlation(result: Fit, kpi: str) -> dict[str, float]:
    """The correlation of a series' noise between periods (calibrate.serial): `share` of
    its variance persistent, `decay` of that part per period, `lag1` = share x decay."""
    found = result.serial.get(kpi)
    share, decay = (found.share, found.decay) if found else (0.0, 0.0)
    return {"share": round(share, 3), "decay": round(decay, 3),
            "lag1": round(share * decay, 3)}


def _posterior_summary(model: WindowModel, post: Posterior,
                       rivals: list[tuple[np.ndarray, float]]) -> dict[str, object]:
    """`posterior` of the document: the method, its effective sample size and cost, and
    the rival optima (values and -log posterior gap to the best)."""
    return {"method": "importance sampling", "effective_sample_size": round(post.ess, 1),
            "khat": round(post.khat, 2) if np.isfinite(post.khat) else None,
            "trusted": post.trusted,
            "evaluations": post.evaluations, "rounds": post.rounds,
            "rival_optima": [{"values": values_at(model.priors, z), "gap": round(gap, 2)}
                             for z, gap in rivals]}


def _posterior_warnings(model: WindowModel, post: Posterior,
                        rivals: list[tuple[np.ndarray, float]], centred_on_best: bool
                        ) -> list[str]:
    """A rival optimum per line, an effective sample size too small to trust, and
    whether the draws were centred on the best fit for it (`draws_centre`)."""
    out = []
    for z, gap in rivals:
        shown = ", ".join(f"{p}={v:.4g}" for p, v in values_at(model.priors, z).items())
        out.append(_("local searches from different starts disagree: {values} fits within "
                     "{gap:.1f} of the best log posterior; the intervals cover both"
                     ).format(values=shown, gap=abs(gap)))
    if not post.trusted:
        out.append(_("the posterior's importance weights cannot be trusted (Pareto k-hat "
                     "{khat:.2f}, above 0.7 is unreliable; effective sample {ess:.0f} "
                     "draws): the intervals are widened to the joint 90% region and may be "
                     "wider than the truth needs; narrower priors or fewer free values "
                     "help").format(khat=post.khat, ess=post.ess))
        if centred_on_best:
            out.append(_("the draws behind the fitted scenario, the band and the "
                         "contributions are centred on the best fit: their own mean rests "
                         "on a few heavy draws"))
    return out


def _warnings(estimates: list[ParameterEstimate], pairs: list[tuple[str, str, float]],
              table: dict[str, dict[str, object]]) -> list[str]:
    out = [f"{e.path} is not identified by this history: {e.reason}; "
           f"what would identify it: {e.would_identify}" for e in estimates if not e.identified]
    out += [f"{a} and {b} are correlated ({r:+.2f}): the history tells their combination, "
            "not each one" for a, b, r in pairs]
    for kpi, row in table.items():
        r2 = row.get("r2")
        if isinstance(r2, float) and r2 < 0.8:
            out.append(f"{kpi}: R^2 {r2:.2f} on the fitted periods is below 0.8 (not ideal)")
    return out
