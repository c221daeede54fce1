"""The contributions of a calibration (`contributions` and `contribution_settings` of
`calibration.json`): what each channel, the baseline and each demand driver produced of
each flow KPI over the history window, with 90% intervals over the posterior draws, the
ROI and the marginal ROI (see docs/calibration.md, "Contributions")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .base import Reader

#: kinds of entry: `in_total` entries add up to the total (with the interaction)
PARTS = ("channel", "baseline", "base", "driver", "interaction", "total")


@dataclass(frozen=True)
class KpiContribution:
    """One entry's share of one KPI: over the window (KPI units: money for revenue), its
    90% interval over the posterior draws, per period, and for a channel the ROI
    (contribution per money spent) and the marginal ROI (extra KPI per extra money at last
    year's spend), with their intervals; `widened` when an interval was widened to hold its
    value (the value at the fit's optimum outside the draws' 90%)."""

    contribution: float
    interval: tuple[float, float]
    periods: list[float]
    roi: float | None = None
    roi_interval: tuple[float, float] | None = None
    marginal_roi: float | None = None
    marginal_roi_interval: tuple[float, float] | None = None
    widened: bool = False

    def to_dict(self, channel: bool = False) -> dict[str, Any]:
        """`{contribution, interval, widened, periods}`, and for a `channel` `roi,
        roi_interval, marginal_roi, marginal_roi_interval` (null where no money was
        spent)."""
        out: dict[str, Any] = {"contribution": self.contribution,
                               "interval": list(self.interval), "widened": self.widened}
        if channel:
            out.update(roi=self.roi, roi_interval=_pair(self.roi_interval),
                       marginal_roi=self.marginal_roi,
                       marginal_roi_interval=_pair(self.marginal_roi_interval))
        out["periods"] = list(self.periods)
        return out

    @classmethod
    def from_dict(cls, r: Reader, raw: Any, where: str) -> KpiContribution:
        """Read one entry (or one `by_kpi` item)."""
        obj = r.mapping(raw, where)
        interval = r.interval(r.require(obj, "interval", where), f"{where}.interval")
        return cls(
            contribution=r.real(r.require(obj, "contribution", where), f"{where}.contribution"),
            interval=interval or (float("nan"), float("nan")),
            periods=[float("nan") if v is None else r.real(v, f"{where}.periods")
                     for v in r.listing(obj.get("periods") or [], f"{where}.periods")],
            roi=r.number(obj.get("roi"), f"{where}.roi", optional=True),
            roi_interval=r.interval(obj.get("roi_interval"), f"{where}.roi_interval"),
            marginal_roi=r.number(obj.get("marginal_roi"), f"{where}.marginal_roi",
                                  optional=True),
            marginal_roi_interval=r.interval(obj.get("marginal_roi_interval"),
                                             f"{where}.marginal_roi_interval"),
            widened=r.flag(obj.get("widened"), f"{where}.widened"))


@dataclass(frozen=True)
class ContributionEntry:
    """A channel, the baseline, the base demand, a driver, the interaction or the total;
    `values` by KPI, the headline KPI first."""

    name: str
    part: str
    in_total: bool
    values: dict[str, KpiContribution]
    spend: float | None = None  # a channel's money over the window

    def to_dict(self) -> dict[str, Any]:
        """The headline KPI's fields at the top, the other KPIs under `by_kpi`."""
        (_, head), *rest = self.values.items()
        return {"part": self.part, "in_total": self.in_total, "spend": self.spend,
                **head.to_dict(self.part == "channel"),
                "by_kpi": {k: v.to_dict(self.part == "channel") for k, v in rest}}

    @classmethod
    def from_dict(cls, r: Reader, name: str, raw: Any, kpi: str) -> ContributionEntry:
        """Read `contributions.<name>`; `kpi` is the headline KPI."""
        where = f"contributions.{name}"
        obj = r.mapping(raw, where)
        part = str(r.require(obj, "part", where))
        if part not in PARTS:
            raise r.fail(f"{where}.part must be one of {', '.join(PARTS)}, got {part!r}")
        values = {kpi: KpiContribution.from_dict(r, obj, where)}
        for k, v in r.mapping(obj.get("by_kpi") or {}, f"{where}.by_kpi").items():
            values[str(k)] = KpiContribution.from_dict(r, v, f"{where}.by_kpi.{k}")
        return cls(name=name, part=part, values=values,
                   in_total=r.flag(obj.get("in_total"), f"{where}.in_total"),
                   spend=r.number(obj.get("spend"), f"{where}.spend", optional=True))


@dataclass(frozen=True)
class Contributions:
    """Every entry (channels, baseline, drivers, interaction, total) and how they were
    computed: `draws` posterior draws, `replications` each on common random numbers,
    the marginal ROI's `step` (a fraction of last year's spend), and where the values are
    from: the decomposition at the fit's optimum over `at_optimum` replications, or with
    0 the mean over the draws."""

    kpi: str
    kpis: list[str]
    draws: int
    replications: int
    step: float
    entries: list[ContributionEntry] = field(default_factory=list)
    seconds: float = 0.0
    at_optimum: int = 0

    def entry(self, name: str) -> ContributionEntry:
        """The entry called `name` (KeyError when there is none)."""
        for e in self.entries:
            if e.name == name:
                return e
        raise KeyError(name)

    def frame(self) -> Any:
        """A tidy pandas DataFrame: one row per entry and KPI (name, part, in_total, kpi,
        contribution, low, high, widened, spend, roi, roi_low, roi_high, marginal_roi)."""
        import pandas as pd

        rows = []
        for e in self.entries:
            for kpi, v in e.values.items():
                roi = v.roi_interval or (None, None)
                rows.append({"name": e.name, "part": e.part, "in_total": e.in_total,
                             "kpi": kpi, "contribution": v.contribution,
                             "low": v.interval[0], "high": v.interval[1], "widened": v.widened,
                             "spend": e.spend,
                             "roi": v.roi, "roi_low": roi[0], "roi_high": roi[1],
                             "marginal_roi": v.marginal_roi})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """`contributions`: one entry per name."""
        return {e.name: e.to_dict() for e in self.entries}

    def settings(self) -> dict[str, Any]:
        """`contribution_settings`: the KPIs, the draws and the ROI's units."""
        return {"kpi": self.kpi, "kpis": self.kpis, "draws": self.draws,
                "replications": self.replications, "at_optimum": self.at_optimum,
                "marginal_step": self.step,
                "roi_units": {k: f"{k} per money spent" for k in self.kpis},
                "seconds": round(self.seconds, 2)}

    @classmethod
    def from_dict(cls, r: Reader, raw: Any, settings: Any) -> Contributions | None:
        """Read `contributions` and `contribution_settings` (None when absent)."""
        if not raw:
            return None
        meta = r.mapping(settings or {}, "contribution_settings")
        kpi = str(r.require(meta, "kpi", "contribution_settings"))
        entries = [ContributionEntry.from_dict(r, str(k), v, kpi)
                   for k, v in r.mapping(raw, "contributions").items()]
        return cls(kpi=kpi, kpis=[str(k) for k in r.listing(meta.get("kpis") or [kpi],
                                                              "contribution_settings.kpis")],
                   draws=r.count(meta.get("draws"), "contribution_settings.draws",
                                 optional=True),
                   replications=r.count(meta.get("replications"),
                                        "contribution_settings.replications", optional=True),
                   step=r.number(meta.get("marginal_step"), "contribution_settings."
                                 "marginal_step", optional=True) or 0.0,
                   entries=entries,
                   seconds=r.number(meta.get("seconds"), "contribution_settings.seconds",
                                    optional=True) or 0.0,
                   at_optimum=r.count(meta.get("at_optimum"),
                                      "contribution_settings.at_optimum", optional=True))


def _pair(pair: tuple[float, float] | None) -> list[float] | None:
    return None if pair is None else list(pair)
