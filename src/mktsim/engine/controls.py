"""Controllers: processes the engine runs in a replication without knowing what they are.

The engine imports no controller (SimPy's `Environment` likewise imports none of the
processes that run in it). A controller is handed to `simulate` / `Replication` by the
layer that builds the run (the API hands the review loop of `mktsim.rules.review`); at
the start of each replication the engine calls `controller.start(replication)`, and the
controller registers its SimPy processes on `replication.env` and returns a picklable log
(or None), which comes back as `ReplicationResult.reviews` / `Run.reviews`.
See docs/architecture.md for the controls a controller may use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .replication import Replication


class Controller(Protocol):
    """Something that runs inside a replication: picklable (it travels to workers)."""

    def start(self, replication: Replication) -> Any:
        """Register the controller's processes; return its log (plain data) or None."""
        ...


class MissingController(ValueError):
    """A plan with review rules simulated without a controller to run them."""
