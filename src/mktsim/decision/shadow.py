"""The shadow cost of a binding constraint: how much the objective would gain (per unit of
money) if the bound were loosened a little, estimated on common random numbers.

The plan found stays as it is (the same candidate `x`); one bound is loosened by
`STEP` of the budget and the candidate is run again on the search's seed and replications,
so the two runs differ only by the money the looser bound lets move. The estimate is the
paired difference of the objective per replication, divided by the money loosened, with a
95% t interval (the difference of the objective's statistic when it is a quantile or a
CVaR, without an interval).

- **budget** (fixed mode): the same candidate at a budget `STEP` larger.
- **channel** (a lowest or highest amount): the channel's bound moved by `STEP` of the
  budget; the candidate's weights are projected again onto the looser bounds.
- **group** (a min or max share): the group's share moved by `STEP`.

Not estimated, and the document says why: in target mode the objective is the cheapest
budget, so a shadow cost would need a new bisection of the budget for each bound (several
searches), more than the search spends; and a bound of the budget range in fixed mode does
not arise (the budget is given).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..scenario.decision import Objective
from .levers import LeverSpace
from .outcome import Outcome, expected_score, per_replication

#: share of the budget by which a bound is loosened
STEP = 0.02
TARGET_MODE = ("not estimated in target mode: the objective is the cheapest budget, and a "
               "shadow cost would need a new bisection of the budget per bound")


def relaxed_space(space: LeverSpace, bound: dict[str, Any], budget: float
                  ) -> tuple[LeverSpace, float] | None:
    """The space with `bound` (a `LeverSpace.binding` entry) loosened, and the budget to
    run at; None for a kind that cannot be loosened here."""
    delta = STEP * budget
    kind, side, name = bound.get("kind"), bound.get("bound"), bound.get("name")
    if kind == "channel":
        move = (delta, 0.0) if side == "lowest" else (0.0, delta)
        return dataclasses.replace(space, relaxed={**space.relaxed, str(name): move}), budget
    if kind == "group":
        rules = tuple(_loosen(r, side) if r.name == name else r for r in space.groups)
        return dataclasses.replace(space, groups=rules), budget
    if kind == "budget":
        return space, budget * (1.0 + STEP)
    return None


def _loosen(rule: Any, side: str | None) -> Any:
    if side == "max_share" and rule.max_share is not None:
        return dataclasses.replace(rule, max_share=min(1.0, rule.max_share + STEP))
    if side == "min_share" and rule.min_share is not None:
        return dataclasses.replace(rule, min_share=max(0.0, rule.min_share - STEP))
    return rule


def shadow_cost(base: Outcome, relaxed: Outcome, objective: Objective, money: float
                ) -> dict[str, Any]:
    """`{per_money, interval, step, statistic}`: the objective's change per unit of money
    loosened (larger: the bound costs more), paired replication by replication."""
    from .compare import paired_difference

    step = {"step": money, "statistic": objective.statistic}
    if objective.statistic == "mean" and not objective.subject_to_targets:
        a, _ = per_replication(relaxed, objective)
        b, _ = per_replication(base, objective)
        d = paired_difference(np.asarray(a, float), np.asarray(b, float))
        lo, hi = d["interval"]
        return {"per_money": d["mean"] / money, "interval": [lo / money, hi / money], **step}
    gain = expected_score(relaxed, objective)[0] - expected_score(base, objective)[0]
    return {"per_money": gain / money if np.isfinite(gain) else None, "interval": None,
            **step}
