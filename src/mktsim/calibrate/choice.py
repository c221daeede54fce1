"""A form chosen from the data: every candidate value of a `calibration.choices` path
(`market.demand.media_scaling: [0, 1]`, media added to the drivers' demand or scaled by
it) is fitted, and the candidate whose evidence on the fitted periods is clearly the
highest is kept; without a clear winner, the scenario's own value (docs/calibration.md,
"Choosing a form from the data"). A choice at `channels.*` lists forms for every channel
at once, each candidate's figures that depend on the form drafted again
(`choice_form`); with two choices each path is kept on its own evidence
(`kept_combination`).

The evidence is the Laplace approximation of the marginal likelihood at each candidate's
optimum: log likelihood + log prior at the optimum - 1/2 log det of the posterior's
curvature, in the fit's coordinates (z, a standard normal prior). Every candidate frees
the same values with the same priors (but for the lifts' medians a form redrafts), so
the comparison is of fit (the profiled noise
included) and of how much of the prior's volume the fit needs. The likelihood of each
candidate is tempered by the same factor, the smallest of their own tempers (a history
that is one path, with correlated noise: `fit.sandwich_temper`), so that neither wins by
a temper that counts its weeks as more independent. The held-out periods are not used:
they stay a check of the kept form, as without a choice."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..history import observed_mask
from ..i18n import _
from ..params import Parameter, format_number
from ..scenario.calibration_check import (
    FORM_KEY,
    MAX_CANDIDATES,
    candidate_key,
    choice_problems,
)
from ..scenario.errors import Problem, ScenarioError
from ..scenario.load import LoadedSpec, with_values
from .choice_form import REDRAFTED, Expand, form_paths, is_own
from .fit import Fit, FitSettings, fit, neg_log_posterior
from .metrics import fit_metrics
from .simulator import WindowModel

#: A log evidence this much above every other candidate's (posterior odds of 20 to 1 or
#: more between two forms equally likely beforehand, "strong" on Kass and Raftery's
#: scale) is a clear choice; below it the output says the history does not tell them
#: apart, with each form's weight.
CLEAR_LOG_ODDS = 3.0


@dataclass(frozen=True)
class Candidate:
    """One combination of the choices' values, fitted."""

    values: dict[str, Any]  # a number per path; a form (a mapping) at `channels.*`
    log_evidence: float  # Laplace, at the common temper
    log_likelihood: float  # at the optimum, untempered, over the fitted periods
    temper: float  # the candidate's own temper
    holdout_mape: dict[str, float]  # per series at the optimum (not used to choose)
    weight: float = 0.0  # posterior probability among the candidates (equal prior odds)
    kept: bool = False
    applied: dict[str, Any] = field(default_factory=dict)  # the values set in the scenario

    def to_dict(self) -> dict[str, Any]:
        """One entry of `choice.candidates`."""
        return {"values": self.values, "log_evidence": round(self.log_evidence, 3),
                "log_likelihood": round(self.log_likelihood, 3),
                "temper": round(self.temper, 4), "weight": round(self.weight, 4),
                "holdout_mape": {k: round(v, 4) for k, v in self.holdout_mape.items()},
                "kept": self.kept,
                "applied": {p: rounded(v) for p, v in self.applied.items()}}


def rounded(value: Any) -> Any:
    """A value a candidate sets, a redrafted figure to 6 significant digits (as the fitted
    file writes it); a word or a whole number as it is."""
    if isinstance(value, float):
        return float(format_number(value, 6))
    return value


