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
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..kpis import KPI_INDEX, KPIS
from ..model.measures import start_value
from ..scenario.rules import SURVEY_MEASURES
from .compiled import InfoSettings

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
        self._key: int | None = None
        self._drawn: dict[tuple[str, int], float] = {}
        #: the days of the reviews so far (`record_all`; their figures: `records`)
        self.review_days: list[int] = []

    @property
    def key(self) -> int:
        """The replication's survey key (`rules.surveys`), drawn from its event stream
        when the first survey is drawn (a run without surveys leaves the stream alone)."""
        if self._key is None:
            self._key = int(self.rep.rng.integers(2**63))
        return self._key

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

    def drawn(self, name: str, day: int) -> float | None:
        """The survey of `name` describing `day` when drawn already (`value_on`), else None;
        draws nothing."""
        return self._drawn.get((name, day))

    def survey(self, measure: str, day: int, share: float, sample_size: int) -> float:
        """A survey of `measure` fielded on `day`: Binomial(n, share) / n, drawn once (its
        own stream, `rules.surveys`) and remembered."""
        key = (measure, day)
        if key not in self._drawn:
            from .surveys import survey_share  # numba: only when a run draws surveys

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
        """Note a review: every KPI as it sees it is kept for the results (`records`, read
        when the replication ends: the days a review sees are final by then, and a survey
        is the same number whenever it is drawn)."""
        self.review_days.append(review_day)

    def records(self) -> list[tuple[int, np.ndarray]]:
        """Every KPI at every review noted so far: (review day, [3, K] array of the as-of
        day, the observed and the true value by KPI row); the population must be synced
        past the last as-of day."""
        if not self.review_days:
            return []
        reviews = np.array(self.review_days)
        lags = np.array([self.info.report_lag, self.info.survey_lag, self.info.intel_delay])
        as_of = (reviews[:, None] - 1 - lags[None, :])[:, _SOURCE_ROWS]  # [N, K]
        history = self.rep.kpi_history(max(int(as_of.max()) + 1, 0))
        totals = np.cumsum(history, axis=1)
        at = np.clip(as_of, 0, None)
        rows = np.broadcast_to(_ROWS, as_of.shape)
        early = as_of < 0
        true = np.where(_FLOWS, totals[rows, at] if totals.size else 0.0,
                        history[rows, at] if history.size else NAN)
        true[early & _FLOWS] = 0.0
        for n, j in zip(*np.nonzero(early & ~_FLOWS), strict=True):
            true[n, j] = self.true_value(NAMES[j], int(as_of[n, j]))
        seen = true.copy()
        self._draw_surveys(as_of, true)
        for j in _SURVEYED:
            seen[:, j] = [self._drawn[(NAMES[j], int(d))] for d in as_of[:, j]]
        return [(int(day), np.array([as_of[n], seen[n], true[n]], dtype=np.float64))
                for n, day in enumerate(self.review_days)]

    def lags(self) -> tuple[int, int, int]:
        """The lags of the three sources (internal reports, surveys, market intelligence),
        in the order of `_source`."""
        return self.info.report_lag, self.info.survey_lag, self.info.intel_delay

    def _draw_surveys(self, as_of: np.ndarray, true: np.ndarray) -> None:
        """Draw the surveyed KPIs' figures of `as_of` [N, K] not drawn yet (true shares
        `true`), in one compiled call."""
        wanted: dict[tuple[str, int], float] = {}
        for j in _SURVEYED:
            for d, share in zip(as_of[:, j].tolist(), true[:, j].tolist(), strict=True):
                if (NAMES[j], d) not in self._drawn:
                    wanted[(NAMES[j], d)] = share
        if not wanted:
            return
        from .surveys import survey_draws

        sizes = [sample_size_on(self.info, name, day) for name, day in wanted]
        drawn = survey_draws(self.key, list(wanted), sizes, list(wanted.values()))
        self._drawn.update(zip(wanted, drawn, strict=True))


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
_SOURCE_ROWS = np.array([row[4] for row in _KPI_ROWS])
#: the surveyed measures that are KPIs, in `SURVEY_MEASURES` order (`surveys_due`)
_SURVEY_NAMES = tuple(name for name in SURVEY_MEASURES if name in KPI_INDEX)
#: the surveyed KPIs' rows
_SURVEYED = tuple(j for j, row in enumerate(_KPI_ROWS) if row[3])


def draw_due_surveys(observers: list[Observer], review_day: int) -> None:
    """Draw, for every observer at once (one compiled call per measure and day), the
    surveys each will read at `review_day` (`Observer.surveys_due`); the same numbers as
    drawn one observer at a time."""
    by_day: dict[int, list[Observer]] = {}
    for observer in observers:
        by_day.setdefault(review_day - 1 - observer.info.survey_lag, []).append(observer)
    for day, group in by_day.items():
        for name in _SURVEY_NAMES:
            draw_surveys(group, name, day)


