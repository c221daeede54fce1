"""The review rules of a Plan (plain data, model/review_plan.py) with their expressions
compiled, once per plan and process, for the review loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..expr import Expression, Vocabulary, compile_expression
from ..kpis import KPI_NAMES
from ..model.review_plan import Formula, InfoSettings, ReviewPlan, Study
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


_CACHE: dict[int, tuple[ReviewPlan, CompiledRules]] = {}


def compile_review(plan: Plan) -> CompiledRules | None:
    """The plan's review rules, compiled against its names (cached for the plan's rules)."""
    data = plan.rules
    if data is None:
        return None
    hit = _CACHE.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    vocabulary = rule_vocabulary(plan.channels, KPI_NAMES, [t.id for t in data.targets],
                                 plan.teams, plan.products, plan.competitors)
    rules = tuple(
        CompiledRule(rule.name, compile_expression(rule.when, vocabulary),
                     tuple(CompiledAction(a.kind, tuple((k, _arg(v, vocabulary))
                                                        for k, v in a.args))
                           for a in rule.then), rule.cooldown)
        for rule in data.rules)
    compiled = CompiledRules(**{**_fields(data), "rules": rules})
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[id(data)] = (data, compiled)
    return compiled


def _arg(value: float | str | Formula, vocabulary: Vocabulary) -> Arg:
    return compile_expression(value.text, vocabulary) if isinstance(value, Formula) else value


def _fields(data: ReviewPlan) -> dict[str, Any]:
    return {f: getattr(data, f) for f in data.__dataclass_fields__}


