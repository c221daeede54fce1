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
    check_choices(c, section, FIXED)


MAX_CANDIDATES = 4  # as calibrate.choice.MAX_CANDIDATES (the schema must not import it)


def check_choices(c: Any, section: Any, fixed: Any) -> None:
    """Each choice lists two or more different values, each once and each one the field
    takes, of a value that may be freed and is not freed too; their combinations are at
    most MAX_CANDIDATES."""
    combinations = 1
    for path, values in section.choices.items():
        where = ("calibration", "choices", path)
        combinations *= max(len(set(values)), 1)
        if len(set(values)) < 2:
            c.error(where, _("a choice needs two or more different values"),
                    _("e.g. market.demand.media_scaling: [0, 1]"))
        elif path.split(".")[0] in fixed:
            c.error(where, _("{path} cannot be calibrated").format(path=path),
                    _("free market, product, channel, team or crm values"))
        elif number_at(c.spec, path) is None:
            c.error(where, _("{path} is not a number of this scenario").format(path=path),
                    _("a dotted path as in --set, e.g. market.demand.media_scaling"))
        elif path in section.parameters:
            c.error(where, _("{path} is both freed and chosen").format(path=path),
                    _("keep it in parameters (a continuous value) or in choices (a few "
                      "candidate values)"))
        else:
            for message, hint in candidate_problems(path, values):
                c.error(where, message, hint)
    if combinations > MAX_CANDIDATES:
        c.error(("calibration", "choices"),
                _("{n} combinations of choices; at most {most} are fitted").format(
                    n=combinations, most=MAX_CANDIDATES),
                _("list fewer values or fewer paths"))


def candidate_problems(path: str, values: Any) -> list[tuple[str, str]]:
    """(message, hint) for each candidate value listed twice (it would be fitted twice
    and no choice could ever be clear) or refused by the field at `path` on its own."""
    from .translate import field_refusal

    out = []
    for value in sorted({v for v in values if list(values).count(v) > 1}):
        out.append((_("candidate {value:g} is listed twice").format(value=value),
                    _("list each candidate value once")))
    for value in dict.fromkeys(values):
        refused = field_refusal(path, value)
        if refused is not None:
            out.append((_("candidate {value:g}: {reason}").format(value=value,
                                                                   reason=refused[0]),
                        refused[1]))
    return out


PRIOR_HINT = N_("e.g. 0.05:0.4 (uniform) or normal(0.3, 0.05)")


def number_at(spec: Any, path: str) -> float | None:
    """The scenario's number at a dotted path (its default included), else None."""
    node: Any = spec
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            node = getattr(node, part, None)
        if node is None:
            return None
    return float(node) if isinstance(node, (int, float)) and not isinstance(node, bool) \
        else None
