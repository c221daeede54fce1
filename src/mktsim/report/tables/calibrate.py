"""The calibration's tables (`mktsim calibrate`): the fitted parameters and the fit per
series; the terminal and the calibration reports (md, html, xlsx) show the same ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mktsim.i18n import N_, _
from mktsim.report.tables.contributions import contribution_tables
from mktsim.report.tables.model import Table, text_table

if TYPE_CHECKING:
    from mktsim.calibrate.result import CalibrationResult

PARAMETER_HEADER = [N_("parameter"), N_("estimate"), N_("90% interval"), N_("prior"),
                    N_("prior 90%"), N_("identified")]
FIT_HEADER = [N_("series"), N_("noise"), "R^2", "MAPE", "wMAPE", "NRMSE", N_("held-out R^2"),
              N_("held-out MAPE"), N_("held-out coverage")]


def header(names: list[str]) -> list[str]:
    """Column headings in the active language."""
    return [_(n) for n in names]


def parameter_rows(result: CalibrationResult) -> list[list[str]]:
    """Rows: path, estimate, 90% interval, prior, prior 90%, identified."""
    return [[p.path, f"{p.estimate:.4g}", f"{p.interval[0]:.4g} - {p.interval[1]:.4g}",
             p.prior, f"{p.prior_interval[0]:.4g} - {p.prior_interval[1]:.4g}",
             _("yes") if p.identified else _("no: {reason}").format(reason=p.reason)]
            for p in result.parameters]


def fit_rows(result: CalibrationResult) -> list[list[str]]:
    """Rows of the fit table, one per series."""
    rows = []
    for kpi, r in result.fit.items():
        h = r["holdout"]
        rows.append([kpi, str(r["noise"]), *(_f(r[k]) for k in ("r2", "mape", "wmape",
                                                                 "nrmse")),
                     _f(h["r2"]), _f(h["mape"]), _f(r["coverage"])])
    return rows


def _f(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}"


def parameters_table(result: CalibrationResult) -> Table:
    """The fitted parameters with their intervals and priors."""
    return text_table("parameters", _("Parameters"), header(PARAMETER_HEADER),
                      parameter_rows(result), fold=True)


def fit_table(result: CalibrationResult) -> Table:
    """How well the fitted model matches each series of the history."""
    return text_table("fit", _("Fit"), header(FIT_HEADER), fit_rows(result), fold=True)


def calibration_tables(result: CalibrationResult) -> list[Table]:
    """The calibration's tables, in the order shown."""
    return [parameters_table(result), fit_table(result), *contribution_tables(result)]