@dataclass(frozen=True)
class Choice:
    """The candidates fitted, their scores and the one kept."""

    paths: list[str]
    candidates: list[Candidate]
    temper: float  # the common temper of the compared likelihoods
    criterion: str = "laplace evidence"
    seconds: float = 0.0
    extra_evaluations: int = 0  # simulations of the candidates not kept
    kept: dict[str, Any] = field(default_factory=dict)
    own: dict[str, Any] | None = None  # the scenario's own values, when a candidate
    own_values: dict[str, Any] = field(default_factory=dict)  # per path, when a candidate

    @property
    def applied(self) -> dict[str, Any]:
        """The kept candidate's values at their paths (a form's on every channel, with
        what it redrafted): what the fitted scenario is written with."""
        return next((c.applied or c.values for c in self.candidates if c.kept), self.kept)

    @property
    def gaps(self) -> dict[str, float]:
        """Per path, how far the highest log evidence of one of its values (over the
        other paths' values: `path_evidence`) lies above the next value's."""
        return {p: path_gap(self.candidates, p) for p in self.paths}

    @property
    def gap(self) -> float:
        """The smallest of the paths' gaps (inf with one candidate)."""
        return min(self.gaps.values(), default=float("inf"))

    @property
    def clear(self) -> bool:
        """Whether, for every path, one value's log evidence beats every other's by
        CLEAR_LOG_ODDS."""
        return self.gap >= CLEAR_LOG_ODDS

    def to_dict(self) -> dict[str, Any]:
        """`choice` of the calibration document."""
        return {"paths": self.paths, "criterion": self.criterion,
                "temper": round(self.temper, 4), "kept": self.kept, "own": self.own,
                "clear": self.clear, "gap": round(self.gap, 3),
                "gaps": {p: round(g, 3) for p, g in self.gaps.items()},
                "candidates": [c.to_dict() for c in self.candidates],
                "extra_evaluations": self.extra_evaluations,
                "seconds": round(self.seconds, 2)}


def candidates_of(loaded: LoadedSpec, choices: Mapping[str, Sequence[Any]]
                  ) -> list[dict[str, Any]]:
    """Every combination of the choices' values, the scenario's own first (when it is
    one of them)."""
    paths = list(choices)
    combos = [dict(zip(paths, values, strict=True)) for values in itertools.product(
        *(_once(choices[p]) for p in paths))]
    combos.sort(key=lambda c: not is_own(loaded.spec, c))
    return combos[:MAX_CANDIDATES]


def _once(values: Sequence[Any]) -> list[Any]:
    """Each candidate once, a number as a float."""
    out = {candidate_key(v): v if isinstance(v, Mapping) else float(v) for v in values}
    return list(out.values())


def check_choices(loaded: LoadedSpec, choices: Mapping[str, Sequence[Any]],
                  freed: Sequence[str] = (), from_file: Collection[str] = ()) -> None:
    """Choices given in Python (`CalibrationOptions.choices`; the section's are checked
    when the scenario is loaded): two or more different values of a path not freed, each
    once and each one the field takes (forms at `channels.*`), at most MAX_CANDIDATES
    combinations; the scenario valid at every candidate value (a choice of the file's,
    a path in `from_file`, said at its line)."""
    from ..scenario.uncertainty.section import FIXED

    problems = [Problem(loaded.source, None, f"choices {path}", message, hint)
                for path, values in choices.items()
                for message, hint in choice_problems(loaded.spec, path, list(values),
                                                     list(freed), FIXED)]
    combinations = int(np.prod([len({candidate_key(v) for v in values})
                                for values in choices.values()]))
    if combinations > MAX_CANDIDATES:
        problems.append(Problem(loaded.source, None, "choices",
                                _("{n} combinations of choices; at most {most} are fitted"
                                  ).format(n=combinations, most=MAX_CANDIDATES), ""))
    if problems:
        raise ScenarioError(problems)
    problems = [p for path, values in choices.items()
                for p in _scenario_problems(loaded, path, values, path in from_file)[:1]]
    if problems:
        raise ScenarioError(problems)


def _scenario_problems(loaded: LoadedSpec, path: str, values: Sequence[Any],
                       in_file: bool = False) -> list[Problem]:
    """The scenario's problems at each candidate value of `path` (a value the field takes
    may still break a rule between fields), each said once with the value; at the
    choice's line when it is the file's (`in_file`)."""
    line = _file_line(loaded, ("calibration", "choices", path)) if in_file else None
    where = f"calibration.choices.{path}" if in_file else f"choices {path}"
    out = []
    for value in values:
        try:
            with_values(loaded, form_paths(loaded.spec, value) if path == FORM_KEY
                        else {path: float(value)})
        except ScenarioError as exc:
            out += [Problem(loaded.source, line, where,
                            _("candidate {value}: {reason}").format(
                                value=_value_text(value), reason=f"{p.where}: {p.message}"
                                if p.where else p.message), p.hint)
                    for p in exc.problems[:1]]
    return out


