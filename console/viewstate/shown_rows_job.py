"""The rows a filter and an order show, computed a bounded step at a time (pure, no Qt).

At 100,000 tickets a saved view, a search or a header click is over 100 ms of
plain Python (a test and a sort value per row, a sort, the index's rebuild):
too long for one turn of the console's event loop. A ``ShownRowsJob`` does
that work in steps of at most ``chunk`` rows each (a merge step: two chunks)
into a new ``ShownRows``, while the table keeps showing the old one; the
caller runs as many steps per turn as fit its time budget and swaps the result
in once the job is ``done``.

``refilter`` reads the source's rows in the default order a chunk per step,
each from where the last ended (``rows_after``: no copy of every row, which
the garbage collector would walk while it is young), and tests them. In the
default order the rows kept go straight into the index; sorted by a column,
each chunk's rows are sorted by their plain value (a stable sort in C: ties
keep the default order) and adjacent runs are merged pairwise, a piece of the
merged order per step (where a piece starts in each run is a binary search;
its rows are merged by one stable sort of two runs), the last merge straight
into the index; what is merged is freed as it goes. ``narrow`` keeps, in
their order, the shown rows that a longer search still matches.

Rows that change, arrive or leave while a job runs are handed to ``touch``;
reading skips them, and before the job is done each of them is taken out and,
if still held and accepted, put back with its current key. So the result
equals a one-shot computation over the rows as they are when the job ends
(``tests/unit/test_shown_rows_job.py`` and ``tests/ui/test_queue_filter_proxy.py``
check it).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from console.viewstate.shown_rows import Descending, ShownRows, SortKey

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from console.viewstate.queue_rows import OrderKey, QueueRow

CHUNK_ROWS = 2048
"""Rows per step (a step of ``refilter`` costs about 1-3 ms per 2,000 rows)."""

_MERGE_CHUNKS = 2
"""A merge step outputs at most this many chunks of rows (merging is cheap per row)."""
_PAIR = 2
_K = TypeVar("_K")

_Sorted = tuple[Any, SortKey, str]
"""A row being sorted: its plain sort value, its key, its id."""

_VALUE, _KEY, _ID = itemgetter(0), itemgetter(1), itemgetter(2)


class RowSource(Protocol):
    """Where the rows come from: ids in the default order, their keys and their row data."""

    def rows_after(self, key: OrderKey | None, count: int) -> tuple[list[str], list[OrderKey]]:
        """Up to ``count`` ids, with their keys, that follow ``key`` in the default order."""
        ...

    def order_keys(self) -> Mapping[str, OrderKey]:
        """The current default-order key of each id held."""
        ...

    def queue_rows_of(self, ticket_ids: Iterable[str]) -> list[QueueRow]:
        """The current row data of each of ``ticket_ids`` (held ids)."""
        ...


@dataclass(frozen=True, slots=True)
class RowOrder:
    """The order of the rows shown: by a column's plain ``value`` (ties in the default order).

    ``value`` ``None``: the default order alone (``queue_rows.order_key``).
    """

    value: Callable[[QueueRow], Any] | None = None
    descending: bool = False

    def key(self, row: QueueRow, order_key: OrderKey) -> SortKey:
        """The key ``row`` (whose default-order key is ``order_key``) is held under."""
        if self.value is None:
            return order_key
        value = self.value(row)
        return (Descending(value) if self.descending else value, order_key)


class ShownRowsJob:
    """Computes the ``ShownRows`` of one filter and order, one bounded ``step`` at a time."""

    def __init__(
        self,
        source: RowSource,
        accepts: Callable[[], Callable[[QueueRow], bool]],
        order: RowOrder,
        *,
        chunk: int = CHUNK_ROWS,
    ) -> None:
        """Use ``refilter`` or ``narrow``; ``accepts`` builds the filter's test, as of now."""
        self._source = source
        self._accepts = accepts
        self._order = order
        self._chunk = max(1, chunk)
        self._piece = self._chunk * _MERGE_CHUNKS
        self._rows = ShownRows()
        self._touched: set[str] = set()
        self._building: Iterator[int] | None = None

    @classmethod
    def refilter(
        cls,
        source: RowSource,
        accepts: Callable[[], Callable[[QueueRow], bool]],
        order: RowOrder,
        *,
        chunk: int = CHUNK_ROWS,
    ) -> ShownRowsJob:
        """The source's rows that ``accepts`` accepts, in ``order``."""
        job = cls(source, accepts, order, chunk=chunk)
        job._building = job._refiltered()
        return job

    @classmethod
    def narrow(
        cls,
        source: RowSource,
        shown: ShownRows,
        accepts: Callable[[], Callable[[QueueRow], bool]],
        *,
        chunk: int = CHUNK_ROWS,
    ) -> ShownRowsJob:
        """The rows of ``shown`` that ``accepts`` still accepts, in their order.

        For a filter that only narrows the one ``shown`` was computed for (a
        longer search): no other row can enter. ``shown`` may change meanwhile
        (its changes are touched too).
        """
        job = cls(source, accepts, RowOrder(), chunk=chunk)
        job._building = job._narrowed(shown)
        return job

    @property
    def done(self) -> bool:
        """Whether the result is complete (every row touched meanwhile settled)."""
        return self._building is None and not self._touched

    def result(self) -> ShownRows:
        """The rows computed (complete once ``done``)."""
        return self._rows

    def touch(self, ticket_ids: Iterable[str]) -> None:
        """These rows changed, arrived or are leaving: test them again before the job is done."""
        self._touched.update(ticket_ids)

    def step(self) -> int:
        """Do the next step of the work; how many rows it handled."""
        if self._building is not None:
            handled = next(self._building, -1)
            if handled >= 0:
                return handled
            self._building = None
        return self._settle()

    # ------------------------------------------------------------------ steps
    def _refiltered(self) -> Iterator[int]:
        value, descending = self._order.value, self._order.descending
        rows_of = self._source.queue_rows_of
        runs: list[list[_Sorted]] = []
        cursor: OrderKey | None = None
        # a chunk at a time from where the last one ended (no copy of every row: a young
        # list of 100,000 references costs the garbage collector milliseconds to walk);
        # rows that arrive or move behind the cursor meanwhile are touched
        while True:
            ids, keys = self._source.rows_after(cursor, self._chunk)
            if not ids:
                break
            cursor = keys[-1]
            read = len(ids)
            ids, keys = self._untouched(ids, keys)
            test = self._accepts()
            kept = [
                (tid, key, row)
                for tid, key, row in zip(ids, keys, rows_of(ids), strict=True)
                if test(row)
            ]
            if value is None:  # read in the default order
                self._rows.extend([key for _, key, _ in kept], [tid for tid, _, _ in kept])
            else:
                values = [value(row) for _, _, row in kept]
                pairs = zip(values, kept, strict=True)
                if descending:
                    run = [(v, (Descending(v), key), tid) for v, (tid, key, _) in pairs]
                else:
                    run = [(v, (v, key), tid) for v, (tid, key, _) in pairs]
                run.sort(key=_VALUE, reverse=descending)  # stable: ties keep the default order
                runs.append(run)
            yield read
        while len(runs) > _PAIR:  # adjacent runs, pairwise: ties stay in the default order
            merged = []
            for first, second in zip(runs[::2], runs[1::2], strict=False):
                both: list[_Sorted] = []
                yield from _merge(first, second, both.extend, descending, self._piece)
                merged.append(both)
            if len(runs) % 2:
                merged.append(runs[-1])
            runs = merged
        first, second = [*runs, [], []][:_PAIR]  # the last merge goes straight into the index
        yield from _merge(first, second, self._extend, descending, self._piece)

    def _extend(self, part: list[_Sorted]) -> None:
        self._rows.extend(list(map(_KEY, part)), list(map(_ID, part)))

    def _narrowed(self, shown: ShownRows) -> Iterator[int]:
        rows_of = self._source.queue_rows_of
        held = self._source.order_keys()
        cursor: SortKey | None = None
        while True:  # ``shown`` changes meanwhile: rows behind the cursor are touched
            ids, keys = shown.rows_after(cursor, self._chunk)
            if not ids:
                break
            cursor = keys[-1]
            read = len(ids)
            ids, keys = self._untouched(ids, keys)
            test = self._accepts()
            live = [tid for tid in ids if tid in held]  # shown may lag a removal
            rows = dict(zip(live, rows_of(live), strict=True))
            kept = [
                (key, tid)
                for key, tid in zip(keys, ids, strict=True)
                if tid in rows and test(rows[tid])
            ]
            self._rows.extend([key for key, _ in kept], [tid for _, tid in kept])
            yield read

    def _untouched(self, ids: list[str], keys: list[_K]) -> tuple[list[str], list[_K]]:
        """The rows not touched yet.

        A touched row is placed when the job settles (and, moved past the
        cursor, it could be read twice).
        """
        touched = self._touched
        if not touched:
            return ids, keys
        pairs = [(tid, key) for tid, key in zip(ids, keys, strict=True) if tid not in touched]
        return [tid for tid, _ in pairs], [key for _, key in pairs]

    def _settle(self) -> int:
        """Re-place up to ``chunk`` of the rows touched meanwhile (by their current data)."""
        touched = self._touched
        batch = [touched.pop() for _ in range(min(len(touched), self._chunk))]
        rows = self._rows
        for tid in batch:
            rows.discard(tid)
        held = self._source.order_keys()
        live = [tid for tid in batch if tid in held]
        test = self._accepts()
        for tid, row in zip(live, self._source.queue_rows_of(live), strict=True):
            if test(row):
                rows.add(self._order.key(row, held[tid]), tid)
        return len(batch)


