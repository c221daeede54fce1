"""What `calibrate` returns: the estimates, the fit, the posterior draws and the bands,
with its document (`calibration.json`, `mktsim.documents.calibrate`) and a tidy frame.
The files are written by `calibrate.writeout` (`write_fitted_files`,
`write_calibration`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..documents.calibrate import CalibrateDocument, ParameterEstimate, PosteriorDraws
from ..documents.contributions import Contributions
from .identify import joint_groups
from .serial import Wander

if TYPE_CHECKING:
    from .choice import Choice
    from .end_state import EndState

__all__ = ["CalibrationResult", "ParameterEstimate", "SeriesBand"]


@dataclass(frozen=True)
class SeriesBand:
    """A series' history beside the simulated expected path and 90% predictive band."""

    observed: np.ndarray
    expected: np.ndarray
    low: np.ndarray
    high: np.ndarray
    wander: Wander = field(default_factory=Wander)  # widens it after the window (band.py)


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
    # how the posterior was sampled: method, effective_sample_size, evaluations, rounds,
    # rival_optima
    posterior: dict[str, Any] = field(default_factory=dict)
    evaluations: int = 0
    seconds: float = 0.0
    overrides: tuple[str, ...] = ()  # the --set values the calibrated scenario was read with
    fitted: Path | None = None  # the fitted scenario, once written
    draws_file: Path | None = None  # the posterior draws beside it, once written
    contributions: Contributions | None = None  # by channel, baseline and driver
    end_state: EndState | None = None  # the state at the history's end, per posterior draw
    choice: Choice | None = None  # the candidate forms fitted and the one kept

    def joint_groups(self) -> list[list[str]]:
        """Freed paths written as joint draws: those whose posterior draws are correlated;
        all of them (with the start state) when the end of the history was simulated."""
        if self.end_state is not None and self.priors:
            return [[p.path for p in self.priors]]
        return joint_groups([p.path for p in self.priors], self.draws)

    def document(self) -> CalibrateDocument:
        """The typed calibration document."""
        return CalibrateDocument(
            scenario=self.scenario, history=self.history, strategy=self.strategy,
            period=self.period, periods=self.periods, holdout=self.holdout,
            parameters=list(self.parameters), correlated=list(self.correlated),
            fit=self.fit, warnings=self.warnings, posterior=self.posterior,
            posterior_draws=PosteriorDraws(
                rows=int(self.draws.shape[0]), paths=[p.path for p in self.priors],
                joint=self.joint_groups(),
                file=None if self.draws_file is None else str(self.draws_file),
                fitted=None if self.fitted is None else str(self.fitted)),
            evaluations=self.evaluations, seconds=self.seconds,
            series={k: {"dates": self.dates, "observed": _list(b.observed),
                        "expected": _list(b.expected), "low": _list(b.low),
                        "high": _list(b.high)} for k, b in self.bands.items()},
            contributions=self.contributions,
            choice=None if self.choice is None else self.choice.to_dict())

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (`calibration.json`)."""
        return self.document().to_dict()

    def frame(self) -> pd.DataFrame:
        """One row per freed value: path, estimate, low, high (90% interval), prior,
        identified."""
        return pd.DataFrame([{"path": p.path, "estimate": p.estimate, "low": p.interval[0],
                              "high": p.interval[1], "prior": p.prior,
                              "identified": p.identified} for p in self.parameters],
                            columns=["path", "estimate", "low", "high", "prior", "identified"])

    def write_fitted(self, out: str | Path) -> Path:
        """Write the fitted scenario to `out` and its posterior draws beside it
        (`calibrate.writeout.write_fitted_files`)."""
        from .writeout import write_fitted_files

        return write_fitted_files(self, out)

    def save(self, out_dir: str | Path) -> Path:
        """Write calibration.json into `out_dir` (`calibrate.writeout.write_calibration`)."""
        from .writeout import write_calibration

        return write_calibration(self, out_dir)


def _list(a: np.ndarray) -> list[float | None]:
    return [None if not np.isfinite(x) else float(x) for x in a]
