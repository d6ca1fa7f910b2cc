"""A sorted multiset whose changes are batched: counted below a bound by bisection.

The dashboard's accumulator keeps deadlines and instants in these so that a
figure that moves with the clock (breached now, the last hour's buckets) is
a bisection, not a walk over every ticket. Changes are queued (``change``)
and merged by ``flush``: an addition and a removal of the same value cancel,
a few changes are inserted one by one, many are merged by sorting.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Hashable, Iterator
from typing import Any, Generic, Protocol, TypeVar


class _Key(Hashable, Protocol):
    """A value that sorts and hashes (a float, a datetime, a tuple of them)."""

    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Key)

BULK_SHARE = 16
"""More pending changes than 1/``BULK_SHARE`` of the size (and ``BULK_MIN``): merged by sorting."""
BULK_MIN = 64


class SortedBag(Generic[K]):
    """Values kept in order, with repeats; query only after ``flush``."""

    def __init__(self) -> None:
        self._items: list[K] = []
        self._pending: Counter[K] = Counter()

    def change(self, value: K, count: int) -> None:
        """Queue ``count`` more of ``value`` (negative: fewer; they must be there once flushed)."""
        self._pending[value] += count

    def flush(self) -> None:
        """Apply the queued changes; ``KeyError`` if one removed a value not there."""
        changes = [(value, count) for value, count in self._pending.items() if count]
        self._pending.clear()
        if not changes:
            return
        moved = sum(abs(count) for _, count in changes)
        if moved > max(BULK_MIN, len(self._items) // BULK_SHARE):
            self._merge(changes)
            return
        items = self._items
        for value, count in changes:
            for _ in range(count):
                bisect.insort(items, value)
            for _ in range(-count):
                index = bisect.bisect_left(items, value)
                if index == len(items) or items[index] != value:
                    raise KeyError(value)
                del items[index]

    def _merge(self, changes: list[tuple[K, int]]) -> None:
        removals = Counter({value: -count for value, count in changes if count < 0})
        kept: list[K] = []
        if removals:
            for value in self._items:
                if removals.get(value, 0) > 0:
                    removals[value] -= 1
                else:
                    kept.append(value)
            missing = [value for value, count in removals.items() if count > 0]
            if missing:
                raise KeyError(missing[0])
        else:
            kept = self._items
        for value, count in changes:
            kept.extend([value] * max(count, 0))
        kept.sort()
        self._items = kept

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def first(self) -> K | None:
        """The smallest value (``None``: empty)."""
        return self._items[0] if self._items else None

    def count_below(self, bound: K) -> int:
        """How many values are ``< bound``."""
        return bisect.bisect_left(self._items, bound)

    def count_up_to(self, bound: K) -> int:
        """How many values are ``<= bound``."""
        return bisect.bisect_right(self._items, bound)

    def up_to(self, bound: K) -> list[K]:
        """The values ``<= bound``, in order."""
        return self._items[: bisect.bisect_right(self._items, bound)]
