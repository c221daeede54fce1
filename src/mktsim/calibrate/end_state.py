"""Where the history left the market: the state at the end of the history window, one per
posterior draw, so that a fitted scenario starts where the history ends.

Each posterior draw of the free values simulates the history window once (one
replication, replication i of its own seed stream); its end-of-window state becomes the
start state of a scenario beginning the day after the history's last period, written
as the scenario keys the model starts from (docs/calibration.md, "The fitted scenario"):

- per segment (shares of the segment's people, 0-1): `initial_awareness` (everyone who
  knows the brand: aware, considering, waiting for a team, customers, loyal, lapsed),
  `initial_consideration` (considering, with the leads waiting for a team),
  `initial_customers`, `initial_loyal`, `initial_lapsed`, and `initial_adopters`
  (everyone who ever bought: the talkers of word of mouth with `source: adopters`);
- per channel: `adstock.initial`, the carried-over adstock stock (adstocked exposures per
  person, the unit of the channel's half_saturation).

Left out: the leads queued for a team or in a hand-off (their people start again as
considering), the complaints waiting, and the teams' people and skills (a team starts
from the scenario's headcount and skill): they turn over within days or weeks, while the
stocks above carry the market for months. Segments with latent churn classes
(`churn_beta`) start with their customers split by the classes' weights again, as on a
first day."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..history import History, history_plan
from ..i18n import _
from ..model import plan as P
from ..model.plan import Plan
from ..scenario.errors import Problem, ScenarioError
from ..scenario.load import LoadedSpec, with_values
from ..simulate import run_plan
from .priors import values_at
from .simulator import WindowModel

#: spawn key of the end-state replications' seed (33: the predictive band's draws)
STATE_STREAM = 34
#: the segment keys of the start state, and the funnel states each counts
SEGMENT_KEYS: dict[str, tuple[int, ...]] = {
    "initial_awareness": (P.AWARE, P.CONSIDERING, P.WAITING, P.CUSTOMER, P.LOYAL, P.CHURNED),
    "initial_consideration": (P.CONSIDERING, P.WAITING),
    "initial_customers": (P.CUSTOMER,),
    "initial_loyal": (P.LOYAL,),
    "initial_lapsed": (P.CHURNED,),
}
ADOPTERS_KEY = "initial_adopters"
ADSTOCK_KEY = "adstock.initial"


@dataclass(frozen=True)
class EndState:
    """The state at the end of a history window, one row per posterior draw.

    `paths`: the scenario keys (dotted paths) of the state; `draws` [N, len(paths)] their
    values (shares 0-1, adstock in exposures per person); `start_date` the first day after
    the window; `history`, `sha256`, `first_day`, `last_day`: the history file and its
    window; `start_date_before`, `start_before`: the start date and start-state values of
    the scenario that was fitted (kept in the fitted file's `fitted_from:`)."""

    paths: list[str]
    draws: np.ndarray
    start_date: dt.date
    history: str
    sha256: str
    first_day: dt.date
    last_day: dt.date
    start_date_before: dt.date
    start_before: dict[str, float]

    def mean(self) -> dict[str, float]:
        """The posterior mean state, path -> value."""
        return {p: float(v) for p, v in zip(self.paths, self.draws.mean(axis=0), strict=True)}


@dataclass(frozen=True)
class DrawPlans:
    """A `PlanSource` giving replication i the plan of posterior draw i."""

    plans: tuple[Plan, ...]

    def plans_for(self, first: int, count: int) -> list[tuple[Plan, dict[str, Any]]]:
        """Plans of replications first..first+count-1 (nothing drawn of their own)."""
        return [(plan, {}) for plan in self.plans[first:first + count]]


def state_paths(loaded: LoadedSpec) -> list[str]:
    """The dotted paths of a scenario's start state: segment keys, then channel adstocks."""
    spec = loaded.spec
    segs = [f"market.segments.{s}.{k}" for s in spec.market.segments
            for k in (*SEGMENT_KEYS, ADOPTERS_KEY)]
    return segs + [f"channels.{c}.{ADSTOCK_KEY}" for c in spec.channels]


def end_state(model: WindowModel, zs: np.ndarray) -> EndState:
    """The history window simulated once at each posterior draw `zs` [N, k] (replication
    i of the STATE_STREAM seed), and the state each leaves at its end. The model's
    scenario is the one simulated from the window's first day (`window_start`)."""
    plans = tuple(history_plan(with_values(model.loaded, values_at(model.priors, z)).spec,
                               model.strategy, model.history) for z in zs)
    seed = int(np.random.SeedSequence(model.seed, spawn_key=(STATE_STREAM,))
               .generate_state(1)[0])
    run = run_plan(plans[0], len(plans), seed, workers=model.workers, pool=model.pool,
                   source=DrawPlans(plans))
    spec = model.loaded.spec
    rows = [_state_row(plan, run.states[i], run.adopters[i], run.adstock[i],
                       list(spec.market.segments)) for i, plan in enumerate(plans)]
    history = model.history
    record = spec.fitted_from
    restored = record is not None and history.start < spec.start_date
    return EndState(
        paths=state_paths(model.loaded), draws=np.array(rows), start_date=history.ends[-1],
        history=history.source, sha256=file_sha256(Path(history.source)),
        first_day=history.start, last_day=history.ends[-1] - dt.timedelta(days=1),
        start_date_before=record.start_date if restored and record else spec.start_date,
        start_before={p: float(spec_value(spec, p)) for p in state_paths(model.loaded)})


def _state_row(plan: Plan, states: np.ndarray, adopters: np.ndarray | None,
               adstock: np.ndarray | None, segments: list[str]) -> list[float]:
    """One draw's state in the order of `state_paths`: each segment's shares (its rows of
    latent classes summed), then each channel's adstock."""
    if adopters is None or adstock is None:
        raise RuntimeError("the engine kept no end-of-run adopters or adstock")
    names = np.array(plan.segments, dtype=object)
    people = plan.init_state.sum(axis=1)
    row: list[float] = []
    for seg in segments:
        mine = names == seg
        pop = float(people[mine].sum())
        counts = states[mine].sum(axis=0)
        for cols in SEGMENT_KEYS.values():
            row.append(float(counts[list(cols)].sum()) / pop if pop else 0.0)
        row.append(float(adopters[mine].sum()) / pop if pop else 0.0)
    return row + [float(x) for x in adstock]


def spec_value(node: Any, dotted: str) -> Any:
    """The value at a dotted path of a validated scenario (a number is a list index; an
    unset optional value reads as 0, e.g. `initial_adopters`)."""
    for part in dotted.split("."):
        if isinstance(node, dict):
            node = node[part]
        elif isinstance(node, (list, tuple)):
            node = node[int(part)]
        else:
            node = getattr(node, part)
    return 0.0 if node is None else node


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_fitted_start(loaded: LoadedSpec, history: History) -> None:
    """Refuse, before any fit, a scenario whose fitted file could not be read: the fitted
    scenario starts the day after the history, and a dated entry of the plan before that
    day (a target's deadline, a hire, a window) is outside it."""
    from ..scenario.load import validate_data

    start = history.ends[-1]
    if start == loaded.spec.start_date:
        return
    data = {**loaded.data, "start_date": start}
    try:
        validate_data(data, {}, loaded.source, [], check_uncertainties=False)
    except ScenarioError as exc:
        raise ScenarioError([Problem(
            loaded.source, None, "--out",
            _("the fitted scenario starts on {start}, the day after the history's last "
              "period, and these dated entries of the scenario would lie outside it").format(
                start=start.isoformat()),
            _("move them after {start} in the scenario (or give them with --set), then "
              "calibrate again").format(start=start.isoformat())),
            *exc.problems]) from None


def window_start(loaded: LoadedSpec, history: History) -> LoadedSpec:
    """The scenario to simulate `history` from. A fitted scenario (`fitted_from:`) starts
    after its history: on a history that begins before its start, its recorded start
    state (`fitted_from.start_state`) is put back, so the window starts where the first
    calibration's did (a history beginning after that one's first day, but before the
    scenario's start, is refused: the market's state on that day is not known); on a
    history from its start on, it starts from its own state (a refit with new data
    continues where the last fit ended)."""
    record = loaded.spec.fitted_from
    if record is None or history.start >= loaded.spec.start_date:
        return loaded
    if history.start > record.first_day:
        raise ScenarioError([Problem(
            loaded.source, None, "fitted_from",
            _("the history begins on {first}, after the first day of the history this "
              "scenario was fitted to ({fitted}) and before the scenario's start "
              "({start}): no known state of the market on that day").format(
                first=history.start, fitted=record.first_day,
                start=loaded.spec.start_date),
            _("give a history that begins on {start} (new periods only) or on {fitted} "
              "(the whole history again)").format(start=loaded.spec.start_date,
                                                  fitted=record.first_day))])
    return with_values(loaded, dict(record.start_state))
