"""The public API: load a scenario, then run, compare, optimise, explain or sweep it.

>>> import mktsim
>>> scenario = mktsim.load("scenarios/smart_band.yaml")
>>> result = scenario.run(strategy="digital_first", replications=200)
>>> result.frame()

Every method keeps its result in memory; give `out=` (or call `.save(folder)`) to write
the results folder that `mktsim report` reads. docs/api.md has a notebook-style tour.

Where the replications run is the same for every method: `workers` local processes
(`executor="local"`, the default), or Dask (`executor="dask"`: the cluster at `scheduler`,
tcp://HOST:PORT, or a LocalCluster of `workers` processes when it is None; a `scheduler`
alone means Dask). The numbers are the same wherever they run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.workers import Pool, open_pool
from ..scenario.errors import Problem, ScenarioError
from ..scenario.load import LoadedSpec, load_spec
from ..simulate.result import RunResult
from ..simulate.strategy_run import LoadedScenario, run_strategy

if TYPE_CHECKING:  # the results of the other methods are imported by each method
    from ..calibrate import CalibrationOptions
    from ..history import History
    from .results import (
        AnalyzeResult,
        CalibrationResult,
        CompareResult,
        ExplainResult,
        OptimizeResult,
        SweepResult,
        Tracking,
    )

Progress = Callable[[int], None]
MODES = ("fixed", "target")

__all__ = ["AnalyzeResult", "CalibrationResult", "CompareResult", "ExplainResult",
           "OptimizeResult", "RunResult", "Scenario", "SweepResult", "Tracking", "analyze",
           "init", "init_from_history", "load", "schema", "templates", "validate",
           "write_report"]


@dataclass(frozen=True)
class Scenario(LoadedScenario):
    """A validated scenario file, ready to run, compare, optimise, explain and sweep."""

    def run(self, strategy: str | None = None, replications: int | None = None,
            seed: int | None = None, workers: int = 1, progress: Progress | None = None,
            engine: str = "counts", out: str | Path | None = None,
            incremental: bool = True, incremental_reps: int | None = None,
            executor: str | Pool = "local", scheduler: str | None = None,
            series_format: str = "csv", reports: Sequence[str] = ()) -> RunResult:
        """Run one strategy (default the first) `replications` times (defaults from the
        scenario). `engine`: "counts" (segments x states) or "agents" (one entry per
        customer, with the scenario's `market.network`); see docs/model.md. `out`: also
        write the results folder (run.json, tables, the daily series as `series_format`,
        csv or parquet, and the `reports`, md, html, xlsx; the files in `.written`).
        `incremental`: also run the first `incremental_reps` replications (default all, at
        most 100) again without each channel for its incremental units, revenue, margin,
        ROI and CAC. `progress` counts replications, `run_size(...)` in all. `executor`,
        `scheduler`: where it runs (the module's docstring); `workers=0`: every core, or
        only this process when the run is too small to pay for starting worker processes
        (`_run_workers`)."""
        if workers == 0:
            workers = self._run_workers(strategy, replications, engine, incremental,
                                        incremental_reps, executor, scheduler)
        with open_pool(executor, workers, scheduler) as pool:
            result = self._run_on(pool, strategy, replications, seed, progress, engine,
                                  incremental, incremental_reps)
        if out is not None:
            result.written = self._write_run(result, Path(out), series_format, reports)
        return result

    def _run_workers(self, strategy: str | None, replications: int | None, engine: str,
                     incremental: bool, incremental_reps: int | None,
                     executor: str | Pool, scheduler: str | None) -> int:
        """What `workers=0` of `run` means: a Dask cluster's or an open pool's workers
        are every core; local processes only for a run of the counts engine of at least
        `engine.workers.POOL_MIN_WORK` replication-days, else this process (the same
        numbers either way)."""
        from ..engine.montecarlo import default_workers
        from ..engine.workers import auto_workers

        if executor != "local" or scheduler is not None or engine != "counts":
            return default_workers()
        size = self.run_size(strategy, replications, incremental, incremental_reps)
        return auto_workers(size * self.plan(strategy).horizon, default_workers())

    def run_size(self, strategy: str | None = None, replications: int | None = None,
                 incremental: bool = True, incremental_reps: int | None = None) -> int:
        """How many replications `run` makes with these settings (for a progress bar): the
        run's, plus those run again without each funded channel."""
        from ..simulate.incremental import default_replications

        reps = replications or self.spec.replications
        if not incremental:
            return reps
        funded = int((self.plan(strategy).spend.sum(axis=1) > 0).sum())
        if self.spec.market.promotion_response is not None \
                and not self.loaded.data.get("uncertainties"):
            name = strategy or next(iter(self.spec.strategies))
            funded += len(self.spec.strategies[name].promotions or [])
        return reps + funded * min(incremental_reps or default_replications(reps), reps)

    @staticmethod
    def _write_run(result: RunResult, out: Path, series_format: str,
                   reports: Sequence[str]) -> list[Path]:
        """A run's results folder (and its reports), all or nothing."""
        from ..documents.staging import staged_folder, staged_outputs

        with staged_outputs():  # joins the command's own stage
            folder = staged_folder(out)  # moved into `out` when all is written
            written = result.save(folder, series_format)
            if reports:
                written += write_report(folder, list(reports))
        return _moved(written, folder, out)

    def _run_on(self, pool: Pool, strategy: str | None, replications: int | None,
                seed: int | None, progress: Progress | None, engine: str = "counts",
                incremental: bool = True, incremental_reps: int | None = None) -> RunResult:
        """`run` on an open executor."""
        from ..simulate.incremental import incremental as measure

        result = run_strategy(self, strategy, replications, seed, pool.workers, progress,
                              pool.executor, engine=engine)
        if incremental and result.run.plan.channels:
            result.incremental = measure(self, result, incremental_reps, pool.workers,
                                         pool.executor, progress, engine)
        if incremental:
            from ..simulate.promotions import promotion_effects

            result.promotions = promotion_effects(self, result, incremental_reps,
                                                  pool.workers, pool.executor, progress,
                                                  engine)
        return result

    def compare(self, strategies: Sequence[str] | None = None, against: str | None = None,
                seed: int | None = None, precision: float = 0.03, max_reps: int = 2000,
                workers: int = 1, progress: Progress | None = None,
                out: str | Path | None = None, executor: str | Pool = "local",
                scheduler: str | None = None) -> CompareResult:
        """Run `strategies` (default all) on common random numbers until every probability
        is known to `precision` (95% half-width) or `max_reps` replications; differences
        against `against` (default the first). `out`: also write compare.json there.
        `executor`, `scheduler`: where it runs (the module's docstring)."""
        from ..decision.compare import compare
        from .results import CompareResult

        with open_pool(executor, workers, scheduler) as pool:
            result = CompareResult(compare(self, strategies, against, seed, precision,
                                           max_reps, workers=pool.workers, progress=progress,
                                           pool=pool.executor))
        if out is not None:
            result.save(out)
        return result

    def optimize(self, mode: str = "fixed", confidence: float | None = None,
                 budget: float | None = None, evaluations: int | None = None,
                 replications: int | None = None, verify_reps: int = 500,
                 curves: bool = False, curve_reps: int = 60, seed: int | None = None,
                 workers: int = 1, progress: Progress | None = None,
                 out: str | Path | None = None, executor: str | Pool = "local",
                 scheduler: str | None = None, tolerance: float = 0.0,
                 curves_progress: Progress | None = None, out_plan: str | Path | None = None,
                 reports: Sequence[str] = ()) -> OptimizeResult:
        """The best plan for the budget (`mode="fixed"`, `budget` default the reference
        strategy's) or the cheapest plan that meets every target with `confidence`
        (`mode="target"`), confirmed on `verify_reps` replications of their own seed
        stream (a target passes when its one-sided 95% lower bound reaches the confidence
        less `tolerance`; docs/decision.md); `curves`: also response curves and marginal
        returns around the winner (`curves_progress` counts their runs, `curve_runs()` in
        all). `out`: also write optimize.json (and the `reports`, md, html, xlsx) into that
        folder; `out_plan`: the scenario file with the winner added as its first strategy,
        `optimized`. The files written are in `.written`. `executor`, `scheduler`: where it
        runs (the module's docstring)."""
        from ..decision.optimize import optimize
        from .results import OptimizeResult

        self.check_optimizable(mode)
        with open_pool(executor, workers, scheduler) as pool:
            opt = optimize(self, mode, evaluations, replications, seed, confidence, budget,
                           verify_reps, pool.workers, progress, pool.executor, tolerance)
            result = OptimizeResult(opt)
            if curves:
                result = self._curves_on(pool, result, curve_reps, seed, curves_progress)
        result.written = self._write_optimum(result, out, out_plan, reports)
        return result

    def _write_optimum(self, result: OptimizeResult, out: str | Path | None,
                       out_plan: str | Path | None, reports: Sequence[str]) -> list[Path]:
        """The plan file and the results folder of an optimisation, all or nothing."""
        from ..documents.files import write_atomic
        from ..documents.staging import staged_folder, staged_outputs

        written: list[Path] = []
        with staged_outputs():  # joins the command's own stage
            if out_plan is not None:
                write_atomic(Path(out_plan), result.scenario_yaml(
                    self.loaded.source, out_plan, self.loaded.overrides))
                written.append(Path(out_plan))
            if out is not None:
                folder = staged_folder(Path(out))  # moved into `out` when all is written
                written += _moved(result.save(folder, list(reports)), folder, Path(out))
        return written

    def frontier(self, budgets: list[float] | None = None, kpi: str = "profit",
                 level: float = 0.1, evaluations: int = 40, replications: int | None = None,
                 verify_reps: int = 200, seed: int | None = None, workers: int = 1,
                 executor: str | Pool = "local", scheduler: str | None = None) -> list[Any]:
        """What safety costs: per budget (default the reference's x 0.5, 1, 1.5), the plan
        maximising the mean of `kpi` and the one maximising its `level` quantile, each with
        both numbers on fresh replications (`decision.frontier.FrontierPoint`)."""
        from ..decision.frontier import frontier

        with open_pool(executor, workers, scheduler) as pool:
            return frontier(self, budgets, kpi, level, evaluations, replications, verify_reps,
                            seed, pool.workers, pool.executor)

    def curves_around(self, result: OptimizeResult, curve_reps: int = 60,
                      seed: int | None = None, workers: int = 1,
                      progress: Progress | None = None, executor: str | Pool = "local",
                      scheduler: str | None = None) -> OptimizeResult:
        """`result` with response curves and marginal returns around its winner
        (`curve_reps` replications per point). `executor`, `scheduler`: where it runs."""
        with open_pool(executor, workers, scheduler) as pool:
            return self._curves_on(pool, result, curve_reps, seed, progress)

    def _curves_on(self, pool: Pool, result: OptimizeResult, curve_reps: int,
                   seed: int | None, progress: Progress | None = None) -> OptimizeResult:
        from ..decision.explain import response_curves
        from ..decision.optimize import CANDIDATE, candidate_scenario
        from .results import OptimizeResult

        cand = candidate_scenario(self, result.strategy)
        table, marginal = response_curves(cand, CANDIDATE, curve_reps, seed,
                                          workers=pool.workers, progress=progress,
                                          pool=pool.executor)
        return OptimizeResult(result.optimum, table, marginal)

    def check_optimizable(self, mode: str) -> None:
        """What `optimize` needs from the scenario, as one problem naming what to add."""
        from ..scenario.suggest import did_you_mean

        spec, src = self.spec, self.loaded.source
        problem = None
        if mode not in MODES:
            problem = Problem(src, None, "--mode", f"unknown mode '{mode}'",
                              did_you_mean(mode, MODES))
        elif mode == "target" and not spec.targets:
            problem = Problem(src, None, "targets", "--mode target needs targets",
                              "add a targets: section to the scenario")
        elif spec.decision is None and not spec.targets:
            problem = Problem(src, None, "decision",
                              "no decision: section and no targets, so there is nothing to "
                              "optimise",
                              "add decision: {objective: {maximize: profit}} "
                              "(see docs/decision.md)")
        if problem is not None:
            raise ScenarioError([problem])

    def labels(self) -> Any:
        """The scenario's `label:`s as a `mktsim.i18n.LabelBook` (kind, key -> text in the
        active language)."""
        from ..i18n import LabelBook

        return LabelBook(self.spec.labels())

    def curve_runs(self) -> int:
        """How many runs the response curves of `explain`/`optimize` make (progress)."""
        from ..decision.explain import curve_runs

        return curve_runs(self)

    def explain(self, strategy: str | None = None, replications: int = 200,
                curves: bool = True, curve_reps: int = 60, seed: int | None = None,
                workers: int = 1, progress: Progress | None = None,
                executor: str | Pool = "local", scheduler: str | None = None) -> ExplainResult:
        """Where `strategy` (default the first) leaks over `replications` runs, its
        bottleneck team, and (`curves`) response curves and marginal returns per channel
        with `curve_reps` replications per point. `executor`, `scheduler`: where it runs."""
        from .results import ExplainResult, explain_document

        name = self.strategy_name(strategy)
        table = marginal = None
        with open_pool(executor, workers, scheduler) as pool:
            run = self._run_on(pool, name, replications, seed, None)
            if curves:
                from ..decision.explain import response_curves

                table, marginal = response_curves(self, name, curve_reps, seed,
                                                  workers=pool.workers, progress=progress,
                                                  pool=pool.executor)
        return ExplainResult(run, explain_document(run, table, marginal), table, marginal)

    def calibrate(self, options: CalibrationOptions | None = None,
                  on_evaluation: Callable[[], None] | None = None,
                  out: str | Path | None = None, out_dir: str | Path | None = None,
                  reports: Sequence[str] = (), **kwargs: Any) -> CalibrationResult:
        """Fit free values to a history: `calibrate(history="h.csv", params=("p=0:1",))`,
        or a `mktsim.calibrate.CalibrationOptions`; returns a CalibrationResult. `out`:
        also write the fitted scenario there; `out_dir`: calibration.json and the
        `reports` (md, html, xlsx) there. `workers`, `executor`, `scheduler` (keywords or
        options): where it runs (the module's docstring)."""
        from ..calibrate import CalibrationOptions, calibrate
        from ..calibrate.writeout import write_calibration, write_fitted_files

        if options is None:
            if kwargs.get("history") is not None:
                kwargs["history"] = Path(kwargs["history"])
            options = CalibrationOptions(**kwargs)
        from ..documents.staging import staged_outputs

        if out is not None and not options.fitted_out:
            options = replace(options, fitted_out=True)
        result = calibrate(self.loaded, options, on_evaluation)
        with staged_outputs():  # all or nothing (joins the command's own stage)
            if out is not None:
                write_fitted_files(result, out)
            if out_dir is not None:
                write_calibration(result, out_dir)
                if reports:
                    from ..report.calibration import write_calibration_report

                    write_calibration_report(result, Path(out_dir), list(reports))
        return result

    def track(self, actuals: str | Path | History, strategy: str | None = None,
              replications: int | None = None, seed: int | None = None, workers: int = 1,
              sheet: str | None = None, progress: Progress | None = None,
              out: str | Path | None = None, executor: str | Pool = "local",
              scheduler: str | None = None, then: str | None = None,
              reoptimize: bool = False, confidence: float | None = None,
              evaluations: int | None = None, search_reps: int | None = None,
              verify_reps: int | None = None, search_progress: Progress | None = None,
              out_plan: str | Path | None = None, reports: Sequence[str] = ()
              ) -> Tracking:
        """Where `strategy` (default the first) stands given the year's `actuals` (a
        history file from `start_date` to the as-of date, or a `History`): every target's
        probability conditioned on them beside the plan's own; see docs/tracking.md.
        `then`: the strategy that takes over after the as-of date. `reoptimize`: also the
        cheapest change after the as-of date that reaches the targets with `confidence`
        (default each target's own): `evaluations` candidates on `search_reps`
        conditioned replications each (defaults from `decision:`), verified on
        `verify_reps` fresh ones (default `replications`); `search_progress` receives
        candidates done. Returns a `mktsim.track.Tracking` (`.reoptimization`,
        `.plan_yaml(source)`); `out`: also write its results folder (and the `reports`,
        md, html, xlsx, there; the files in `.written`); `out_plan`: the scenario file
        with the re-optimised plan as strategy `reoptimized`. `executor`, `scheduler`:
        where the tracking runs (the module's docstring); the re-optimisation's search
        runs on `workers` local processes."""
        from ..documents.staging import staged_folder, staged_outputs
        from ..history import History, read_history
        from ..track import track
        from ..track.writeout import write_reoptimized_plan, write_tracking

        history = actuals if isinstance(actuals, History) else read_history(
            Path(actuals), self.spec.channels, self.spec.products, sheet,
            self.spec.market.demand)
        if reoptimize and then is not None:
            raise ScenarioError([Problem(self.loaded.source, None, "--then",
                                         "--reoptimize starts from the tracked plan",
                                         "drop --then, or track the plan it wrote")])
        root = self.spec.seed if seed is None else seed
        with open_pool(executor, workers, scheduler) as pool:
            result = track(self, strategy, history, replications, root, pool.workers,
                           progress, pool.executor, then=then)
        if reoptimize:
            result.reoptimize(self, root, confidence, evaluations, search_reps, verify_reps,
                              workers, search_progress)
        with staged_outputs():  # all or nothing (joins the command's own stage)
            if out_plan is not None:
                write_reoptimized_plan(result.reoptimization, self.loaded.source, out_plan,
                                       self.loaded.overrides)
            if out is not None:
                folder = staged_folder(Path(out))  # moved into `out` when all is written
                written = write_tracking(result, result.document(), folder)
                if reports:
                    from ..report import check_formats, write_report

                    written += write_report(folder, check_formats(reports), folder)
                result.written = _moved(written, folder, Path(out))
        return result

    def sweep(self, params: Sequence[Any] = (), design: str | Path | None = None,
              method: str | None = None, samples: int | None = None,
              replications: int | None = None, strategies: Sequence[str] | None = None,
              seed: int | None = None, workers: int = 1, executor: str = "local",
              scheduler: str | None = None, resume: bool = False,
              out: str | Path | None = None,
              progress: Callable[[Any], None] | None = None,
              config: Any = None) -> SweepResult:
        """Run the scenario over a design of uncertain values into the store `out` (a
        temporary folder owned by the result when not given); see docs/sweeps.md.

        `params`: Parameters or `PATH=SPEC` texts, which replace those of the same path
        in the `design` file; without either, the scenario's `uncertainties:`. `method`,
        `samples`, `replications`, `strategies` and `seed` default to the design file's
        settings, then to lhs, the method's size, 10, every strategy and the scenario's
        seed. `executor`: "local" (`workers` processes) or "dask" (`scheduler`).
        `config`: a `sweep_config(...)` made beforehand (the other design arguments are
        then ignored)."""
        from ..sweep.batch import run_sweep
        from .results import SweepResult

        cfg = config if config is not None else self.sweep_config(
            params, design, method, samples, replications, strategies, seed)
        tmp = tempfile.TemporaryDirectory(prefix="mktsim-sweep-") if out is None else None
        folder = Path(tmp.name) if tmp is not None else Path(str(out))
        summary = run_sweep(self.loaded, cfg, folder, resume=resume, executor=executor,
                            workers=workers, scheduler=scheduler, progress=progress)
        return SweepResult(folder, summary, tmp)

    def sweep_config(self, params: Sequence[Any] = (), design: str | Path | None = None,
                     method: str | None = None, samples: int | None = None,
                     replications: int | None = None, strategies: Sequence[str] | None = None,
                     seed: int | None = None) -> Any:
        """The checked `SweepConfig` (design points, replications, strategies, seed) that
        `sweep` runs with these arguments; raises before anything runs."""
        from ..sweep.batch import (
            DEFAULT_REPLICATIONS,
            METHODS,
            SweepConfig,
            build_design,
        )
        from ..sweep.runner import check_extremes

        found, settings = self.design_inputs(params, design)
        check_extremes(self.loaded, found)
        root = seed if seed is not None else int(settings.get("seed", self.spec.seed))
        chosen = method or str(settings.get("method", "lhs"))
        if chosen not in METHODS:
            raise ValueError(f"design method '{chosen}': use one of {', '.join(METHODS)}")
        plan = build_design(found, chosen, samples or settings.get("samples"), root)
        reps = replications or int(settings.get("replications", DEFAULT_REPLICATIONS))
        return SweepConfig(plan, reps, self._sweep_strategies(strategies, settings), root)

    def design_inputs(self, params: Sequence[Any] = (), design: str | Path | None = None
                      ) -> tuple[list[Any], dict[str, Any]]:
        """(parameters, settings) of a sweep from `design` (a YAML design file), `params`
        (Parameters or `PATH=SPEC` texts) or the scenario's uncertainties."""
        from ..params import parse_design_mapping, parse_params
        from ..scenario.yamlio import read_yaml
        from ..sweep.batch import read_design_file

        settings: dict[str, Any] = {}
        found: list[Any] = []
        if design is not None:
            data, _ = read_yaml(Path(design))
            found, settings = read_design_file(data)
        given = [p for p in params if not isinstance(p, str)]
        given += parse_params([p for p in params if isinstance(p, str)])
        if given:
            paths = {p.path for p in given}
            found = [p for p in found if p.path not in paths] + given
        for p in found:
            if p.kind == "draws" and not p.draws:
                raise ValueError(f"{p.path}: draws({p.source}) can only be given in the "
                                 "scenario's uncertainties: section; sweep the value with a "
                                 "range or distribution, e.g. PATH=LOW:HIGH")
        section = self.loaded.data.get("uncertainties")
        if not found and section:
            # joint draws are not design axes (a design's axes are independent): they
            # are drawn per replication at every point, one row for all their paths
            found = [p for p in parse_design_mapping(section) if p.kind != "draws"]
            if not found:
                raise ValueError("nothing to sweep: the scenario's uncertainties are joint "
                                 "draws, drawn per replication at every point; give "
                                 "--param PATH=LOW:HIGH (or a --design file) to sweep values")
        return found, settings

    def _sweep_strategies(self, names: Sequence[str] | None, settings: dict[str, Any]
                          ) -> tuple[str, ...]:
        setting = settings.get("strategies")
        if names:
            chosen = list(names)
        elif setting:
            chosen = [str(s) for s in (setting if isinstance(setting, list) else [setting])]
        else:
            chosen = self.strategies
        return tuple(self.strategy_name(n) for n in chosen)


def _moved(paths: Sequence[str | Path], folder: Path, out: Path) -> list[Path]:
    """Where files written into a staged `folder` are once it is moved into `out`."""
    return [out / Path(p).relative_to(folder) for p in paths]


def templates() -> list[str]:
    """The names of the ready scenarios that `init` writes (`smart-band`, ...)."""
    from ..templates import TEMPLATES

    return list(TEMPLATES)


def template_summaries() -> dict[str, str]:
    """Each template's name and one line on the business it models (active language)."""
    from ..templates import summaries

    return summaries()


def init(template: str, directory: str | Path = ".", force: bool = False,
         lang: str | None = None) -> Path:
    """Write the ready, commented scenario `template` into `directory` (comments in `lang`,
    en or zh, where translated; default the active language) and return its path; an
    existing file is replaced only with `force`."""
    from ..i18n import get_language
    from ..templates import write_template

    return write_template(template, Path(directory), force, lang or get_language())


def init_from_history(history: str | Path, directory: str | Path | None = None,
                      kpi: str | None = None, force: bool = False,
                      lang: str | None = None, sheet: str | None = None) -> Path:
    """Draft a ready, commented scenario from a history file alone (`mktsim init
    from-history`): one channel per `spend.` column, the drivers of the `control.` and
    `event.` columns, a baseline, a `calibration:` section with weakly informative priors,
    a strategy `continue` repeating last year's spend, starting the day after the history.
    Levelled on `kpi` (revenue or units; default revenue when the file has it), written
    into `directory` (default: the history's folder) as `<history stem>.yaml`, comments in
    `lang` (default the active language); an existing file is replaced only with `force`;
    `sheet`: the sheet of an .xlsx history (default the first). Returns its path. See
    docs/calibration.md, "Starting from a spreadsheet"."""
    from ..history.draft_init import write_draft
    from ..i18n import get_language

    return write_draft(history, directory, kpi, force, lang or get_language(), sheet=sheet)


def schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (for editors), as a dict."""
    from ..scenario.jsonschema import scenario_json_schema

    return scenario_json_schema()


def load(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read and validate a scenario file (`overrides` as `dotted.path=value`)."""
    return Scenario(load_spec(path, tuple(overrides)))


def validate(path: str | Path, overrides: Sequence[str] = ()) -> LoadedSpec:
    """Read and check a scenario file: its warnings in `.warnings`; a ScenarioError lists
    every problem at once."""
    return load_spec(path, tuple(overrides))


def analyze(folder: str | Path, bins: int = 4) -> AnalyzeResult:
    """Probabilities, sensitivity and discovery of a sweep folder (`bins` value bands per
    parameter); `.save(folder / "analyze.json")` writes it for the report."""
    from .results import analyze_folder

    return analyze_folder(folder, bins)


def write_report(results: str | Path, formats: Sequence[str] | str = ("md", "html", "xlsx"),
           out: str | Path | None = None, lang: str | None = None) -> list[Path]:
    """Write the report (md, html, xlsx) of a results or analysed sweep folder into `out`
    (default the folder itself), in `lang` (en or zh; default the active language, see
    `mktsim.i18n`); returns the files written."""
    from ..report import check_formats
    from ..report import write_report as write

    return write(Path(results), check_formats(formats),
                        None if out is None else Path(out), lang=lang)


def __getattr__(name: str) -> Any:
    """The results of the methods but `run` (`api.results`), imported when first asked
    for: a run needs none of the decision and document modules they import."""
    from . import results

    return getattr(results, name)