def check_form_priors(loaded: LoadedSpec, choices: Mapping[str, Any],
                      priors: Sequence[Parameter]) -> None:
    """Under a choice of forms (`channels.*`), each freed value a form redrafts (a lift, a
    half-saturation: `choice_form.REDRAFTED`) has a lognormal prior, whose median moves
    with the figure; a range or another distribution would stay where the scenario's own
    form puts it, and is refused."""
    if FORM_KEY not in choices:
        return
    problems = [Problem(loaded.source, _file_line(loaded, ("calibration", "parameters",
                                                             p.path)),
                        f"calibration.parameters.{p.path}",
                        _("a value each form of {key} redrafts needs a lognormal prior (its "
                          "median moves with the form), not {prior}").format(
                            key=FORM_KEY, prior=p.to_spec().split("=", 1)[1]),
                        _("e.g. lognormal(0, 0.5) around the scenario's value"))
                for p in priors if REDRAFTED.fullmatch(p.path) and p.dist != "lognormal"]
    if problems:
        raise ScenarioError(problems)


def _file_line(loaded: LoadedSpec, keys: tuple[str, ...]) -> int | None:
    """The line of a value in the scenario's file, else None."""
    from pathlib import Path

    from ..scenario.yamlio import read_yaml

    try:
        _data, lines = read_yaml(Path(loaded.source))
    except (OSError, ScenarioError):
        return None
    return lines.get(keys)


ModelOf = Callable[[LoadedSpec, list[Parameter]], WindowModel]


def choose(loaded: LoadedSpec, choices: Mapping[str, Sequence[Any]], model_of: ModelOf,
           settings: FitSettings, rng_of: Callable[[], np.random.Generator],
           expand: Expand) -> tuple[WindowModel, Fit, Choice | None]:
    """Fit every candidate (its values and priors as `expand` gives them) and keep the
    one with the highest evidence, or the scenario's own when none is clearly better
    (`kept_index`); without choices, the scenario's own fit (`fit_candidates` for the
    starts)."""
    import time

    if not choices:
        model = model_of(loaded, expand({})[1])
        return model, fit(model, settings, rng_of()), None
    started = time.perf_counter()
    combos = candidates_of(loaded, choices)
    applied = [expand(values) for values in combos]
    fitted = fit_candidates([(values, model_of(with_values(loaded, done), priors))
                             for values, (done, priors) in zip(combos, applied, strict=True)],
                            settings, rng_of)
    temper = min(_temper(f) for _, _, f in fitted)
    scores = [log_evidence(f, temper) for _, _, f in fitted]
    own = fitted[0][0] if is_own(loaded.spec, fitted[0][0]) else None
    own_values = {p: v for c in combos for p, v in c.items() if is_own(loaded.spec, {p: v})}
    best = kept_combination([v for v, _, _ in fitted], scores, own_values)
    weights = np.exp(np.asarray(scores) - max(scores))
    weights /= weights.sum()
    candidates = [Candidate(values, scores[i], -_nll(f), _temper(f),
                            _holdout_mape(model, f, settings.holdout), float(weights[i]),
                            i == best, applied[i][0])
                  for i, (values, model, f) in enumerate(fitted)]
    values, model, result = fitted[best]
    extra = sum(m.evaluations for i, (_, m, _) in enumerate(fitted) if i != best)
    return model, result, Choice(list(choices), candidates, temper,
                                 seconds=time.perf_counter() - started,
                                 extra_evaluations=extra, kept=values, own=own,
                                 own_values=own_values)


Fitted = list[tuple[dict[str, Any], WindowModel, Fit]]


