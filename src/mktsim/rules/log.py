"""The decision log and the observed series, summarised over the replications of a run.

Decisions are grouped by (day, rule, action, status): each group gives how often it
happened (`fraction_of_replications`), the mean of every numeric argument and of every
value its condition saw, and the most common text argument (e.g. the destination channel).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
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


def summarise_rules(reviews: Sequence[Any]) -> list[dict[str, Any]]:
    """One row per rule, in the order rules first acted: its actions, the share of
    replications in which it acted at least once, how many times it acted per replication
    (mean over all replications), the median first day it acted (over the replications in
    which it did), and how often its actions were skipped per replication with the most
    common reason."""
    n = len(reviews)
    acted: dict[str, list[int]] = defaultdict(list)  # rule -> first day, per replication
    counts: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, dict[str, None]] = defaultdict(dict)
    for log in reviews:
        if log is None:
            continue
        first: dict[str, int] = {}
        days: dict[str, set[int]] = defaultdict(set)
        for d in log.decisions:
            rule = d["rule"]
            kinds[rule][d["action"]] = None
            if d["status"] == "done":
                first.setdefault(rule, d["day"])
                days[rule].add(d["day"])
            else:
                skipped[rule] += 1
                reasons[rule][d["status"].removeprefix("skipped: ")] += 1
        for rule, day in first.items():
            acted[rule].append(day)
            counts[rule] += len(days[rule])
    order = sorted(kinds, key=lambda r: (float(np.median(acted[r])) if acted[r] else math.inf))
    return [{"rule": rule, "actions": list(kinds[rule]),
             "fraction_of_replications": len(acted[rule]) / n if n else 0.0,
             "times_per_replication": counts[rule] / n if n else 0.0,
             "first_day_median": float(np.median(acted[rule])) if acted[rule] else None,
             "skipped_per_replication": skipped[rule] / n if n else 0.0,
             "skipped_reason": reasons[rule].most_common(1)[0][0] if reasons[rule] else ""}
            for rule in order]


def observed_frame(reviews: Sequence[Any], start: dt.date) -> pd.DataFrame:
    """Tidy observed vs true KPIs at each review: day, date, kpi, as_of, observed (mean,
    p5, p95 over replications) and true (mean)."""
    import pandas as pd

    from .observe import NAMES

    blocks = [(day, block) for log in reviews if log is not None for day, block in log.observed]
    columns = ["day", "date", "kpi", "as_of", "observed", "observed_p5", "observed_p95",
               "true"]
    if not blocks:
        return pd.DataFrame(columns=columns)
    values = np.concatenate([block for _, block in blocks], axis=1)
    df = pd.DataFrame({"day": np.repeat([day for day, _ in blocks], len(NAMES)),
                       "kpi": np.tile(np.array(NAMES, dtype=object), len(blocks)),
                       "as_of": values[0].astype(np.int64), "observed": values[1],
                       "true": values[2]})
    g = df.groupby(["day", "kpi", "as_of"], sort=False)
    out = g.agg(observed=("observed", "mean"), true=("true", "mean")).reset_index()
    out["observed_p5"] = g["observed"].quantile(0.05).to_numpy()
    out["observed_p95"] = g["observed"].quantile(0.95).to_numpy()
    out["date"] = [start + dt.timedelta(days=int(d)) for d in out["day"]]
    return out[columns]


def aggregate_competitor_moves(reviews: Sequence[Any]) -> list[dict[str, Any]]:
    """The competitors' moves of all replications, grouped by (day, competitor, reaction,
    action, status): how often each happened (`fraction_of_replications`), the mean of every
    numeric setting and of every value its condition saw, and the mean day it was seen."""
    n = len(reviews)
    groups: dict[tuple[int, str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    dates: dict[int, str] = {}
    for log in reviews:
        for m in getattr(log, "competitor_moves", None) or []:
            groups[(m["day"], m["competitor"], m["reaction"], m["action"],
                    m["status"])].append(m)
            dates[m["day"]] = m["date"]
    return [{"day": day, "date": dates[day], "competitor": competitor, "reaction": reaction,
             "action": action, "status": status,
             "args": _merge([m["args"] for m in items]),
             "seen": _merge([m["seen"] for m in items]),
             "seen_on": float(np.mean([m["seen_on"] for m in items])),
             "fraction_of_replications": len(items) / n if n else 0.0}
            for (day, competitor, reaction, action, status), items in sorted(groups.items())]
