"""The columns a history file may have, and what is wrong with one that is not known or
with a value out of its range (messages with a did-you-mean)."""

from __future__ import annotations

import difflib

from ..i18n import _
from ..kpis import KPIS
from ..scenario.demand import Demand
from ..scenario.suggest import did_you_mean
from .model import OBSERVABLE_KPIS, SHARE_KPIS

# flows and levels that can go below zero; every other KPI value must be >= 0
SIGNED_KPIS = frozenset({"profit", "gross_margin"})
#: Largest intensity of an event in a history cell (as in the scenario's occurrences).
MAX_INTENSITY = 100.0


def driver_names(demand: Demand | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names of the scenario's controls and of its events."""
    if demand is None:
        return (), ()
    return tuple(demand.controls), tuple(demand.events)


def known_columns(channels: tuple[str, ...], products: tuple[str, ...],
                  demand: Demand | None = None) -> list[str]:
    """Every column name a history file may have."""
    controls, events = driver_names(demand)
    return (["date", *OBSERVABLE_KPIS, *(f"{k}_n" for k in sorted(SHARE_KPIS))]
            + [f"spend.{c}" for c in channels] + [f"price.{p}" for p in products]
            + [f"control.{c}" for c in controls] + [f"event.{e}" for e in events])


def unknown_why(name: str, channels: tuple[str, ...], products: tuple[str, ...],
                demand: Demand | None = None) -> str:
    """Why column `name` is not accepted."""
    if name.startswith("spend."):
        return _("no channel '{name}' in the scenario").format(name=name[6:])
    if name.startswith("price."):
        return _("no product '{name}' in the scenario").format(name=name[6:])
    if name.startswith("control."):
        return _("no control '{name}' in the scenario's market.demand.controls").format(
            name=name[8:])
    if name.startswith("event."):
        return _("no event '{name}' in the scenario's market.demand.events").format(
            name=name[6:])
    if name in KPIS:
        return _("KPI '{name}' is a ratio to date and cannot be observed per period").format(
            name=name)
    return _("unknown column")


def unknown_hint(name: str, known: list[str]) -> str:
    """How to fix an unknown column: the prefixed column of a bare channel, product,
    control or event name; else the closest accepted columns first, then all of them."""
    for prefix in ("spend.", "price.", "control.", "event."):
        if f"{prefix}{name}" in known:
            return _("did you mean '{name}'?").format(name=f"{prefix}{name}")
    prefix = next((p for p in ("spend.", "price.", "control.", "event.")
                   if name.startswith(p)), None)
    if prefix is not None:
        return _prefixed_hint(name, prefix, [k for k in known if k.startswith(prefix)])
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    rest = [k for k in known if k not in close]
    shown = ", ".join(rest)
    if close:
        return _("did you mean {names}? Accepted columns also: {rest}").format(
            names=" / ".join(f"'{c}'" for c in close), rest=shown)
    return _("accepted columns: {names}").format(names=shown)


def _prefixed_hint(name: str, prefix: str, columns: list[str]) -> str:
    if columns:
        return did_you_mean(name, columns)
    if prefix == "spend.":
        return _("the scenario has no channels")
    if prefix == "control.":
        return _("add the control under market.demand.controls in the scenario (effect, "
                 "coefficient, reference)")
    if prefix == "event.":
        return _("add the event under market.demand.events in the scenario (lift, days)")
    return _("the scenario has no products")


def range_problem(name: str, value: float, demand: Demand | None = None
                  ) -> tuple[str, str] | None:
    """(message, hint) when `value` cannot stand in column `name`, else None."""
    if name.startswith("control."):
        return _control_problem(name[8:], value, demand)
    if name.startswith("event.") and not 0.0 <= value <= MAX_INTENSITY:
        return (_("event intensity {value} is outside 0 to {most:g}").format(
            value=f"{value:g}", most=MAX_INTENSITY),
                _("write 1 in the periods of the event, 0 or nothing in the others (or a "
                  "partial intensity between 0 and 1)"))
    if name.startswith("spend.") and value < 0:
        return (_("negative spend {value}").format(value=f"{value:g}"),
                _("money spent is 0 or more; refunds go elsewhere"))
    if name.startswith("price.") and value <= 0:
        return (_("price {value} is not positive").format(value=f"{value:g}"),
                _("give the average selling price"))
    if name in SHARE_KPIS and not 0.0 <= value <= 1.0:
        return (_("share {value} is outside [0, 1]").format(value=f"{value:g}"),
                _("write shares as fractions (0.23) or percentages (23%)"))
    if name.endswith("_n") and (value < 1 or value != int(value)):
        return (_("sample size {value} is not a whole number >= 1").format(value=f"{value:g}"),
                _("give the survey's n"))
    if name in KPIS and name not in SIGNED_KPIS and value < 0:
        return (_("negative value {value}").format(value=f"{value:g}"),
                _("{name} cannot be below 0").format(name=name))
    return None


def _control_problem(control: str, value: float, demand: Demand | None
                     ) -> tuple[str, str] | None:
    spec = demand.controls.get(control) if demand is not None else None
    if spec is not None and spec.effect == "elasticity" and value <= 0:
        return (_("value {value} of an elasticity control is not above 0").format(
            value=f"{value:g}"),
                _("give the control's level (an index above 0), or make the control's "
                  "effect linear in the scenario"))
    return None
