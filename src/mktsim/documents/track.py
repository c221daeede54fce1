"""The `reoptimize` part of the track document (`track.json`): the change of plan after
the as-of date that `mktsim track --reoptimize` found, and its verification."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Reader, clean

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
