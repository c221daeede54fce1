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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def _summary(values: list[Any]) -> Any:
    """The mean of numbers (not yes/no), else the most common value (by its repr)."""
    if values and all(type(v) is float for v in values):  # the usual case, at once
        return float(np.mean(values))
    if values and all(type(v) is str for v in values):  # a text's repr is the text's own
        return Counter(values).most_common(1)[0][0]
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


@dataclass
class _Group:
    """The decisions of one (day, rule, action, status): how many, and each decision's
    arguments and seen values (its two dicts, in replication order), made into one list
    per name only when the group is summarised (`values`)."""

    count: int = 0
    args: list[dict[str, Any]] = field(default_factory=list)
    seen: list[dict[str, Any]] = field(default_factory=list)

    def add(self, decision: dict[str, Any]) -> None:
        self.count += 1
        self.args.append(decision["args"])
        self.seen.append(decision["seen"])

    def extend(self, other: _Group) -> None:
        self.count += other.count
        self.args.extend(other.args)
        self.seen.extend(other.seen)


def _values(dicts: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Every value of each name of `dicts`, in order (names in the order first met); at
    once when the dicts name the same names in the same order (the usual case)."""
    if not dicts:
        return {}
    names = tuple(dicts[0])
    if all(tuple(d) == names for d in dicts):
        columns = zip(*(d.values() for d in dicts), strict=True)
        return dict(zip(names, map(list, columns), strict=True))
    values: dict[str, list[Any]] = {}
    for d in dicts:
        for k, v in d.items():
            values.setdefault(k, []).append(v)
    return values


@dataclass
class _RuleTally:
    """One rule over the replications: its actions (in the order first logged), the first
    day it acted in each replication in which it did, the review days at which it acted
    (summed over replications), its skipped actions and their reasons."""

    actions: dict[str, None] = field(default_factory=dict)
    first_days: list[int] = field(default_factory=list)
    times: int = 0
    skipped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def extend(self, other: _RuleTally) -> None:
        self.actions.update(other.actions)
        self.first_days.extend(other.first_days)
        self.times += other.times
        self.skipped += other.skipped
        self.reasons.update(other.reasons)


@dataclass
class ReviewTally:
    """The review logs of a run's replications (or of a chunk of them) added up: what the
    run's decisions (`decisions`), its rules' summary (`rule_rows`) and the money its rules
    spent (`training`, `research`, per replication) are made of. A chunk's tally is made
    where the chunk ran (`ReviewLoop.tally`) and travels instead of being rebuilt from every
    replication's log; tallies of consecutive chunks join exactly (`joined`: counts add up,
    values stay in replication order), so the figures are those of one tally of all the
    logs whatever the chunks, and the same as the replication-by-replication summaries."""

    replications: int = 0
    groups: dict[tuple[int, str, str, str], _Group] = field(default_factory=dict)
    dates: dict[int, str] = field(default_factory=dict)
    rules: dict[str, _RuleTally] = field(default_factory=dict)
    #: money of the training / research the rules carried out, per replication
    training: np.ndarray = field(default_factory=lambda: np.zeros(0))
    research: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def of(cls, reviews: Sequence[Any]) -> ReviewTally:
        """The tally of the replications' logs (None for a replication without one)."""
        tally = cls(len(reviews), training=np.zeros(len(reviews)),
                    research=np.zeros(len(reviews)))
        for i, log in enumerate(reviews):
            if log is not None:
                tally._add(i, log.decisions)
        return tally

    def _add(self, i: int, decisions: list[dict[str, Any]]) -> None:
        """Replication i's decisions."""
        groups, dates, rules = self.groups, self.dates, self.rules
        first: dict[str, int] = {}
        days: dict[str, set[int]] = {}
        for d in decisions:
            day, rule, action, status = d["day"], d["rule"], d["action"], d["status"]
            group = groups.get((day, rule, action, status))
            if group is None:
                group = groups[(day, rule, action, status)] = _Group()
            group.count += 1  # `_Group.add`, inline: a run logs some 20 per replication
            group.args.append(d["args"])
            group.seen.append(d["seen"])
            if day not in dates:
                dates[day] = d["date"]
            tally = rules.get(rule)
            if tally is None:
                tally = rules[rule] = _RuleTally()
            tally.actions[action] = None
            if status == "done":
                if rule in days:
                    days[rule].add(day)
                else:
                    first[rule], days[rule] = day, {day}
                if action in ("train", "research"):
                    money = self.training if action == "train" else self.research
                    money[i] += float(d["args"].get("cost", 0.0) or 0.0)
            else:
                tally.skipped += 1
                tally.reasons[status.removeprefix("skipped: ")] += 1
        for rule, day in first.items():
            rules[rule].first_days.append(day)
            rules[rule].times += len(days[rule])

    @classmethod
    def joined(cls, parts: Sequence[ReviewTally]) -> ReviewTally:
        """The tally of consecutive chunks' replications, from theirs (in order)."""
        out = cls(sum(p.replications for p in parts),
                  training=np.concatenate([p.training for p in parts]),
                  research=np.concatenate([p.research for p in parts]))
        for part in parts:
            for key, group in part.groups.items():
                out.groups.setdefault(key, _Group()).extend(group)
            out.dates.update(part.dates)
            for rule, tally in part.rules.items():
                out.rules.setdefault(rule, _RuleTally()).extend(tally)
        return out

    def decisions(self) -> list[dict[str, Any]]:
        """Decisions of all replications, grouped (see the module docstring)."""
        n = self.replications
        return [{"day": day, "date": self.dates[day], "rule": rule, "action": action,
                 "status": status, "args": _summaries(_values(g.args)),
                 "seen": _summaries(_values(g.seen)),
                 "fraction_of_replications": g.count / n if n else 0.0}
                for (day, rule, action, status), g in sorted(self.groups.items())]

    def rule_rows(self) -> list[dict[str, Any]]:
        """`summarise_rules`: one row per rule, in the order rules first acted."""
        n = self.replications
        rows = {rule: (t, float(np.median(t.first_days)) if t.first_days else None)
                for rule, t in self.rules.items()}
        order = sorted(rows, key=lambda r: math.inf if rows[r][1] is None else rows[r][1])
        return [{"rule": rule, "actions": list(t.actions),
                 "fraction_of_replications": len(t.first_days) / n if n else 0.0,
                 "times_per_replication": t.times / n if n else 0.0,
                 "first_day_median": median,
                 "skipped_per_replication": t.skipped / n if n else 0.0,
                 "skipped_reason": t.reasons.most_common(1)[0][0] if t.reasons else ""}
                for rule in order for t, median in [rows[rule]]]


def _summaries(values: dict[str, list[Any]]) -> dict[str, Any]:
    return {k: _summary(v) for k, v in values.items()}


def review_tally(run: Any) -> ReviewTally:
    """The tally of a run's review logs: the one its chunks made (`Run.review_tally`),
    else made from the logs (a run put together from another's replications)."""
    tally = getattr(run, "review_tally", None)
    if tally is not None:
        return cast(ReviewTally, tally)
    return ReviewTally.of(getattr(run, "reviews", None) or [])


def aggregate_decisions(reviews: Sequence[Any]) -> list[dict[str, Any]]:
    """Decisions of all replications, grouped (see the module docstring)."""
    return ReviewTally.of(reviews).decisions()


def summarise_rules(reviews: Sequence[Any]) -> list[dict[str, Any]]:
    """One row per rule, in the order rules first acted: its actions, the share of
    replications in which it acted at least once, how many times it acted per replication
    (mean over all replications), the median first day it acted (over the replications in
    which it did), and how often its actions were skipped per replication with the most
    common reason."""
    return ReviewTally.of(reviews).rule_rows()


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
