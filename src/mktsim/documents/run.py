"""The run document (`run.json`): one strategy's KPIs, target verdicts, series, channels,
budget, leaks and rule decisions. `RunResult.to_dict` writes it; the report reads it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .base import Reader, clean

RUN_FILE = "run.json"
KPI_KINDS = ("stock", "flow", "ratio")
QUANTILES = ("mean", "p5", "p50", "p95")


@dataclass(frozen=True)
class Kpi:
    """A KPI at the horizon: distribution summary over replications."""

    name: str
    unit: str
    kind: str
    mean: float
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """`{mean, p5, p50, p95, unit, kind}`."""
        return {"mean": self.mean, "p5": self.p5, "p50": self.p50, "p95": self.p95,
                "unit": self.unit, "kind": self.kind}

    @classmethod
    def from_dict(cls, r: Reader, name: str, raw: Any) -> Kpi:
        """Read `kpis.<name>`."""
        where = f"kpis.{name}"
        obj = r.mapping(raw, where)
        kind = str(obj.get("kind", "stock"))
        if kind not in KPI_KINDS:
            raise r.fail(f"{where}.kind must be one of {', '.join(KPI_KINDS)}, got {kind!r}")
        return cls(name=name, unit=str(r.require(obj, "unit", where)), kind=kind,
                   mean=r.real(r.require(obj, "mean", where), f"{where}.mean"),
                   p5=r.number(obj.get("p5"), f"{where}.p5", optional=True),
                   p50=r.number(obj.get("p50"), f"{where}.p50", optional=True),
                   p95=r.number(obj.get("p95"), f"{where}.p95", optional=True))


@dataclass(frozen=True)
class Target:
    """A SMART target and how likely the plan is to reach it."""

    id: str
    metric: str
    threshold: float
    direction: str
    by: date
    probability: float
    interval: tuple[float, float] | None = None
    confidence: float | None = None
    met: bool | None = None
    verdict: str = ""
    level: str | None = ""  # the writer keeps None (null) for a target without one
    serves: str | None = ""
    owner: str | None = ""
    value: Mapping[str, float | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """One entry of `targets`."""
        return {"id": self.id, "metric": self.metric, "threshold": self.threshold,
                "direction": self.direction, "by": self.by, "level": self.level,
                "confidence": self.confidence, "serves": self.serves, "owner": self.owner,
                "probability": self.probability,
                "interval": None if self.interval is None else list(self.interval),
                "met": self.met, "verdict": self.verdict, "value": self.value}

    @classmethod
    def from_dict(cls, r: Reader, i: int, raw: Any) -> Target:
        """Read `targets[i]`."""
        where = f"targets[{i}]"
        obj = r.mapping(raw, where)
        value = obj.get("value") or {}
        met = obj.get("met")
        return cls(
            id=str(r.require(obj, "id", where)),
            metric=str(r.require(obj, "metric", where)),
            threshold=r.real(r.require(obj, "threshold", where), f"{where}.threshold"),
            direction=str(obj.get("direction", "at_least")),
            by=r.day(r.require(obj, "by", where), f"{where}.by"),
            probability=r.real(r.require(obj, "probability", where), f"{where}.probability"),
            interval=r.interval(obj.get("interval"), f"{where}.interval"),
            confidence=r.number(obj.get("confidence"), f"{where}.confidence", optional=True),
            met=None if met is None else bool(met),
            verdict=str(obj.get("verdict") or ""),
            level=_text_or_none(obj.get("level")),
            serves=_text_or_none(obj.get("serves")),
            owner=_text_or_none(obj.get("owner")),
            value={q: r.number(v, f"{where}.value.{q}", optional=True)
                   for q, v in r.mapping(value, f"{where}.value").items() if q in QUANTILES},
        )


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Series:
    """Daily trajectories: one entry per day for each KPI and quantile."""

    day: list[int]
    dates: list[date]
    kpis: dict[str, dict[str, list[float]]]

    def to_dict(self) -> dict[str, Any]:
        """`{day, date, <kpi>: {mean, p5, p50, p95}}`."""
        return {"day": self.day, "date": self.dates, **self.kpis}

    @classmethod
    def from_dict(cls, r: Reader, raw: Any) -> Series:
        """Read `series`: every list one value per day."""
        obj = r.mapping(raw, "series")
        days = [int(r.real(d, "series.day"))
                for d in r.listing(r.require(obj, "day", "series"), "series.day")]
        dates = [r.day(d, "series.date")
                 for d in r.listing(r.require(obj, "date", "series"), "series.date")]
        if len(days) != len(dates):
            raise r.fail("series.day and series.date have different lengths")
        kpis: dict[str, dict[str, list[float]]] = {}
        for name, per_q in obj.items():
            if name in ("day", "date"):
                continue
            where = f"series.{name}"
            kpis[name] = {}
            for q, values in r.mapping(per_q, where).items():
                numbers = [_nan_if_none(r.number(v, f"{where}.{q}", optional=True))
                           for v in r.listing(values, f"{where}.{q}")]
                if len(numbers) != len(days):
                    raise r.fail(f"{where}.{q} has {len(numbers)} values for {len(days)} days")
                kpis[name][q] = numbers
            if "mean" not in kpis[name]:
                raise r.fail(f"missing key 'mean' in {where}")
        return cls(day=days, dates=dates, kpis=kpis)


def _nan_if_none(value: float | None) -> float:
    return math.nan if value is None else value


@dataclass(frozen=True)
class Channel:
    """Per-channel outcome (values are means over replications)."""

    name: str
    type: str
    values: dict[str, float | None] = field(default_factory=dict)
    #: `{units, revenue, margin, roi, cac}`, each `{mean, interval}`: what the plan loses
    #: without the channel (None: not measured, or the channel had no money)
    incremental: dict[str, dict[str, Any]] | None = None

    @property
    def spend(self) -> float | None:
        """Money spent in the channel."""
        return self.values.get("spend")

    @property
    def revenue(self) -> float | None:
        """Revenue attributed to the channel."""
        return self.values.get("revenue")

    @property
    def roi(self) -> float | None:
        """Return on investment of the channel: incremental when measured, else last
        touch."""
        if self.incremental and self.incremental.get("roi"):
            return self.incremental["roi"].get("mean")
        return self.values.get("roi")

    def to_dict(self) -> dict[str, Any]:
        """`{name, type, <value>: {mean}, incremental}`."""
        out: dict[str, Any] = {"name": self.name, "type": self.type,
                               **{k: {"mean": v} for k, v in self.values.items()}}
        if self.incremental is not None:
            out["incremental"] = self.incremental
        return out

    @classmethod
    def from_dict(cls, r: Reader, i: int, raw: Any) -> Channel:
        """Read `channels[i]`: values as numbers or `{"mean": x}`."""
        where = f"channels[{i}]"
        obj = r.mapping(raw, where)
        values = {str(k): _mean_of(r, v, f"{where}.{k}") for k, v in obj.items()
                  if k not in ("name", "type", "incremental")
                  and (v is None or isinstance(v, int | float | Mapping))}
        found = obj.get("incremental")
        return cls(name=str(r.require(obj, "name", where)), type=str(obj.get("type") or ""),
                   values=values,
                   incremental=None if found is None else _incremental(r, found, where))


def _incremental(r: Reader, raw: Any, where: str) -> dict[str, dict[str, Any]]:
    """Read `channels[i].incremental`: `{measure: {mean, interval}}`."""
    obj = r.mapping(raw, f"{where}.incremental")
    out: dict[str, dict[str, Any]] = {}
    for k, v in obj.items():
        at = f"{where}.incremental.{k}"
        est = r.mapping(v, at)
        interval = r.listing(est.get("interval") or [None, None], f"{at}.interval")
        out[str(k)] = {"mean": r.number(est.get("mean"), f"{at}.mean", optional=True),
                       "interval": [r.number(x, f"{at}.interval", optional=True)
                                    for x in interval]}
    return out


def _mean_of(r: Reader, raw: Any, where: str) -> float | None:
    """Read ``{"mean": x}`` (or a bare number) as x."""
    if raw is None or isinstance(raw, int | float):
        return r.number(raw, where, optional=True)
    return r.number(r.mapping(raw, where).get("mean"), f"{where}.mean", optional=True)


@dataclass(frozen=True)
class Decision:
    """A rule that acted during the simulation, grouped over replications."""

    day: int
    date: date | None
    rule: str
    action: str
    args: dict[str, Any]
    seen: dict[str, Any]
    fraction_of_replications: float | None
    status: str = ""

    def to_dict(self) -> dict[str, Any]:
        """One entry of `decisions`."""
        return {"day": self.day, "date": self.date, "rule": self.rule, "action": self.action,
                "status": self.status, "args": self.args, "seen": self.seen,
                "fraction_of_replications": self.fraction_of_replications}

    @classmethod
    def from_dict(cls, r: Reader, i: int, raw: Any) -> Decision:
        """Read `decisions[i]`."""
        where = f"decisions[{i}]"
        obj = r.mapping(raw, where)
        when = obj.get("date")
        return cls(
            day=int(r.real(r.require(obj, "day", where), f"{where}.day")),
            date=None if when is None else r.day(when, f"{where}.date"),
            rule=str(obj.get("rule") or ""),
            action=str(obj.get("action") or ""),
            args=r.mapping(obj.get("args") or {}, f"{where}.args"),
            seen=r.mapping(obj.get("seen") or {}, f"{where}.seen"),
            fraction_of_replications=r.number(obj.get("fraction_of_replications"),
                                              f"{where}.fraction_of_replications",
                                              optional=True),
            status=str(obj.get("status") or ""),
        )


@dataclass(frozen=True)
class CompetitorMove:
    """A competitor's reaction, grouped over replications: the day it took effect (or, for
    a reaction not made, the day of the look), what it did and what it had seen."""

    day: int
    date: date | None
    competitor: str
    reaction: str
    action: str
    status: str
    args: dict[str, Any]
    seen: dict[str, Any]
    seen_on: float | None  # mean day of the look that saw the condition become true
    fraction_of_replications: float | None

    def to_dict(self) -> dict[str, Any]:
        """One entry of `competitor_moves`."""
        return {"day": self.day, "date": self.date, "competitor": self.competitor,
                "reaction": self.reaction, "action": self.action, "status": self.status,
                "args": self.args, "seen": self.seen, "seen_on": self.seen_on,
                "fraction_of_replications": self.fraction_of_replications}

    @classmethod
    def from_dict(cls, r: Reader, i: int, raw: Any) -> CompetitorMove:
        """Read `competitor_moves[i]`."""
        where = f"competitor_moves[{i}]"
        obj = r.mapping(raw, where)
        when = obj.get("date")
        return cls(
            day=int(r.real(r.require(obj, "day", where), f"{where}.day")),
            date=None if when is None else r.day(when, f"{where}.date"),
            competitor=str(obj.get("competitor") or ""),
            reaction=str(obj.get("reaction") or ""),
            action=str(obj.get("action") or ""),
            status=str(obj.get("status") or ""),
            args=r.mapping(obj.get("args") or {}, f"{where}.args"),
            seen=r.mapping(obj.get("seen") or {}, f"{where}.seen"),
            seen_on=r.number(obj.get("seen_on"), f"{where}.seen_on", optional=True),
            fraction_of_replications=r.number(obj.get("fraction_of_replications"),
                                              f"{where}.fraction_of_replications",
                                              optional=True),
        )


Budget = dict[str, dict[str, float]]


@dataclass(frozen=True)
class RunDocument:
    """`run.json`: see docs/results-format.md."""

    name: str
    strategy: str
    currency: str
    start_date: date
    horizon_days: int
    replications: int
    seed: int | None
    version: str
    scenario_hash: str
    kpis: dict[str, Kpi]
    targets: list[Target]
    series: Series | None = None
    channels: list[Channel] = field(default_factory=list)
    budget: Budget = field(default_factory=dict)  # by channel, then month YYYY-MM
    leaks: dict[str, Any] = field(default_factory=dict)  # names of documents.leaks.LEAKS
    decisions: list[Decision] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    competitor_moves: list[CompetitorMove] = field(default_factory=list)
    #: per promotion: name, product, start, days, discount, and gross_lift, dip, net_lift,
    #: moved_forward, brand_switching, category_expansion, margin_change, discount_cost,
    #: net_roi, each {mean, interval}
    promotions: list[dict[str, Any]] = field(default_factory=list)
    observed: Sequence[Mapping[Any, Any]] = field(default_factory=list)
    all_targets: dict[str, Any] | None = None
    market_size: float | None = None
    spend: dict[str, float | None] | None = None  # budget, media, commissions, ... total
    fixed: dict[str, str] = field(default_factory=dict)  # --set path -> undrawn uncertainty
    parameter_uncertainty: list[str] | None = None  # paths drawn per replication
    #: {draws file: paths drawn jointly from its rows} (scenario.uncertainty.joint_draws)
    joint_draws: dict[str, list[str]] | None = None
    #: kind (channels, segments, products, teams, strategies, targets, objectives) -> key ->
    #: label (text, or {en: ..., zh: ...}) for the keys of the scenario that carry one
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    scenario: str = ""  # the scenario file the run came from
    kind: str = "run"

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (strict JSON values)."""
        doc: dict[str, Any] = {
            "kind": self.kind, "name": self.name, "scenario_hash": self.scenario_hash,
            "strategy": self.strategy, "seed": self.seed, "replications": self.replications,
            "version": self.version, "currency": self.currency,
            "start_date": self.start_date, "horizon_days": self.horizon_days,
            "market_size": self.market_size,
            "kpis": {k: v.to_dict() for k, v in self.kpis.items()},
            "targets": [t.to_dict() for t in self.targets],
            "channels": [c.to_dict() for c in self.channels],
            "budget": {"by_channel_month": self.budget},
            "leaks": self.leaks,
            "decisions": [d.to_dict() for d in self.decisions],
            "competitor_moves": [m.to_dict() for m in self.competitor_moves],
            "promotions": self.promotions,
            "rules": self.rules,
            "observed": self.observed,
        }
        if self.spend is not None:
            doc["spend"] = self.spend
        if self.fixed:
            doc["fixed"] = self.fixed
        if self.parameter_uncertainty:
            doc["parameter_uncertainty"] = self.parameter_uncertainty
        if self.joint_draws:
            doc["joint_draws"] = self.joint_draws
        if self.labels:
            doc["labels"] = self.labels
        if self.scenario:
            doc["scenario"] = self.scenario
        if self.all_targets is not None:
            doc["all_targets"] = self.all_targets
        if self.series is not None:
            doc["series"] = self.series.to_dict()
        return clean(doc)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], default_name: str = "") -> RunDocument:
        """Read and check a run document (errors name `run.json` and the key)."""
        r = Reader(RUN_FILE)
        kpis_raw = r.mapping(r.require(data, "kpis"), "kpis")
        targets_raw = r.listing(data.get("targets") or [], "targets")
        return cls(
            name=str(data.get("name") or default_name),
            strategy=str(data.get("strategy") or ""),
            currency=str(data.get("currency") or ""),
            start_date=r.day(r.require(data, "start_date"), "start_date"),
            horizon_days=int(r.real(r.require(data, "horizon_days"), "horizon_days")),
            replications=int(r.real(r.require(data, "replications"), "replications")),
            seed=None if data.get("seed") is None else int(r.real(data["seed"], "seed")),
            version=str(data.get("version") or ""),
            scenario_hash=str(data.get("scenario_hash") or ""),
            kpis={str(k): Kpi.from_dict(r, str(k), v) for k, v in kpis_raw.items()},
            targets=[Target.from_dict(r, i, t) for i, t in enumerate(targets_raw)],
            series=Series.from_dict(r, data["series"]) if data.get("series") else None,
            channels=[Channel.from_dict(r, i, c)
                      for i, c in enumerate(r.listing(data.get("channels") or [], "channels"))],
            budget=_budget(r, data["budget"]) if data.get("budget") else {},
            leaks=r.mapping(data.get("leaks") or {}, "leaks"),
            decisions=[Decision.from_dict(r, i, d) for i, d in
                       enumerate(r.listing(data.get("decisions") or [], "decisions"))],
            rules=list(r.listing(data.get("rules") or [], "rules")),
            competitor_moves=[CompetitorMove.from_dict(r, i, m) for i, m in enumerate(
                r.listing(data.get("competitor_moves") or [], "competitor_moves"))],
            promotions=[_promotion(r, i, p) for i, p in enumerate(
                r.listing(data.get("promotions") or [], "promotions"))],
            observed=list(r.listing(data.get("observed") or [], "observed")),
            all_targets=r.mapping(data["all_targets"], "all_targets")
            if data.get("all_targets") else None,
            market_size=r.number(data.get("market_size"), "market_size", optional=True),
            spend=_spend(r, data["spend"]) if data.get("spend") else None,
            fixed={str(k): str(v) for k, v in r.mapping(data.get("fixed") or {}, "fixed").items()},
            parameter_uncertainty=[str(p) for p in r.listing(
                data.get("parameter_uncertainty") or [], "parameter_uncertainty")] or None,
            joint_draws={str(k): [str(p) for p in r.listing(v, f"joint_draws.{k}")]
                         for k, v in r.mapping(data.get("joint_draws") or {},
                                               "joint_draws").items()} or None,
            labels=_labels(r, data.get("labels")),
            scenario=str(data.get("scenario") or ""),
        )


