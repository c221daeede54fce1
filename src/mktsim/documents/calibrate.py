"""The calibration document (`calibration.json`, kind "calibrate"): the estimates of the
freed values, the fit of each series, the posterior draws and the predictive bands
(written by `mktsim calibrate --out-dir` and `--format json`; see docs/calibration.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .base import Reader
from .contributions import Contributions

CALIBRATION_FILE = "calibration.json"


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
        """One entry of `parameters`."""
        return {"path": self.path, "estimate": self.estimate, "interval": list(self.interval),
                "prior": self.prior, "prior_interval": list(self.prior_interval),
                "identified": self.identified, "reason": self.reason,
                "would_identify": self.would_identify}

    @classmethod
    def from_dict(cls, r: Reader, i: int, raw: Any) -> ParameterEstimate:
        """Read `parameters[i]`."""
        where = f"parameters[{i}]"
        obj = r.mapping(raw, where)
        interval = r.interval(r.require(obj, "interval", where), f"{where}.interval")
        prior_interval = r.interval(obj.get("prior_interval"), f"{where}.prior_interval")
        return cls(path=str(r.require(obj, "path", where)),
                   estimate=r.real(r.require(obj, "estimate", where), f"{where}.estimate"),
                   interval=interval or (float("nan"), float("nan")),
                   prior=str(obj.get("prior") or ""),
                   prior_interval=prior_interval or (float("nan"), float("nan")),
                   identified=r.flag(obj.get("identified"), f"{where}.identified"),
                   reason=None if obj.get("reason") is None else str(obj["reason"]),
                   would_identify=None if obj.get("would_identify") is None
                   else str(obj["would_identify"]))


@dataclass(frozen=True)
class PosteriorDraws:
    """`posterior_draws`: how many rows, the freed paths (the columns), the groups of
    correlated paths drawn jointly, and the files written (None: not written)."""

    rows: int
    paths: list[str]
    joint: list[list[str]]
    file: str | None = None  # the draws CSV beside the fitted scenario
    fitted: str | None = None  # the fitted scenario

    def to_dict(self) -> dict[str, Any]:
        """`{rows, paths, joint, file, fitted}`."""
        return {"rows": self.rows, "paths": self.paths, "joint": self.joint,
                "file": self.file, "fitted": self.fitted}

    @classmethod
    def from_dict(cls, r: Reader, raw: Any) -> PosteriorDraws:
        """Read `posterior_draws`."""
        obj = r.mapping(raw or {}, "posterior_draws")
        return cls(rows=int(r.number(obj.get("rows"), "posterior_draws.rows",
                                     optional=True) or 0),
                   paths=[str(p) for p in r.listing(obj.get("paths") or [],
                                                    "posterior_draws.paths")],
                   joint=[[str(p) for p in r.listing(g, f"posterior_draws.joint[{i}]")]
                          for i, g in enumerate(r.listing(obj.get("joint") or [],
                                                          "posterior_draws.joint"))],
                   file=None if obj.get("file") is None else str(obj["file"]),
                   fitted=None if obj.get("fitted") is None else str(obj["fitted"]))


#: {kpi: {dates, observed, expected, low, high}}: one value per period (None: no data)
Bands = dict[str, dict[str, list[Any]]]


@dataclass(frozen=True)
class CalibrateDocument:
    """`calibration.json`: see docs/calibration.md.

    `fit` is per series `{r2, mape, wmape, nrmse, n, coverage, holdout: {...}}`;
    `contributions` what each channel, the baseline and each driver produced
    (`documents.contributions`);
    `correlated` pairs of freed paths whose estimates move together; `seconds` the time
    the fit took, the contributions included (their own share in
    `contribution_settings.seconds`)."""

    scenario: str
    history: str
    strategy: str
    period: str
    periods: int
    holdout: int
    parameters: list[ParameterEstimate]
    correlated: list[tuple[str, str, float]]
    fit: dict[str, dict[str, Any]]
    warnings: list[str]
    posterior_draws: PosteriorDraws
    evaluations: int
    seconds: float
    series: Bands = field(default_factory=dict)
    contributions: Contributions | None = None
    posterior: dict[str, Any] = field(default_factory=dict)  # how it was sampled
    # the candidate forms fitted, their scores and the one kept (None: no choice)
    choice: dict[str, Any] | None = None
    kind: str = field(default="calibrate")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document."""
        return {
            "kind": self.kind, "scenario": self.scenario, "history": self.history,
            "strategy": self.strategy, "period": self.period, "periods": self.periods,
            "holdout": self.holdout,
            "parameters": [p.to_dict() for p in self.parameters],
            "correlated": [{"pair": [a, b], "correlation": c} for a, b, c in self.correlated],
            "fit": self.fit, "warnings": self.warnings,
            "posterior_draws": self.posterior_draws.to_dict(),
            "evaluations": self.evaluations, "seconds": round(self.seconds, 2),
            "series": self.series, "posterior": self.posterior,
            "contributions": {} if self.contributions is None else self.contributions.to_dict(),
            "contribution_settings": None if self.contributions is None
            else self.contributions.settings(),
            "choice": self.choice,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CalibrateDocument:
        """Read and check a calibration (errors name `calibration.json` and the key)."""
        r = Reader(CALIBRATION_FILE)
        pairs = []
        for i, raw in enumerate(r.listing(data.get("correlated") or [], "correlated")):
            obj = r.mapping(raw, f"correlated[{i}]")
            pair = r.listing(r.require(obj, "pair", f"correlated[{i}]"), f"correlated[{i}].pair")
            if len(pair) != 2:
                raise r.fail(f"correlated[{i}].pair must name two paths")
            pairs.append((str(pair[0]), str(pair[1]),
                          r.real(obj.get("correlation"), f"correlated[{i}].correlation")))
        return cls(
            scenario=str(data.get("scenario") or ""), history=str(data.get("history") or ""),
            strategy=str(data.get("strategy") or ""), period=str(data.get("period") or ""),
            periods=int(r.number(data.get("periods"), "periods", optional=True) or 0),
            holdout=int(r.number(data.get("holdout"), "holdout", optional=True) or 0),
            parameters=[ParameterEstimate.from_dict(r, i, p) for i, p in
                        enumerate(r.listing(r.require(data, "parameters"), "parameters"))],
            correlated=pairs, fit=r.mapping(data.get("fit") or {}, "fit"),
            warnings=[str(w) for w in r.listing(data.get("warnings") or [], "warnings")],
            posterior_draws=PosteriorDraws.from_dict(r, data.get("posterior_draws")),
            evaluations=int(r.number(data.get("evaluations"), "evaluations",
                                     optional=True) or 0),
            seconds=r.number(data.get("seconds"), "seconds", optional=True) or 0.0,
            series={str(k): r.mapping(v, f"series.{k}")
                    for k, v in r.mapping(data.get("series") or {}, "series").items()},
            contributions=Contributions.from_dict(r, data.get("contributions"),
                                                  data.get("contribution_settings")),
            posterior=dict(r.mapping(data.get("posterior") or {}, "posterior")),
            choice=None if data.get("choice") is None
            else dict(r.mapping(data["choice"], "choice")))
