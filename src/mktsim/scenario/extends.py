"""Resolve `extends:` between strategies: a child copies its parent and replaces keys."""

from __future__ import annotations

import copy
from typing import Any

from .errors import Problem
from .yamlio import Locations

WHOLE = {"allocation"}  # replaced as a whole, never merged key by key


def resolve_extends(
    strategies: dict[str, Any], locs: Locations, file: str
) -> tuple[dict[str, Any], list[Problem]]:
    """Return each strategy with its ancestors merged in, and problems (cycles, unknowns)."""
    problems: list[Problem] = []
    if not any(isinstance(s, dict) and "extends" in s for s in strategies.values()):
        return strategies, problems
    resolved: dict[str, Any] = {}
    for name in strategies:
        if not isinstance(strategies[name], dict):  # not a section: the schema refuses it
            resolved[name] = strategies[name]
            continue
        chain = _chain(name, strategies, locs, file, problems)
        merged: dict[str, Any] = {}
        for link in reversed(chain):
            merged = _merge(merged, strategies[link])
        merged.pop("extends", None)
        resolved[name] = merged
    return resolved, problems


def _chain(
    name: str, strategies: dict[str, Any], locs: Locations, file: str, problems: list[Problem]
) -> list[str]:
    chain = [name]
    current = strategies[name]
    while isinstance(current, dict) and current.get("extends") is not None:
        parent = current["extends"]
        where = ("strategies", chain[-1], "extends")
        if not isinstance(parent, str):
            problems.append(Problem(file, locs.get(where), ".".join(where),
                                    f"must name one strategy, got {type(parent).__name__}",
                                    "write extends: <strategy name>"))
            break
        if parent not in strategies:
            problems.append(_unknown(parent, strategies, locs, file, where))
            break
        if parent in chain:
            cycle = " -> ".join([*chain, parent])
            problems.append(
                Problem(file, locs.get(where), ".".join(where), f"extends forms a cycle: {cycle}",
                        "remove one of the extends")
            )
            break
        chain.append(parent)
        current = strategies[parent]
    return chain


def _unknown(parent: Any, strategies: dict[str, Any], locs: Locations, file: str,
             where: tuple[str, ...]) -> Problem:
    from .suggest import did_you_mean

    return Problem(file, locs.get(where), ".".join(where), f"unknown strategy '{parent}'",
                   did_you_mean(str(parent), strategies))


def _merge(base: dict[str, Any], child: Any) -> dict[str, Any]:
    if not isinstance(child, dict):
        return base
    out = copy.deepcopy(base)
    for key, value in child.items():
        if key in WHOLE or not isinstance(value, dict) or not isinstance(out.get(key), dict):
            out[key] = copy.deepcopy(value)
        else:
            out[key] = _merge(out[key], value)
    return out
