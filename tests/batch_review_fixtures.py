"""The review loops of a batch of the smart band's adaptive replications, synced to their
first review, for the tests of a batch's actions carried out together."""

from __future__ import annotations

from pathlib import Path

import mktsim
from mktsim.engine.batch import Batch
from mktsim.engine.replication import Replication
from mktsim.engine.rng import replication_seeds
from mktsim.rules.review import ReviewLoop, ReviewStep

SMART_BAND = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"
#: the day of the first review
DAY = 30


def adaptive_plan():
    """The smart band's adaptive plan."""
    return mktsim.load(SMART_BAND).plan("adaptive")


def reviews_of_a_batch(plan, count):
    """The review loops of a batch of `count` replications, synced to DAY."""
    reps = [Replication(plan, c, (ReviewLoop(),)) for c in replication_seeds(5, count)]
    batch = Batch(reps)
    for rep in reps:
        rep.start_in_batch()
    batch.sync(DAY)
    return [next(change.review for changes in rep.agenda.values() for change in changes
                 if isinstance(change, ReviewStep)) for rep in reps]
