"""Tracking a plan against the year's actuals: runs that follow the actual spend and
prices up to the as-of date and the strategy after it, conditioned on what was observed
(sequential importance resampling over replications), and the targets re-judged.

Public: `check_actuals`, `tracking_plan`, `track` (returns a `Tracking`, the result:
`track.result`), `TargetTrack`; the process itself is `track.run.track` (a
`TrackedYear`, `track.tracked`) and `track.reoptimize.reoptimize`.
"""

from __future__ import annotations

from .check import check_actuals
from .condition import Conditioning, condition, effective_sample_size, systematic_resample
from .plan import tracking_plan
from .result import Tracking, track
from .tracked import TargetTrack, TrackedYear

__all__ = ["Conditioning", "TargetTrack", "TrackedYear", "Tracking", "check_actuals",
           "condition", "effective_sample_size", "systematic_resample", "track",
           "tracking_plan"]
