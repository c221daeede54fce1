"""`fitted_from:` the record a fitted scenario keeps of the history it was fitted to.

`mktsim calibrate --out` writes it; a fitted scenario starts the day after the history's
last period, from the state the market had reached (see docs/calibration.md, "The
fitted scenario"). `start_date` and `start_state` are the start of the scenario it was
fitted from, so that calibrating the fitted scenario again on a history that begins
before its own start simulates that history from where it began."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .base import Section
from .fields import Number


class FittedFrom(Section):
    """The history a fitted scenario was calibrated on, and where that calibration began."""

    history: str = Field(min_length=1, description="The history file, relative to the "
                         "scenario's folder (or absolute).")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$",
                        description="SHA-256 of the history file's bytes (hex).")
    first_day: dt.date = Field(description="First day of the history window.")
    last_day: dt.date = Field(description="Last day of the history window (the fitted "
                              "scenario starts the day after).")
    start_date: dt.date = Field(description="start_date of the scenario it was fitted from.")
    start_state: dict[str, Number] = Field(
        default_factory=dict,
        description="The start-state values (dotted paths) of the scenario it was fitted "
        "from, restored when the fitted scenario is calibrated on a history that begins "
        "before its own start.")
