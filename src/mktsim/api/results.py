"""What the API methods return: each result has `.document()` (its typed document,
`mktsim.documents`), `.to_dict()` (that document as JSON, see docs/results-format.md),
`.frame()` (a tidy DataFrame) and, when the command writes files, `.save(...)`.

The results of compare, optimize, explain, sweep and analyze are defined here, around
what their process returns. The results of run, calibrate and track are the objects
their process returns, defined beside it (`simulate.result.RunResult`,
`calibrate.result.CalibrationResult`, `track.result.Tracking`: other processes and the
library's own functions use them) and exported here too (imported when first asked for:
tracking and calibration import scipy), so that this module names every result of the
API."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..decision.compare import Comparison
from ..decision.optimize import Optimum
from ..decision.optimum_doc import marginal_doc, optimum_doc
from ..documents.compare import CompareDocument
from ..documents.explain import ExplainDocument
from ..documents.files import write_atomic
from ..documents.leaks import LEAKS, is_loss
from ..documents.optimize import OptimizeDocument
from ..documents.sweep import AnalyzeDocument
from ..simulate.result import RunResult, write_run

if TYPE_CHECKING:
    import pandas as pd

    from ..calibrate.result import CalibrationResult
    from ..track.result import Tracking

__all__ = ["AnalyzeResult", "CalibrationResult", "CompareResult", "ExplainResult",
           "OptimizeResult", "RunResult", "SweepResult", "Tracking"]


@dataclass
class CompareResult:
    """Strategies compared on common random numbers."""

    comparison: Comparison

    @property
    def first_run(self) -> RunResult | None:
        """The reference strategy's first batch (the same numbers as `Scenario.run`)."""
        return self.comparison.first_run

    def document(self) -> CompareDocument:
        """The typed compare document (with the scenario's content hash)."""
        run = self.first_run
        return self.comparison.document(run.loaded.content_hash if run else None)

    def to_dict(self) -> dict[str, Any]:
        """The compare document."""
        return self.document().to_dict()

    def frame(self) -> pd.DataFrame:
        """One row per strategy: p_best, p_all_targets, p_<target> and the expected KPIs."""
        import pandas as pd

        doc = self.to_dict()
        rows = []
        for s in doc["strategies"]:
            row: dict[str, Any] = {"strategy": s, "p_best": doc["probability_best"][s],
                                   "p_all_targets": doc["all_targets"][s]["probability"]}
            for t in doc["targets"]:
                row[f"p_{t['id']}"] = t["by_strategy"][s]["probability"]
            for k, per in doc["kpis"].items():
                row[k] = per[s]["mean"]
            rows.append(row)
        return pd.DataFrame(rows)

    def markdown(self) -> str:
        """`frame()` as one Markdown table (what `compare --format md` prints)."""
        from ..report.tables.compare import strategies_markdown

        return strategies_markdown(self.frame().to_dict(orient="records"))

    def tables(self, labels: Any = None) -> list[Any]:
        """The terminal's tables of the comparison (report.tables.model.Table), labelled
        with `labels` (a LabelBook; default: the scenario's)."""
        from ..report.tables.terminal_compare import compare_views

        if labels is None:
            from ..i18n import LabelBook

            run = self.first_run
            labels = LabelBook(run.loaded.spec.labels() if run is not None else {})
        return compare_views(self.to_dict(), labels)

    def save(self, folder: str | Path, report: list[str] | str | None = None) -> list[Path]:
        """compare.json into `folder` (run.json too when a report is asked and the folder
        has none), then the report (md, html, xlsx)."""
        return _save(Path(folder), "compare.json", self.to_dict(), self.first_run, report)


@dataclass
class OptimizeResult:
    """The plan found by `Scenario.optimize`, verified on fresh seeds."""

    optimum: Optimum
    curves: pd.DataFrame | None = None  # response curves around the winner (curves=True)
    marginal: pd.DataFrame | None = None  # marginal return per channel (curves=True)
    _doc: OptimizeDocument | None = field(default=None, repr=False)
    written: list[Path] = field(default_factory=list)  # files written by `optimize`

    @property
    def strategy(self) -> dict[str, Any]:
        """The winner as strategy data for a scenario file."""
        return self.optimum.strategy

    def document(self) -> OptimizeDocument:
        """The typed optimize document (with the scenario's content hash)."""
        if self._doc is None:
            run = self.optimum.verified_run
            self._doc = optimum_doc(self.optimum, self.marginal, self.curves,
                                    run.loaded.content_hash if run else None)
        return self._doc

    def to_dict(self) -> dict[str, Any]:
        """The optimize document."""
        return self.document().to_dict()

    def frame(self) -> pd.DataFrame:
        """One row per channel of the plan: share of the budget and money (plus the
        marginal returns when curves were computed)."""
        import pandas as pd

        plan = self.document().plan
        df = pd.DataFrame([{"channel": c, "share": s, "money": s * plan["budget"]}
                           for c, s in plan["allocation"].items()])
        if self.marginal is not None and len(df):
            df = df.join(self.marginal.drop(columns=["spend"], errors="ignore"), on="channel")
        return df

    def save(self, folder: str | Path, report: list[str] | str | None = None) -> list[Path]:
        """optimize.json into `folder` (run.json of the verified winner too when a report is
        asked and the folder has none), then the report."""
        return _save(Path(folder), "optimize.json", self.to_dict(), self.optimum.verified_run,
                     report)

    def scenario_yaml(self, source: str | Path, out: str | Path | None = None,
                      overrides: tuple[str, ...] = ()) -> str:
        """The scenario file `source` with the winner added as strategy `optimized`
        (comments kept), for a file at `out` (default: beside `source`; relative file
        references are rewritten for out's folder); `overrides`: the `--set` values the
        search ran with, written in."""
        from ..decision.plan_file import write_strategy_yaml

        return write_strategy_yaml(Path(source), Path(out if out is not None else source),
                                   self.strategy, overrides=overrides)


