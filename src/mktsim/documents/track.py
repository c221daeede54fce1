"""The track document (`track.json`): the conditioned run's document plus what tracking
adds (the as-of date, the conditioning, the actuals, each target beside the plan's own),
and its `reoptimize` part: the change of plan after the as-of date that
`mktsim track --reoptimize` found, and its verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .base import Reader, clean
from .run import RunDocument

TRACK_FILE = "track.json"


@dataclass(frozen=True)
class ReoptimizeDocument:
    """`track.json` `reoptimize`: see docs/results-format.md.

    `channels` and `headcount` are what changes from the plan after the as-of date
    (money per channel before -> after, people before -> after); `targets` the
    probability of each target given the actuals under the plan (`before`) and under the
    re-optimised plan on fresh replications (`after`, null for a target whose deadline
    is before the as-of date); `plan` the re-optimised strategy (`then`)."""

    strategy: str
    first_day: str  # the first day the new plan runs (YYYY-MM-DD)
    reached: bool
    message: str
    remaining: dict[str, float]  # {spent, before, after}: media money
    channels: list[dict[str, Any]]  # [{channel, spent, before, after, change}]
    headcount: list[dict[str, Any]]  # [{team, before, after, hires, cost}]
    cost_of_change: dict[str, float]  # {media, people, total}
    targets: list[dict[str, Any]]  # [{id, confidence, before, after, met, shortfall}]
    plan: dict[str, Any]
    search: dict[str, Any]  # {evaluations, particles, distinct}
    verified: dict[str, Any]  # {replications, seed, ess, beta}

    def to_dict(self) -> dict[str, Any]:
        """The JSON object (strict JSON values)."""
        return clean({"strategy": self.strategy, "first_day": self.first_day,
                      "reached": self.reached, "message": self.message,
                      "remaining": self.remaining, "channels": self.channels,
                      "headcount": self.headcount, "cost_of_change": self.cost_of_change,
                      "targets": self.targets, "plan": self.plan, "search": self.search,
                      "verified": self.verified})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReoptimizeDocument:
        """Read and check `reoptimize` (errors name `track.json` and the key)."""
        r = Reader(TRACK_FILE)
        obj = r.mapping(data, "reoptimize")
        for key in ("channels", "targets"):
            for i, row in enumerate(r.listing(r.require(obj, key, "reoptimize"),
                                              f"reoptimize.{key}")):
                r.mapping(row, f"reoptimize.{key}[{i}]")
        for i, t in enumerate(obj["targets"]):
            for side in ("before", "after"):
                if t.get(side) is not None:
                    side_obj = r.mapping(t[side], f"reoptimize.targets[{i}].{side}")
                    r.real(side_obj.get("probability"),
                           f"reoptimize.targets[{i}].{side}.probability")
        remaining = r.mapping(r.require(obj, "remaining", "reoptimize"), "reoptimize.remaining")
        return cls(strategy=str(obj.get("strategy") or ""),
                   first_day=str(obj.get("first_day") or ""),
                   reached=bool(r.require(obj, "reached", "reoptimize")),
                   message=str(obj.get("message") or ""), remaining=remaining,
                   channels=list(obj["channels"]),
                   headcount=list(r.listing(obj.get("headcount") or [],
                                            "reoptimize.headcount")),
                   cost_of_change=r.mapping(obj.get("cost_of_change") or {},
                                            "reoptimize.cost_of_change"),
                   targets=list(obj["targets"]), plan=r.mapping(obj.get("plan") or {},
                                                                "reoptimize.plan"),
                   search=r.mapping(obj.get("search") or {}, "reoptimize.search"),
                   verified=r.mapping(obj.get("verified") or {}, "reoptimize.verified"))


#: How the replications are conditioned on the actuals (written in `conditioning.method`).
CONDITIONING_METHOD = "sequential importance resampling (whole paths)"


@dataclass(frozen=True)
class TrackTarget:
    """What tracking adds to one entry of the run document's `targets`: the plan's own
    verdict (`unconditional`: {probability, interval, verdict}), on track or behind at the
    as-of day, and the gap to the target's linear trajectory (None where undefined)."""

    id: str
    unconditional: dict[str, Any]
    status: str
    value_at_as_of: float | None
    trajectory_at_as_of: float | None
    gap: float | None
    relative_gap: float | None

    def to_dict(self) -> dict[str, Any]:
        """The fields added to the target's entry."""
        return {"unconditional": self.unconditional, "status": self.status,
                "value_at_as_of": self.value_at_as_of,
                "trajectory_at_as_of": self.trajectory_at_as_of, "gap": self.gap,
                "relative_gap": self.relative_gap}

    @classmethod
    def from_dict(cls, r: Reader, i: int, raw: Any) -> TrackTarget:
        """Read the tracking fields of `targets[i]`."""
        where = f"targets[{i}]"
        obj = r.mapping(raw, where)
        return cls(id=str(r.require(obj, "id", where)),
                   unconditional=r.mapping(obj.get("unconditional") or {},
                                           f"{where}.unconditional"),
                   status=str(obj.get("status") or ""),
                   value_at_as_of=r.number(obj.get("value_at_as_of"),
                                           f"{where}.value_at_as_of", optional=True),
                   trajectory_at_as_of=r.number(obj.get("trajectory_at_as_of"),
                                                f"{where}.trajectory_at_as_of", optional=True),
                   gap=r.number(obj.get("gap"), f"{where}.gap", optional=True),
                   relative_gap=r.number(obj.get("relative_gap"), f"{where}.relative_gap",
                                         optional=True))


