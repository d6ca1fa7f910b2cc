"""The rows a filtered, sorted table shows: ticket ids kept sorted by a key (pure, no Qt).

The queue's proxy holds its rows here: ids beside their sorted keys, so a
ticket's position is a binary search and an insertion or a removal is one list
operation, however many rows there are. Positions are in ascending key order
(a descending sort keys its rows with ``Descending``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Any

SortKey = tuple[Any, ...]
"""A row's key: e.g. ``(sort value, default-order key)``; unique per ticket."""


class Descending:
    """A value that sorts in reverse (a descending column's part of a ``SortKey``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Descending) and bool(self.value == other.value)

    def __lt__(self, other: Descending) -> bool:
        return bool(other.value < self.value)

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Descending({self.value!r})"


class ShownRows:
    """Ticket ids in ascending key order; a lookup, insertion or removal is a bisection."""

    def __init__(self) -> None:
        self._keys: list[SortKey] = []
        self._ids: list[str] = []
        self._key_of: dict[str, SortKey] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._key_of

    def ids(self) -> list[str]:
        """The ids in order (a copy)."""
        return list(self._ids)

    def items(self) -> list[tuple[SortKey, str]]:
        """``(key, id)`` pairs in order (a copy)."""
        return list(zip(self._keys, self._ids, strict=True))

    def id_at(self, position: int) -> str:
        """The id at ``position``."""
        return self._ids[position]

    def key_of(self, ticket_id: str) -> SortKey | None:
        """The key ``ticket_id`` is held under, or ``None``."""
        return self._key_of.get(ticket_id)

    def position(self, ticket_id: str) -> int | None:
        """Where ``ticket_id`` is, or ``None`` if it is not held."""
        key = self._key_of.get(ticket_id)
        return None if key is None else bisect.bisect_left(self._keys, key)

    def rows_after(self, key: SortKey | None, count: int) -> tuple[list[str], list[SortKey]]:
        """Up to ``count`` ids, with their keys, after ``key`` (from the first if ``None``)."""
        start = 0 if key is None else bisect.bisect_right(self._keys, key)
        return self._ids[start : start + count], self._keys[start : start + count]

    def shed(self, count: int) -> bool:
        """Forget up to ``count`` rows from the end; whether none is left.

        Freeing a large index at once (its keys) takes tens of milliseconds:
        a retired index is shed a piece at a time.
        """
        self._key_of = {}  # its keys and values live on in the lists
        keep = max(0, len(self._ids) - count)
        del self._keys[keep:]
        del self._ids[keep:]
        return not self._ids

    def same_ids(self, other: ShownRows) -> bool:
        """Whether ``other`` holds the same ids in the same order."""
        return self._ids == other._ids

    def replace(self, ordered: Iterable[tuple[SortKey, str]]) -> None:
        """Hold exactly ``ordered`` (already in ascending key order)."""
        pairs = list(ordered)
        self._keys = [key for key, _ in pairs]
        self._ids = [tid for _, tid in pairs]
        self._key_of = dict(zip(self._ids, self._keys, strict=True))

    def insertion_runs(self, keys: Sequence[SortKey]) -> list[tuple[int, int]]:
        """Where sorted ``keys`` would go: ``(position, count)`` runs (see ``insertion_runs``)."""
        return insertion_runs(self._keys, keys)

    def insertion_point(self, key: SortKey) -> int:
        """Where a row with ``key`` would go."""
        return bisect.bisect_left(self._keys, key)

    def insert(self, position: int, keys: list[SortKey], ids: list[str]) -> None:
        """Put ``ids`` (sorted, with their ``keys``) at ``position`` (see ``insertion_point``)."""
        self._keys[position:position] = keys
        self._ids[position:position] = ids
        self._key_of.update(zip(ids, keys, strict=True))

    def extend(self, keys: Sequence[SortKey], ids: Sequence[str]) -> None:
        """Append ``ids`` (sorted, with their ``keys``), all of which sort after every held row."""
        self._keys.extend(keys)
        self._ids.extend(ids)
        self._key_of.update(zip(ids, keys, strict=True))

    def add(self, key: SortKey, ticket_id: str) -> None:
        """Hold ``ticket_id`` (not held yet) under ``key``, where the key belongs."""
        self.insert(self.insertion_point(key), [key], [ticket_id])

    def discard(self, ticket_id: str) -> None:
        """Drop ``ticket_id`` if it is held."""
        position = self.position(ticket_id)
        if position is not None:
            self.delete(position, position)

    def delete(self, first: int, last: int) -> None:
        """Drop the rows at positions ``first`` to ``last`` (inclusive)."""
        for tid in self._ids[first : last + 1]:
            del self._key_of[tid]
        del self._keys[first : last + 1]
        del self._ids[first : last + 1]

    def destination(self, ticket_id: str, key: SortKey) -> tuple[int, int]:
        """Where held ``ticket_id`` is, and where re-keying it to ``key`` would put it."""
        old = bisect.bisect_left(self._keys, self._key_of[ticket_id])
        new = bisect.bisect_left(self._keys, key)
        return old, new - 1 if new > old else new

    def move(self, ticket_id: str, key: SortKey) -> None:
        """Re-key held ``ticket_id`` and put it where ``key`` belongs (see ``destination``)."""
        old, new = self.destination(ticket_id, key)
        del self._keys[old]
        del self._ids[old]
        self._keys.insert(new, key)
        self._ids.insert(new, ticket_id)
        self._key_of[ticket_id] = key


def insertion_runs(held: Sequence[Any], fresh: Sequence[Any]) -> list[tuple[int, int]]:
    """Where sorted ``fresh`` keys go among sorted ``held`` ones, as ``(position, count)`` runs.

    The ``count`` keys of a run all go at ``position`` of ``held`` as it is;
    positions ascend. Keys that sort after every held one make one run at the
    end, found without a search each (a snapshot's rows arrive in order).
    """
    grouped: list[tuple[int, int]] = []
    size = len(held)
    low = 0
    for index, key in enumerate(fresh):
        if not size or held[-1] < key:  # this key and every one after it go at the end
            if grouped and grouped[-1][0] == size:
                grouped[-1] = (size, grouped[-1][1] + len(fresh) - index)
            else:
                grouped.append((size, len(fresh) - index))
            break
        low = bisect.bisect_left(held, key, low)
        if grouped and grouped[-1][0] == low:
            grouped[-1] = (low, grouped[-1][1] + 1)
        else:
            grouped.append((low, 1))
    return grouped


def runs(positions: Iterable[int]) -> list[tuple[int, int]]:
    """Positions grouped into inclusive ``(first, last)`` runs of consecutive numbers."""
    grouped: list[tuple[int, int]] = []
    for position in sorted(set(positions)):
        if grouped and grouped[-1][1] == position - 1:
            grouped[-1] = (grouped[-1][0], position)
        else:
            grouped.append((position, position))
    return grouped
