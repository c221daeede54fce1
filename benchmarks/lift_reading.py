"""A least-squares reading of each channel's effect from a history, and a lift prior
centred between its money share and that reading, as far as the reading is precise.
Measured as the draft's centre and not drafted: `mktsim.history.draft.draft` does not
call it (docs/calibration.md, "The channels under their truth with the weekly draft,
traced"); `benchmarks/bench_contribution_bias.py` and `tests/test_draft_lift.py` do.

Why it was tried: the fit starts its search at the prior's centre (and at a screen around
it), and the simulated objective is grainy: a local search can stop on that graininess
short of the optimum, so an estimate that starts far from the data's answer stays between
the two. With every channel's prior at its money's share of a fixed 30% media share, a
channel that earns more per money than the others starts low and came out low
(PyMC-Marketing's example: x1, 29% of revenue, centred at 18%, fitted 11-15% under its
truth). The reading: ordinary least squares of the KPI per period on what the draft
frees (a level, the trend and its change point, two Fourier harmonics, each control and
event, and each channel's saturation at the drafted curve and half-saturation, its
carry-over profiled on a grid), over the periods the draft fits (the holdout left out).
A channel's coefficient is its KPI per period at full saturation; over the drafted
baseline that is its lift. The centre is the precision-weighted mean, in log, of the
money-share lift (weight 1 / LIFT_PRIOR_SD^2) and the reading's (weight 1 / its
relative standard error^2), at most MAX_MOVE_SDS prior sds from the money share's; a
reading that is not positive is not used. Money in the file's currency, KPI per period.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np

from mktsim.history.draft import (
    LIFT_PRIOR_SD,
    MEDIA_SHARE,
    RETENTION_PRIOR,
    ChannelDraft,
    HistoryDraft,
    _round,
    channel_saturation,
)
from mktsim.history.model import History

#: Relative standard errors above this are not a reading (the weight would be nil).
MAX_RELATIVE_SE = 10.0
#: The reading moves a centre by at most this many prior sds (in log) from the money
#: share's: x/÷ e^(2 x 0.5) = 2.7, so a reading the model's form distorts cannot take
#: the prior where the money share's would put the truth in its far tail.
MAX_MOVE_SDS = 2.0


#: Retentions per week tried for each channel's reading (its carry-over is profiled: a
#: reading at a carry-over shorter than the truth's sees a blurred regressor and reads
#: the effect too small, errors-in-variables attenuation).
RETENTION_GRID = tuple(round(0.1 * i, 1) for i in range(10))
SWEEPS = 2


def recentred(d: HistoryDraft) -> HistoryDraft:
    """`d` with each paid channel's lift centred by `centred_lift` on the history's
    reading, and the purchase rate (the baseline) scaled so that the model's KPI on day
    0 with every channel at its average spend stays the history's level."""
    from mktsim.history.draft_text import holdout, trend_break

    history = d.history
    paid = [c for c in d.channels if c.spend_per_day > 0]
    if not paid:
        return d
    fitted = history.n_periods - holdout(d)
    drivers = driver_columns(history, trend_break(d))
    kpi = history.series[d.kpi]
    retentions = profile_retentions(kpi, drivers, history, paid, fitted)
    saturations = {c.name: channel_saturation(history, c, retentions[c.name]) for c in paid}
    baseline = d.level * (1.0 - MEDIA_SHARE) * np.asarray(history.period_days, float)
    readings = read_lifts(kpi, drivers, saturations, baseline, fitted)
    channels = tuple(replace(c, lift=centred_lift(
        c.lift, _at_draft(readings.get(c.name), history, c, saturations[c.name], fitted),
        LIFT_PRIOR_SD)) if c in paid else c for c in d.channels)
    before = 1.0 + sum(c.lift * c.saturation for c in d.channels)
    after = 1.0 + sum(c.lift * c.saturation for c in channels)
    return replace(d, channels=channels,
                   purchase_per_year=_round(d.purchase_per_year * before / after))


def _at_draft(reading: LiftReading | None, history: History, c: ChannelDraft,
              read_at: np.ndarray, fitted: int) -> LiftReading | None:
    """The reading as a lift at the drafted retention (where the fit starts): the same
    effect over the fitted periods, on the drafted retention's saturation."""
    if reading is None:
        return None
    drafted = channel_saturation(history, c, RETENTION_PRIOR[c.type][1])[:fitted].sum()
    if drafted <= 0:
        return None
    return LiftReading(reading.lift * float(read_at[:fitted].sum()) / float(drafted),
                       reading.log_se)


