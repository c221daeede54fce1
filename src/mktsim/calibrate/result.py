"""The calibration's result document (JSON: kind "calibrate")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ParameterEstimate:
    """One free parameter: estimate, 90% interval, prior and whether it is identified."""

    path: str
    estimate: float
    interval: tuple[float, float]
    prior: str
    prior_interval: tuple[float, float]
    identified: bool
    reason: str | None = None
    would_identify: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"path": self.path, "estimate": self.estimate, "interval": list(self.interval),
                "prior": self.prior, "prior_interval": list(self.prior_interval),
                "identified": self.identified, "reason": self.reason,
                "would_identify": self.would_identify}


@dataclass(frozen=True)
class SeriesBand:
    """A series' history beside the simulated expected path and 90% predictive band."""

    observed: np.ndarray
    expected: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass
class CalibrationResult:
    """Everything `mktsim calibrate` reports and writes."""

    scenario: str
    history: str
    strategy: str
    period: str
    periods: int
    holdout: int
    dates: list[str]
    parameters: list[ParameterEstimate]
    fit: dict[str, dict[str, Any]]
    correlated: list[tuple[str, str, float]]
    bands: dict[str, SeriesBand]
    draws: np.ndarray  # [n_draws, n_params] posterior draws of the values
    priors: list[Any] = field(default_factory=list)  # sweep Parameters, in order
    warnings: list[str] = field(default_factory=list)
    evaluations: int = 0
    seconds: float = 0.0
    overrides: tuple[str, ...] = ()  # the --set values the calibrated scenario was read with
    fitted: Path | None = None  # the fitted scenario, once written
    draws_file: Path | None = None  # the posterior draws beside it, once written

    def joint_groups(self) -> list[list[str]]:
        """Freed paths whose posterior draws are correlated, written as joint draws."""
        from .writeout import joint_groups

        return joint_groups([p.path for p in self.priors], self.draws)

    def fitted_text(self, out: Path | None = None) -> str:
        """The fitted scenario's YAML (estimates in place, posterior as uncertainties:);
        relative file references rewritten for a file written at `out`."""
        from .writeout import write_fitted

        return write_fitted(Path(self.scenario), self, self.overrides, out)

    def write_fitted(self, out: str | Path) -> Path:
        """Write the fitted scenario to `out` and its posterior draws beside it as
        `<stem>.draws.csv` (each atomically, the draws first: the scenario refers to
        them)."""
        from ..documents.files import write_atomic
        from .writeout import draws_csv, draws_name

        target = Path(out)
        text = self.fitted_text(target)
        draws = target.with_name(draws_name(target, Path(self.scenario)))
        write_atomic(draws, draws_csv(self))
        write_atomic(target, text)
        self.fitted, self.draws_file = target, draws
        return target

    def save(self, out_dir: str | Path) -> Path:
        """Write calibration.json into `out_dir` (created when missing); the reports are
        written by `Scenario.calibrate(out_dir=..., reports=...)`."""
        from ..documents.files import write_atomic

        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / "calibration.json", json.dumps(self.to_dict(), indent=2))
        return folder / "calibration.json"

    def to_dict(self) -> dict[str, Any]:
        """The JSON document."""
        return {
            "kind": "calibrate", "scenario": self.scenario, "history": self.history,
            "strategy": self.strategy, "period": self.period, "periods": self.periods,
            "holdout": self.holdout,
            "parameters": [p.to_dict() for p in self.parameters],
            "correlated": [{"pair": [a, b], "correlation": r} for a, b, r in self.correlated],
            "fit": self.fit, "warnings": self.warnings,
            "posterior_draws": {
                "rows": int(self.draws.shape[0]), "paths": [p.path for p in self.priors],
                "joint": self.joint_groups(),
                "file": None if self.draws_file is None else str(self.draws_file),
                "fitted": None if self.fitted is None else str(self.fitted)},
            "evaluations": self.evaluations, "seconds": round(self.seconds, 2),
            "series": {k: {"dates": self.dates, "observed": _list(b.observed),
                           "expected": _list(b.expected), "low": _list(b.low),
                           "high": _list(b.high)} for k, b in self.bands.items()},
        }


def _list(a: np.ndarray) -> list[float | None]:
    return [None if not np.isfinite(x) else float(x) for x in a]
