"""Cross checks of the `calibration:` section (the schema is in `calibration.py`; these
checks read the sweep syntax and the uncertainty rules, which the schema must not import)."""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from ..kpis import KPIS

WEIGHTED_KPIS = tuple(name for name, k in KPIS.items()
                      if k.kind in ("stock", "flow") or name == "market_share")


def check_calibration(c: Any) -> None:
    """Cross checks of `calibration:` (a `crosscheck.Checker`): the strategy exists, every
    prior is a range or distribution in the sweep syntax over a value that may be freed,
    every weight names a series a history may carry."""
    from ..params import ParamSpecError, parse_design_mapping
    from .uncertainty.section import FIXED

    section = c.spec.calibration
    if section is None:
        return
    c.known(("calibration", "strategy"), section.strategy, c.spec.strategies, "strategy")
    for path, spec in section.parameters.items():
        where = ("calibration", "parameters", path)
        try:
            (prior,) = parse_design_mapping({path: spec})
        except ParamSpecError as exc:
            c.error(where, _("prior: {reason}").format(reason=exc), _(PRIOR_HINT))
            continue
        if prior.kind in ("levels", "draws"):
            c.error(where, _("a calibrated value needs a range or a distribution, not "
                             "{kind}").format(kind=prior.kind), _(PRIOR_HINT))
        elif path.split(".")[0] in FIXED:
            c.error(where, _("{path} cannot be calibrated").format(path=path),
                    _("free market, product, channel, team or crm values"))
    for kpi in section.weights:
        c.known(("calibration", "weights", kpi), kpi, WEIGHTED_KPIS, "series")


PRIOR_HINT = N_("e.g. 0.05:0.4 (uniform) or normal(0.3, 0.05)")
