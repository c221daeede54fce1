"""The `mktsim` command line: thin commands that parse, call the library and print.

Heavy imports (numpy, numba, pandas) happen inside the commands, so `mktsim --help`
starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .cli_common import set_option, user_errors

FORMATS = ("table", "json", "csv", "parquet")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mktsim")
def main() -> None:
    """Test a marketing plan before the money is spent.

    \b
    Example:
      mktsim init smart-band plans/
      mktsim validate plans/smart_band.yaml
      mktsim run plans/smart_band.yaml --strategy digital_first
    """


@main.command()
@click.argument("template", default="smart-band")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@user_errors
def init(template: str, directory: Path, force: bool) -> None:
    """Write a ready, commented scenario to start from.

    \b
    Example:
      mktsim init smart-band plans/     # writes plans/smart_band.yaml
    Templates: smart-band, bass.
    """
    from .templates import write_template

    path = write_template(template, directory, force)
    click.echo(f"wrote {path}")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@set_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format of the findings.")
def validate(scenario: Path, overrides: tuple[str, ...], fmt: str) -> None:
    """Check a scenario file and list every problem at once, with file:line and a fix.

    \b
    Example:
      mktsim validate plans/smart_band.yaml --set market.size=3_000_000
    """
    from .validate_cmd import run_validate

    sys.exit(run_validate(scenario, list(overrides), fmt))


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strategy", "-s", help="Strategy to run (default: the first).")
@click.option("--replications", "-n", type=click.IntRange(1, 1_000_000),
              help="Monte Carlo replications (default: the scenario's).")
@click.option("--seed", type=click.IntRange(0), help="Root seed (default: the scenario's).")
@click.option("--workers", "-w", type=click.IntRange(0, 512), default=1, show_default=True,
              help="Worker processes (0 = all cores). Results do not depend on it.")
@set_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table for people; json or csv to stdout; parquet needs --out.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for run.json, tables and the daily series.")
@click.option("--report", "report_formats", metavar="FORMATS",
              help="Also write a report into --out: md,html,xlsx.")
@click.option("--engine", type=click.Choice(["counts", "agents"]), default="counts",
              show_default=True,
              help="counts per segment, or one entry per customer (social networks).")
@user_errors
def run(scenario: Path, strategy: str | None, replications: int | None, seed: int | None,
        workers: int, overrides: tuple[str, ...], fmt: str, out: Path | None,
        report_formats: str | None, engine: str) -> None:
    """Run a strategy many times: KPIs, SMART target verdicts, where the plan leaks.

    \b
    Example:
      mktsim run plans/smart_band.yaml -s digital_first -n 500 --out out/
      mktsim run plans/smart_band.yaml --format json --set channels.kol.cost.cpm=45
    """
    from .run_cmd import RunOptions, run_command

    run_command(RunOptions(scenario, strategy, replications, seed, workers, list(overrides),
                           fmt, out, report_formats, engine))


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of printing.")
@user_errors
def schema(out: Path | None) -> None:
    """Print the JSON Schema of scenario files (for editors).

    \b
    Example:
      mktsim schema --out scenario.schema.json
    """
    import json

    from .cli_common import write_atomic
    from .scenario.jsonschema import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2)
    if out:
        write_atomic(out, text + "\n")
        click.echo(f"wrote {out}")
    else:
        click.echo(text)


from .cli_sweep import analyze, sweep  # noqa: E402

main.add_command(sweep)
main.add_command(analyze)
from .cli_decision import compare, explain, optimize  # noqa: E402

main.add_command(compare)
main.add_command(optimize)
main.add_command(explain)
from .cli_report import report  # noqa: E402

main.add_command(report)
from .cli_calibrate import calibrate  # noqa: E402

main.add_command(calibrate)


if __name__ == "__main__":  # pragma: no cover
    main()
