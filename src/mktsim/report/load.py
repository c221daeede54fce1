"""Read a results folder (``run.json`` plus optional companions) into typed objects.

The layout of the folder is described in ``docs/results-format.md``.  Every
problem is reported as a :class:`ReportError` naming the file and what is
wrong with it, so a user who points the report at the wrong folder knows why.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

RUN_FILE = "run.json"
COMPARE_FILE = "compare.json"
OPTIMIZE_FILE = "optimize.json"
ANALYZE_FILE = "analyze.json"
SWEEP_MANIFEST = "manifest.json"
SWEEP_SCENARIO = "scenario.json"

KPI_KINDS = ("stock", "flow", "ratio")
QUANTILES = ("mean", "p5", "p50", "p95")


class ReportError(ValueError):
    """The results folder cannot be turned into a report."""


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
    level: str = ""
    serves: str = ""
    owner: str = ""
    value: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Series:
    """Daily trajectories: one entry per day for each KPI and quantile."""

    day: list[int]
    dates: list[date]
    kpis: dict[str, dict[str, list[float]]]


@dataclass(frozen=True)
class Channel:
    """Per-channel outcome (values are means over replications)."""

    name: str
    type: str
    values: dict[str, float | None] = field(default_factory=dict)

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
        """Return on investment of the channel."""
        return self.values.get("roi")


@dataclass(frozen=True)
class Decision:
    """A rule that fired during the simulation."""

    day: int
    date: date | None
    rule: str
    action: str
    args: dict[str, Any]
    seen: dict[str, Any]
    fraction_of_replications: float | None
    status: str = ""


@dataclass(frozen=True)
class Results:
    """Everything a report needs from a results folder."""

    folder: Path
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
    budget: dict[str, dict[str, float]] = field(default_factory=dict)
    leaks: dict[str, Any] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    all_targets: dict[str, Any] | None = None
    market_size: float | None = None
    compare: dict[str, Any] | None = None
    optimize: dict[str, Any] | None = None
    analyze: dict[str, Any] | None = None
    sweep: dict[str, Any] | None = None

    @property
    def is_sweep(self) -> bool:
        """True for a sweep folder (no single run: analysis of many input values)."""
        return self.sweep is not None


class _Reader:
    """Helpers that read typed values from one JSON document, naming it in errors."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, what: str) -> ReportError:
        """Build an error that names the file."""
        return ReportError(f"{self.filename}: {what}")

    def require(self, obj: Mapping[str, Any], key: str, where: str = "") -> Any:
        """Return ``obj[key]`` or raise naming the missing key."""
        if not isinstance(obj, Mapping):
            raise self.fail(f"{where or 'document'} must be an object")
        if key not in obj:
            place = f" in {where}" if where else ""
            raise self.fail(f"missing key '{key}'{place}")
        return obj[key]

    def number(self, value: Any, where: str, optional: bool = False) -> float | None:
        """Convert to float; ``None`` allowed only when ``optional``."""
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{where} must be a number, got {value!r}")
        return float(value)

    def real(self, value: Any, where: str) -> float:
        """Convert to float, refusing ``None``."""
        result = self.number(value, where)
        assert result is not None
        return result

    def day(self, value: Any, where: str) -> date:
        """Parse an ISO date (YYYY-MM-DD)."""
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            raise self.fail(f"{where} must be a date YYYY-MM-DD, got {value!r}") from None

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        """Check that ``value`` is a JSON object."""
        if not isinstance(value, Mapping):
            raise self.fail(f"{where} must be an object")
        return dict(value)

    def listing(self, value: Any, where: str) -> list[Any]:
        """Check that ``value`` is a JSON array."""
        if not isinstance(value, list):
            raise self.fail(f"{where} must be a list")
        return value


