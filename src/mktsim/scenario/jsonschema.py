"""The JSON Schema of scenario files, for editors.

Numbers in a scenario may also be written as text (`30%`, `2_000_000`): the exported
schema says so, so an editor does not flag what mktsim accepts.
"""

from __future__ import annotations

from typing import Any

from .model import ScenarioSpec

NUMBER_TEXT = {
    "type": "string",
    "pattern": r"^\s*[-+]?[0-9][0-9_,]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?%?\s*$",
}


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of ScenarioSpec, with numbers also accepted as number text."""
    schema = ScenarioSpec.model_json_schema(by_alias=True)
    return _widen(schema)


def _widen(node: Any) -> Any:
    if isinstance(node, list):
        return [_widen(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _widen(v) for k, v in node.items()}
    if out.get("type") in ("number", "integer") and "anyOf" not in out:
        numeric = {k: v for k, v in out.items() if k not in ("title", "description", "default")}
        meta = {k: v for k, v in out.items() if k in ("title", "description", "default")}
        return {**meta, "anyOf": [numeric, NUMBER_TEXT]}
    return out
