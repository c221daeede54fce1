"""Checks across fields: names that must exist, shares that must add up, dates in range."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from ..i18n import N_, _
from ..kpis import KPIS
from .calibration_check import check_calibration
from .decision_check import check_decision, check_decision_bounds
from .errors import Problem
from .market import Segment
from .model import ScenarioSpec
from .rules_check import check_planned_prices, check_rules
from .strategy import Hire, Strategy, Training
from .suggest import did_you_mean
from .translate import line_of
from .yamlio import Locations

#: "unknown <what> 'name'" for each kind of name a scenario refers to.
UNKNOWN = {"channel": N_("unknown channel '{name}'"), "team": N_("unknown team '{name}'"),
           "product": N_("unknown product '{name}'"),
           "department": N_("unknown department '{name}'"),
           "strategy": N_("unknown strategy '{name}'"),
           "objective": N_("unknown objective '{name}'"),
           "objective metric": N_("unknown objective metric '{name}'"),
           "segment": N_("unknown segment '{name}'"), "target": N_("unknown target '{name}'")}

TOLERANCE = 1e-6


class Checker:
    """Collects problems about one validated scenario."""

    def __init__(self, spec: ScenarioSpec, locs: Locations, file: str) -> None:
        self.spec, self.locs, self.file = spec, locs, file
        self.problems: list[Problem] = []

    def error(self, path: tuple[str | int, ...], message: str, hint: str = "") -> None:
        """Record a problem at `path`."""
        where = ".".join(str(p) for p in path)
        self.problems.append(Problem(self.file, line_of(path, self.locs), where, message, hint))

    def known(self, path: tuple[str | int, ...], name: str | None, choices: Iterable[str],
              what: str) -> None:
        """`name` must be one of `choices`."""
        options = list(choices)
        if name is not None and name not in options:
            text = _(UNKNOWN[what]) if what in UNKNOWN else f"unknown {what} '{{name}}'"
            self.error(path, text.format(name=name), did_you_mean(name, options))

    def in_horizon(self, path: tuple[str | int, ...], date: dt.date | None) -> None:
        """`date` must fall inside the simulated days."""
        if date is None:
            return
        start, end = self.spec.start_date, self.spec.end_date
        if not start <= date <= end:
            self.error(path, _("date {date} is outside the plan ({start} to {end})").format(
                date=date, start=start, end=end),
                _("move it inside the horizon or lengthen horizon_days"))


def cross_check(spec: ScenarioSpec, locs: Locations, file: str) -> list[Problem]:
    """Every cross-field problem of a scenario that passed the schema."""
    c = Checker(spec, locs, file)
    _market(c)
    _channels(c)
    _org(c)
    for name, strategy in spec.strategies.items():
        _strategy(c, name, strategy)
    _targets(c)
    check_decision(c)
    check_rules(c)
    check_calibration(c)
    return c.problems


def numeric_checks(spec: ScenarioSpec, file: str,
                   checks: Iterable[Callable[[Checker], None]] | None = None) -> list[Problem]:
    """The cross checks that read numbers (shares that must add up, bounds that must be in
    order, prices inside price bounds), without the file's lines; only `checks` when
    given (see `numeric_checks_reading`).

    Every other cross check reads only names, dates, text and the shape of the scenario
    (which keys, how many items), which replacing one number by another never changes: a
    scenario that passed `cross_check` and then had numbers replaced passes all of it when
    it passes these (see `scenario.uncertainty.sampled`). A new check that reads a number belongs in
    NUMERIC_CHECKS, with the sections it reads.
    """
    c = Checker(spec, {}, file)
    for check in (checks if checks is not None else [f for _s, f in NUMERIC_CHECKS]):
        check(c)
    return c.problems


def numeric_checks_reading(paths: Iterable[str]) -> tuple[Callable[[Checker], None], ...]:
    """The numeric checks that read a value at or under one of `paths` (dotted)."""
    wanted = tuple(paths)
    return tuple(check for sections, check in NUMERIC_CHECKS
                 if any(_under(p, s) for p in wanted for s in sections))


def _under(path: str, section: str) -> bool:
    return path == section or path.startswith(section + ".")


def _segments_numbers(c: Checker) -> None:
    _segment_shares(c)
    for name, seg in c.spec.market.segments.items():
        _segment_numbers(c, name, seg)


def _allocations_numbers(c: Checker) -> None:
    for name, strategy in c.spec.strategies.items():
        _allocation_numbers(c, ("strategies", name), strategy)


#: (sections whose values a check reads, the check) of every check that reads numbers;
#: planned prices read list prices, which derive from costs and competitors' prices
NUMERIC_CHECKS: tuple[tuple[tuple[str, ...], Callable[[Checker], None]], ...] = (
    (("market.segments",), _segments_numbers),
    (("strategies",), _allocations_numbers),
    (("decision",), check_decision_bounds),
    (("products", "market.competitors", "strategies", "rules"), check_planned_prices),
)


def _market(c: Checker) -> None:
    segments = c.spec.market.segments
    _segment_shares(c)
    for name, seg in segments.items():
        _segment_numbers(c, name, seg)
        for ch in seg.channel_affinity:
            c.known(("market", "segments", name, "channel_affinity", ch), ch, c.spec.channels,
                    "channel")
    if c.spec.market.demand is not None and c.spec.market.bass_consistent:
        c.error(("market", "demand"), _("demand drivers act on category purchases, a step "
                                        "that a bass_consistent market does not have"),
                _("set bass_consistent: false to use the funnel, or drop market.demand"))
    for name, comp in c.spec.market.competitors.items():
        for i, move in enumerate(comp.moves):
            c.in_horizon(("market", "competitors", name, "moves", i, "on"), move.on)
    for name, product in c.spec.products.items():
        c.in_horizon(("products", name, "launch"), product.launch)
        if product.pricing.method == "competition" and not c.spec.market.competitors:
            c.error(("products", name, "pricing", "method"),
                    _("competition-based pricing needs at least one competitor"))


def _segment_shares(c: Checker) -> None:
    total = sum(s.share for s in c.spec.market.segments.values())
    if abs(total - 1.0) > TOLERANCE:
        c.error(("market", "segments"), _("segment shares add up to {total}, not 1").format(
            total=f"{total:.6g}"), _("make the shares of all segments sum to 1 (100%)"))


def _segment_numbers(c: Checker, name: str, seg: Segment) -> None:
    if seg.churn_beta is not None and seg.churn_per_year > 0:
        c.error(("market", "segments", name, "churn_beta"),
                _("give churn_per_year (geometric) or churn_beta (sBG), not both"),
                _("remove one of them"))
    held = seg.initial_consideration + seg.initial_customers + seg.initial_loyal
    if held > seg.initial_awareness + TOLERANCE:
        c.error(("market", "segments", name, "initial_awareness"),
                f"initial_awareness {seg.initial_awareness:g} is below considering + "
                f"customers + loyal ({held:g})",
                "awareness counts everyone who knows the brand, customers included")


def _channels(c: Checker) -> None:
    departments = c.spec.org.departments
    for name, ch in c.spec.channels.items():
        c.known(("channels", name, "team"), ch.team, c.spec.teams, "team")
        for other in ch.synergy_with:
            c.known(("channels", name, "synergy_with", other), other, c.spec.channels, "channel")
        if departments:
            c.known(("channels", name, "department"), ch.department, departments, "department")
    c.known(("crm", "service_team"), c.spec.crm.service_team, c.spec.teams, "team")


def _org(c: Checker) -> None:
    departments = c.spec.org.departments
    boss: dict[str, str] = {}
    for name, dep in departments.items():
        c.known(("org", "departments", name, "reports_to"), dep.reports_to, departments,
                "department")
        if dep.reports_to in departments:
            boss[name] = dep.reports_to
    cycle = reporting_cycle(list(departments), boss)
    if cycle:
        c.error(("org", "departments"), _("reporting lines form a cycle: {cycle}").format(
            cycle=" -> ".join(cycle)))
    for i, h in enumerate(c.spec.org.handoffs):
        c.known(("org", "handoffs", i, "from"), h.from_department, departments, "department")
        c.known(("org", "handoffs", i, "to"), h.to_department, departments, "department")
    for name, team in c.spec.teams.items():
        if departments:
            c.known(("teams", name, "department"), team.department, departments, "department")


def reporting_cycle(names: list[str], boss: dict[str, str]) -> list[str]:
    """The first cycle of reporting lines (each department reports to at most one), as
    networkx's `find_cycle` finds it on the graph name -> boss: the walk up from each
    department in turn (in the order networkx holds them: each department, then its boss),
    the cycle from the first department met twice. [] when none."""
    order = dict.fromkeys(n for name in names for n in (name, boss.get(name)) if n)
    explored: set[str] = set()
    for start in order:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in explored and node not in path:
            path.append(node)
            node = boss.get(node)
        if node is not None and node in path:
            return path[path.index(node):]
        explored.update(path)
    return []


def _strategy(c: Checker, name: str, s: Strategy) -> None:
    base = ("strategies", name)
    spec = c.spec
    _allocation(c, base, s)
    for ch, windows in (s.windows or {}).items():
        c.known((*base, "windows", ch), ch, spec.channels, "channel")
        for i, w in enumerate(windows):
            c.in_horizon((*base, "windows", ch, i, "start"), w.start)
    for product in s.prices or {}:
        c.known((*base, "prices", product), product, spec.products, "product")
    for i, pc in enumerate(s.price_changes or []):
        c.known((*base, "price_changes", i, "product"), pc.product, spec.products, "product")
        c.in_horizon((*base, "price_changes", i, "on"), pc.on)
    for i, promo in enumerate(s.promotions or []):
        c.known((*base, "promotions", i, "product"), promo.product, spec.products, "product")
        c.in_horizon((*base, "promotions", i, "start"), promo.start)
    for team in s.headcount or {}:
        c.known((*base, "headcount", team), team, spec.teams, "team")
    dated: list[tuple[str, Hire | Training]] = [
        *(("hires", h) for h in s.hires or []), *(("training", t) for t in s.training or [])]
    counters = {"hires": 0, "training": 0}
    for key, item in dated:
        i = counters[key]
        counters[key] += 1
        c.known((*base, key, i, "team"), item.team, spec.teams, "team")
        c.in_horizon((*base, key, i, "on"), item.on)


def _allocation(c: Checker, base: tuple[str, ...], s: Strategy) -> None:
    alloc = s.allocation or {}
    for ch in alloc:
        c.known((*base, "allocation", ch), ch, c.spec.channels, "channel")
    _allocation_numbers(c, base, s)


def _allocation_numbers(c: Checker, base: tuple[str, ...], s: Strategy) -> None:
    alloc = s.allocation or {}
    if alloc and abs(sum(alloc.values()) - 1.0) > TOLERANCE:
        c.error((*base, "allocation"), f"allocation adds up to {sum(alloc.values()):.6g}, not 1",
                "make the channel shares sum to 1 (100%)")
    if (s.budget or 0) > 0 and not alloc:
        c.error((*base, "allocation"), "a budget needs an allocation by channel",
                "add allocation: {channel: share, ...}")


def _targets(c: Checker) -> None:
    seen: set[str] = set()
    for i, t in enumerate(c.spec.targets):
        path = ("targets", i)
        if t.id in seen:
            c.error((*path, "id"), f"target id '{t.id}' is used twice",
                    "give each target its own id")
        seen.add(t.id)
        if t.metric not in KPIS:
            c.error((*path, "metric"), f"unknown metric '{t.metric}'", did_you_mean(t.metric, KPIS))
            continue
        kind = KPIS[t.metric].kind
        if t.baseline == "start" and kind != "stock":
            c.error((*path, "baseline"), f"'{t.metric}' has no value on day 0 ('start')",
                    "give last period's value as a number")
        if t.over_days is not None and kind != "flow":
            c.error((*path, "over_days"), f"over_days only applies to flows, not '{t.metric}'")
        if t.by is not None and t.by < c.spec.start_date:
            c.error((*path, "by"), f"deadline {t.by} is before the start {c.spec.start_date}")
        if c.spec.objectives:
            c.known((*path, "serves"), t.serves, c.spec.objectives, "objective")
