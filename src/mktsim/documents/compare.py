"""The compare document (`compare.json`): strategies on common random numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .base import Reader, clean

COMPARE_FILE = "compare.json"

#: {"probability": p, "interval": [lo, hi]}
Probability = dict[str, Any]
#: {"mean": x, "interval": [lo, hi]}
Estimate = dict[str, Any]


@dataclass(frozen=True)
class CompareDocument:
    """`compare.json`: see docs/results-format.md. Per-strategy values are keyed by strategy
    name; `differences` are strategy minus `reference`, paired replication by replication."""

    strategies: list[str]
    reference: str
    replications: int
    seed: int | None
    targets: list[dict[str, Any]]  # [{id, by_strategy: {strategy: Probability}}]
    all_targets: dict[str, Probability]
    kpis: dict[str, dict[str, Estimate]]
    differences: dict[str, dict[str, Estimate]]
    probability_best: dict[str, float]
    ranking: list[str]
    objective: str
    stopped: str = ""
    scenario_hash: str | None = None
    #: {strategy: {budget, media, commissions, loyalty, training, research, total}}
    spend: dict[str, dict[str, Any]] = field(default_factory=dict)
    parameter_uncertainty: list[str] | None = None  # paths drawn per replication
    #: {draws file: paths drawn jointly from its rows} (scenario.uncertainty.joint_draws)
    joint_draws: dict[str, list[str]] | None = None
    kind: str = field(default="compare")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (strict JSON values)."""
        doc: dict[str, Any] = {
            "kind": self.kind, "strategies": self.strategies, "reference": self.reference,
            "replications": self.replications, "seed": self.seed, "targets": self.targets,
            "all_targets": self.all_targets, "kpis": self.kpis,
            "differences": self.differences, "probability_best": self.probability_best,
            "ranking": self.ranking, "objective": self.objective, "stopped": self.stopped,
            "spend": self.spend,
        }
        if self.scenario_hash is not None:
            doc["scenario_hash"] = self.scenario_hash
        if self.parameter_uncertainty:
            doc["parameter_uncertainty"] = self.parameter_uncertainty
        if self.joint_draws:
            doc["joint_draws"] = self.joint_draws
        return clean(doc)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompareDocument:
        """Read and check a comparison (errors name `compare.json` and the key)."""
        r = Reader(COMPARE_FILE)
        strategies = [str(s) for s in r.listing(r.require(data, "strategies"), "strategies")]
        if not strategies:
            raise r.fail("'strategies' is empty")

        def part(key: str) -> dict[str, Any]:
            return r.mapping(data.get(key) or {}, key)

        replications = data.get("replications")
        return cls(
            strategies=strategies,
            reference=str(data.get("reference") or strategies[0]),
            replications=int(r.real(replications, "replications")) if replications else 0,
            seed=None if data.get("seed") is None else int(r.real(data["seed"], "seed")),
            targets=[r.mapping(t, f"targets[{i}]") for i, t in
                     enumerate(r.listing(data.get("targets") or [], "targets"))],
            all_targets=part("all_targets"), kpis=part("kpis"),
            differences=part("differences"), probability_best=part("probability_best"),
            ranking=[str(s) for s in r.listing(data.get("ranking") or [], "ranking")],
            objective=str(data.get("objective") or ""),
            stopped=str(data.get("stopped") or ""),
            scenario_hash=data.get("scenario_hash"),
            spend=part("spend"),
            parameter_uncertainty=[str(p) for p in r.listing(
                data.get("parameter_uncertainty") or [], "parameter_uncertainty")] or None,
            joint_draws={str(k): [str(p) for p in r.listing(v, f"joint_draws.{k}")]
                         for k, v in r.mapping(data.get("joint_draws") or {},
                                               "joint_draws").items()} or None,
        )
