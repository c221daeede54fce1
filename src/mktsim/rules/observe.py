"""The market information system: what a review sees of the simulated market.

- Internal reports (sales, costs, customers, leads, ROI and CAC) are exact but late: at a
  review on day r they describe day r - 1 - report_lag_days.
- Awareness and consideration come from consumer surveys fielded on day
  r - 1 - survey.lag_days: observed share = Binomial(n, true share) / n, so its variance is
  p (1 - p) / n. A research study raises n for its measure while it runs.
- Market share and competitor prices come from market intelligence, exact but
  intelligence_delay_days late.

Each survey is drawn from its own stream, keyed by the replication, the measure and the
fielding day (`rules.surveys`), and kept, so a rule that reads the same figure twice (or a
trend that reads an older survey) sees the same number, whatever the order of the reads
and whether the replication runs alone or in a batch (`rules.batch_review` draws a
review's surveys for the whole batch in one compiled call).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..kpis import KPI_INDEX, KPIS
from ..model.measures import start_value
from ..scenario.rules import SURVEY_MEASURES
from .compiled import InfoSettings
from .surveys import survey_share, survey_shares

if TYPE_CHECKING:
    from ..engine.controls import Controls

NAN = math.nan


def sample_size_on(info: InfoSettings, measure: str, day: int) -> int:
    """Survey sample size of a measure on a fielding day (a running study's, if larger)."""
    n = info.survey_n
    for s in info.studies:
        if s.measure == measure and s.start <= day < s.end:
            n = max(n, s.sample_size)
    return n


class Observer:
    """Observed KPIs of one replication, drawn on demand and remembered."""

    def __init__(self, rep: Controls, info: InfoSettings) -> None:
        self.rep, self.info = rep, info
        #: the replication's survey key (`rules.surveys`), from its event stream
        self.key = int(rep.rng.integers(2**63))
        self._drawn: dict[tuple[str, int], float] = {}
        #: KPI totals over days 0..n-1 (n, totals), carried from one review to the next
        self._totals: tuple[int, np.ndarray] = (0, np.zeros(len(KPI_INDEX)))
        #: every KPI at every review: (review day, [3, K] as-of day, observed, true by KPI
        #: row), arrays rather than a tuple per figure (`ReviewLog.observations` lists them)
        self.records: list[tuple[int, np.ndarray]] = []

    def lag_of(self, name: str) -> int:
        """Days between the review's eve and the day the figure describes."""
        if name in SURVEY_MEASURES:
            return self.info.survey_lag
        if name == "market_share":
            return self.info.intel_delay
        return self.info.report_lag

    def as_of(self, name: str, review_day: int) -> int:
        """The day a figure seen at `review_day` describes (may be < 0: before the start)."""
        return review_day - 1 - self.lag_of(name)

    def true_value(self, name: str, day: int, since: int = 0) -> float:
        """True value on `day`: stocks and ratios that day, flows summed from `since`."""
        k = KPI_INDEX[name]
        if KPIS[name].kind == "flow":
            lo = max(since, 0)
            return self.rep.kpi_total(k, lo, day + 1) if day >= lo else 0.0
        if day < 0:
            try:
                return start_value(self.rep.plan, name)
            except ValueError:
                return NAN
        return self.rep.kpi_on(k, day)

    def value_on(self, name: str, day: int) -> float:
        """Observed value describing `day` (surveys add sampling noise)."""
        if name not in SURVEY_MEASURES:
            return self.true_value(name, day)
        key = (name, day)
        if key not in self._drawn:
            self._drawn[key] = self.survey(name, day, self.true_value(name, day),
                                           sample_size_on(self.info, name, day))
        return self._drawn[key]

    def survey(self, measure: str, day: int, share: float, sample_size: int) -> float:
        """A survey of `measure` fielded on `day`: Binomial(n, share) / n, drawn once (its
        own stream, `rules.surveys`) and remembered."""
        key = (measure, day)
        if key not in self._drawn:
            self._drawn[key] = survey_share(self.key, measure, day, sample_size, share)
        return self._drawn[key]

    def surveys_due(self, review_day: int) -> list[tuple[str, int, float, int]]:
        """(measure, fielding day, true share, sample size) of the surveys `record_all`
        will read at `review_day` and that are not drawn yet."""
        day = review_day - 1 - self.info.survey_lag
        return [(name, day, self.true_value(name, day), sample_size_on(self.info, name, day))
                for name in SURVEY_MEASURES if name in KPI_INDEX and (name, day) not in self._drawn]

    def kpi(self, name: str, review_day: int) -> float:
        """Latest observed value at a review (flows: total to date)."""
        return self.value_on(name, self.as_of(name, review_day))

    def trend(self, name: str, review_day: int, days: int) -> float:
        """Relative change: flows, last `days` days vs the `days` before; others, the latest
        value vs the value `days` earlier. NaN when the earlier figure is zero."""
        days = max(int(days), 1)
        day = self.as_of(name, review_day)
        if KPIS[name].kind == "flow":
            now = self.true_value(name, day, day - days + 1)
            before = self.true_value(name, day - days, day - 2 * days + 1)
        else:
            now, before = self.value_on(name, day), self.value_on(name, day - days)
        if not math.isfinite(before) or before == 0:
            return NAN
        return float(now / before - 1.0)

    def record_all(self, review_day: int) -> None:
        """Observe every KPI at a review and keep (observed, true) for the results (the
        true values read once per as-of day for all KPIs; surveys drawn in KPI order)."""
        eve = review_day - 1
        days = [eve - lag for lag in (self.info.report_lag, self.info.survey_lag,
                                      self.info.intel_delay)]
        rows = {day: self._rows(day) for day in set(days)}
        flows = np.array([rows[day][0] for day in days])
        levels = np.array([rows[day][1] for day in days])
        true = np.where(_FLOWS, flows[_SOURCE_ROWS, _ROWS], levels[_SOURCE_ROWS, _ROWS]).tolist()
        seen = list(true)
        for j in _STOCKS if min(days) < 0 else ():
            name, source = NAMES[j], _SOURCES[j]
            if days[source] < 0:
                true[j] = seen[j] = self.true_value(name, days[source])
        for j in _SURVEYED:
            seen[j] = self.value_on(NAMES[j], days[_SOURCES[j]])
        self.records.append((review_day, np.array([np.take(days, _SOURCE_ROWS), seen, true])))

    def _rows(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Every KPI's total over days 0..day and its row on `day` (empty before day 0);
        the totals carried on from the last call (the days before the review are final)."""
        n = len(KPI_INDEX)
        if day < 0:
            return np.zeros(n), np.full(n, NAN)
        upto, totals = self._totals
        if day + 1 < upto:
            upto, totals = 0, np.zeros(n)
        totals = totals + self.rep.kpi_totals(upto, day + 1)
        self._totals = (day + 1, totals)
        return totals, self.rep.kpis_on(day)


def _source(name: str) -> int:
    """Where a KPI is seen from: 0 internal reports, 1 surveys, 2 market intelligence (the
    order of the lags in `Observer.record_all`; `Observer.lag_of` names them)."""
    if name in SURVEY_MEASURES:
        return 1
    return 2 if name == "market_share" else 0


#: (name, row, is a flow, is surveyed, source) of every KPI, in KPI order
_KPI_ROWS = tuple((name, k, KPIS[name].kind == "flow", name in SURVEY_MEASURES, _source(name))
                  for name, k in KPI_INDEX.items())
#: the KPIs' names in row order (the columns of a record of `record_all`)
NAMES = tuple(row[0] for row in _KPI_ROWS)
_ROWS = np.array([row[1] for row in _KPI_ROWS])
_FLOWS = np.array([row[2] for row in _KPI_ROWS])
_SOURCES = tuple(row[4] for row in _KPI_ROWS)
_SOURCE_ROWS = np.array(_SOURCES)
#: KPIs whose true value before day 0 is not in the rows (stocks, shares); surveyed KPIs
_STOCKS = tuple(j for j, row in enumerate(_KPI_ROWS) if not row[2])
_SURVEYED = tuple(j for j, row in enumerate(_KPI_ROWS) if row[3])


def draw_due_surveys(observers: list[Observer], review_day: int) -> None:
    """Draw, for every observer at once (one compiled call per measure and day), the
    surveys each will read at `review_day` (`Observer.surveys_due`); the same numbers as
    drawn one observer at a time."""
    due: dict[tuple[str, int], list[tuple[Observer, float, int]]] = {}
    for observer in observers:
        for name, day, share, size in observer.surveys_due(review_day):
            due.setdefault((name, day), []).append((observer, share, size))
    for (name, day), items in due.items():
        keys = np.array([o.key for o, _, _ in items], dtype=np.uint64)
        drawn = survey_shares(keys, name, day, np.array([n for _, _, n in items]),
                              np.array([p for _, p, _ in items]))
        for (observer, _, _), value in zip(items, drawn.tolist(), strict=True):
            observer._drawn[(name, day)] = value
