"""Results of a pure function kept by the identity of the immutable objects it reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")


class Reused:
    """Results of a pure function of immutable objects (validated sections, a plan's
    compiled rules), kept by the objects' identity and some plain values: scenarios built
    from another with other values (scenario/uncertainty/sampled.py) share its unchanged
    sections, and the plans compiled from them share what was compiled from those."""

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self.seen: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}

    def __call__(self, sections: tuple[Any, ...], plain: tuple[Any, ...],
                 compute: Callable[[], T]) -> T:
        key = (*map(id, sections), *plain)
        hit = self.seen.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], sections, strict=True)):
            return cast(T, hit[1])
        result = compute()
        if len(self.seen) >= self.limit:
            self.seen.clear()
        self.seen[key] = (sections, result)  # the objects kept alive: their ids stay theirs
        return result