def _merge(
    first: list[_Sorted],
    second: list[_Sorted],
    out: Callable[[list[_Sorted]], object],
    descending: bool,
    piece: int,
) -> Iterator[int]:
    """Merge sorted runs ``first`` then ``second`` (emptied) into ``out``, ``piece`` rows a step.

    Stable (rows of equal value: ``first``'s first), as one sort of ``first +
    second`` would be. Each step takes the next ``piece`` rows of the merged
    order: how many come from each run is a binary search (the merge path),
    and they are merged by one stable sort of their two runs.
    """
    while first or second:  # consumed from the front: what is merged is freed a piece a step
        count = min(piece, len(first) + len(second))
        taken = _taken_from_first(first, second, count, descending)
        part = first[:taken] + second[: count - taken]
        del first[:taken], second[: count - taken]
        part.sort(key=_VALUE, reverse=descending)
        out(part)
        yield len(part)


def _taken_from_first(
    first: list[_Sorted], second: list[_Sorted], count: int, descending: bool
) -> int:
    """How many of the first ``count`` rows of the stable merge come from ``first``."""
    low, high = max(0, count - len(second)), min(count, len(first))
    while low < high:
        middle = (low + high) // 2
        mine, theirs = first[middle][0], second[count - middle - 1][0]
        if (mine < theirs) if descending else (theirs < mine):
            high = middle  # second's row comes before first[middle]: fewer from first
        else:
            low = middle + 1  # first[middle] is among the first ``count``
    return low
