"""The result store of a sweep: a Parquet dataset written as points finish.

Layout of a sweep folder::

    manifest.json            scenario hash, design, seeds, version, timings, point status
    scenario.json            the resolved scenario the sweep ran
    points/point-000042.parquet   rows of point 42 (strategy x replication)
    failed/point-000017.json      error of a point that failed twice

A point is done if and only if its Parquet file exists. Every file is written to a
temporary name starting with "." and renamed into place, so a reader never sees half a
file and an interrupted sweep never counts a point twice.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..documents.files import written_to

MANIFEST = "manifest.json"
SCENARIO = "scenario.json"
POINTS = "points"
FAILED = "failed"
#: Manifest keys that must be equal for --resume to continue a sweep.
IDENTITY_KEYS = ("scenario_hash", "design", "seed", "replications", "strategies")


class StoreError(ValueError):
    """The folder is not a sweep, or cannot be resumed with these settings."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a hidden temporary file in the same folder, then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise written_to(exc, path) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=True, default=str) + "\n").encode()


def _normal(data: Any) -> Any:
    """JSON round trip, so that tuples and numpy scalars compare equal to stored values."""
    return json.loads(json.dumps(data, sort_keys=True, default=str))


class SweepStore:
    """A sweep folder (see the module docstring)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def manifest_path(self) -> Path:
        """manifest.json."""
        return self.root / MANIFEST

    def point_path(self, point: int) -> Path:
        """Parquet file of a point."""
        return self.root / POINTS / f"point-{point:06d}.parquet"

    def failure_path(self, point: int) -> Path:
        """Error record of a point."""
        return self.root / FAILED / f"point-{point:06d}.json"

    # ------------------------------------------------------------------ manifest

    def exists(self) -> bool:
        """A manifest is present."""
        return self.manifest_path.is_file()

    def read_manifest(self) -> dict[str, Any]:
        """The manifest; StoreError if the folder holds no sweep."""
        if not self.exists():
            raise StoreError(f"{self.root}: no {MANIFEST}; not a sweep folder")
        data: dict[str, Any] = json.loads(self.manifest_path.read_text())
        return data

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace the manifest atomically."""
        write_atomic(self.manifest_path, _json(manifest))

    def write_scenario(self, data: dict[str, Any]) -> None:
        """Keep the resolved scenario next to the results."""
        write_atomic(self.root / SCENARIO, _json(data))

    def check_resume(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """The stored manifest, if it describes the same sweep; StoreError otherwise."""
        old = self.read_manifest()
        for key in IDENTITY_KEYS:
            if _normal(old.get(key)) != _normal(manifest.get(key)):
                raise StoreError(
                    f"cannot resume {self.root}: the {key.replace('_', ' ')} differs from the "
                    "sweep stored there; use the same scenario and design, or a new --out folder")
        return old

    # ------------------------------------------------------------------ points

    def done_points(self) -> set[int]:
        """Indices of the points whose Parquet file exists."""
        folder = self.root / POINTS
        if not folder.is_dir():
            return set()
        return {int(p.stem.split("-")[1]) for p in folder.glob("point-*.parquet")}

    def failed_points(self) -> dict[int, str]:
        """Error text of the points recorded as failed (and not done since)."""
        folder = self.root / FAILED
        done = self.done_points()
        out: dict[int, str] = {}
        for p in sorted(folder.glob("point-*.json")) if folder.is_dir() else []:
            point = int(p.stem.split("-")[1])
            if point not in done:
                out[point] = json.loads(p.read_text())["error"]
        return out

    def write_point(self, point: int, table: pd.DataFrame) -> Path:
        """Write a point's rows (atomically) and clear any earlier failure record."""
        buf = io.BytesIO()
        table.to_parquet(buf, index=False)
        path = self.point_path(point)
        write_atomic(path, buf.getvalue())
        self.failure_path(point).unlink(missing_ok=True)
        return path

    def write_failure(self, point: int, error: str, attempts: int) -> None:
        """Record that a point failed, with its error text."""
        record = {"point": point, "status": "failed", "error": error, "attempts": attempts}
        write_atomic(self.failure_path(point), _json(record))

    # ------------------------------------------------------------------ reading

    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The whole dataset (or some columns), sorted by point, strategy order, replication."""
        frames = [pd.read_parquet(self.point_path(p), columns=columns)
                  for p in sorted(self.done_points())]
        if not frames:
            raise StoreError(f"{self.root}: no finished points yet")
        return pd.concat(frames, ignore_index=True)
