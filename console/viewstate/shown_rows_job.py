"""The rows a filter and an order show, computed a bounded step at a time (pure, no Qt).

At 100,000 tickets a saved view, a search or a header click is over 100 ms of
plain Python (a test and a sort value per row, a sort, the index's rebuild):
too long for one turn of the console's event loop. A ``ShownRowsJob`` does
that work in steps of at most ``chunk`` rows each (or one merge of two sorted
runs) into a new ``ShownRows``, while the table keeps showing the old one; the
caller runs as many steps per turn as fit its time budget and swaps the result
in once the job is ``done``.

``refilter`` tests a snapshot of the source's rows (ids and default-order keys,
in the default order) a chunk per step. In the default order the rows kept go
straight into the index; sorted by a column, each chunk's rows are sorted by
their plain value (a stable sort in C: ties keep the default order), adjacent
runs are merged pairwise (one stable sort of two runs each, which Timsort
merges in linear time) and the index is built from the merged run. ``narrow``
keeps, in their order, the shown rows that a longer search still matches.

Rows that change while a job runs are handed to ``touch``; before the job is
done each of them is taken out and, if still held and accepted, put back with
its current key. So the result equals a one-shot computation over the rows as
they are when the job ends (``tests/ui/test_queue_filter_proxy.py`` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol

from console.viewstate.shown_rows import Descending, ShownRows, SortKey

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from console.viewstate.queue_rows import OrderKey, QueueRow

CHUNK_ROWS = 2048
"""Rows per step (a step of ``refilter`` costs about 1-3 ms per 2,000 rows)."""

_VALUE, _KEY, _ID = itemgetter(0), itemgetter(1), itemgetter(2)


class RowSource(Protocol):
    """Where the rows come from: ids in the default order, their keys and their row data."""

    def ticket_ids(self) -> list[str]:
        """Every id, in the default order (a copy)."""
        ...

    def ordered_keys(self) -> list[OrderKey]:
        """Every id's default-order key, in the same order (a copy)."""
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
        ids, keys = source.ticket_ids(), source.ordered_keys()
        job._building = job._refiltered(ids, keys)
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
        longer search): no other row can enter.
        """
        job = cls(source, accepts, RowOrder(), chunk=chunk)
        job._building = job._narrowed(shown.keys(), shown.ids())
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
    def _live(self, ids: list[str], keys: Sequence[SortKey]) -> tuple[list[str], Sequence[SortKey]]:
        """The ones of ``ids`` (beside their ``keys``) the source still holds."""
        if not self._touched:  # nothing changed since the snapshot: every id is held
            return ids, keys
        held = self._source.order_keys()
        pairs = [(tid, key) for tid, key in zip(ids, keys, strict=True) if tid in held]
        return [tid for tid, _ in pairs], [key for _, key in pairs]

    def _refiltered(self, all_ids: list[str], all_keys: list[OrderKey]) -> Iterator[int]:
        value, descending = self._order.value, self._order.descending
        rows_of = self._source.queue_rows_of
        runs: list[list[tuple[Any, SortKey, str]]] = []
        for start in range(0, len(all_ids), self._chunk):
            ids, keys = self._live(
                all_ids[start : start + self._chunk], all_keys[start : start + self._chunk]
            )
            test = self._accepts()
            kept = [
                (tid, key, row)
                for tid, key, row in zip(ids, keys, rows_of(ids), strict=True)
                if test(row)
            ]
            if value is None:  # the snapshot's order is the default order
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
            yield len(ids)
        while len(runs) > 1:  # adjacent runs, pairwise: ties stay in the default order
            merged = []
            for first, second in zip(runs[::2], runs[1::2], strict=False):
                both = first + second
                both.sort(key=_VALUE, reverse=descending)
                merged.append(both)
                yield len(both)
            if len(runs) % 2:
                merged.append(runs[-1])
            runs = merged
        ordered = runs[0] if runs else []
        for start in range(0, len(ordered), self._chunk):
            part = ordered[start : start + self._chunk]
            self._rows.extend(list(map(_KEY, part)), list(map(_ID, part)))
            yield len(part)

    def _narrowed(self, all_keys: list[SortKey], all_ids: list[str]) -> Iterator[int]:
        rows_of = self._source.queue_rows_of
        for start in range(0, len(all_ids), self._chunk):
            ids, keys = self._live(
                all_ids[start : start + self._chunk], all_keys[start : start + self._chunk]
            )
            test = self._accepts()
            kept = [
                (key, tid)
                for key, tid, row in zip(keys, ids, rows_of(ids), strict=True)
                if test(row)
            ]
            self._rows.extend([key for key, _ in kept], [tid for _, tid in kept])
            yield len(ids)

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