def read_json(path: Path, kind: str) -> dict[str, Any]:
    """Read one JSON document and check its ``kind``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path.name}: is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path.name}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise ReportError(f"{path.name}: must hold a JSON object")
    found = data.get("kind")
    if found is not None and found != kind:
        raise ReportError(f"{path.name}: 'kind' is {found!r}, expected {kind!r}")
    return data


def _kpi(r: _Reader, name: str, raw: Any) -> Kpi:
    where = f"kpis.{name}"
    obj = r.mapping(raw, where)
    kind = str(obj.get("kind", "stock"))
    if kind not in KPI_KINDS:
        raise r.fail(f"{where}.kind must be one of {', '.join(KPI_KINDS)}, got {kind!r}")
    return Kpi(
        name=name,
        unit=str(r.require(obj, "unit", where)),
        kind=kind,
        mean=r.real(r.require(obj, "mean", where), f"{where}.mean"),
        p5=r.number(obj.get("p5"), f"{where}.p5", optional=True),
        p50=r.number(obj.get("p50"), f"{where}.p50", optional=True),
        p95=r.number(obj.get("p95"), f"{where}.p95", optional=True),
    )


def _interval(r: _Reader, raw: Any, where: str) -> tuple[float, float] | None:
    if raw is None:
        return None
    pair = r.listing(raw, where)
    if len(pair) != 2:
        raise r.fail(f"{where} must be [low, high]")
    return (r.real(pair[0], f"{where}[0]"), r.real(pair[1], f"{where}[1]"))


def _target(r: _Reader, i: int, raw: Any) -> Target:
    where = f"targets[{i}]"
    obj = r.mapping(raw, where)
    value = obj.get("value") or {}
    met = obj.get("met")
    return Target(
        id=str(r.require(obj, "id", where)),
        metric=str(r.require(obj, "metric", where)),
        threshold=r.real(r.require(obj, "threshold", where), f"{where}.threshold"),
        direction=str(obj.get("direction", "at_least")),
        by=r.day(r.require(obj, "by", where), f"{where}.by"),
        probability=r.real(r.require(obj, "probability", where), f"{where}.probability"),
        interval=_interval(r, obj.get("interval"), f"{where}.interval"),
        confidence=r.number(obj.get("confidence"), f"{where}.confidence", optional=True),
        met=None if met is None else bool(met),
        verdict=str(obj.get("verdict") or ""),
        level=str(obj.get("level") or ""),
        serves=str(obj.get("serves") or ""),
        owner=str(obj.get("owner") or ""),
        value={
            q: r.number(v, f"{where}.value.{q}", optional=True)
            for q, v in r.mapping(value, f"{where}.value").items()
            if q in QUANTILES
        },
    )


def _series(r: _Reader, raw: Any) -> Series:
    obj = r.mapping(raw, "series")
    days = [
        int(r.real(d, "series.day"))
        for d in r.listing(r.require(obj, "day", "series"), "series.day")
    ]
    dates = [
        r.day(d, "series.date") for d in r.listing(r.require(obj, "date", "series"), "series.date")
    ]
    if len(days) != len(dates):
        raise r.fail("series.day and series.date have different lengths")
    kpis: dict[str, dict[str, list[float]]] = {}
    for name, per_q in obj.items():
        if name in ("day", "date"):
            continue
        where = f"series.{name}"
        kpis[name] = {}
        for q, values in r.mapping(per_q, where).items():
            numbers = [
                _nan_if_none(r.number(v, f"{where}.{q}", optional=True))
                for v in r.listing(values, f"{where}.{q}")
            ]
            if len(numbers) != len(days):
                raise r.fail(f"{where}.{q} has {len(numbers)} values for {len(days)} days")
            kpis[name][q] = numbers
        if "mean" not in kpis[name]:
            raise r.fail(f"missing key 'mean' in {where}")
    return Series(day=days, dates=dates, kpis=kpis)


def _nan_if_none(value: float | None) -> float:
    return math.nan if value is None else value


def _mean_of(r: _Reader, raw: Any, where: str) -> float | None:
    """Read ``{"mean": x}`` (or a bare number) as x."""
    if raw is None or isinstance(raw, int | float):
        return r.number(raw, where, optional=True)
    return r.number(r.mapping(raw, where).get("mean"), f"{where}.mean", optional=True)


def _channel(r: _Reader, i: int, raw: Any) -> Channel:
    where = f"channels[{i}]"
    obj = r.mapping(raw, where)
    values = {
        str(k): _mean_of(r, v, f"{where}.{k}")
        for k, v in obj.items()
        if k not in ("name", "type") and (v is None or isinstance(v, int | float | Mapping))
    }
    return Channel(
        name=str(r.require(obj, "name", where)), type=str(obj.get("type") or ""), values=values
    )


def _decision(r: _Reader, i: int, raw: Any) -> Decision:
    where = f"decisions[{i}]"
    obj = r.mapping(raw, where)
    when = obj.get("date")
    return Decision(
        day=int(r.real(r.require(obj, "day", where), f"{where}.day")),
        date=None if when is None else r.day(when, f"{where}.date"),
        rule=str(obj.get("rule") or ""),
        action=str(obj.get("action") or ""),
        args=r.mapping(obj.get("args") or {}, f"{where}.args"),
        seen=r.mapping(obj.get("seen") or {}, f"{where}.seen"),
        fraction_of_replications=r.number(
            obj.get("fraction_of_replications"), f"{where}.fraction_of_replications", optional=True
        ),
        status=str(obj.get("status") or ""),
    )


def _budget(r: _Reader, raw: Any) -> dict[str, dict[str, float]]:
    obj = r.mapping(raw, "budget")
    by = r.mapping(obj.get("by_channel_month") or {}, "budget.by_channel_month")
    return {
        str(ch): {
            str(month): r.real(v, f"budget.by_channel_month.{ch}.{month}")
            for month, v in r.mapping(months, f"budget.by_channel_month.{ch}").items()
        }
        for ch, months in by.items()
    }


def parse_run(data: Mapping[str, Any], folder: Path) -> Results:
    """Turn the ``run.json`` document into :class:`Results` (companions not attached)."""
    r = _Reader(RUN_FILE)
    kpis_raw = r.mapping(r.require(data, "kpis"), "kpis")
    targets_raw = r.listing(data.get("targets") or [], "targets")
    return Results(
        folder=folder,
        name=str(data.get("name") or folder.name),
        strategy=str(data.get("strategy") or ""),
        currency=str(data.get("currency") or ""),
        start_date=r.day(r.require(data, "start_date"), "start_date"),
        horizon_days=int(r.real(r.require(data, "horizon_days"), "horizon_days")),
        replications=int(r.real(r.require(data, "replications"), "replications")),
        seed=None if data.get("seed") is None else int(r.real(data["seed"], "seed")),
        version=str(data.get("version") or ""),
        scenario_hash=str(data.get("scenario_hash") or ""),
        kpis={str(k): _kpi(r, str(k), v) for k, v in kpis_raw.items()},
        targets=[_target(r, i, t) for i, t in enumerate(targets_raw)],
        series=_series(r, data["series"]) if data.get("series") else None,
        channels=[
            _channel(r, i, c)
            for i, c in enumerate(r.listing(data.get("channels") or [], "channels"))
        ],
        budget=_budget(r, data["budget"]) if data.get("budget") else {},
        leaks=r.mapping(data.get("leaks") or {}, "leaks"),
        decisions=[
            _decision(r, i, d)
            for i, d in enumerate(r.listing(data.get("decisions") or [], "decisions"))
        ],
        all_targets=r.mapping(data["all_targets"], "all_targets")
        if data.get("all_targets")
        else None,
        market_size=r.number(data.get("market_size"), "market_size", optional=True),
    )


def _check_compare(data: dict[str, Any]) -> dict[str, Any]:
    r = _Reader(COMPARE_FILE)
    strategies = r.listing(r.require(data, "strategies"), "strategies")
    if not strategies:
        raise r.fail("'strategies' is empty")
    for key in ("targets", "kpis", "differences", "probability_best", "all_targets"):
        if key in data and data[key] is not None:
            (r.listing if key == "targets" else r.mapping)(data[key], key)
    return data


def _check_optimize(data: dict[str, Any]) -> dict[str, Any]:
    """Check an optimisation and fill the documented keys from their alternatives.

    ``plan`` may be given as ``strategy`` (with the budget at the top level),
    ``feasible`` as ``reached`` and ``message`` as a list of ``notes``.
    """
    r = _Reader(OPTIMIZE_FILE)
    raw_plan = data.get("plan")
    if raw_plan is None and isinstance(data.get("strategy"), Mapping):
        raw_plan = data["strategy"]
    if raw_plan is None:
        raise r.fail("missing key 'plan'")
    plan = r.mapping(raw_plan, "plan")
    r.mapping(plan.get("allocation") or {}, "plan.allocation")
    if plan.get("budget") is None and data.get("budget") is not None:
        plan["budget"] = r.number(data["budget"], "budget", optional=True)
    for key in ("response_curves", "marginal_roi", "marginal", "verified"):
        if data.get(key) is not None:
            r.mapping(data[key], key)
    out = {**data, "plan": plan}
    if out.get("feasible") is None and data.get("reached") is not None:
        out["feasible"] = bool(data["reached"])
    if not out.get("message") and data.get("notes"):
        out["message"] = "; ".join(str(n) for n in r.listing(data["notes"], "notes"))
    return out


def _check_analyze(data: dict[str, Any]) -> dict[str, Any]:
    r = _Reader(ANALYZE_FILE)
    for key in ("sobol", "morris", "tornado", "discovery"):
        if data.get(key) is not None:
            for i, row in enumerate(r.listing(data[key], key)):
                r.mapping(row, f"{key}[{i}]")
    if data.get("targets") is not None:
        r.mapping(data["targets"], "targets")
    return data


def parse_sweep(manifest: Mapping[str, Any], scenario: Mapping[str, Any], folder: Path) -> Results:
    """A sweep folder as :class:`Results`: facts of the sweep, no single run's KPIs."""
    r = _Reader(SWEEP_SCENARIO)
    m = _Reader(SWEEP_MANIFEST)
    design = m.mapping(manifest.get("design") or {}, "design")
    params = [
        str(p.get("path")) for p in m.listing(design.get("params") or [], "design.params")
        if isinstance(p, Mapping)
    ]
    statuses = m.listing(manifest.get("point_status") or [], "point_status")
    market = scenario.get("market")
    size = market.get("size") if isinstance(market, Mapping) else None
    return Results(
        folder=folder,
        name=str(scenario.get("name") or folder.name),
        strategy="",
        currency=str(scenario.get("currency") or ""),
        start_date=r.day(r.require(scenario, "start_date"), "start_date"),
        horizon_days=int(r.real(r.require(scenario, "horizon_days"), "horizon_days")),
        replications=int(m.real(m.require(manifest, "replications"), "replications")),
        seed=None if manifest.get("seed") is None else int(m.real(manifest["seed"], "seed")),
        version=str(manifest.get("mktsim_version") or ""),
        scenario_hash=str(manifest.get("scenario_hash") or ""),
        kpis={},
        targets=[],
        market_size=r.number(size, "market.size", optional=True),
        sweep={
            "method": str(design.get("method") or ""),
            "points": len(statuses),
            "done": sum(1 for s in statuses if s == "done"),
            "strategies": [str(s) for s in m.listing(manifest.get("strategies") or [],
                                                       "strategies")],
            "parameters": params,
        },
    )


