"""`calibration:`: how to fit the scenario to the company's history, reproducibly."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..kpis import KPIS
from .base import Section
from .fields import NonNegative


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
    weights: dict[str, NonNegative] = Field(default_factory=dict,
                                      description="Per-series weight of the likelihood "
                                      "(default 1).")
    holdout: int = Field(0, ge=0, le=100_000, description="Last periods kept out of the fit.")
    replications: int = Field(8, ge=2, le=200, description="Replications averaged into "
                              "the expected path (common random numbers).")


#: series a history file may carry, so the series a weight may name (levels and flows,
#: and market share: the same list as `history.model.OBSERVABLE_KPIS`)
WEIGHTED_KPIS = tuple(name for name, k in KPIS.items()
                      if k.kind in ("stock", "flow") or name == "market_share")


def check_calibration(c: Any) -> None:
    """Cross checks of `calibration:` (a `crosscheck.Checker`): the strategy exists, every
    prior is a range or distribution in the sweep syntax over a value that may be freed,
    every weight names a series a history may carry."""
    from ..params import ParamSpecError, parse_design_mapping
    from .uncertain import FIXED

    section = c.spec.calibration
    if section is None:
        return
    c.known(("calibration", "strategy"), section.strategy, c.spec.strategies, "strategy")
    for path, spec in section.parameters.items():
        where = ("calibration", "parameters", path)
        try:
            (prior,) = parse_design_mapping({path: spec})
        except ParamSpecError as exc:
            c.error(where, f"prior: {exc}", PRIOR_HINT)
            continue
        if prior.kind in ("levels", "draws"):
            c.error(where, f"a calibrated value needs a range or a distribution, not "
                    f"{prior.kind}", PRIOR_HINT)
        elif path.split(".")[0] in FIXED:
            c.error(where, f"{path} cannot be calibrated",
                    "free market, product, channel, team or crm values")
    for kpi in section.weights:
        c.known(("calibration", "weights", kpi), kpi, WEIGHTED_KPIS, "series")


PRIOR_HINT = "e.g. 0.05:0.4 (uniform) or normal(0.3, 0.05)"
