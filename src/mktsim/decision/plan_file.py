"""The plan YAML: a scenario file with a strategy found by a search added (comments kept),
its relative file references rewritten for where it is written."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from .optimize import CANDIDATE


def write_strategy_yaml(source: Path, out: Path, strategy: dict[str, Any],
                        name: str = CANDIDATE, overrides: tuple[str, ...] = ()) -> str:
    """The scenario file `source` with `strategy` added as `name` (default `optimized`;
    comments kept), first among the strategies, for a file at `out`: its relative file
    references (the calibration history, joint draws) are rewritten for out's folder.
    `overrides`: the `--set` values the search ran with, written into the file so that
    it holds the market the plan was found for."""
    from ruamel.yaml import YAML

    from ..scenario.references import relocate_references
    from ..scenario.roundtrip import apply_overrides_to_document

    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(source.read_text(encoding="utf-8"))
    apply_overrides_to_document(data, overrides)
    data["strategies"].pop(name, None)
    data["strategies"].insert(0, name, _plain(strategy))  # first: `mktsim run FILE` runs it
    relocate_references(data, source.parent, out.parent)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
