"""The error of a parameter specification that cannot be understood."""

from __future__ import annotations


class ParamSpecError(ValueError):
    """A parameter specification could not be understood or is inconsistent."""
