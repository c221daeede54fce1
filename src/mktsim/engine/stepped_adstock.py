"""The stepped adstock's stock when a channel's money changes in the middle of a step.

With `adstock.step_days` n > 1 the kernel sets a channel's stock on the first day of
each step from the step's planned money at that day's factor on planned spend
(`kernel._media_of_day`), and holds it over the step. A controller that changes the
factor on a later day of the step (a pause, a resume, money shifted between channels)
changes the money of the step's remaining days; `mid_step_change` is the change of the
stock that makes it the one of the money actually spent over the step:

    (new factor - old factor) x planned money of days d..end of step (within the horizon)
    / the step's days x exposures per money / market size  [x (1 - theta_n) normalised]

Every change of a factor passes through `Replication.set_channel_scale`, which adds it,
so a replication run alone, in a batch or per customer follows the money alike. A daily
adstock (n = 1) and a change on a step's first day (the kernel takes the new factor
itself) change nothing.
"""

from __future__ import annotations

import numpy as np

from ..model import plan as P


def mid_step_change(chan_par: np.ndarray, spend: np.ndarray, market_size: float,
                    channel: int, day: int, change: float) -> float:
    """The change of channel `channel`'s stock (exposures per person per day, the daily
    stock's units) when its factor on planned spend changes by `change` from `day` on
    (the kernel has run days before `day`); chan_par [C, N] and spend [C, D] money per
    day as in the plan."""
    step = int(chan_par[channel, P.C_STEP_DAYS])
    horizon = spend.shape[1]
    if step <= 1 or day % step == 0 or day >= horizon or change == 0.0:
        return 0.0
    first = day - day % step
    last = min(first + step, horizon)
    money = change * float(spend[channel, day:last].sum()) / (last - first)
    x = money * chan_par[channel, P.C_EXPOSURE_PER_MONEY] / market_size
    if chan_par[channel, P.C_NORMALIZE] > 0.0:
        x *= 1.0 - chan_par[channel, P.C_THETA]
    return float(x)
