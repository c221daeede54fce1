"""What a channel's drafted figures become under another saturation curve and adstock
step (a form chosen from the data, `calibration.choices` `channels.*`): the draft sets
the half-saturation K at the adstocked exposures of the channel's usual money per day,
and the lift at the share of the media effect over the mean saturation of that money;
both depend on the form (docs/calibration.md, "Choosing each channel's curve and
carry-over step from the data")."""

from __future__ import annotations

import numpy as np

from .draft import mean_saturation

#: (saturation curve, adstock step in days)
Form = tuple[str, int]


def stock_ratio(retention_per_week: float, own_step: int, new_step: int) -> float:
    """The steady stock of a constant money per day carried over every `new_step` days
    over the same carried every `own_step` days: (1 - theta_own) / (1 - theta_new),
    theta = retention_per_week^(step / 7) (a daily stock is (1 - r)/(1 - r^(1/7)) times
    a weekly one); 1 without carry-over."""
    r = float(retention_per_week)
    if r <= 0.0 or r >= 1.0 or own_step == new_step:
        return 1.0
    return (1.0 - r ** (own_step / 7.0)) / (1.0 - r ** (new_step / 7.0))


def form_ratios(spend: np.ndarray, days: np.ndarray, retention_per_week: float,
                own: Form, new: Form) -> tuple[float, float]:
    """(half-saturation, lift) of form `new` over those of form `own` as the draft sets
    them for a channel's money `spend` (currency per period of `days` days, NaN where
    unknown): K scales with the steady stock (`stock_ratio`), the lift with the mean
    saturation of the history's money under `own` over that under `new`, each at a K
    half saturated by the money per day of the periods with money. (1, 1) for a
    channel that never spent."""
    half = stock_ratio(retention_per_week, own[1], new[1])
    ok = np.isfinite(spend)
    on = ok & (spend > 0)
    if not on.any():
        return half, 1.0
    per_day_on = float(spend[on].sum() / max(days[on].sum(), 1))
    money = np.where(ok, spend, 0.0)
    saturations = []
    for curve, step in (own, new):
        theta = min(max(float(retention_per_week), 0.0), 0.999) ** (step / 7.0)
        saturations.append(max(mean_saturation(money, days, theta, per_day_on / (1 - theta),
                                                curve, step), 0.025))
    return half, saturations[0] / saturations[1]