def fit_candidates(models: Sequence[tuple[dict[str, Any], WindowModel]],
                   settings: FitSettings, rng_of: Callable[[], np.random.Generator]
                   ) -> Fitted:
    """Fit each candidate from the same screen's points (`rng_of` gives them each time)
    and from the optima of the candidates fitted before it (the same values often fit
    both forms); then a candidate that one of the later candidates' optima fits better
    than its own optimum (a simulation each) is fitted again from every other
    candidate's optimum, so that the order of the candidates gives none of them an
    advantage."""
    fitted: Fitted = []
    for values, model in models:
        others = tuple(f.z for _, _, f in fitted)
        fitted.append((values, model, fit(model, settings, rng_of(), others)))
    for i, (values, model, result) in enumerate(fitted):
        later = [f.z for _, _, f in fitted[i + 1:]]
        if later and bettered(model, result, later, settings):
            others = tuple(f.z for j, (_, _, f) in enumerate(fitted) if j != i)
            fitted[i] = (values, model, fit(model, settings, rng_of(), others))
    return fitted


def bettered(model: WindowModel, result: Fit, points: Sequence[np.ndarray],
             settings: FitSettings) -> bool:
    """Whether one of `points` fits `model` better than its fit's optimum does, on the
    objective its search minimises (-log posterior, untempered, the fit's simulation
    variance)."""
    mask = observed_mask(model.history, settings.holdout)
    weights = settings.weights or {}
    own = neg_log_posterior(result.z, model, result.sim_var, mask, weights)
    return any(neg_log_posterior(np.asarray(z), model, result.sim_var, mask, weights)
               < own - 1e-6 * max(1.0, abs(own)) for z in points)


def kept_index(scores: Sequence[float], own_first: bool) -> int:
    """The candidate kept: the highest log evidence when it beats every other by
    CLEAR_LOG_ODDS or when the scenario's own values are not a candidate; else the
    scenario's own (the first): a form is changed on strong evidence only."""
    best = int(np.argmax(scores))
    rest = [s for i, s in enumerate(scores) if i != best]
    if own_first and rest and scores[best] - max(rest) < CLEAR_LOG_ODDS:
        return 0
    return best


def path_evidence(candidates: Sequence[Any], path: str) -> dict[Any, tuple[Any, float]]:
    """Per value of `path` (by `candidate_key`): (the value, the log evidence that the
    path takes it), the log of the sum of the evidences of the candidates with it (the
    other paths' values averaged out, every combination equally likely beforehand)."""
    groups: dict[Any, tuple[Any, list[float]]] = {}
    for c in candidates:
        value = c.values[path]
        groups.setdefault(candidate_key(value), (value, []))[1].append(c.log_evidence)
    return {k: (v, float(np.logaddexp.reduce(scores))) for k, (v, scores) in groups.items()}


def path_gap(candidates: Sequence[Any], path: str) -> float:
    """How far the best value's log evidence of `path` lies above the next (inf with one)."""
    scores = sorted((e for _, e in path_evidence(candidates, path).values()), reverse=True)
    return scores[0] - scores[1] if len(scores) > 1 else float("inf")


@dataclass(frozen=True)
class _Scored:
    values: dict[str, Any]
    log_evidence: float


def kept_combination(combos: Sequence[dict[str, Any]], scores: Sequence[float],
                     own: Mapping[str, Any]) -> int:
    """The candidate kept, path by path (`kept_index` on each path's evidence,
    `path_evidence`): a path keeps the scenario's own value (`own`, where it is a
    candidate) unless another value's log evidence beats every other by CLEAR_LOG_ODDS;
    without its own value among the candidates, the highest. With one path, the rule of
    `kept_index`."""
    scored = [_Scored(c, s) for c, s in zip(combos, scores, strict=True)]
    kept: dict[str, Any] = {}
    for path in combos[0]:
        values = list(path_evidence(scored, path).values())
        if path in own:  # the scenario's own value first
            values.sort(key=lambda v: candidate_key(v[0]) != candidate_key(own[path]))
        index = kept_index([e for _, e in values], path in own)
        kept[path] = candidate_key(values[index][0])
    return next(i for i, c in enumerate(combos)
                if all(candidate_key(v) == kept[p] for p, v in c.items()))


