"""The confirmation of a plan found by a search: does it keep its promise on replications
the search never saw?

A search that picks the best of many candidates on the same replications overrates the
one it picks (the optimiser's curse, Smith and Winkler 2006): a plan chosen because it met
a target in 82% of the search's replications meets it less often on fresh ones. So the
plan is run again on an independent set of replications, on a seed stream of its own
derived from the scenario's seed (`confirm_seed`: reproducible, and the same whatever the
number of workers), with the scenario's `uncertainties:` drawn anew per replication as in
any run. A plan **passes** when, for every target, the lower end of a one-sided 95% Wilson
interval of its probability on these replications reaches the required confidence (less
a stated `tolerance`, if any): then the promise "at least 80%" is one the replications
support, not a point estimate at the threshold.

To make passing the usual case rather than a matter of retries, the search aims above the
promise (`search_margin`): it asks the search's estimate to clear the confidence by the
margin the confirmation needs (1.645 standard errors on the confirmation's replications)
plus one standard error of the search's own estimate (its selection bias).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..simulate.stats import wilson_interval

if TYPE_CHECKING:
    from .outcome import Outcome

#: z of a one-sided 95% interval
Z_ONE_SIDED = 1.6448536269514722
#: spawn key of the confirmation stream under the scenario's seed
CONFIRM_STREAM = 0xC0F1
#: default replications of a confirmation
CONFIRM_REPS = 500


def confirm_seed(root: int, attempt: int = 0) -> int:
    """The seed of confirmation `attempt` (0, 1, ...) of a search seeded with `root`:
    derived from `root` and independent of it (its own SeedSequence stream)."""
    seq = np.random.SeedSequence(int(root), spawn_key=(CONFIRM_STREAM, int(attempt)))
    return int(seq.generate_state(1, np.uint32)[0])


def lower_bound(successes: int, n: int) -> float:
    """Lower end of the one-sided 95% Wilson interval of a proportion."""
    return wilson_interval(successes, n, Z_ONE_SIDED)[0]


def search_margin(confidence: float, search_reps: int, confirm_reps: int) -> float:
    """How far above `confidence` the search's estimate must be (probability points) for
    the confirmation on `confirm_reps` replications to pass most of the time: the
    confirmation's one-sided 95% margin plus one standard error of the search's
    estimate on `search_reps` replications."""
    c = min(max(confidence, 0.5), 0.999)
    spread = math.sqrt(c * (1.0 - c))
    return Z_ONE_SIDED * spread / math.sqrt(max(confirm_reps, 1)) + \
        spread / math.sqrt(max(search_reps, 1))


@dataclass(frozen=True)
class TargetCheck:
    """One target on the confirmation replications."""

    id: str
    confidence: float
    met: int  # replications that met it
    replications: int
    lower: float  # one-sided 95% Wilson lower bound

    @property
    def probability(self) -> float:
        """Share of the confirmation replications that met the target."""
        return self.met / self.replications if self.replications else 0.0

    def passes(self, tolerance: float = 0.0) -> bool:
        """The lower bound reaches the confidence less `tolerance`."""
        return self.lower >= self.confidence - tolerance - 1e-12


@dataclass(frozen=True)
class Confirmation:
    """The verdict of a confirmation run on every target."""

    seed: int
    attempt: int
    tolerance: float
    targets: tuple[TargetCheck, ...]

    @property
    def passed(self) -> bool:
        """Every target's lower bound reaches its confidence (less the tolerance)."""
        return all(t.passes(self.tolerance) for t in self.targets)

    @property
    def strictly(self) -> bool:
        """Passed without the tolerance."""
        return all(t.passes() for t in self.targets)

    @property
    def shortfall(self) -> float:
        """Largest gap between a confidence (less the tolerance) and its lower bound."""
        gaps = [t.confidence - self.tolerance - t.lower for t in self.targets]
        return max([0.0, *gaps])

    def to_dict(self) -> dict[str, object]:
        """`{seed, attempt, tolerance, passed, level, targets: [{id, met, replications,
        probability, lower, confidence, passes}]}`."""
        return {"seed": self.seed, "attempt": self.attempt, "tolerance": self.tolerance,
                "passed": self.passed, "level": 0.95, "method": "wilson_one_sided",
                "targets": [{"id": t.id, "met": t.met, "replications": t.replications,
                             "probability": t.probability, "lower": t.lower,
                             "confidence": t.confidence, "passes": t.passes(self.tolerance)}
                            for t in self.targets]}


def confirmation(outcome: Outcome, seed: int, attempt: int = 0,
                 tolerance: float = 0.0) -> Confirmation:
    """The confirmation verdict of `outcome`, a run on the confirmation seed `seed`."""
    checks = tuple(TargetCheck(tid, float(outcome.confidence[t]), int(outcome.met[t].sum()),
                               outcome.replications,
                               lower_bound(int(outcome.met[t].sum()), outcome.replications))
                   for t, tid in enumerate(outcome.target_ids))
    return Confirmation(seed, attempt, tolerance, checks)
