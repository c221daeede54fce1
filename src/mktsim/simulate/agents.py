"""What the per-customer engine needs from a scenario: its network as the engine's plain
data, and warnings for the parts of the scenario it leaves out."""

from __future__ import annotations

from ..engine.network import NetworkShape
from ..scenario.errors import Problem
from ..scenario.model import ScenarioSpec
from ..scenario.network import Network


def network_shape(network: Network | None) -> NetworkShape | None:
    """The scenario's `market.network` as the engine reads it (None: well mixed)."""
    if network is None:
        return None
    return NetworkShape(network.model, network.degree, network.rewiring, network.seed_hubs)


class AgentEngineWarning(UserWarning):
    """A part of the scenario that the per-customer engine leaves out."""


def unmodelled(spec: ScenarioSpec, source: str = "scenario") -> list[Problem]:
    """Warnings for the parts of a scenario the per-customer engine leaves out."""
    out = []
    for name, ch in spec.channels.items():
        if ch.team is not None:
            out.append(Problem(source, None, f"channels.{name}.team",
                               f"the per-customer engine does not model teams, leads or "
                               f"hand-offs: channel '{name}' sells directly",
                               "use the counts engine to see the team's effect",
                               severity="warning"))
        if ch.capacity_per_day is not None:
            out.append(Problem(source, None, f"channels.{name}.capacity_per_day",
                               "the per-customer engine does not cap a channel's sales",
                               severity="warning"))
    if spec.crm.complaints_per_order > 0:
        out.append(Problem(source, None, "crm.complaints_per_order",
                           "the per-customer engine does not model complaints",
                           "use the counts engine to see their effect", severity="warning"))
    return out
