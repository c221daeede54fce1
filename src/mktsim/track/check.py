"""What actuals must satisfy beyond the history format: start on the scenario's
`start_date` and end inside its horizon."""

from __future__ import annotations

import datetime as dt

from ..history import History, HistoryError
from ..i18n import _
from ..scenario.errors import Problem
from ..scenario.model import ScenarioSpec


def check_actuals(spec: ScenarioSpec, actuals: History) -> None:
    """Raise HistoryError (file, row, column) when the actuals do not start on the
    scenario's start date, end past its horizon, or carry no KPI column."""
    problems = []
    if actuals.start != spec.start_date:
        problems.append(Problem(actuals.source, 2, "date",
                                _("the actuals start on {start}, not on the scenario's "
                                  "start_date {start_date}").format(start=actuals.start,
                                                                    start_date=spec.start_date),
                                _("give the year's actuals from its first period on")))
    end = spec.start_date + dt.timedelta(days=spec.horizon_days)
    if actuals.ends[-1] > end:
        row = next(i for i, e in enumerate(actuals.ends) if e > end)
        problems.append(Problem(actuals.source, row + 2, "date",
                                _("the period from {start} ends on {end}, past the scenario's "
                                  "horizon (last day {last})").format(
                                    start=actuals.dates[row],
                                    end=actuals.ends[row] - dt.timedelta(days=1),
                                    last=end - dt.timedelta(days=1)),
                                _("drop the rows after the horizon, or lengthen horizon_days")))
    if not actuals.series:
        problems.append(Problem(actuals.source, 1, "", _("no KPI column to condition on"),
                                _("add observed KPIs such as units, revenue or brand_awareness")))
    if problems:
        raise HistoryError(problems)


def as_of_day(actuals: History) -> int:
    """Days observed: the first day index after the actuals (= their last period's end)."""
    return actuals.days
