"""`calibration:`: how to fit the scenario to the company's history, reproducibly."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .base import Section
from .fields import NonNegative, to_number


def _candidate(value: Any) -> Any:
    """A candidate as written, a word that reads as a number turned into one (`to_number`:
    true/false refused); its type is checked with the scenario (`choice_problems`)."""
    if isinstance(value, dict):
        return {k: to_number(v) if isinstance(v, str) else v for k, v in value.items()}
    return value if isinstance(value, list) else to_number(value)


#: A candidate of a choice: a number, or a form (a mapping) at `channels.*`.
Candidate = Annotated[Any, BeforeValidator(_candidate)]


class CalibrationSection(Section):
    """History file, free parameters with their priors, weights and holdout."""

    history: str = Field(min_length=1, description="CSV or .xlsx file, relative to the "
                         "scenario file.")
    sheet: str | None = Field(None, description="Sheet of an .xlsx file (default: first).")
    strategy: str | None = Field(None, description="Strategy the history lived with "
                                 "(default: the first).")
    parameters: dict[str, Any] = Field(
        default_factory=dict, description="Dotted paths to priors in the sweep syntax: "
        "'LOW:HIGH' (uniform) or 'normal(m, s)', 'lognormal(mu, sigma)', 'beta(a, b)', ...")
    choices: dict[str, list[Candidate]] = Field(
        default_factory=dict, description="Dotted paths to candidate values, e.g. "
        "market.demand.media_scaling: [0, 1]: each candidate is fitted and the one the "
        "history's evidence favours is kept (at most 4 combinations). 'channels.*' lists "
        "forms for every channel at once, each a mapping of paths within a channel, e.g. "
        "[{conversion.curve: logistic, adstock.step_days: 7}, {conversion.curve: hill, "
        "adstock.step_days: 1}].")
    weights: dict[str, NonNegative] = Field(default_factory=dict,
                                      description="Per-series weight of the likelihood "
                                      "(default 1).")
    holdout: int = Field(0, ge=0, le=100_000, description="Last periods kept out of the fit.")
    replications: int = Field(8, ge=2, le=200, description="Replications averaged into "
                              "the expected path (common random numbers).")


#: series a history file may carry, so the series a weight may name (levels and flows,
#: and market share: the same list as `history.model.OBSERVABLE_KPIS`)