def profile_retentions(kpi: np.ndarray, drivers: list[np.ndarray], history: History,
                       paid: list[ChannelDraft], fitted: int) -> dict[str, float]:
    """Each channel's retention per week on RETENTION_GRID that fits the KPI best by
    least squares (the others held; SWEEPS rounds over the channels), starting at the
    drafted medians."""
    chosen = {c.name: RETENTION_PRIOR[c.type][1] for c in paid}
    grids = {c.name: {r: channel_saturation(history, c, r)
                      for r in (*RETENTION_GRID, chosen[c.name])} for c in paid}
    for _ in range(SWEEPS):
        for c in paid:
            def rss(r: float, name: str = c.name) -> float:
                columns = [grids[o][chosen[o]] if o != name else grids[o][r]
                           for o in chosen]
                return _rss(kpi, [*drivers, *columns], fitted)
            chosen[c.name] = min(grids[c.name], key=rss)
    return chosen


def _rss(kpi: np.ndarray, columns: list[np.ndarray], fitted: int) -> float:
    """Residual sum of squares of `kpi` on `columns` over the first `fitted` periods."""
    x = np.column_stack(columns)[:fitted]
    y = np.asarray(kpi, dtype=float)[:fitted]
    ok = np.isfinite(y) & np.all(np.isfinite(x), axis=1)
    if ok.sum() <= x.shape[1]:
        return 0.0
    coef, *_ = np.linalg.lstsq(x[ok], y[ok], rcond=None)
    return float(np.sum((y[ok] - x[ok] @ coef) ** 2))


@dataclass(frozen=True)
class LiftReading:
    """One channel's least-squares reading: its lift and the standard error of the log."""

    lift: float
    log_se: float


def driver_columns(history: History, trend_break: dt.date | None) -> list[np.ndarray]:
    """The design's columns other than the channels, over every period: a level, the
    years since the start, the years after `trend_break`, sin and cos of the first two
    yearly harmonics (at each period's first day), each control (NaN where missing) and
    each event's intensity."""
    years = np.asarray(history.first_days, dtype=float) / 365.25
    columns = [np.ones(len(years))]
    if history.days >= 547:
        columns.append(years)
    if trend_break is not None:
        columns.append(np.maximum(0.0, years - (trend_break - history.start).days / 365.25))
    if history.days >= 364:
        day = np.array([d.timetuple().tm_yday - 1 for d in history.dates], dtype=float)
        for k in (1, 2):
            angle = 2 * np.pi * k * day / 365.25
            columns += [np.sin(angle), np.cos(angle)]
    for values in getattr(history, "controls", {}).values():
        columns.append(np.asarray(values, dtype=float))
    for values in getattr(history, "events", {}).values():
        columns.append(np.nan_to_num(np.asarray(values, dtype=float)))
    return columns


def read_lifts(kpi: np.ndarray, drivers: list[np.ndarray],
               saturations: dict[str, np.ndarray], baseline: np.ndarray,
               fitted: int) -> dict[str, LiftReading]:
    """Each channel's lift by least squares of `kpi` per period on `drivers` and the
    channels' `saturations` (per period) over the first `fitted` periods: its
    coefficient over the `baseline` KPI per period; channels whose reading is not
    positive or whose history is too short for it are left out."""
    names = list(saturations)
    x = np.column_stack([*drivers, *(saturations[n] for n in names)])[:fitted]
    y = np.asarray(kpi, dtype=float)[:fitted]
    ok = np.isfinite(y) & np.all(np.isfinite(x), axis=1)
    x, y = x[ok], y[ok]
    if len(y) < x.shape[1] + 5 or float(np.var(y)) <= 1e-12 * float(np.mean(y)) ** 2:
        return {}
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    dof = len(y) - x.shape[1]
    sigma2 = float(np.sum((y - x @ coef) ** 2)) / dof
    cov = sigma2 * np.linalg.pinv(x.T @ x)
    out = {}
    for j, name in enumerate(names, start=x.shape[1] - len(names)):
        beta, se = float(coef[j]), float(np.sqrt(max(cov[j, j], 0.0)))
        level = float(np.mean(baseline[:fitted][ok]))
        if beta > 0 and level > 0 and se / beta < MAX_RELATIVE_SE:
            out[name] = LiftReading(beta / level, se / beta)
    return out


def centred_lift(share_lift: float, reading: LiftReading | None, prior_sd: float) -> float:
    """The lift prior's median: `share_lift` (the money-share centre) and the `reading`
    averaged in log, weighted by their precisions (1 / prior_sd^2 and 1 / log_se^2)."""
    if reading is None or reading.lift <= 0:
        return share_lift
    w_share = 1.0 / prior_sd ** 2
    w_read = 1.0 / max(reading.log_se, 1e-6) ** 2
    move = w_read * (math.log(reading.lift) - math.log(share_lift)) / (w_share + w_read)
    limit = MAX_MOVE_SDS * prior_sd
    return share_lift * math.exp(min(max(move, -limit), limit))
