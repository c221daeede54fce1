"""The optimize document (`optimize.json`): the plan found, and what is known about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .base import Reader, clean

OPTIMIZE_FILE = "optimize.json"


@dataclass(frozen=True)
class OutcomeSummary:
    """Targets, P(all targets) and headline KPIs of a plan over some replications."""

    replications: int
    targets: list[dict[str, Any]]  # [{id, probability, interval, confidence}]
    all_targets: dict[str, Any]  # {probability, interval}
    kpis: dict[str, dict[str, float]]  # {kpi: {mean, low, high}}

    def to_dict(self) -> dict[str, Any]:
        """`{replications, targets, all_targets, kpis}`."""
        return {"replications": self.replications, "targets": self.targets,
                "all_targets": self.all_targets, "kpis": self.kpis}

    @classmethod
    def from_dict(cls, r: Reader, raw: Any, where: str) -> OutcomeSummary:
        """Read `verified` or `search`."""
        obj = r.mapping(raw, where)
        return cls(replications=int(obj.get("replications") or 0),
                   targets=list(r.listing(obj.get("targets") or [], f"{where}.targets")),
                   all_targets=r.mapping(obj.get("all_targets") or {}, f"{where}.all_targets"),
                   kpis=r.mapping(obj.get("kpis") or {}, f"{where}.kpis"))


@dataclass(frozen=True)
class OptimizeDocument:
    """`optimize.json`: see docs/results-format.md.

    `plan` is the plan found (`budget`, `allocation` shares, `headcount`, and `flighting`
    when the quarters were levers); `feasible` says whether it meets every target (target
    mode; always true in fixed mode); `message` says what was found, notes included."""

    mode: str
    objective: str
    plan: dict[str, Any]
    feasible: bool | None  # None: not known (a hand-written file without it)
    message: str
    evaluations: int
    budget: float | None
    team_cost: float | None = None
    total_cost: float | None = None
    search: OutcomeSummary | None = None
    verified: OutcomeSummary | None = None
    verify_seed: int | None = None
    out_of_reach: list[dict[str, Any]] | None = None
    response_curves: dict[str, dict[str, list[float]]] | None = None
    marginal: dict[str, dict[str, float]] | None = None
    marginal_roi: dict[str, float] | None = None
    scenario_hash: str | None = None
    parameter_uncertainty: list[str] | None = None  # paths drawn per replication
    #: {draws file: paths drawn jointly from its rows} (scenario.uncertainty.joint_draws)
    joint_draws: dict[str, list[str]] | None = None
    #: the confirmation of the plan on its own replications (`decision.confirm`):
    #: {seed, attempt, tolerance, passed, level, method, targets: [{id, met, replications,
    #: probability, lower, confidence, passes}], attempts}
    confirmation: dict[str, Any] | None = None
    #: the flighting chosen by month of the plan when it was a lever: {by, by_month (a
    #: curve per channel) or weights (one curve), season (the market's seasonality of
    #: each month of the plan), min, max, max_step, per_channel, channels: {channel:
    #: {weights [12], money [12] by month, on-air windows and the monthly cap counted}}}
    flighting: dict[str, Any] | None = None
    #: bounds and constraints the plan sits on: [{kind (group, channel, budget), name,
    #: bound, value}]; their shadow cost is not estimated
    binding: list[dict[str, Any]] | None = None
    kind: str = field(default="optimize")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (strict JSON values); optional parts only when present."""
        doc: dict[str, Any] = {
            "kind": self.kind, "mode": self.mode, "objective": self.objective,
            "plan": self.plan, "feasible": self.feasible, "evaluations": self.evaluations,
            "budget": self.budget, "team_cost": self.team_cost, "total_cost": self.total_cost,
            "search": self.search.to_dict() if self.search else None,
            "verified": self.verified.to_dict() if self.verified else None,
            "verify_seed": self.verify_seed,
        }
        optional = {"out_of_reach": self.out_of_reach, "message": self.message,
                    "response_curves": self.response_curves, "marginal": self.marginal,
                    "marginal_roi": self.marginal_roi, "scenario_hash": self.scenario_hash,
                    "parameter_uncertainty": self.parameter_uncertainty or None,
                    "joint_draws": self.joint_draws or None,
                    "confirmation": self.confirmation, "flighting": self.flighting,
                    "binding": self.binding or None}
        doc.update({k: v for k, v in optional.items() if v is not None})
        return clean(doc)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OptimizeDocument:
        """Read and check an optimisation (errors name `optimize.json` and the key).

        Files written before the keys had one spelling are read too: the plan as
        `strategy` (budget at the top level), `feasible` as `reached`, `message` as a list
        of `notes`."""
        r = Reader(OPTIMIZE_FILE)
        raw_plan = data.get("plan")
        if raw_plan is None and isinstance(data.get("strategy"), Mapping):
            raw_plan = data["strategy"]
        if raw_plan is None:
            raise r.fail("missing key 'plan'")
        plan = r.mapping(raw_plan, "plan")
        r.mapping(plan.get("allocation") or {}, "plan.allocation")
        budget = r.number(data.get("budget"), "budget", optional=True)
        if plan.get("budget") is None and budget is not None:
            plan["budget"] = budget
        for key in ("response_curves", "marginal_roi", "marginal", "confirmation",
                    "flighting"):
            if data.get(key) is not None:
                r.mapping(data[key], key)
        feasible = data.get("feasible")
        if feasible is None:
            feasible = data.get("reached")
        message = data.get("message")
        if not message and data.get("notes"):
            message = "; ".join(str(n) for n in r.listing(data["notes"], "notes"))

        def summary(key: str) -> OutcomeSummary | None:
            raw = data.get(key)
            return None if raw is None else OutcomeSummary.from_dict(r, raw, key)

        return cls(
            mode=str(data.get("mode") or ""), objective=str(data.get("objective") or ""),
            plan=plan, feasible=None if feasible is None else bool(feasible),
            message=str(message or ""), evaluations=int(data.get("evaluations") or 0),
            budget=budget if budget is not None else plan.get("budget"),
            team_cost=r.number(data.get("team_cost"), "team_cost", optional=True),
            total_cost=r.number(data.get("total_cost"), "total_cost", optional=True),
            search=summary("search"), verified=summary("verified"),
            verify_seed=data.get("verify_seed"), out_of_reach=data.get("out_of_reach"),
            response_curves=data.get("response_curves"), marginal=data.get("marginal"),
            marginal_roi=data.get("marginal_roi"), scenario_hash=data.get("scenario_hash"),
            parameter_uncertainty=[str(p) for p in r.listing(
                data.get("parameter_uncertainty") or [], "parameter_uncertainty")] or None,
            joint_draws={str(k): [str(p) for p in r.listing(v, f"joint_draws.{k}")]
                         for k, v in r.mapping(data.get("joint_draws") or {},
                                               "joint_draws").items()} or None,
            confirmation=data.get("confirmation"), flighting=data.get("flighting"),
            binding=list(r.listing(data.get("binding") or [], "binding")) or None,
        )
