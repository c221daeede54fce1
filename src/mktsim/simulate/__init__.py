"""Runs of compiled plans, between the engine (with the rules and histories it reads) and
the clients that decide, calibrate, sweep and track: the one function that wires a run
(`wiring.run_plan`), the sampled plans of a scenario's uncertainties (`sampled`), the run of
a scenario's strategy with its judged targets (`strategy_run`, `result`, `targets`,
`stats`, `spend`) and incremental runs without a channel (`incremental`)."""

from __future__ import annotations

from .wiring import EngineKind, run_plan

__all__ = ["EngineKind", "run_plan"]
