"""The `decision:` section: what `mktsim optimize` maximises and which levers it may move.

Example::

    decision:
      reference: baseline            # the plan the levers start from
      objective: {maximize: p_all_targets, then: profit}
      levers:
        budget: {min: 8_000_000, max: 30_000_000}     # money over the horizon
        channels:
          kol: {min_share: 0.05, max_share: 0.4}
          live_stream: {max_relative: 3}             # at most 3 x the reference's money
        flighting: {by: month, min: 0.5, max: 2, max_step: 1.5}   # or by: quarter
        headcount:
          online_sales: {min: 4, max: 12}            # people from day 0
      constraints:                                   # what every plan must respect
        groups:
          online: {channels: [social, kol, live_stream, online_store], max_share: 0.6}
        committed:                                   # contracts already signed
          - {channel: kol, amount: 1_500_000}        # at least this much over the year
          - {channel: live_stream, amount: 400_000, months: [6, 11]}   # in June, November
        max_change: 0.3                              # each channel within +-30% of the
                                                     # reference's money in it
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Section
from .fields import Count, Money, Multiplier, Name, Positive, PositiveCount, Share

ALL_TARGETS = "p_all_targets"


class Objective(Section):
    """What makes one plan better than another.

    `maximize` (or `minimize`) names a KPI at the horizon, or `p_all_targets` (the
    probability of meeting every target at once). `then` breaks ties with an expected KPI
    (maximised). `subject_to_targets: true` only accepts plans that meet every target with
    its required confidence.
    """

    maximize: str | None = None
    minimize: str | None = None
    then: str | None = Field(None, description="Expected KPI that breaks ties (maximised).")
    subject_to_targets: bool = False
    statistic: Literal["mean", "quantile", "cvar"] = Field(
        "mean", description="Of the KPI over replications: its mean, a quantile of the bad "
        "tail (`level` 0.1 of profit: its p10), or the conditional value at risk (the mean "
        "of the worst `level` share of replications).")
    level: float = Field(0.1, gt=0.0, lt=1.0,
                         description="Share of replications in the bad tail (quantile, cvar).")

    @model_validator(mode="after")
    def _one_direction(self) -> Objective:
        if (self.maximize is None) == (self.minimize is None):
            raise ValueError("give exactly one of maximize or minimize")
        if self.statistic != "mean" and self.maximize == ALL_TARGETS:
            raise ValueError("p_all_targets is a probability: its statistic is the mean")
        return self

    @property
    def metric(self) -> str:
        """The KPI (or p_all_targets) being optimised."""
        return self.maximize if self.maximize is not None else str(self.minimize)

    @property
    def sign(self) -> float:
        """+1 when larger is better."""
        return 1.0 if self.maximize is not None else -1.0

    def describe(self) -> str:
        """The objective in words."""
        what = "P(all targets met)" if self.metric == ALL_TARGETS else f"expected {self.metric}"
        tail = self.level if self.sign > 0 else 1.0 - self.level
        if self.statistic == "quantile":
            what = f"p{100 * tail:g} of {self.metric}"
        elif self.statistic == "cvar":
            what = (f"CVaR {100 * self.level:g}% of {self.metric} (mean of the worst "
                    f"{100 * self.level:g}% of runs)")
        text = f"{'maximize' if self.sign > 0 else 'minimize'} {what}"
        if self.subject_to_targets:
            text += ", every target met with its confidence"
        if self.then:
            text += f"; then maximize expected {self.then}"
        return text


class BudgetLever(Section):
    """Bounds on the marketing money over the horizon."""

    min: Money | None = None
    max: Money | None = None


class ChannelLever(Section):
    """Bounds on one channel's money: as a share of the budget, as an amount, or relative
    to the reference strategy's money in that channel (2 = twice as much)."""

    min_share: Share | None = None
    max_share: Share | None = None
    min_amount: Money | None = None
    max_amount: Money | None = None
    min_relative: Multiplier | None = None
    max_relative: Multiplier | None = None


class FlightingLever(Section):
    """The timing of spend as a lever. `by: quarter`: each quarter's weight (multiplying
    the reference's flighting) within [min, max]. `by: month`: a smooth month flighting
    chosen by the search (decision/flighting.py), one curve per moved channel
    (`per_channel`, the default) or one for the whole plan, each month within [min, max]
    of an average month (`min`: the minimum spend per month a media buyer can book,
    default 0.5) and two neighbouring months within a factor `max_step` (default 1.5)."""

    by: Literal["quarter", "month"] = "quarter"
    min: Positive = 0.5
    max: Positive = 1.5
    max_step: float = Field(1.5, ge=1.0, le=10.0,
                            description="Largest ratio of two neighbouring months' weights.")
    per_channel: bool = Field(
        True, description="by: month: a month curve per moved channel (its money over the "
        "year kept) rather than one curve for the whole plan.")


class HeadcountLever(Section):
    """Bounds on a team's day-0 headcount (each person costs salary from day 0)."""

    min: Count
    max: Count


class Levers(Section):
    """What the optimiser may change. Channels not listed keep their reference share."""

    budget: BudgetLever | None = None
    channels: dict[Name, ChannelLever] = Field(default_factory=dict)
    flighting: FlightingLever | None = None
    headcount: dict[Name, HeadcountLever] = Field(default_factory=dict)


class ChannelGroup(Section):
    """A group of channels whose joint share of the budget is bounded (media money)."""

    channels: list[Name] = Field(min_length=1)
    min_share: Share | None = None
    max_share: Share | None = None


class Commitment(Section):
    """Money already committed to a channel (a signed contract): at least `amount` over
    the horizon, or in the given months of the plan (1 = its first month)."""

    channel: Name
    amount: Money
    months: list[Annotated[int, Field(ge=1, le=12)]] | None = Field(
        None, min_length=1, description="Months of the plan, 1 to 12.")


class Constraints(Section):
    """What every plan the search tries must respect, beyond each lever's bounds."""

    groups: dict[Name, ChannelGroup] = Field(default_factory=dict)
    committed: list[Commitment] = Field(default_factory=list)
    max_change: Share | None = Field(
        None, description="Each moved channel within this share of the reference's money "
        "in it (0.3: between 70% and 130%).")
    monthly_cap: Money | None = Field(
        None, description="Media money in any month of the plan at most this.")


class DecisionSection(Section):
    """The objective, the reference strategy and the levers of `mktsim optimize`."""

    objective: Objective = Field(default_factory=lambda: Objective(maximize=ALL_TARGETS))
    reference: Name | None = Field(None, description="Strategy to start from (default: first).")
    levers: Levers = Field(default_factory=Levers)
    constraints: Constraints = Field(default_factory=Constraints)
    replications: PositiveCount = Field(80, le=100_000,
                                        description="Replications per candidate plan.")
    evaluations: PositiveCount = Field(300, le=1_000_000,
                                       description="Candidate plans the search may try.")
