"""`mktsim run`: one strategy, many replications, printed and optionally written out."""

from __future__ import annotations

import json
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import click

from .cli_common import InputError, check_out_dir, print_warnings, progress_bar, write_atomic

REPORT_FORMATS = ("md", "html", "xlsx")


@dataclass(frozen=True)
class RunOptions:
    """What the user asked of `mktsim run`."""

    scenario: Path
    strategy: str | None
    replications: int | None
    seed: int | None
    workers: int
    overrides: list[str]
    fmt: str
    out: Path | None
    report: str | None
    engine: str = "counts"


def parse_report_formats(text: str | None, out: Path | None) -> list[str]:
    """`md,html,xlsx` -> list; every format known and --out given."""
    if not text:
        return []
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in REPORT_FORMATS]
    if unknown:
        raise InputError(f"--report: unknown format {', '.join(unknown)}; use md, html, xlsx")
    if out is None:
        raise InputError("--report needs --out DIR to write the report into")
    return formats


def run_command(opts: RunOptions) -> None:
    """Validate everything, run, then print and write."""
    import mktsim

    from .engine.montecarlo import default_workers

    check_out_dir(opts.out)
    if opts.fmt == "parquet" and opts.out is None:
        raise InputError("--format parquet writes files: add --out DIR")
    reports = parse_report_formats(opts.report, opts.out)
    scenario = mktsim.load(opts.scenario, opts.overrides)
    print_warnings(scenario.loaded.warnings)
    strategy = scenario.strategy_name(opts.strategy)
    reps = opts.replications or scenario.spec.replications
    workers = opts.workers or default_workers()
    if opts.engine == "agents":
        from .engine.agents import unmodelled

        print_warnings(unmodelled(scenario.spec, scenario.loaded.source))
    with progress_bar(reps, f"running {strategy}", reps >= 200) as advance, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # printed above, one line each
        result = scenario.run(strategy, reps, opts.seed, workers, advance, engine=opts.engine)
    _emit(result, opts.fmt)
    if opts.out is not None:
        written = write_run(result, opts.out, opts.fmt)
        if reports:
            from .report import write_report

            written += write_report(opts.out, reports, opts.out)
        click.echo(f"wrote {len(written)} files to {opts.out}", err=True)


def _emit(result: object, fmt: str) -> None:
    from .report.terminal import print_run
    from .results import RunResult

    assert isinstance(result, RunResult)
    if fmt == "table":
        print_run(result)
    elif fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=1))
    elif fmt == "csv":
        result.kpis().to_csv(sys.stdout)


def write_run(result: object, out: Path, fmt: str) -> list[Path]:
    """run.json, kpis/targets/channels tables and the daily series (csv or parquet)."""
    import io

    from .results import RunResult

    assert isinstance(result, RunResult)
    files: dict[str, bytes | str] = {
        "run.json": json.dumps(result.to_dict(), indent=1),
        "kpis.csv": result.kpis().to_csv(),
        "targets.csv": result.targets().to_csv(index=False),
        "channels.csv": result.channels().to_csv(),
    }
    if fmt == "parquet":
        buf = io.BytesIO()
        result.series().to_parquet(buf, index=False)
        files["series.parquet"] = buf.getvalue()
    else:
        files["series.csv"] = result.series().to_csv(index=False)
    paths = []
    for name, data in files.items():
        write_atomic(out / name, data)
        paths.append(out / name)
    return paths
