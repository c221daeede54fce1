"""The files of a tracking: its results folder (the conditioned run's files and
track.json) and the scenario with the re-optimised plan (`--out-plan`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..decision.plan_file import write_strategy_yaml
from ..documents.files import write_atomic
from ..documents.track import TRACK_FILE
from ..simulate.result import write_run
from .levers import REOPTIMIZED

if TYPE_CHECKING:
    from ..documents.track import TrackDocument
    from .tracked import Reoptimization, TrackedYear


def write_tracking(tracked: TrackedYear, document: TrackDocument, folder: str | Path,
                   fmt: str = "csv") -> list[Path]:
    """The conditioned run's files (run.json, tables, series; `fmt` csv or parquet) and
    `document` as track.json into `folder` (`mktsim.write_report` turns it into a
    report)."""
    folder = Path(folder)
    written = write_run(tracked.conditioned, folder, fmt)
    write_atomic(folder / TRACK_FILE, json.dumps(document.to_dict(), indent=1, default=str))
    written.append(folder / TRACK_FILE)
    return written


def reoptimized_plan_yaml(reoptimization: Reoptimization | None, source: str | Path,
                          out: str | Path | None = None, overrides: tuple[str, ...] = ()
                          ) -> str:
    """The scenario file `source` with the re-optimised plan added as strategy
    `reoptimized` (comments kept), for a file at `out` (default `source`): relative file
    references are rewritten for out's folder; `overrides`: the `--set` values the
    tracking ran with, written in."""
    if reoptimization is None:
        raise ValueError("no re-optimisation: call reoptimize() first")
    return write_strategy_yaml(Path(source), Path(out if out is not None else source),
                               reoptimization.plan, REOPTIMIZED, overrides)


def write_reoptimized_plan(reoptimization: Reoptimization | None, source: str | Path,
                           out: str | Path, overrides: tuple[str, ...] = ()) -> Path:
    """Write the scenario `source` with the re-optimised plan as strategy `reoptimized`
    to `out` (atomically; `reoptimized_plan_yaml`)."""
    out = Path(out)
    write_atomic(out, reoptimized_plan_yaml(reoptimization, source, out, overrides))
    return out
