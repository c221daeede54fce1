"""Contributions: what each channel, the baseline and each demand driver produced of the
flow KPIs over the history window (see docs/calibration.md, "Contributions").

At each of `draws` posterior draws of the fitted values the window is simulated `per_draw`
times with the actual spend, and the same replications (the same seeds: common random
numbers) again with one part removed. A channel's contribution is the KPI minus the KPI
with that channel's spend at zero; the baseline is the KPI with every channel's spend at
zero; a driver's contribution is the KPI minus the KPI with that part neutralised (the
season flat, no trend, a control's coefficient 0, an event's lift 0). Intervals are the
5% and 95% quantiles over the draws (type 6: `_interval`). Given the fit's optimum, the
same decomposition at the optimum (`at_optimum` replications) gives the points, as the
parameters' estimates and the fitted scenario's values are the optimum's; each interval
is widened to hold its point. In this nonlinear model the parts do not add up to the
total exactly: the remainder is reported as the interaction."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from ..documents.contributions import ContributionEntry, Contributions, KpiContribution
from ..history import History, history_plan
from ..i18n import _
from ..kpis import KPI_INDEX, KPIS
from ..scenario.load import with_values
from ..simulate import run_plan
from .counterfactuals import (
    DrawPlans,
    channel_spend,
    has_season,
    last_year_spend,
    neutral_parts,
    neutralise_all,
    raised,
    without_channels,
)
from .priors import Z_MAX, values_at
from .simulator import WindowModel

HEADLINE = "revenue"
Sums = dict[str, np.ndarray]  # {kpi: [draws, periods]}: the mean over a draw's replications


@dataclass(frozen=True)
class ContributionSettings:
    """How many posterior draws, replications per draw, and the marginal ROI's step (a
    fraction of the channel's spend over the window's last year). 100 draws of one
    replication each: the interval's ends are the draws' 5th and 95th (type 6), whose
    Monte Carlo noise over 40 draws moved a flighted channel's interval by a tenth of its
    width from one set of draws to another; a replication's own noise on a contribution
    is under 1% (docs/calibration.md, "Contributions")."""

    draws: int = 100
    per_draw: int = 1
    step: float = 0.1
    at_optimum: int = 16  # replications of the decomposition at the fit's optimum


def contributions(model: WindowModel, zs: np.ndarray,
                  settings: ContributionSettings = ContributionSettings(),
                  optimum: np.ndarray | None = None) -> Contributions:
    """The decomposition of each flow KPI at the posterior draws `zs` [draws, k]: each
    value the mean over the draws, or with the fit's `optimum` (z) the value there
    (`settings.at_optimum` replications), each interval over the draws widened to hold
    it."""
    started = time.perf_counter()
    kpis, entries = _decomposition(model, zs, settings.per_draw, settings.step)
    at_optimum = 0
    if optimum is not None:
        _, points = _decomposition(model, np.asarray(optimum, dtype=float)[None, :],
                                   settings.at_optimum, settings.step)
        entries = held_at(points, entries)
        at_optimum = settings.at_optimum
    return Contributions(kpi=kpis[0], kpis=kpis, draws=len(zs), replications=settings.per_draw,
                         step=settings.step, entries=entries, at_optimum=at_optimum,
                         seconds=time.perf_counter() - started)


def _decomposition(model: WindowModel, zs: np.ndarray, per_draw: int, step: float
                   ) -> tuple[list[str], list[ContributionEntry]]:
    """The flow KPIs and the entries of their decomposition at the draws `zs` [draws, k],
    `per_draw` replications each, the marginal ROI at a raise of `step`."""
    specs = [with_values(model.loaded, values_at(model.priors, z)).spec for z in zs]
    actual = DrawPlans(tuple(history_plan(s, model.strategy, model.history) for s in specs),
                       per_draw)
    kpis = flow_kpis(model.history)
    sim = partial(_simulate, model, kpis)
    total = sim(actual)
    channels = list(actual.plans[0].channels)
    every = list(range(len(channels)))
    spend = np.array([channel_spend(p) for p in actual.plans])  # [draws, C]
    extra = step * np.array([last_year_spend(p) for p in actual.plans])
    # a channel that spent nothing: removing or raising it leaves the same plan, the
    # same replications, the same numbers (common random numbers): not simulated again
    removed = {c: sim(actual.mapped(partial(without_channels, rows=[i])))
               if spend[:, i].any() else total for i, c in enumerate(channels)}
    more = {c: sim(actual.mapped(partial(raised, row=i, step=step)))
            if extra[:, i].any() else total for i, c in enumerate(channels)}
    baseline = sim(actual.mapped(partial(without_channels, rows=every)))
    season = has_season(model.loaded.spec, (p.path for p in model.priors))
    parts = [neutral_parts(s, season) for s in specs]  # the same names for every draw
    drivers = {name: sim(DrawPlans(tuple(history_plan(p[name], model.strategy, model.history)
                                         for p in parts), per_draw))
               for name in parts[0]}
    base = None
    if drivers:
        base = sim(DrawPlans(tuple(
            without_channels(history_plan(neutralise_all(s, p), model.strategy,
                                          model.history), every)
            for s, p in zip(specs, parts, strict=True)), per_draw))
    return kpis, decompose(kpis, total, removed, more, baseline, drivers, base, spend, extra)


def held_at(points: list[ContributionEntry], draws: list[ContributionEntry]
            ) -> list[ContributionEntry]:
    """Each entry of `points` (the decomposition at the fit's optimum) with the intervals of
    the draws' entry of the same name and part (`at_point`), in the points' order. Both
    have the same entries (the demand parts follow the scenario's structure,
    `neutral_parts`); a ValueError, an internal error, names any entry only one side has."""
    by_key = {(e.name, e.part): e for e in draws}
    keys = [(e.name, e.part) for e in points]
    if sorted(keys) != sorted(by_key) or len(by_key) != len(draws):
        only = sorted(set(keys) - set(by_key)), sorted(set(by_key) - set(keys))
        raise ValueError(_("the contributions at the fit's optimum and over the posterior "
                           "draws have different entries (only at the optimum: {points}; "
                           "only over the draws: {draws})").format(
            points=_names(only[0]), draws=_names(only[1])))
    return [at_point(p, by_key[p.name, p.part]) for p in points]


def _names(keys: list[tuple[str, str]]) -> str:
    return ", ".join(f"{name} ({part})" for name, part in keys) or "-"


def at_point(point: ContributionEntry, draws: ContributionEntry) -> ContributionEntry:
    """`point`'s values (one draw: the fit's optimum) with the intervals of `draws`
    (the posterior draws' entry of the same part), each widened to hold its point;
    `widened` says whether any of a KPI's intervals had to be."""
    values = {}
    for kpi, p in point.values.items():
        d = draws.values[kpi]
        pairs = ((d.interval, p.contribution), (d.roi_interval, p.roi),
                 (d.marginal_roi_interval, p.marginal_roi))
        held = [_held(interval, value) for interval, value in pairs]
        values[kpi] = replace(p, interval=held[0], roi_interval=held[1],
                              marginal_roi_interval=held[2],
                              widened=any(h != i for h, (i, _v) in zip(held, pairs, strict=True)))
    return replace(point, values=values)


def _held(interval: tuple[float, float] | None, point: float | None
          ) -> tuple[float, float] | None:
    """`interval` widened to hold `point` (None when either is)."""
    if interval is None or point is None:
        return None
    return (min(interval[0], point), max(interval[1], point))


def spread_draws(zs: np.ndarray, cov: np.ndarray, centre: np.ndarray | None = None
                 ) -> np.ndarray:
    """Posterior draws in z [n, k], spread about their mean so that their covariance
    covers `cov` (the fit's Laplace covariance) in every direction where it is wider:
    the draws' covariance S becomes S^1/2 max(I, S^-1/2 C S^-1/2) S^1/2 (eigenvalues
    below 1 raised to 1), which is at least S and at least C. Importance sampling on a
    simulated likelihood with a dozen free values rests on few effective draws and
    understates the spread of a weakly identified channel's lift and carryover; a
    contribution's interval must not be narrower than the curvature at the optimum says.
    With a `centre` (the fit's optimum, given when the importance weights cannot be
    trusted), the spread draws are moved so that their mean is there: a mean resting on
    two to five effective draws is noise, and sat a Laplace sd or more off the optimum
    (see docs/calibration.md, "Centred on the optimum when the weights cannot be
    trusted"). Kept inside the prior's range."""
    zs = np.asarray(zs, dtype=float)
    if len(zs) < 2:
        return zs
    mean = zs.mean(axis=0)
    to = mean if centre is None else np.asarray(centre, dtype=float)
    own = np.atleast_2d(np.cov(zs, rowvar=False)) + 1e-9 * np.eye(zs.shape[1])
    root, inv_root = _sqrt_pair(own)
    vals, vecs = np.linalg.eigh(inv_root @ (0.5 * (cov + cov.T)) @ inv_root)
    raise_by = (vecs * np.sqrt(np.maximum(vals, 1.0))) @ vecs.T  # max(I, ...)^1/2
    change = root @ raise_by @ inv_root
    return np.clip(to + (zs - mean) @ change.T, -Z_MAX, Z_MAX)


def _sqrt_pair(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric square root of a positive definite matrix and of its inverse."""
    vals, vecs = np.linalg.eigh(0.5 * (matrix + matrix.T))
    vals = np.maximum(vals, 1e-12)
    return (vecs * np.sqrt(vals)) @ vecs.T, (vecs / np.sqrt(vals)) @ vecs.T


def flow_kpis(history: History) -> list[str]:
    """Revenue (the headline), then every other flow series the history observes."""
    return [HEADLINE, *(k for k in history.series if KPIS[k].kind == "flow" and k != HEADLINE)]


def _simulate(model: WindowModel, kpis: list[str], plans: DrawPlans) -> Sums:
    """Each draw's period totals of `kpis`, the mean of its replications (common random
    numbers: replication i has the same seed in every counterfactual)."""
    seed = int(np.random.SeedSequence(model.seed, spawn_key=(35,)).generate_state(1)[0])
    run = run_plan(plans.plans[0], plans.replications, seed, workers=model.workers,
                   pool=model.pool, source=plans)
    if model.on_evaluation:
        model.on_evaluation()
    out = period_flows(run.daily, model.history, kpis)
    return {k: v.reshape(len(plans.plans), plans.per_draw, -1).mean(axis=1)
            for k, v in out.items()}


def period_flows(daily: np.ndarray, history: History, kpis: list[str]) -> Sums:
    """Totals per period of flow KPIs: daily [N, K, D] -> {kpi: [N, periods]}."""
    first, last = history.first_days, history.last_days
    out = {}
    for kpi in kpis:
        row = daily[:, KPI_INDEX[kpi], :]
        cum = np.concatenate([np.zeros((row.shape[0], 1)), np.cumsum(row, -1)], -1)
        out[kpi] = cum[:, last + 1] - cum[:, first]
    return out


def decompose(kpis: list[str], total: Sums, removed: dict[str, Sums], more: dict[str, Sums],
              baseline: Sums, drivers: dict[str, Sums], base: Sums | None,
              spend: np.ndarray, extra: np.ndarray) -> list[ContributionEntry]:
    """The entries, in the order shown: the base demand (with drivers) or the baseline,
    the drivers, the channels, the interaction, the total, and the baseline apart when the
    drivers split it."""
    diff = {name: _minus(total, sums) for name, sums in removed.items()}
    part = {name: _minus(total, sums) for name, sums in drivers.items()}
    first = base if base is not None else baseline
    entries = [_entry("base" if base is not None else "baseline",
                      "base" if base is not None else "baseline", True, kpis, first)]
    entries += [_entry(name, "driver", True, kpis, sums) for name, sums in part.items()]
    for i, (name, sums) in enumerate(diff.items()):
        entries.append(_channel(name, kpis, sums, _minus(more[name], total), spend[:, i],
                                extra[:, i]))
    rest = {k: total[k] - first[k] - sum((s[k] for s in (*part.values(), *diff.values())),
                                         np.zeros_like(total[k])) for k in kpis}
    entries.append(_entry("interaction", "interaction", True, kpis, rest))
    entries.append(_entry("total", "total", False, kpis, total))
    if base is not None:
        entries.append(_entry("baseline", "baseline", False, kpis, baseline))
    return entries


def _minus(a: Sums, b: Sums) -> Sums:
    return {k: a[k] - b[k] for k in a}


def _entry(name: str, part: str, in_total: bool, kpis: list[str], sums: Sums
           ) -> ContributionEntry:
    return ContributionEntry(name, part, in_total, {k: _values(sums[k]) for k in kpis})


def _values(per_draw: np.ndarray, **roi: object) -> KpiContribution:
    """Window total (mean over draws), its 90% interval over draws, per-period means."""
    window = per_draw.sum(axis=1)
    return KpiContribution(float(window.mean()), _interval(window),
                           [float(v) for v in per_draw.mean(axis=0)], **roi)  # type: ignore[arg-type]


def _interval(values: np.ndarray) -> tuple[float, float]:
    """The central 90% of the draws' values by Hyndman and Fan's type 6 (Weibull)
    quantiles, the order statistic at p (n + 1): an interval between those holds a fresh
    draw 90% of the time whatever n. The default (type 7) interpolates at p (n - 1) + 1
    and, at 40 draws, holds a fresh draw 85% of the time only."""
    low, high = np.quantile(values, [0.05, 0.95], method="weibull")
    return float(low), float(high)


def _channel(name: str, kpis: list[str], sums: Sums, gained: Sums, spend: np.ndarray,
             extra: np.ndarray) -> ContributionEntry:
    """A channel's entry: contribution, ROI = contribution / spend (per draw for the
    interval), marginal ROI = extra KPI / extra money at last year's spend + step."""
    money = float(spend.mean())
    values = {}
    for k in kpis:
        window = sums[k].sum(axis=1)
        mean = float(window.mean())
        roi = _ratio(window, spend)
        marginal = _ratio(gained[k].sum(axis=1), extra)
        values[k] = _values(
            sums[k], roi=mean / money if money > 0 else None,
            roi_interval=None if roi is None else _interval(roi),
            marginal_roi=None if marginal is None else float(marginal.mean()),
            marginal_roi_interval=None if marginal is None else _interval(marginal))
    return ContributionEntry(name, "channel", True, values, spend=money)


def _ratio(num: np.ndarray, money: np.ndarray) -> np.ndarray | None:
    """num / money per draw; None when no money was spent."""
    if not np.all(money > 0):
        return None
    return num / money
