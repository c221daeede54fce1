"""Base class of every scenario section: strict, immutable, documented."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A part of a scenario file. Unknown keys are errors (with a "did you mean")."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
