"""Where the marketing money went, against the budget.

The rule (docs/model.md, "Spend against budget"): a strategy's `budget` is its **media**
money, spread over the channels by its allocation, and media never exceeds it. On top of
the budget come the costs that scale with the plan's success or are scheduled apart:
commissions on sales (a share of each channel's revenue), the loyalty programme (a cost
per member and day) and the strategy's scheduled training. Research and training bought by
review rules come *out of* the budget: they are paid from the media money still planned.
So `marketing_spend = media + commissions + loyalty + training + research`, and two
strategies at the same budget spend the same media money; the lines on top say why their
totals differ. All amounts are money over the horizon, per replication.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.layout import CH_REVENUE, CH_SPEND, K_LOYAL, K_SPEND
from ..engine.montecarlo import Run
from ..model.measures import Cell, row_total
from ..model.plan import C_COMMISSION
from ..rules.log import review_tally

SPEND_LINES = ("media", "commissions", "loyalty", "training", "research")


@dataclass(frozen=True)
class SpendLines:
    """Per replication [R] money of each line; `by_channel` media and commission [R, C]."""

    budget: float
    media: np.ndarray
    commissions: np.ndarray
    loyalty: np.ndarray
    training: np.ndarray
    research: np.ndarray
    total: np.ndarray
    channel_media: np.ndarray
    channel_commission: np.ndarray

    def means(self) -> dict[str, float | None]:
        """`{budget, media, commissions, loyalty, training, research, total}`: means."""
        out: dict[str, float | None] = {"budget": self.budget}
        for name in (*SPEND_LINES, "total"):
            values = getattr(self, name)
            out[name] = float(values.mean()) if values.size else 0.0
        return out


def spend_lines(run: Run, budget: float | None) -> SpendLines:
    """The spend of each replication of `run` split by line (see the module docstring);
    `budget` is the strategy's (None: the planned media money)."""
    plan = run.plan
    rate = plan.chan_par[:, C_COMMISSION]
    commission = run.channels[:, :, CH_REVENUE] * rate[None, :]
    media = run.channels[:, :, CH_SPEND] - commission
    loyalty = row_total(run.daily, K_LOYAL) * plan.loyalty_cost_per_day
    scheduled = float(plan.extra_spend.sum())
    rule_training, research = _bought_by_rules(run, run.replications)
    total = row_total(run.daily, K_SPEND)
    return SpendLines(
        budget=float(plan.spend.sum()) if budget is None else float(budget),
        media=media.sum(axis=1), commissions=commission.sum(axis=1), loyalty=loyalty,
        training=scheduled + rule_training, research=research, total=total,
        channel_media=media, channel_commission=commission)


def spend_cells(horizon: int) -> set[Cell]:
    """The cells of the daily record (`model.measures.Readings`) `spend_lines` reads."""
    return {("sum", K_LOYAL, 0, horizon), ("sum", K_SPEND, 0, horizon)}


def _bought_by_rules(run: Run, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Money of the training and research that review rules carried out, per replication
    (from the run's review tally, `rules.log`)."""
    tally = review_tally(run)
    training, research = np.zeros(n), np.zeros(n)
    m = min(n, tally.replications)
    training[:m], research[:m] = tally.training[:m], tally.research[:m]
    return training, research
