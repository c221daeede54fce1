"""Resolve `extends:` between strategies: a child copies its parent and replaces keys."""

from __future__ import annotations

import copy
from dataclasses import replace
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
        if "label" in strategies[name]:  # a label names one strategy: never inherited
            merged["label"] = strategies[name]["label"]
        else:
            merged.pop("label", None)
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


def fold_inherited(problems: list[Problem], strategies: Any, locs: Locations,
                   file: str) -> list[Problem]:
    """Report a problem that strategies inherit through `extends` once, at the line of the
    strategy that holds the value, naming the strategies that inherit it."""
    if not isinstance(strategies, dict):
        return problems
    groups: dict[tuple[str, str, str, str], tuple[Problem, list[str]]] = {}
    for problem in problems:
        moved = _to_definer(problem, strategies, locs, file)
        target, heir = moved if moved else (problem, None)
        key = (target.where, target.message, target.hint, target.severity)
        _, heirs = groups.setdefault(key, (target, []))
        if heir and heir not in heirs:
            heirs.append(heir)
    return [replace(p, message=f"{p.message} (inherited by {', '.join(heirs)})") if heirs else p
            for p, heirs in groups.values()]


def _to_definer(problem: Problem, strategies: dict[str, Any], locs: Locations,
                file: str) -> tuple[Problem, str] | None:
    parts = problem.where.split(".")
    if problem.file != file or len(parts) < 3 or parts[0] != "strategies":
        return None
    heir = parts[1]
    found = _definer(heir, parts[2:], strategies)
    if found is None or found[0] == heir:
        return None
    owner, path = found
    where = ("strategies", owner, *path)
    return replace(problem, line=locs.get(where, problem.line),
                   where=".".join(map(str, where))), heir


def _definer(name: str, rest: list[str], strategies: dict[str, Any]
             ) -> tuple[str, tuple[str | int, ...]] | None:
    """The first strategy up `name`'s extends chain whose own text holds the value at
    `rest`, with the typed path to it; None when no strategy of the chain does."""
    seen: set[str] = set()
    current: Any = name
    while isinstance(current, str) and current in strategies and current not in seen:
        seen.add(current)
        path = _typed_path(strategies[current], rest)
        if path is not None:
            return current, path
        own = strategies[current]
        current = own.get("extends") if isinstance(own, dict) else None
    return None


def _typed_path(data: Any, rest: list[str]) -> tuple[str | int, ...] | None:
    path: list[str | int] = []
    for part in rest:
        if isinstance(data, dict) and part in data:
            data = data[part]
            path.append(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
            path.append(int(part))
        else:
            return None
    return tuple(path)