@dataclass
class ExplainResult:
    """Where a plan leaks, its bottleneck team and what more money buys per channel."""

    run: RunResult
    doc: ExplainDocument
    curves: pd.DataFrame | None = None
    marginal: pd.DataFrame | None = None

    def document(self) -> ExplainDocument:
        """The typed explain document."""
        return self.doc

    def to_dict(self) -> dict[str, Any]:
        """The explain document."""
        return self.doc.to_dict()

    def frame(self) -> pd.DataFrame:
        """One row per funnel loss: leak, stage, description, loss (bool), mean per run."""
        import pandas as pd

        rows = [{"leak": name, "stage": LEAKS[name][0], "description": LEAKS[name][1],
                 "loss": is_loss(name), "mean": value}
                for name, value in self.doc.leaks.funnel.items()]
        return pd.DataFrame(rows)


@dataclass
class AnalyzeResult:
    """The analysis of a sweep: probabilities, sensitivity, scenario discovery."""

    doc: AnalyzeDocument

    def document(self) -> AnalyzeDocument:
        """The typed analyze document."""
        return self.doc

    def to_dict(self) -> dict[str, Any]:
        """The analyze document."""
        return self.doc.to_dict()

    def frames(self) -> dict[str, pd.DataFrame]:
        """Each non-empty section as a table (targets, probability by parameter, sobol,
        morris, tornado, discovery)."""
        from ..sweep.analyze import section_frames

        return section_frames(self.to_dict())

    def frame(self) -> pd.DataFrame:
        """Probability of each target over the sweep: target, probability, runs, and
        p (<strategy>) per strategy."""
        import pandas as pd

        return self.frames().get("targets", pd.DataFrame(columns=["target", "probability"]))

    def tables(self, translate: bool = True) -> list[Any]:
        """Each non-empty section as a table of text (report.tables.model.Table), titles
        and headings in the active language (`translate=False`: the document's keys)."""
        from ..report.tables.analyze_sections import section_tables

        return section_tables(self.to_dict(), translate)

    def markdown(self) -> str:
        """The sections as Markdown tables, then the notes (`analyze --format md`)."""
        from ..report.tables.analyze_sections import analyze_markdown

        return analyze_markdown(self.to_dict())

    def csv(self) -> str:
        """The sections as CSV blocks, then the notes (`analyze --format csv`)."""
        from ..report.tables.analyze_sections import analyze_csv

        return analyze_csv(self.to_dict())

    def save(self, path: str | Path) -> Path:
        """The analysis as JSON into `path` (a file)."""
        path = Path(path)
        write_atomic(path, json.dumps(self.to_dict(), indent=1) + "\n")
        return path


@dataclass
class SweepResult:
    """A sweep's result store: one row per point, strategy and replication.

    Without a folder the store lives in a temporary folder owned by this object (removed
    with it)."""

    folder: Path
    summary: Any  # mktsim.sweep.batch.SweepSummary
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    def frame(self) -> pd.DataFrame:
        """The stored rows: point, strategy, replication, parameter values, KPIs and
        met:<target> columns (see docs/sweeps.md)."""
        from ..sweep.store import SweepStore

        return SweepStore(self.folder).read()

    def to_dict(self) -> dict[str, Any]:
        """The sweep's manifest (design, seed, strategies, status of each point)."""
        from ..sweep.store import SweepStore

        return SweepStore(self.folder).read_manifest()

    def analyze(self, bins: int = 4) -> AnalyzeResult:
        """Probabilities, sensitivity and discovery of this sweep (also written to the
        folder's analyze.json when the sweep has a folder of its own)."""
        result = analyze_folder(self.folder, bins)
        if self._tmp is None:
            result.save(self.folder / "analyze.json")
        return result


def analyze_folder(folder: str | Path, bins: int = 4) -> AnalyzeResult:
    """The analysis of a sweep folder (not written)."""
    from ..sweep.analyze import analyze_sweep

    return AnalyzeResult(AnalyzeDocument.from_dict(analyze_sweep(folder, bins=bins)))


def _save(out: Path, name: str, doc: dict[str, Any], run: RunResult | None,
          report: list[str] | str | None) -> list[Path]:
    write_atomic(out / name, json.dumps(doc, indent=1))
    written = [out / name]
    if not report:
        return written
    from ..report import check_formats, write_report

    formats = check_formats(report)
    if not (out / "run.json").exists() and run is not None:
        written += write_run(run, out, "csv")
    return written + write_report(out, formats, out)


def explain_document(run: RunResult, curves: pd.DataFrame | None,
                     marginal: pd.DataFrame | None) -> ExplainDocument:
    """The explain document of a run (and its curves, when computed)."""
    from ..decision.explain import bottleneck, leaks, price_elasticities
    from ..documents.explain import Leaks

    lk = leaks(run)
    return ExplainDocument(
        strategy=run.strategy, leaks=Leaks(lk["funnel"], lk["channels"], lk["teams"]),
        bottleneck=bottleneck(lk["teams"]),
        curves=None if curves is None else curves.to_dict(orient="records"),
        marginal=None if marginal is None else marginal_doc(marginal),
        elasticities=price_elasticities(run.run.plan))


def __getattr__(name: str) -> Any:
    """`CalibrationResult` and `Tracking`, imported when first asked for."""
    if name == "CalibrationResult":
        from ..calibrate.result import CalibrationResult

        return CalibrationResult
    if name == "Tracking":
        from ..track.result import Tracking

        return Tracking
    raise AttributeError(name)
