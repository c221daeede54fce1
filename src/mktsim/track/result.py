"""What `track` returns: the tracked year and, once asked for, the re-optimisation of the
rest of the year, with their typed document (`track.json`) and tidy frame.

`track` here is `track.run.track` returning a `Tracking`, which `reoptimize()` extends;
neither `track.run` nor `track.reoptimize` imports this module."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from ..documents.track import TrackDocument
from ..history import History
from ..simulate.result import RunResult
from ..simulate.strategy_run import LoadedScenario
from . import run
from .reoptimize import reoptimize
from .tracked import Reoptimization, TrackedYear
from .writeout import reoptimized_plan_yaml, write_tracking


@dataclass
class Tracking(TrackedYear):
    """A plan tracked against actuals (see docs/tracking.md), with its re-optimisation
    once `reoptimize` has run."""

    reoptimization: Reoptimization | None = None
    #: the files `Scenario.track(out=...)` wrote (results folder and reports)
    written: list[Path] = field(default_factory=list)

    @classmethod
    def of(cls, year: TrackedYear) -> Tracking:
        """The tracking of a tracked year (no re-optimisation yet)."""
        return cls(**{f.name: getattr(year, f.name) for f in dataclasses.fields(TrackedYear)})

    def document(self, series: bool = True) -> TrackDocument:
        """The typed track document (with its `reoptimize` part once re-optimised)."""
        doc = super().document(series)
        if self.reoptimization is None:
            return doc
        return dataclasses.replace(doc, reoptimize=self.reoptimization.document())

    def reoptimize(self, scenario: LoadedScenario, seed: int | None = None,
                   confidence: float | None = None, evaluations: int | None = None,
                   search_reps: int | None = None, verify_reps: int | None = None,
                   workers: int = 1, progress: Callable[[int], None] | None = None
                   ) -> Tracking:
        """This tracking with `reoptimization`: the cheapest change after the as-of date
        that reaches the targets (`scenario`: the tracked one; `seed`: the tracking's);
        see `track.reoptimize.reoptimize`."""
        seed = scenario.spec.seed if seed is None else seed
        self.reoptimization = reoptimize(scenario, self, seed, confidence, evaluations,
                                         search_reps, verify_reps, workers, progress)
        return self

    def save(self, folder: str | Path, fmt: str = "csv") -> list[Path]:
        """The results folder: `track.writeout.write_tracking`."""
        return write_tracking(self, self.document(), folder, fmt)

    def plan_yaml(self, source: str | Path, out: str | Path | None = None) -> str:
        """The scenario with the re-optimised plan: `track.writeout.reoptimized_plan_yaml`."""
        return reoptimized_plan_yaml(self.reoptimization, source, out)


def track(scenario: LoadedScenario, strategy: str | None, actuals: History,
          replications: int | None = None, seed: int | None = None, workers: int = 1,
          progress: Callable[[int], None] | None = None,
          pool: Executor | None = None, beta: float | None = None,
          then: str | None = None, plain: RunResult | None = None) -> Tracking:
    """`track.run.track` (the same arguments) as a `Tracking`."""
    return Tracking.of(run.track(scenario, strategy, actuals, replications, seed, workers,
                                 progress, pool, beta, then, plain))