def _promotion(r: Reader, i: int, raw: Any) -> dict[str, Any]:
    """Read `promotions[i]`: its measures are numbers or `{mean, interval}`."""
    where = f"promotions[{i}]"
    obj = dict(r.mapping(raw, where))
    for key in ("gross_lift", "dip", "net_lift", "net_roi"):
        value = obj.get(key)
        mean = value.get("mean") if isinstance(value, Mapping) else value
        r.number(mean, f"{where}.{key}", optional=True)
    return obj


def _labels(r: Reader, raw: Any) -> dict[str, dict[str, Any]]:
    """Read `labels`: kind -> key -> text or {lang: text} (anything else is left out)."""
    out: dict[str, dict[str, Any]] = {}
    for kind, per in r.mapping(raw or {}, "labels").items():
        found: dict[str, Any] = {}
        for key, text in r.mapping(per, f"labels.{kind}").items():
            if isinstance(text, str):
                found[str(key)] = text
            elif isinstance(text, Mapping):
                found[str(key)] = {str(k): str(v) for k, v in text.items()
                                   if isinstance(v, str)}
        out[str(kind)] = found
    return out


def _budget(r: Reader, raw: Any) -> Budget:
    obj = r.mapping(raw, "budget")
    by = r.mapping(obj.get("by_channel_month") or {}, "budget.by_channel_month")
    return {str(ch): {str(month): r.real(v, f"budget.by_channel_month.{ch}.{month}")
                      for month, v in r.mapping(months, f"budget.by_channel_month.{ch}").items()}
            for ch, months in by.items()}


SPEND_KEYS = ("budget", "media", "commissions", "loyalty", "training", "research", "total")


def _spend(r: Reader, raw: Any) -> dict[str, float | None]:
    """Read `spend`: money by line (each key optional; `budget` may be null)."""
    obj = r.mapping(raw, "spend")
    return {k: r.number(obj.get(k), f"spend.{k}", optional=True)
            for k in SPEND_KEYS if k in obj}
