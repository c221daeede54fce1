"""Read a results folder (``run.json`` plus optional companions) into typed objects.

The layout of the folder is described in ``docs/results-format.md``.  Every
problem is reported as a :class:`ReportError` naming the file and what is
wrong with it, so a user who points the report at the wrong folder knows why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..documents.base import DocumentError, Reader, read_json
from ..documents.compare import COMPARE_FILE, CompareDocument
from ..documents.optimize import OPTIMIZE_FILE, OptimizeDocument
from ..documents.run import (
    KPI_KINDS,
    QUANTILES,
    RUN_FILE,
    Channel,
    Decision,
    Kpi,
    RunDocument,
    Series,
    Target,
)
from ..documents.sweep import ANALYZE_FILE, AnalyzeDocument
from ..documents.track import TRACK_FILE, TrackDocument
from ..i18n import _, pick

SWEEP_MANIFEST = "manifest.json"
SWEEP_SCENARIO = "scenario.json"

#: The results folder cannot be turned into a report (a bad document names its file).
ReportError = DocumentError

__all__ = ["ANALYZE_FILE", "COMPARE_FILE", "KPI_KINDS", "OPTIMIZE_FILE", "QUANTILES",
           "RUN_FILE", "Channel", "Decision", "Kpi", "ReportError", "Results", "Series",
           "Target", "load_results", "parse_run", "read_json"]


@dataclass(frozen=True, kw_only=True)
class Results(RunDocument):
    """Everything a report needs from a results folder: the run document (`run.json`, or
    a sweep's facts in its shape) and the companion documents found beside it."""

    folder: Path
    compare: dict[str, Any] | None = None
    optimize: dict[str, Any] | None = None
    analyze: dict[str, Any] | None = None
    sweep: dict[str, Any] | None = None
    track: dict[str, Any] | None = None  # track.json: the actuals the run is conditioned on

    @classmethod
    def of(cls, doc: RunDocument, folder: Path, **companions: Any) -> Results:
        """The results of a folder holding the run document `doc`."""
        held = {f.name: getattr(doc, f.name) for f in fields(RunDocument)}
        return cls(folder=folder, **held, **companions)

    @property
    def is_sweep(self) -> bool:
        """True for a sweep folder (no single run: analysis of many input values)."""
        return self.sweep is not None

    def label(self, kind: str, key: str) -> str:
        """What a key of the scenario is called in the active language: its `label:`, else
        the key as a heading (``kol`` -> ``KOL``). `kind`: channels, segments, products,
        teams, strategies, targets or objectives."""
        from .fmt import label

        found = pick((self.labels.get(kind) or {}).get(key))
        return found or (key if kind in ("strategies", "targets") else label(key))


def parse_run(data: Mapping[str, Any], folder: Path) -> Results:
    """Turn the ``run.json`` document into :class:`Results` (companions not attached)."""
    return Results.of(RunDocument.from_dict(data, folder.name), folder)


def _check_compare(data: dict[str, Any]) -> dict[str, Any]:
    return CompareDocument.from_dict(data).to_dict()


def _check_optimize(data: dict[str, Any]) -> dict[str, Any]:
    """An optimisation in today's spelling (older files' `strategy`, `reached` and
    `notes` read as `plan`, `feasible` and `message`)."""
    return OptimizeDocument.from_dict(data).to_dict()


def _check_track(data: dict[str, Any]) -> dict[str, Any]:
    """The tracking fields checked by `TrackDocument` (the run's are in run.json)."""
    doc = TrackDocument.from_dict(data)
    if doc.reoptimize is not None:
        data = {**data, "reoptimize": doc.reoptimize.to_dict()}
    return data


def _check_analyze(data: dict[str, Any]) -> dict[str, Any]:
    return AnalyzeDocument.from_dict(data).to_dict()


def parse_sweep(manifest: Mapping[str, Any], scenario: Mapping[str, Any], folder: Path) -> Results:
    """A sweep folder as :class:`Results`: facts of the sweep, no single run's KPIs."""
    r = Reader(SWEEP_SCENARIO)
    m = Reader(SWEEP_MANIFEST)
    design = m.mapping(manifest.get("design") or {}, "design")
    params = [
        str(p.get("path")) for p in m.listing(design.get("params") or [], "design.params")
        if isinstance(p, Mapping)
    ]
    statuses = m.listing(manifest.get("point_status") or [], "point_status")
    market = scenario.get("market")
    size = market.get("size") if isinstance(market, Mapping) else None
    doc = RunDocument(
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
        kind="sweep",
        labels=labels_of(scenario),
    )
    return Results.of(doc, folder, sweep={
        "method": str(design.get("method") or ""),
        "points": len(statuses),
        "done": sum(1 for s in statuses if s == "done"),
        "strategies": [str(s) for s in m.listing(manifest.get("strategies") or [],
                                                   "strategies")],
        "parameters": params,
    })


LABELLED = ("channels", "products", "teams", "strategies")


def labels_of(scenario: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The `label:` of every labelled key of a scenario's data (a sweep's scenario.json)."""
    groups: dict[str, Any] = {k: scenario.get(k) for k in LABELLED}
    market = scenario.get("market")
    groups["segments"] = market.get("segments") if isinstance(market, Mapping) else None
    targets = scenario.get("targets")
    if isinstance(targets, list):
        groups["targets"] = {t.get("id"): t for t in targets if isinstance(t, Mapping)}
    groups["objectives"] = scenario.get("objectives")
    out: dict[str, dict[str, Any]] = {}
    for kind, items in groups.items():
        if not isinstance(items, Mapping):
            continue
        found = {str(k): v["label"] for k, v in items.items()
                 if isinstance(v, Mapping) and isinstance(v.get("label"), str | Mapping)}
        if found:
            out[kind] = found
    return out


def _load_sweep(folder: Path) -> Results:
    """A sweep folder (``manifest.json`` of kind ``sweep``) that has been analysed."""
    manifest = read_json(folder / SWEEP_MANIFEST, "sweep")
    if not (folder / ANALYZE_FILE).is_file():
        raise ReportError(
            _("{folder}: sweep folder without {file}; run `mktsim analyze {folder}` first")
            .format(folder=folder, file=ANALYZE_FILE)
        )
    scenario_path = folder / SWEEP_SCENARIO
    if not scenario_path.is_file():
        raise ReportError(_("{folder}: sweep folder without {file}").format(
            folder=folder, file=SWEEP_SCENARIO))
    return parse_sweep(manifest, read_json(scenario_path, "scenario"), folder)


def load_results(folder: Path | str) -> Results:
    """Read a results folder written by ``mktsim run --out DIR``, or an analysed sweep folder.

    Raises :class:`ReportError` naming the file if the folder is not a results
    folder or one of its files is malformed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError(_("{folder}: not a results folder (no such directory)").format(
            folder=folder))
    run_path = folder / RUN_FILE
    if run_path.is_file():
        results = parse_run(read_json(run_path, "run"), folder)
    elif (folder / SWEEP_MANIFEST).is_file():
        results = _load_sweep(folder)
    else:
        raise ReportError(_("{folder}: not a results folder ({file} is missing)").format(
            folder=folder, file=RUN_FILE))
    return replace(
        results,
        compare=_same_scenario(results, _optional(folder / COMPARE_FILE, "compare",
                                                  _check_compare)),
        optimize=_same_scenario(results, _optional(folder / OPTIMIZE_FILE, "optimize",
                                                   _check_optimize)),
        analyze=_optional(folder / ANALYZE_FILE, "analyze", _check_analyze),
        track=_same_scenario(results, _optional(folder / TRACK_FILE, "track", _check_track)),
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