def draw_surveys(observers: Sequence[Observer], name: str, day: int) -> None:
    """Draw the survey of `name` fielded on `day` for every observer that has not drawn
    it yet, in one compiled call (`Observer.value_on` of each, the same numbers)."""
    from .surveys import survey_shares

    key = (name, day)
    todo = [o for o in observers if key not in o._drawn]
    if not todo:
        return
    shares = _true_values(todo, name, day)
    sizes_of: dict[int, int] = {}  # by the identity of an observer's info
    sizes = [sizes_of[id(o.info)] if id(o.info) in sizes_of else
             sizes_of.setdefault(id(o.info), sample_size_on(o.info, name, day))
             for o in todo]
    keys = [o._key for o in todo]
    if None in keys:  # drawn from the event stream when first needed
        _first_keys([o for o in todo if o._key is None])
        keys = [o.key for o in todo]
    drawn = survey_shares(np.array(keys, dtype=np.uint64), name, day, np.array(sizes),
                          shares)
    for observer, value in zip(todo, drawn.tolist(), strict=True):
        observer._drawn[key] = value


def _first_keys(observers: Sequence[Observer]) -> None:
    """`Observer.key` of observers that have none yet, their replications' first event
    draws computed together where the replications can (`first_event_draws`, e.g.
    `engine.replication.Replication`'s); the others draw theirs when read."""
    kind = type(observers[0].rep)
    together = getattr(kind, "first_event_draws", None)
    if together is None or any(type(o.rep) is not kind for o in observers):
        return
    for observer, key in zip(observers, together([o.rep for o in observers]), strict=True):
        if key is not None:
            observer._key = key


def _true_values(observers: Sequence[Observer], name: str, day: int) -> np.ndarray:
    """`Observer.true_value` of a stock on `day` for every observer, [R]: read from
    their batch's stacked daily record in one step when they all run in one
    (`Replication.stack`), else one by one."""
    stacks = [getattr(o.rep, "stack", None) for o in observers]
    stack = stacks[0]
    if stack is not None and day >= 0 and KPIS[name].kind != "flow" and all(
            s is stack for s in stacks):
        return stack["out"][[o.rep.row for o in observers], KPI_INDEX[name], day]
    return np.array([o.true_value(name, day) for o in observers], dtype=np.float64)


def records_of(observers: Sequence[Observer], daily: np.ndarray | None = None,
               rows: Sequence[int] | None = None) -> list[list[tuple[int, np.ndarray]]]:
    """`Observer.records` of every observer, the same numbers, those that noted the same
    review days with the same lags read at once. `daily` [R, K, D] and `rows`: the
    observers' replications' daily records, row rows[i] for observers[i] (a batch's, read
    in place); without them each replication's history is copied out."""
    return [[] if packed is None else list(zip(packed[0].tolist(), packed[1], strict=True))
            for packed in packed_records_of(observers, daily, rows)]


def packed_records_of(observers: Sequence[Observer], daily: np.ndarray | None = None,
                      rows: Sequence[int] | None = None
                      ) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """`records_of` of every observer as two arrays, its review days [N] and their
    blocks stacked [N, 3, K] (None: no review), not made into a list of pairs (a
    `ReviewLog` keeps them so, `ReviewLog.close_together`)."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, observer in enumerate(observers):
        groups.setdefault((tuple(observer.review_days), observer.lags()), []).append(i)
    found: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(observers)
    for (days, _), members in groups.items():
        if not days:
            continue
        at = None if daily is None or rows is None else [rows[i] for i in members]
        blocks = _blocks_of([observers[i] for i in members], daily, at)
        review_days = np.array(days, dtype=np.int64)
        for n, i in enumerate(members):
            found[i] = (review_days, blocks[n])
    return found


def _blocks_of(observers: Sequence[Observer], daily: np.ndarray | None,
               rows: Sequence[int] | None) -> np.ndarray:
    """The records' blocks of observers that noted the same review days with the same
    lags, [R, N, 3, K] (as-of day, observed and true value by KPI row, as `records`)."""
    from .observe_kernel import true_cells  # numba: only once a batch has run

    first = observers[0]
    reviews = np.array(first.review_days)
    as_of = (reviews[:, None] - 1 - np.array(first.lags())[None, :])[:, _SOURCE_ROWS]
    if daily is None or rows is None:
        last = max(int(as_of.max()) + 1, 1)
        daily, rows = np.stack([o.rep.kpi_history(last) for o in observers]), None
    index = np.arange(len(observers)) if rows is None else np.asarray(rows, dtype=np.int64)
    true = true_cells(daily, index, as_of.astype(np.int64), _ROWS.astype(np.int64), _FLOWS)
    early = np.nonzero((as_of < 0) & ~_FLOWS)
    for r, observer in enumerate(observers):
        for n, j in zip(*early, strict=True):
            true[r, n, j] = observer.true_value(NAMES[j], int(as_of[n, j]))
        observer._draw_surveys(as_of, true[r])
    blocks = np.empty((len(observers), as_of.shape[0], 3, as_of.shape[1]))
    blocks[:, :, 0] = as_of
    blocks[:, :, 2] = true
    blocks[:, :, 1] = true
    for j in _SURVEYED:
        keys = [(NAMES[j], int(d)) for d in as_of[:, j]]
        blocks[:, :, 1, j] = [[o._drawn[key] for key in keys] for o in observers]
    return blocks
