"""Histories and actuals: read and check a company's own KPI series, say what each row
measures of a simulated path (the observation model), and build the plan that follows the
actual spend and prices.

Public functions reused by `calibrate` (and by anything that conditions on actuals):
`read_history`, `period_values`, `estimate_noise`, `log_likelihood`, `observed_mask`,
`history_plan`, `plan_with_actuals`.
"""

from __future__ import annotations

from .actuals import history_plan, plan_with_actuals, window_spec
from .model import OBSERVABLE_KPIS, History
from .observe import (
    Noise,
    SeriesNoise,
    estimate_noise,
    log_likelihood,
    noise_of,
    observed_mask,
    period_values,
)
from .periods import PeriodKind
from .read import HistoryError, check_enough, read_history

__all__ = [
    "OBSERVABLE_KPIS", "History", "HistoryError", "Noise", "PeriodKind", "SeriesNoise",
    "check_enough", "estimate_noise", "history_plan", "log_likelihood", "noise_of",
    "observed_mask", "period_values", "plan_with_actuals", "read_history", "window_spec",
]
