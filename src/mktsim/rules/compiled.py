"""The review rules of a Plan (plain data, model/review_plan.py) with their expressions
compiled, once per plan and process, for the review loop."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..expr import Expression, Vocabulary, compile_expression
from ..kpis import KPI_NAMES
from ..model.reused import Reused
from ..model.review_plan import Formula, InfoSettings, ReviewPlan, RuleText, Study
from ..scenario.rule_vocabulary import rule_vocabulary

if TYPE_CHECKING:
    from ..model.plan import Plan

#: A setting: a fixed value (number or name) or an expression computed at the review.
Arg = float | str | Expression

__all__ = ["Arg", "CompiledAction", "CompiledRule", "CompiledRules", "InfoSettings", "Study",
           "compile_review"]


@dataclass(frozen=True)
class CompiledAction:
    """One action: its kind and its settings."""

    kind: str
    args: tuple[tuple[str, Arg], ...]


@dataclass(frozen=True)
class CompiledRule:
    """A named condition and the actions it triggers."""

    name: str
    when: Expression
    then: tuple[CompiledAction, ...]
    #: days after acting during which the rule is not checked (0: checked at every review)
    cooldown: int = 0


@dataclass(frozen=True)
class CompiledRules(ReviewPlan):
    """A ReviewPlan whose rules carry compiled expressions."""

    rules: tuple[CompiledRule, ...]  # type: ignore[assignment]


def compile_review(plan: Plan) -> CompiledRules | None:
    """The plan's review rules with their expressions compiled against its names (the
    compiled rules are shared by every plan with the same rule texts and names)."""
    data = plan.rules
    if data is None:
        return None
    names = (plan.channels, plan.teams, plan.products, plan.competitors)
    return _COMPILED((data,), names, lambda: _compiled_rules(data, plan))


def _compiled_rules(data: ReviewPlan, plan: Plan) -> CompiledRules:
    """`compile_review` of `plan`, whose rules are `data`, computed."""
    rules = _compiled(data.rules, plan.channels, tuple(t.id for t in data.targets),
                      plan.teams, plan.products, plan.competitors)
    return CompiledRules(**{**_fields(data), "rules": rules})


#: `compile_review` by the identity of a plan's rules (the sampled plans of a run share
#: them) and the plan's names: one `CompiledRules` for all of them
_COMPILED = Reused(64)


@functools.lru_cache(maxsize=64)
def _compiled(rules: tuple[RuleText, ...], channels: tuple[str, ...], targets: tuple[str, ...],
              teams: tuple[str, ...], products: tuple[str, ...],
              competitors: tuple[str, ...]) -> tuple[CompiledRule, ...]:
    vocabulary = rule_vocabulary(channels, KPI_NAMES, targets, teams, products, competitors)
    return tuple(
        CompiledRule(rule.name, compile_expression(rule.when, vocabulary),
                     tuple(CompiledAction(a.kind, tuple((k, _arg(v, vocabulary))
                                                        for k, v in a.args))
                           for a in rule.then), rule.cooldown)
        for rule in rules)


def _arg(value: float | str | Formula, vocabulary: Vocabulary) -> Arg:
    return compile_expression(value.text, vocabulary) if isinstance(value, Formula) else value


def _fields(data: ReviewPlan) -> dict[str, Any]:
    return {f: getattr(data, f) for f in data.__dataclass_fields__}


