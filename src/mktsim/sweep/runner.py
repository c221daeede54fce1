"""Evaluate one sweep point: plain data in, a small table out.

A point is a set of scenario values (dotted path -> value). It is run once per strategy
with the same seed, so every strategy sees the same replication streams (common random
numbers). The result has one row per strategy x replication.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Parameter paths that choose the strategy of a point instead of a scenario value.
STRATEGY_PATHS = ("strategy", "strategy.name")
#: Prefix of the target outcome columns (`met:<target id>`, bool).
MET_PREFIX = "met:"


@dataclass(frozen=True)
class PointTask:
    """Everything a worker needs to evaluate one point, as plain picklable data.

    ``scenario`` is the resolved scenario mapping (``LoadedSpec.data``), ``values`` the
    point's parameter values (labels, not indices), ``seed`` the point's seed (an int from
    :func:`point_seed`), ``replications`` per strategy.
    """

    point: int
    values: dict[str, Any]
    seed: int
    replications: int
    strategies: tuple[str, ...]
    scenario: dict[str, Any]
    source: str = "<sweep>"


@dataclass
class Outcome:
    """What came back for one point: a table, or the error text after the last attempt.

    ``seconds`` is the wall time of the last attempt in seconds.
    """

    point: int
    table: pd.DataFrame | None
    error: str | None = None
    attempts: int = 1
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """The point produced its rows."""
        return self.error is None


def point_seed(sweep_seed: int, point: int) -> int:
    """The seed of point ``point``: a 63-bit int from SeedSequence(sweep_seed, spawn_key=(point,)).

    Independent of the number of workers, the executor and the order points finish in.
    """
    state = np.random.SeedSequence(sweep_seed, spawn_key=(point,)).generate_state(2, np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1]))


def plain(value: Any) -> Any:
    """A numpy scalar as the matching Python scalar (for YAML-like scenario data)."""
    return value.item() if isinstance(value, np.generic) else value


def split_values(values: dict[str, Any], strategies: tuple[str, ...]) -> tuple[dict, tuple]:
    """(scenario values, strategies to run): a `strategy` parameter picks the strategy."""
    scenario_values = {k: plain(v) for k, v in values.items() if k not in STRATEGY_PATHS}
    chosen = [str(values[k]) for k in STRATEGY_PATHS if k in values]
    return scenario_values, (tuple(chosen[:1]) or strategies)


def check_extremes(loaded: Any, params: list[Any]) -> None:
    """Apply each parameter's extreme values (range ends, every level, the 0.1% and 99.9%
    quantiles of a distribution) to the scenario and validate it, so that a sweep whose
    points would all fail stops before it starts (raises ScenarioError)."""
    from ..scenario.load import with_values
    from ..scenario.uncertainty.section import extreme_values

    for param in params:
        if param.path not in STRATEGY_PATHS:
            for _, value in extreme_values(param):
                with_values(loaded, {param.path: plain(value)})


def fixed_values(scenario: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The scenario with swept paths taken out of its `uncertainties:` section, so that a
    swept value is fixed at the point's value instead of being sampled per replication."""
    section = scenario.get("uncertainties")
    if not isinstance(section, dict) or not set(section) & set(values):
        return scenario
    kept = {k: v for k, v in section.items() if k not in values}
    data = {k: v for k, v in scenario.items() if k != "uncertainties"}
    if kept:
        data["uncertainties"] = kept
    return data


def evaluate_point(task: PointTask) -> pd.DataFrame:
    """Run a point for each strategy; raises ScenarioError if its values are invalid.

    Columns: ``point``, ``strategy``, ``replication``, one per parameter (its value),
    one per KPI (value at the horizon, in the KPI's unit), one ``met:<id>`` bool per target.
    """
    from ..kpis import KPI_NAMES
    from ..model.measures import horizon_values
    from ..scenario.load import validate_data, with_values
    from ..scenario.translate import schema_value
    from ..simulate.strategy_run import LoadedScenario, run_strategy

    scenario_values, strategies = split_values(task.values, task.strategies)
    # the sweep's scenario, uncertainties included, was checked once before the sweep
    base = validate_data(fixed_values(task.scenario, task.values), {}, task.source, [],
                         check_uncertainties=False)
    scenario_values = {k: schema_value(k, v) for k, v in scenario_values.items()}
    scenario = LoadedScenario(with_values(base, scenario_values) if scenario_values else base)
    frames = []
    for strategy in strategies:
        result = run_strategy(scenario, strategy, task.replications, task.seed, 1)
        cols: dict[str, Any] = {
            "point": np.full(task.replications, task.point, dtype=np.int64),
            "strategy": [strategy] * task.replications,
            "replication": np.arange(task.replications, dtype=np.int64),
        }
        for path, value in task.values.items():  # the value used (whole numbers rounded)
            cols[path] = [plain(scenario_values.get(path, value))] * task.replications
        for name in KPI_NAMES:
            cols[name] = horizon_values(result.run.daily, name).astype(float)
        for verdict in result.verdicts:
            cols[MET_PREFIX + verdict.target.id] = np.asarray(verdict.met_each, dtype=bool)
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def safe_evaluate(task: PointTask, evaluate: Any = None) -> Outcome:
    """Evaluate a point, catching any error as text (so it can be retried or recorded)."""
    fn = evaluate or evaluate_point
    start = time.perf_counter()
    try:
        table = fn(task)
    except Exception as exc:  # recorded with the point, never stops the sweep
        text = str(exc).strip() or type(exc).__name__
        return Outcome(task.point, None, f"{type(exc).__name__}: {text}",
                       seconds=time.perf_counter() - start)
    return Outcome(task.point, table, seconds=time.perf_counter() - start)
