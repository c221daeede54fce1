"""A candidate of `calibration.choices` as the values set in the scenario: a number at
its path, or a form for every channel at once (`channels.*`: paths within a channel,
e.g. `{conversion.curve: hill, adstock.step_days: 1}`) set on each channel that holds
them, with what the draft derives from the form drafted again (docs/calibration.md,
"Choosing each channel's curve and carry-over step from the data"): a channel whose
adstock step changes gets its half-saturations scaled by the ratio of the steady stocks,
and one whose curve or step changes its conversion lift scaled by the ratio of the mean
saturations of its money over the history (`history.draft_form.form_ratios`); the median
of a lognormal prior on a redrafted value is scaled with it (a prior of another kind on
one is refused: `choice.check_form_priors`); a value the form itself sets is not
redrafted."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..history import History
from ..history.draft_form import form_ratios
from ..params import Parameter
from ..scenario.calibration_check import FORM_KEY, value_at
from ..scenario.load import LoadedSpec
from ..scenario.translate import schema_value

#: values set in the scenario, and the priors, of one candidate
Expanded = tuple[dict[str, Any], list[Parameter]]
Expand = Callable[[Mapping[str, Any]], Expanded]


def same_value(a: Any, b: Any) -> bool:
    """Whether a scenario's value and a candidate's are the same (7 and 7.0 are)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def is_own(spec: Any, values: Mapping[str, Any]) -> bool:
    """Whether a candidate is what the scenario already says: each number at its path,
    and each value of a form on every channel that holds it."""
    for path, value in values.items():
        if path == FORM_KEY:
            if not all(same_value(value_at(spec, p), v)
                       for p, v in form_paths(spec, value).items()):
                return False
        elif not same_value(value_at(spec, path), value):
            return False
    return True


def form_paths(spec: Any, form: Mapping[str, Any]) -> dict[str, Any]:
    """A form's values at their paths on every channel that holds them, each as its
    field takes it (a whole number for `adstock.step_days`)."""
    out = {}
    for name in spec.channels:
        for inner, value in form.items():
            path = f"channels.{name}.{inner}"
            if value_at(spec, path) is not None:
                out[path] = schema_value(path, value)
    return out


def expander(loaded: LoadedSpec, history: History, priors: Sequence[Parameter]) -> Expand:
    """The function giving each candidate's values and priors (`expand`)."""
    return lambda values: expand(loaded, history, list(priors), values)


def expand(loaded: LoadedSpec, history: History, priors: list[Parameter],
           values: Mapping[str, Any]) -> Expanded:
    """A candidate's values at their paths, the redrafted figures of a form included, and
    the priors with the lifts' lognormal medians moved with them."""
    applied = {p: v for p, v in values.items() if p != FORM_KEY}
    form = values.get(FORM_KEY)
    if form is None:
        return applied, priors
    spec = loaded.spec
    applied.update(form_paths(spec, form))
    scales: dict[str, float] = {}
    for name, channel in spec.channels.items():
        redrafted, channel_scales = _redrafted(history, name, channel, form)
        applied.update({p: v for p, v in redrafted.items() if p not in applied})
        scales.update(channel_scales)
    return applied, [_scaled(p, scales.get(p.path, 1.0)) for p in priors]


def _redrafted(history: History, name: str, channel: Any, form: Mapping[str, Any]
               ) -> tuple[dict[str, float], dict[str, float]]:
    """A channel's half-saturations and lift under the form (the paths it changes), and
    each one's scale."""
    response = channel.conversion or channel.awareness
    if response is None or name not in history.spend:
        return {}, {}
    step = channel.adstock.step_days
    own = (response.curve, step)
    new = (str(form.get("conversion.curve" if channel.conversion else "awareness.curve",
                        own[0])), int(form.get("adstock.step_days", step)))
    if new == own:
        return {}, {}
    half, lift = form_ratios(history.spend[name], history.period_days,
                             channel.adstock.retention_per_week, own, new)
    scales = {f"channels.{name}.{kind}.half_saturation": half
              for kind in ("conversion", "awareness")
              if getattr(channel, kind) is not None and half != 1.0}
    if channel.conversion is not None and lift != 1.0:
        scales[f"channels.{name}.conversion.lift"] = lift
    return {p: value_at_channel(channel, p) * k for p, k in scales.items()}, scales


def value_at_channel(channel: Any, path: str) -> float:
    """The channel's number at `channels.<name>.<kind>.<field>`."""
    *_, kind, name = path.split(".")
    return float(getattr(getattr(channel, kind), name))


#: The values a form redrafts (`expand`): a prior on one must be lognormal, its median
#: moved with the figure (`check_form_priors`).
REDRAFTED = re.compile(r"channels\.[^.]+\.(conversion\.(lift|half_saturation)"
                       r"|awareness\.half_saturation)")


def _scaled(prior: Parameter, scale: float) -> Parameter:
    """A lognormal prior with its median times `scale`; other priors as they are."""
    if scale == 1.0 or prior.dist != "lognormal" or not prior.dist_args:
        return prior
    mu, *rest = prior.dist_args
    return dataclasses.replace(prior, dist_args=(mu + math.log(scale), *rest))
