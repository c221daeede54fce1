"""The decision log and the observed series, summarised over the replications of a run.

Decisions are grouped by (day, rule, action, status): each group gives how often it
happened (`fraction_of_replications`), the mean of every numeric argument and of every
value its condition saw, and the most common text argument (e.g. the destination channel).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def _summary(values: list[Any]) -> Any:
    numbers = [float(v) for v in values
               if isinstance(v, int | float) and not isinstance(v, bool)]
    if numbers and len(numbers) == len(values):
        return float(np.mean(numbers))
    if not values:
        return None
    most = Counter(repr(v) for v in values).most_common(1)[0][0]
    return next(v for v in values if repr(v) == most)


def _merge(dicts: list[dict[str, Any]]) -> dict[str, Any]:
    keys: dict[str, list[Any]] = defaultdict(list)
    for d in dicts:
        for k, v in d.items():
            keys[k].append(v)
    return {k: _summary(v) for k, v in keys.items()}


def aggregate_decisions(reviews: Sequence[Any]) -> list[dict[str, Any]]:
    """Decisions of all replications, grouped (see the module docstring)."""
    n = len(reviews)
    groups: dict[tuple[int, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    dates: dict[int, str] = {}
    for log in reviews:
        if log is None:
            continue
        for d in log.decisions:
            groups[(d["day"], d["rule"], d["action"], d["status"])].append(d)
            dates[d["day"]] = d["date"]
    out = []
    for (day, rule, action, status), items in sorted(groups.items()):
        out.append({"day": day, "date": dates[day], "rule": rule, "action": action,
                    "status": status, "args": _merge([d["args"] for d in items]),
                    "seen": _merge([d["seen"] for d in items]),
                    "fraction_of_replications": len(items) / n if n else 0.0})
    return out


def observed_frame(reviews: Sequence[Any], start: dt.date) -> pd.DataFrame:
    """Tidy observed vs true KPIs at each review: day, date, kpi, as_of, observed (mean,
    p5, p95 over replications) and true (mean)."""
    rows = [row for log in reviews if log is not None for row in log.observations]
    columns = ["day", "date", "kpi", "as_of", "observed", "observed_p5", "observed_p95",
               "true"]
    if not rows:
        return pd.DataFrame(columns=columns)
    df = pd.DataFrame(rows, columns=["day", "kpi", "as_of", "observed", "true"])
    g = df.groupby(["day", "kpi", "as_of"], sort=False)
    out = g.agg(observed=("observed", "mean"), true=("true", "mean")).reset_index()
    out["observed_p5"] = g["observed"].quantile(0.05).to_numpy()
    out["observed_p95"] = g["observed"].quantile(0.95).to_numpy()
    out["date"] = [start + dt.timedelta(days=int(d)) for d in out["day"]]
    return out[columns]
