"""Calibrate a scenario to a company's history: the fit, its diagnostics, the fitted file.

`calibrate(loaded, CalibrationOptions(...))` returns a CalibrationResult;
`writeout.write_fitted_files(...)` writes the scenario with the estimates and the posterior
in place, `writeout.write_calibration(...)` calibration.json.
"""

from __future__ import annotations

from .result import CalibrationResult, ParameterEstimate
from .run import CalibrationOptions, calibrate

__all__ = ["CalibrationOptions", "CalibrationResult", "ParameterEstimate", "calibrate"]
