"""The explain document: where a plan leaks, its bottleneck team, what money buys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .base import Reader, clean


@dataclass(frozen=True)
class Leaks:
    """Funnel losses (names of documents.leaks.FUNNEL, means per run), per-channel
    saturation/ROI/CAC/spend/capacity lost, and per-team work, capacity, utilisation."""

    funnel: dict[str, float]
    channels: dict[str, dict[str, float]]
    teams: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        """`{funnel, channels, teams}`."""
        return {"funnel": self.funnel, "channels": self.channels, "teams": self.teams}


@dataclass(frozen=True)
class ExplainDocument:
    """What `mktsim explain --format json` prints: see docs/results-format.md."""

    strategy: str
    leaks: Leaks
    bottleneck: str | None
    curves: Sequence[Mapping[Any, Any]] | None = None  # rows: channel, multiplier, spend, KPIs
    marginal: dict[str, dict[str, float]] | None = None  # {channel: {spend, step, ...}}
    #: {product: {mean, by_segment: {segment: x}}}: the model's own-price elasticity
    elasticities: dict[str, dict[str, Any]] | None = None
    kind: str = field(default="explain")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (strict JSON values)."""
        doc: dict[str, Any] = {"kind": self.kind, "strategy": self.strategy,
                               "leaks": self.leaks.to_dict(), "bottleneck": self.bottleneck}
        if self.curves is not None:
            doc["curves"] = self.curves
        if self.marginal is not None:
            doc["marginal"] = self.marginal
        if self.elasticities is not None:
            doc["price_elasticity"] = self.elasticities
        return clean(doc)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExplainDocument:
        """Read and check an explain document."""
        r = Reader("explain.json")
        lk = r.mapping(r.require(data, "leaks"), "leaks")
        return cls(strategy=str(r.require(data, "strategy")),
                   leaks=Leaks(r.mapping(lk.get("funnel") or {}, "leaks.funnel"),
                               r.mapping(lk.get("channels") or {}, "leaks.channels"),
                               r.mapping(lk.get("teams") or {}, "leaks.teams")),
                   bottleneck=data.get("bottleneck"), curves=data.get("curves"),
                   marginal=data.get("marginal"),
                   elasticities=r.mapping(data["price_elasticity"], "price_elasticity")
                   if data.get("price_elasticity") else None)
