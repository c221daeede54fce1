"""Relative file references of a scenario (the calibration history, files of joint
draws), rewritten when the scenario is written into another folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .uncertainty.joint_draws import reference as draws_reference


def relocate(reference: str, source_dir: Path, target_dir: Path) -> str:
    """A file reference relative to `source_dir`, made relative to `target_dir` (an
    absolute reference is kept)."""
    if Path(reference).is_absolute():
        return reference
    where = (source_dir / reference).resolve()
    return Path(os.path.relpath(where, target_dir.resolve())).as_posix()


def relocate_history(doc: Any, source_dir: Path, target_dir: Path) -> None:
    """`calibration.history` of a fitted file written in another folder, made relative to
    that folder."""
    section = doc.get("calibration")
    if isinstance(section, dict) and isinstance(section.get("history"), str):
        section["history"] = relocate(section["history"], source_dir, target_dir)


def relocate_references(doc: Any, source_dir: Path, target_dir: Path) -> None:
    """The relative file references of a scenario written in another folder (the
    calibration history, the fitted scenario's history, the files of joint draws) made
    relative to that folder."""
    if source_dir.resolve() == target_dir.resolve():
        return
    relocate_history(doc, source_dir, target_dir)
    record = doc.get("fitted_from")
    if isinstance(record, dict) and isinstance(record.get("history"), str):
        record["history"] = relocate(record["history"], source_dir, target_dir)
    section = doc.get("uncertainties")
    if not isinstance(section, dict):
        return
    for path, spec in list(section.items()):
        ref = draws_reference(spec)
        if ref is None:
            continue
        name = relocate(ref[0], source_dir, target_dir)
        if isinstance(spec, dict):
            spec["draws"] = name
        else:
            section[path] = f"draws({name}, {ref[1]})" if ref[1] else f"draws({name})"
