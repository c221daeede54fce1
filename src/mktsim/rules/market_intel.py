"""What the market information system knows of the competitors: each competitor's price
and awareness by day in one replication (scheduled moves, reactions and advertising),
so that a figure can be read as it stood some days ago.

- Prices come from market intelligence: exact, `intelligence_delay_days` late.
- Awareness comes from the consumer survey: observed share = Binomial(n, true share) / n,
  fielded `survey.lag_days` before the review, as our own awareness is observed.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from ..model import plan as P
from .observe import sample_size_on

if TYPE_CHECKING:
    from ..model.plan import Plan
    from .observe import Observer

#: Columns of `plan.competitor_attr` (and of a competitor's offer).
PRICE, QUALITY, AWARENESS, CONSTANT = range(4)


class CompetitorBook:
    """The history of the competitors' offers in one replication: for each (competitor,
    column), the days on which the value changed and the values, in time order."""

    def __init__(self, plan: Plan) -> None:
        self.names = plan.competitors
        self.days: dict[tuple[int, int], list[int]] = {}
        self.values: dict[tuple[int, int], list[float]] = {}
        for j in range(len(plan.competitors)):
            for col in range(4):
                self.days[(j, col)] = [-1]
                self.values[(j, col)] = [float(plan.competitor_attr[j, col])]
        for e in plan.events:  # sorted by day
            if e.kind == P.EventKind.COMPETITOR:
                self.record(plan.competitors.index(e.target), int(e.extra), e.day, e.value)

    def record(self, j: int, column: int, day: int, value: float) -> None:
        """The value of a column from `day` on (a later record on the same day wins)."""
        days, values = self.days[(j, column)], self.values[(j, column)]
        at = bisect.bisect_right(days, day)
        days.insert(at, day)
        values.insert(at, float(value))

    def value_on(self, j: int, column: int, day: int) -> float:
        """The value that held on `day` (the start value for a day before the start)."""
        days = self.days[(j, column)]
        at = bisect.bisect_right(days, day) - 1
        return self.values[(j, column)][max(at, 0)]

    def index(self, name: str) -> int:
        """The competitor's position in `plan.competitors`."""
        return self.names.index(name)


def competitor_survey(observer: Observer, book: CompetitorBook, name: str,
                      review_day: int) -> float:
    """A competitor's awareness as the survey fielded `survey.lag_days` before the review
    eve saw it: Binomial(n, A) / n, drawn once per (competitor, day) (`Observer.survey`)."""
    day = review_day - 1 - observer.info.survey_lag
    n = sample_size_on(observer.info, "brand_awareness", day)
    true = book.value_on(book.index(name), AWARENESS, day)
    return observer.survey(f"competitor_awareness:{name}", day, true, n)
