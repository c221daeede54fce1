"""Cross checks of the `calibration:` section (the schema is in `calibration.py`; these
checks read the sweep syntax and the uncertainty rules, which the schema must not import)."""

from __future__ import annotations

import math
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


#: The key of `calibration.choices` whose candidates are forms for every channel at once:
#: mappings of paths within a channel (`conversion.curve`, `adstock.step_days`, ...).
FORM_KEY = "channels.*"


def candidate_key(value: Any) -> Any:
    """A candidate as a hashable key: a number, or a form's sorted (path, value) pairs."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), candidate_key(v)) for k, v in value.items()))
    return float(value) if is_number(value) else str(value)


def is_number(value: Any) -> bool:
    """Whether a candidate is a finite number (true/false is not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def check_choices(c: Any, section: Any, fixed: Any) -> None:
    """Each choice lists two or more different values, each once and each one the field
    takes, of a value that may be freed and is not freed too; `channels.*` lists forms
    (`form_problems`); their combinations are at most MAX_CANDIDATES."""
    combinations = 1
    for path, values in section.choices.items():
        where = ("calibration", "choices", path)
        combinations *= max(len({candidate_key(v) for v in values}), 1)
        for message, hint in choice_problems(c.spec, path, values,
                                             list(section.parameters), fixed):
            c.error(where, message, hint)
    if combinations > MAX_CANDIDATES:
        c.error(("calibration", "choices"),
                _("{n} combinations of choices; at most {most} are fitted").format(
                    n=combinations, most=MAX_CANDIDATES),
                _("list fewer values or fewer paths"))


def choice_problems(spec: Any, path: str, values: Any, freed: Any, fixed: Any = ()
                    ) -> list[tuple[str, str]]:
    """(message, hint) of each problem of one choice: fewer than two different values, a
    path that may not be freed or is freed too, a value its field refuses; the forms of
    `channels.*` as `form_problems` checks them."""
    if len({candidate_key(v) for v in values}) < 2:
        return [(_("a choice needs two or more different values"),
                 _("e.g. market.demand.media_scaling: [0, 1]"))]
    if path == FORM_KEY:
        return form_problems(spec, values, freed)
    if any(isinstance(v, dict) for v in values):
        return [(_("the candidates of {path} are numbers").format(path=path),
                 _("a mapping of paths within a channel is a candidate of {key} only"
                   ).format(key=FORM_KEY))]
    if not all(is_number(v) for v in values):
        return [(_("the candidates of {path} are numbers, not {value}").format(
                    path=path, value=next(v for v in values if not is_number(v))),
                 _("e.g. market.demand.media_scaling: [0, 1]"))]
    if path.split(".")[0] in fixed:
        return [(_("{path} cannot be calibrated").format(path=path),
                 _("free market, product, channel, team or crm values"))]
    if number_at(spec, path) is None:
        return [(_("{path} is not a number of this scenario").format(path=path),
                 _("a dotted path as in --set, e.g. market.demand.media_scaling"))]
    if path in freed:
        return [(_("{path} is both freed and chosen").format(path=path),
                 _("keep it in parameters (a continuous value) or in choices (a few "
                   "candidate values)"))]
    return candidate_problems(path, values)


def form_problems(spec: Any, forms: Any, freed: Any) -> list[tuple[str, str]]:
    """(message, hint) of each problem of the forms of `channels.*`: each a mapping of
    paths within a channel, listed once; each path a value that some channel holds, not
    freed for any channel, its value one the field takes."""
    hint = _("e.g. {key}: [{{conversion.curve: logistic, adstock.step_days: 7}}, "
             "{{conversion.curve: hill, adstock.step_days: 1}}]").format(key=FORM_KEY)
    if not all(isinstance(f, dict) and f for f in forms):
        return [(_("each candidate of {key} is a mapping of paths within a channel"
                   ).format(key=FORM_KEY), hint)]
    bad = [(inner, value) for f in forms for inner, value in f.items()
           if not (is_number(value) or isinstance(value, str))]
    if bad:
        return [(_("form {inner} = {value}: a form's value is a number or a word, not a "
                   "list, a mapping or true/false").format(inner=bad[0][0], value=bad[0][1]),
                 hint)]
    keys = [candidate_key(f) for f in forms]
    out = [(_("a form is listed twice"), _("list each form once"))
           ] if len(set(keys)) < len(keys) else []
    for inner in dict.fromkeys(k for f in forms for k in f):
        holders = [n for n in spec.channels if value_at(spec, f"channels.{n}.{inner}")
                   is not None]
        if not holders:
            out.append((_("{inner} is not a value of any channel").format(inner=inner),
                        hint))
            continue
        out += [(_("channels.{name}.{inner} is both freed and chosen").format(
                    name=n, inner=inner), _("free it or choose it, not both"))
                for n in holders if f"channels.{n}.{inner}" in freed][:1]
        out += [(_("form {inner} = {value}: {reason}").format(inner=inner, value=f[inner],
                                                              reason=refused[0]), refused[1])
                for f in forms if inner in f
                for refused in [_refusal(f"channels.{holders[0]}.{inner}", f[inner])]
                if refused is not None]
    return out


def _refusal(path: str, value: Any) -> tuple[str, str] | None:
    from .translate import field_refusal

    return field_refusal(path, value)


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
    node = value_at(spec, path)
    return float(node) if isinstance(node, (int, float)) and not isinstance(node, bool) \
        else None


def value_at(spec: Any, path: str) -> Any:
    """The scenario's number or word at a dotted path (its default included), else None
    (a section is not a value)."""
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
    return node if isinstance(node, (int, float, str)) and not isinstance(node, bool) \
        else None