def _temper(result: Fit) -> float:
    return min(result.tempers.values(), default=1.0)


def _nll(result: Fit) -> float:
    """-log likelihood (weighted, untempered) at the optimum: the fit's cost less the
    prior's z.z / 2, over its temper."""
    return (result.cost - 0.5 * float(result.z @ result.z)) / _temper(result)


def log_evidence(result: Fit, temper: float) -> float:
    """Laplace log marginal likelihood with the likelihood tempered by `temper`:
    -(z.z/2 + temper x nll) - 1/2 log det(temper x H + I) at the optimum of the tempered
    posterior, H the likelihood's curvature (J'J of the untempered residuals, recovered
    from the fit's covariance). The fit's point z is the optimum of the untempered
    posterior (its temper widens the covariance, not the search: `fit.fit`), where the
    tempered objective's gradient is g = (1 - temper) z; one Newton step from z, with no
    further simulation, moves to the tempered optimum and lowers the objective by
    1/2 g'(temper x H + I)^-1 g (exact for a linear Gaussian model)."""
    k = len(result.z)
    own = _temper(result)
    info = (np.linalg.pinv(result.cov) - np.eye(k)) / own
    info = 0.5 * (info + info.T)
    curvature = temper * info + np.eye(k)
    _sign, logdet = np.linalg.slogdet(curvature)
    grad = (1.0 - temper) * result.z
    step = 0.5 * float(grad @ np.linalg.lstsq(curvature, grad, rcond=None)[0])
    at_point = -(0.5 * float(result.z @ result.z) + temper * _nll(result))
    return at_point + step - 0.5 * float(logdet)


def _holdout_mape(model: WindowModel, result: Fit, holdout: int) -> dict[str, float]:
    """Each series' MAPE over the held-out periods at the candidate's optimum."""
    if holdout <= 0:
        return {}
    held = observed_mask(model.history, holdout, False)
    out = {}
    for kpi, y in model.history.series.items():
        mape = fit_metrics(y[held[kpi]], result.mean[kpi][held[kpi]]).get("mape")
        if isinstance(mape, float) and np.isfinite(mape):
            out[kpi] = mape
    return out


def _value_text(value: Any) -> str:
    """A candidate's value as printed: a number, or a form `{path: value, ...}`."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items()) + "}"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _shown(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{p} = {_value_text(v)}" for p, v in values.items())


def choice_line(choice: Choice) -> str:
    """One line for the terminal: the kept candidate and every candidate's score."""
    scores = "; ".join(_("{values}: log evidence {score:.1f}, weight {weight:.2f}").format(
        values=_shown(c.values), score=c.log_evidence, weight=c.weight)
        for c in choice.candidates)
    return _("chosen from the data: {kept} ({scores})").format(
        kept=_shown(choice.kept), scores=scores)


def choice_warnings(choice: Choice) -> list[str]:
    """A warning for each path whose kept value does not win clearly, naming the path,
    its gap and whether the scenario's own value or the best was kept."""
    return [_path_warning(choice, path, gap) for path, gap in choice.gaps.items()
            if gap < CLEAR_LOG_ODDS]


def _path_warning(choice: Choice, path: str, gap: float) -> str:
    kept = choice.kept[path]
    own = choice.own_values.get(path)
    if own is not None and candidate_key(own) == candidate_key(kept):
        return _("the history does not clearly tell the values of {path} apart (the best log "
                 "evidence {gap:.1f} above the next; {clear:g} or more is clear): the "
                 "scenario's own {kept} is kept; the forecast and the contributions depend "
                 "on a form the data do not settle").format(
            path=path, kept=_value_text(kept), gap=gap, clear=CLEAR_LOG_ODDS)
    return _("the history does not clearly tell the values of {path} apart (the best, {kept}, "
             "is kept, its log evidence {gap:.1f} above the next; {clear:g} or more is "
             "clear): the forecast and the contributions depend on a form the data do not "
             "settle").format(path=path, kept=_value_text(kept), gap=gap, clear=CLEAR_LOG_ODDS)
