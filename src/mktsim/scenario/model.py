"""The root of a scenario file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from .base import ObjectiveText, Section, label_value
from .calibration import CalibrationSection
from .company import Channel, Crm, Org, Product, Team
from .decision import DecisionSection
from .fields import Count, Days, Name, PositiveCount
from .fitted import FittedFrom
from .market import Market
from .rules import Information, RulesSection
from .strategy import Strategy
from .targets import Target


class ScenarioSpec(Section):
    """A marketing plan to simulate: market, company, strategies and targets."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    horizon_days: Days = Field(365, le=36500, description="Days simulated.")
    start_date: dt.date = Field(description="Day 0 of the plan (ISO date).")
    currency: str = Field("CNY", min_length=1, max_length=8)
    seed: Count = Field(0, description="Root seed of the random numbers.")
    replications: PositiveCount = Field(200, le=1_000_000)
    market: Market
    products: dict[Name, Product] = Field(min_length=1)
    channels: dict[Name, Channel] = Field(default_factory=dict)
    teams: dict[Name, Team] = Field(default_factory=dict)
    org: Org = Field(default_factory=Org)
    crm: Crm = Field(default_factory=Crm)
    strategies: dict[Name, Strategy] = Field(min_length=1)
    objectives: dict[Name, str | ObjectiveText] = Field(
        default_factory=dict,
        description="What the targets serve: a description, or {description, label}.")
    targets: list[Target] = Field(default_factory=list)
    rules: RulesSection | None = Field(None, description="Reviews and when/then rules.")
    information: Information = Field(default_factory=Information)
    decision: DecisionSection | None = None
    uncertainties: dict[str, Any] | None = Field(
        None, description="Distributions over scenario values, sampled per replication."
    )

    calibration: CalibrationSection | None = Field(None, description="Fit to history.")
    fitted_from: FittedFrom | None = Field(
        None, description="The history this scenario was fitted to (written by calibrate).")

    def labels(self) -> dict[str, dict[str, str | dict[str, str]]]:
        """Kind (channels, segments, products, teams, strategies, targets, objectives) ->
        key -> label, for the keys that carry one."""
        groups: dict[str, dict[str, object]] = {
            "channels": dict(self.channels), "segments": dict(self.market.segments),
            "products": dict(self.products), "teams": dict(self.teams),
            "strategies": dict(self.strategies), "targets": {t.id: t for t in self.targets},
        }
        out: dict[str, dict[str, str | dict[str, str]]] = {}
        for kind, items in groups.items():
            found = {k: label_value(getattr(v, "label", None)) for k, v in items.items()}
            kept = {k: v for k, v in found.items() if v}
            if kept:
                out[kind] = kept
        objectives = {k: label_value(getattr(v, "label", None))
                      for k, v in self.objectives.items()}
        if any(objectives.values()):
            out["objectives"] = {k: v for k, v in objectives.items() if v}
        return out

    @property
    def end_date(self) -> dt.date:
        """The last simulated day."""
        return self.start_date + dt.timedelta(days=self.horizon_days - 1)

    def day_of(self, date: dt.date) -> int:
        """Day index (0 = start_date) of a calendar date."""
        return (date - self.start_date).days
