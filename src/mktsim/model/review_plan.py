"""The review rules of a Plan: plain, picklable data (expressions stay text; the review
loop compiles them, see rules/compiled.py).

A strategy's own `rules:` replace the scenario's shared `rules:` section (they are not
merged); the `information:` settings are shared by all strategies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..scenario.rules import SURVEY_MEASURES

if TYPE_CHECKING:
    from ..scenario.model import ScenarioSpec
    from ..scenario.rules import Information, RulesSection
    from ..scenario.targets import Target

@dataclass(frozen=True)
class Formula:
    """An action setting written as an expression (computed at the review)."""

    text: str


#: A setting: a fixed value (number or name) or an expression computed at the review.
Arg = float | str | Formula


@dataclass(frozen=True)
class ActionText:
    """One action: its kind and its settings."""

    kind: str
    args: tuple[tuple[str, Arg], ...]


@dataclass(frozen=True)
class RuleText:
    """A named condition (expression text) and the actions it triggers."""

    name: str
    when: str
    then: tuple[ActionText, ...]
    #: days after acting during which the rule is not checked (0: checked at every review)
    cooldown: int = 0


@dataclass(frozen=True)
class Study:
    """A research study: a larger survey sample for one measure over [start, end)."""

    measure: str
    start: int
    end: int
    sample_size: int
    cost: float


@dataclass(frozen=True)
class InfoSettings:
    """Lags (days) and sample sizes of the market information system."""

    report_lag: int
    survey_n: int
    survey_lag: int
    intel_delay: int
    studies: tuple[Study, ...]


@dataclass(frozen=True)
class ReviewPlan:
    """Everything the review process needs, on the Plan."""

    review_days: tuple[int, ...]
    rules: tuple[RuleText, ...]
    max_actions: int
    price_bounds: tuple[tuple[str, float, float], ...]
    info: InfoSettings
    targets: tuple[Target, ...]
    target_days: tuple[int, ...]
    start_date: dt.date
    budget: float

    def bounds(self, product: str) -> tuple[float, float] | None:
        """(min, max) price of a product, if set."""
        for name, low, high in self.price_bounds:
            if name == product:
                return low, high
        return None


def rules_of(spec: ScenarioSpec, strategy: str) -> RulesSection | None:
    """The rules that apply to a strategy: its own, or else the shared ones."""
    own = spec.strategies[strategy].rules
    return own if own is not None else spec.rules


def plain_arg(value: float | str, names: frozenset[str]) -> Arg:
    """A number stays a number, a known name stays text, other text is a formula."""
    if isinstance(value, int | float) or value in names:
        return float(value) if isinstance(value, int | float) else value
    return Formula(value)


def review_plan(spec: ScenarioSpec, strategy: str) -> ReviewPlan | None:
    """The review rules of a strategy as plain data, or None when it has none."""
    section = rules_of(spec, strategy)
    if section is None:
        return None
    names = frozenset({*spec.channels, *spec.products, *spec.teams, *SURVEY_MEASURES})
    rules = []
    for rule in section.when_then:
        actions = []
        for action in rule.then:
            body = action.body.model_dump(by_alias=True)
            args = tuple((k, plain_arg(v, names)) for k, v in body.items()
                         if v is not None)
            actions.append(ActionText(action.kind, args))
        rules.append(RuleText(rule.name, rule.when,
                                  tuple(actions), rule.cooldown_days))
    strat = spec.strategies[strategy]
    return ReviewPlan(
        review_days=_review_days(spec, section),
        rules=tuple(rules),
        max_actions=section.max_actions_per_review,
        price_bounds=tuple((p, b.min, b.max) for p, b in section.price_bounds.items()),
        info=info_settings(spec, spec.information),
        targets=tuple(spec.targets),
        target_days=tuple(min(spec.day_of(t.by), spec.horizon_days - 1) if t.by
                          else spec.horizon_days - 1 for t in spec.targets),
        start_date=spec.start_date,
        budget=float(strat.budget or 0.0),
    )


def _review_days(spec: ScenarioSpec, section: RulesSection) -> tuple[int, ...]:
    review = section.review
    if review.every_days is not None:
        days = list(range(review.every_days, spec.horizon_days, review.every_days))
    else:
        days = sorted({spec.day_of(d) for d in review.dates or []})
    return tuple(d for d in days if 0 < d < spec.horizon_days)


def info_settings(spec: ScenarioSpec, info: Information) -> InfoSettings:
    """The lags and sample sizes of the market information system."""
    studies = tuple(Study(s.measure, spec.day_of(s.start), spec.day_of(s.start) + s.days,
                          s.sample_size, float(s.cost)) for s in info.research)
    return InfoSettings(info.report_lag_days, info.survey.sample_size, info.survey.lag_days,
                        info.intelligence_delay_days, studies)
