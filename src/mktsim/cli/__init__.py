"""The `mktsim` command line: thin commands that parse, call one mktsim API method and
print (see docs/api.md, "Adding a command").

Heavy imports (numpy, numba, pandas) happen inside the commands, so `mktsim --help`
starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from ..i18n import _
from .common import SCENARIO, exit_now, lang_option, set_option, user_errors


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
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--kpi", type=click.Choice(["revenue", "units"]), default=None,
              help="from-history: the KPI the scenario is levelled on (default revenue when "
                   "the file has it).")
@click.option("--sheet", default=None,
              help="from-history: the sheet of an .xlsx history (default: the first).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--list", "list_templates", is_flag=True,
              help="List the templates, one line each, and write nothing.")
@user_errors
def init(template: str, paths: tuple[Path, ...], kpi: str | None, sheet: str | None,
         force: bool, list_templates: bool) -> None:
    """Write a ready, commented scenario to start from.

    \b
    Example:
      mktsim init --list                # the templates, one line each
      mktsim init smart-band plans/     # writes plans/smart_band.yaml
      mktsim init b2b-software plans/ --lang zh   # Chinese comments
      mktsim init from-history sales.csv plans/ --kpi revenue   # plans/sales.yaml
    Templates: smart-band, b2b-software, subscription-app, packaged-goods, bass, sbg;
    from-history HISTORY [DIR] drafts one from a history file (docs/calibration.md,
    "Starting from a spreadsheet").
    """
    if list_templates:
        from ..api import template_summaries

        for name, line in template_summaries().items():
            click.echo(f"{name:<18} {line}")
        click.echo(f"{'from-history':<18} " + _("HISTORY [DIR]: a scenario drafted from "
                                                 "your own history file, ready to calibrate"))
        return
    if template == "from-history":
        _init_from_history(paths, kpi, force, sheet)
        return
    if len(paths) > 1 or kpi is not None or sheet is not None:
        raise click.UsageError(_("init {template} takes one folder and no --kpi or --sheet")
                               .format(template=template))
    from ..api import init as init_template

    path = init_template(template, paths[0] if paths else Path("."), force)
    click.echo(_("wrote {path}").format(path=path))


def _init_from_history(paths: tuple[Path, ...], kpi: str | None, force: bool,
                       sheet: str | None) -> None:
    if not paths or len(paths) > 2:
        raise click.UsageError(_("init from-history takes a history file and an optional "
                                 "folder: mktsim init from-history HISTORY [DIR]"))
    from ..api import init_from_history
    from ..history.draft_init import drafted_holdout

    path = init_from_history(paths[0], paths[1] if len(paths) > 1 else None, kpi, force,
                             sheet=sheet)
    click.echo(_("wrote {path}").format(path=path))
    click.echo(_("next: mktsim calibrate {path} --holdout {holdout} --out fitted.yaml").format(
        path=path, holdout=drafted_holdout(paths[0], sheet)))


@main.command()
@SCENARIO
@set_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format of the findings.")
def validate(scenario: Path, overrides: tuple[str, ...], fmt: str) -> None:
    """Check a scenario file and list every problem at once, with file:line and a fix.

    \b
    Example:
      mktsim validate plans/smart_band.yaml --set market.size=3_000_000
    """
    from .common import collector_paused
    from .validate import run_validate

    with collector_paused():
        code = run_validate(scenario, list(overrides), fmt)
    sys.exit(code)


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

    from ..api import schema as scenario_schema
    from .common import write_atomic

    text = json.dumps(scenario_schema(), indent=2)
    if out:
        write_atomic(out, text + "\n")
        click.echo(_("wrote {path}").format(path=out))
    else:
        click.echo(text)


from .calibrate import calibrate  # noqa: E402
from .decision import compare, explain, optimize  # noqa: E402
from .report import report  # noqa: E402
from .run import run  # noqa: E402
from .sweep import analyze, sweep  # noqa: E402
from .track import track  # noqa: E402

for _command in (run, sweep, analyze, compare, optimize, explain, report, calibrate,
                 track):
    main.add_command(_command)
main.params.append(lang_option())
for _command in main.commands.values():
    _command.params.append(lang_option())


def entry() -> None:
    """The `mktsim` console command and `python -m mktsim`: `main`, then the process ends
    as soon as the command is done (`common.exit_now`), without the interpreter's
    teardown. An error that is not a command's exit (a traceback) ends it as Python does."""
    try:
        main()
    except SystemExit as done:
        exit_now(done.code)
    exit_now(0)


if __name__ == "__main__":  # pragma: no cover
    entry()
