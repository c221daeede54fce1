"""The market information system: what a review sees of the simulated market.

- Internal reports (sales, costs, customers, leads, ROI and CAC) are exact but late: at a
  review on day r they describe day r - 1 - report_lag_days.
- Awareness and consideration come from consumer surveys fielded on day
  r - 1 - survey.lag_days: observed share = Binomial(n, true share) / n, so its variance is
  p (1 - p) / n. A research study raises n for its measure while it runs.
- Market share and competitor prices come from market intelligence, exact but
  intelligence_delay_days late.

Each observation is drawn once per replication and kept, so a rule that reads the same
figure twice (or a trend that reads an older survey) sees the same number.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..kpis import KPI_INDEX, KPIS
from ..model.measures import start_value
from ..scenario.rules import SURVEY_MEASURES
from .compiled import InfoSettings

if TYPE_CHECKING:
    from ..engine.controls import Controls

NAN = math.nan


def survey_share(rng: np.random.Generator, share: float, sample_size: int) -> float:
    """A survey's estimate of a share: Binomial(n, p) / n."""
    p = min(max(share, 0.0), 1.0) if math.isfinite(share) else 0.0
    return float(rng.binomial(sample_size, p)) / sample_size


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
        self._drawn: dict[tuple[str, int], float] = {}
        #: (review day, kpi, as-of day, observed, true) for every KPI at every review
        self.records: list[tuple[int, str, int, float, float]] = []

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
            n = sample_size_on(self.info, name, day)
            self._drawn[key] = survey_share(self.rep.rng, self.true_value(name, day), n)
        return self._drawn[key]

    def drawn_once(self, key: tuple[str, int], draw: Callable[[], float]) -> float:
        """An observation drawn once per replication under `key` and remembered."""
        if key not in self._drawn:
            self._drawn[key] = draw()
        return self._drawn[key]

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
        rows: dict[int, tuple[list[float], list[float]]] = {}
        eve = review_day - 1
        lags = (self.info.report_lag, self.info.survey_lag, self.info.intel_delay)
        for name, k, flow, survey, source in _KPI_ROWS:
            day = eve - lags[source]
            if day not in rows:
                rows[day] = self._rows(day)
            flows, levels = rows[day]
            if flow:
                true = flows[k]
            elif day < 0:
                true = self.true_value(name, day)
            else:
                true = levels[k]
            seen = self.value_on(name, day) if survey else true
            self.records.append((review_day, name, day, seen, true))

    def _rows(self, day: int) -> tuple[list[float], list[float]]:
        """Every KPI's total over days 0..day and its row on `day` (empty before day 0)."""
        n = len(KPI_INDEX)
        if day < 0:
            return [0.0] * n, [NAN] * n
        return self.rep.kpi_totals(0, day + 1).tolist(), self.rep.kpis_on(day).tolist()


def _source(name: str) -> int:
    """Where a KPI is seen from: 0 internal reports, 1 surveys, 2 market intelligence (the
    order of the lags in `Observer.record_all`; `Observer.lag_of` names them)."""
    if name in SURVEY_MEASURES:
        return 1
    return 2 if name == "market_share" else 0


#: (name, row, is a flow, is surveyed, source) of every KPI, in KPI order
_KPI_ROWS = tuple((name, k, KPIS[name].kind == "flow", name in SURVEY_MEASURES, _source(name))
                  for name, k in KPI_INDEX.items())