def _load_sweep(folder: Path) -> Results:
    """A sweep folder (``manifest.json`` of kind ``sweep``) that has been analysed."""
    manifest = read_json(folder / SWEEP_MANIFEST, "sweep")
    if not (folder / ANALYZE_FILE).is_file():
        raise ReportError(
            f"{folder}: sweep folder without {ANALYZE_FILE}; run `mktsim analyze {folder}` first"
        )
    scenario_path = folder / SWEEP_SCENARIO
    if not scenario_path.is_file():
        raise ReportError(f"{folder}: sweep folder without {SWEEP_SCENARIO}")
    return parse_sweep(manifest, read_json(scenario_path, "scenario"), folder)


def load_results(folder: Path | str) -> Results:
    """Read a results folder written by ``mktsim run --out DIR``, or an analysed sweep folder.

    Raises :class:`ReportError` naming the file if the folder is not a results
    folder or one of its files is malformed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError(f"{folder}: not a results folder (no such directory)")
    run_path = folder / RUN_FILE
    if run_path.is_file():
        results = parse_run(read_json(run_path, "run"), folder)
    elif (folder / SWEEP_MANIFEST).is_file():
        results = _load_sweep(folder)
    else:
        raise ReportError(f"{folder}: not a results folder ({RUN_FILE} is missing)")
    return replace(
        results,
        compare=_same_scenario(results, _optional(folder / COMPARE_FILE, "compare",
                                                  _check_compare)),
        optimize=_same_scenario(results, _optional(folder / OPTIMIZE_FILE, "optimize",
                                                   _check_optimize)),
        analyze=_optional(folder / ANALYZE_FILE, "analyze", _check_analyze),
    )


def _same_scenario(results: Results, doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """A companion file left by another scenario's run in the same folder is not reported
    with this one (both carry the scenario's content hash)."""
    if doc is None or not results.scenario_hash or not doc.get("scenario_hash"):
        return doc
    return doc if doc["scenario_hash"] == results.scenario_hash else None


def _optional(
    path: Path, kind: str, check: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any] | None:
    """Read and check an optional companion file; ``None`` when absent."""
    return check(read_json(path, kind)) if path.is_file() else None