@dataclass(frozen=True)
class ConditioningSummary:
    """`conditioning`: replications weighed by the actuals, their effective sample size,
    the power of the likelihood (`beta` < 1: tempered), the observation noise scale per
    series and the chi-square p-value of the actuals under the scenario."""

    replications: int
    ess: float
    beta: float
    noise: dict[str, float]
    fit_p_value: float | None
    method: str = CONDITIONING_METHOD

    def to_dict(self) -> dict[str, Any]:
        """`{method, replications, ess, beta, noise, fit_p_value}`."""
        return {"method": self.method, "replications": self.replications, "ess": self.ess,
                "beta": self.beta, "noise": self.noise, "fit_p_value": self.fit_p_value}

    @classmethod
    def from_dict(cls, r: Reader, raw: Any) -> ConditioningSummary:
        """Read `conditioning` (every key optional, as in hand-written files)."""
        obj = r.mapping(raw or {}, "conditioning")
        return cls(replications=int(r.number(obj.get("replications"),
                                             "conditioning.replications", optional=True) or 0),
                   ess=r.number(obj.get("ess"), "conditioning.ess", optional=True) or 0.0,
                   beta=r.number(obj.get("beta"), "conditioning.beta", optional=True) or 1.0,
                   noise=r.mapping(obj.get("noise") or {}, "conditioning.noise"),
                   fit_p_value=r.number(obj.get("fit_p_value"), "conditioning.fit_p_value",
                                        optional=True),
                   method=str(obj.get("method") or CONDITIONING_METHOD))


#: {kpi: {dates: [YYYY-MM-DD], last_day: [day index], observed: [value or None]}}
ActualsSeries = dict[str, dict[str, list[Any]]]


@dataclass(frozen=True)
class TrackDocument:
    """`track.json`: see docs/results-format.md and docs/tracking.md.

    `run` is the conditioned run's document (its targets' probabilities are given the
    actuals); a file holding only the tracking fields (its run in `run.json` beside it)
    reads with `run` None. `targets` are the tracking fields of each of its targets."""

    as_of: dt.date  # the last observed day
    as_of_day: int  # days observed (index of the first day after the actuals)
    actuals_source: str
    periods_observed: int
    conditioning: ConditioningSummary
    actuals: ActualsSeries
    targets: list[TrackTarget] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    run: RunDocument | None = None
    reoptimize: ReoptimizeDocument | None = None
    kind: str = field(default="track")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: the run's keys (`kind` set to track, each target with its
        tracking fields), then the tracking fields."""
        doc: dict[str, Any] = self.run.to_dict() if self.run is not None else {}
        by_id = {t.id: t for t in self.targets}
        if self.run is None:
            doc["targets"] = [{"id": t.id} for t in self.targets]
        for entry in doc["targets"]:
            entry.update(by_id[entry["id"]].to_dict())
        doc.update({
            "kind": self.kind, "as_of": self.as_of.isoformat(), "as_of_day": self.as_of_day,
            "actuals_source": self.actuals_source, "periods_observed": self.periods_observed,
            "conditioning": self.conditioning.to_dict(), "actuals": self.actuals,
            "warnings": list(self.warnings),
        })
        if self.reoptimize is not None:
            doc["reoptimize"] = self.reoptimize.to_dict()
        return doc

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrackDocument:
        """Read and check a track document (errors name `track.json` and the key);
        `as_of` and `actuals` are required, the run's keys read when present."""
        r = Reader(TRACK_FILE)
        if not isinstance(data.get("actuals"), Mapping) or not isinstance(data.get("as_of"),
                                                                          str):
            raise r.fail("needs 'actuals' and 'as_of'")
        as_of = r.day(data["as_of"], "as_of")
        actuals = {str(k): r.mapping(v, f"actuals.{k}")
                   for k, v in r.mapping(data["actuals"], "actuals").items()}
        raw_targets = r.listing(data.get("targets") or [], "targets")
        reopt = data.get("reoptimize")
        return cls(
            as_of=as_of,
            as_of_day=int(r.number(data.get("as_of_day"), "as_of_day", optional=True) or 0),
            actuals_source=str(data.get("actuals_source") or ""),
            periods_observed=int(r.number(data.get("periods_observed"), "periods_observed",
                                          optional=True) or 0),
            conditioning=ConditioningSummary.from_dict(r, data.get("conditioning")),
            actuals=actuals,
            targets=[TrackTarget.from_dict(r, i, t) for i, t in enumerate(raw_targets)],
            warnings=[str(w) for w in r.listing(data.get("warnings") or [], "warnings")],
            run=RunDocument.from_dict(data) if "kpis" in data else None,
            reoptimize=None if reopt is None else ReoptimizeDocument.from_dict(reopt))
