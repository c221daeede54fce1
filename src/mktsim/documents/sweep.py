"""The analyze document (`analyze.json`): probabilities, sensitivity and discovery of a
sweep folder (written by `mktsim analyze`, see docs/sweeps.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .base import Reader, clean

ANALYZE_FILE = "analyze.json"
SECTIONS = ("sobol", "morris", "tornado", "discovery")


@dataclass(frozen=True)
class AnalyzeDocument:
    """`analyze.json`: `targets` {target: {probability, by parameter band}}, rows of the
    `sobol`, `morris`, `tornado` and `discovery` sections, and `notes`."""

    method: str
    points: dict[str, int]  # {total, done}
    targets: dict[str, Any]
    sobol: list[dict[str, Any]] = field(default_factory=list)
    morris: list[dict[str, Any]] = field(default_factory=list)
    tornado: list[dict[str, Any]] = field(default_factory=list)
    discovery: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = field(default="analyze")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (strict JSON values)."""
        return clean({"kind": self.kind, "method": self.method, "points": self.points,
                      "targets": self.targets, "sobol": self.sobol, "morris": self.morris,
                      "tornado": self.tornado, "discovery": self.discovery,
                      "notes": self.notes})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnalyzeDocument:
        """Read and check an analysis (errors name `analyze.json` and the section)."""
        r = Reader(ANALYZE_FILE)
        rows: dict[str, list[dict[str, Any]]] = {}
        for key in SECTIONS:
            rows[key] = [r.mapping(row, f"{key}[{i}]")
                         for i, row in enumerate(r.listing(data.get(key) or [], key))]
        return cls(method=str(data.get("method") or ""),
                   points=r.mapping(data.get("points") or {}, "points"),
                   targets=r.mapping(data.get("targets") or {}, "targets"),
                   sobol=rows["sobol"], morris=rows["morris"], tornado=rows["tornado"],
                   discovery=rows["discovery"],
                   notes=[str(n) for n in r.listing(data.get("notes") or [], "notes")])
