"""What the bridge sent since the store was last updated, merged into at most two updates.

The console applies incoming state once per frame, not once per frame of the
protocol: ``PendingUpdates`` takes snapshot parts (begin, pages, end) and delta
batches as they arrive and merges them (a snapshot begin supersedes everything
before it; the pages of one snapshot add up; for each entity the last change
wins, its lists' tails joined to the earlier ones, ``splices.merged``; the
newest status wins; the merged batch carries the last ``seq``).
``apply_to`` then updates the store with the snapshot parts, if any, as one
update, and one batch of everything after them. Each ``add`` costs what the
message holds, whatever is already pending.

``apply_to`` may be given a ``limit`` of entities: it applies that many, oldest
first (a snapshot's before the deltas after it), and keeps the rest pending,
in order, for the next call. A batch applied in parts keeps the store's ``seq``
at the last whole one until its last part; a snapshot's end waits for its last
entities. So a backlog of any size is applied in several slices, each a
bounded amount of work.

Once a snapshot is complete the store is the same as if every message had been
applied one by one; while one is in progress it may differ in which entities of
the state before it are still shown (a superseded snapshot is skipped). While a
merged batch is applied in parts, the store shows some of its changes and not
yet the others.
"""

from __future__ import annotations

import itertools
import sys
from typing import TYPE_CHECKING, Generic, TypeVar

from bridge.wire.protocol import DeltaBatch, SnapshotBegin, SnapshotEnd, SnapshotPage
from bridge.wire.snapshots import split_snapshot
from bridge.wire.splices import merged

if TYPE_CHECKING:
    from bridge.wire.entities import Order, Presence, Ticket
    from bridge.wire.protocol import BridgeStatus, Change, StateSnapshot
    from console.viewstate.store import ViewStore


_T = TypeVar("_T")
COMPACT_AT = 4096
"""Entities taken from a backlog before the list drops them (once they are half of it)."""


class _Backlog(Generic[_T]):
    """Entities waiting, oldest first: taking a part costs that part, not what stays."""

    def __init__(self) -> None:
        self._items: list[_T] = []
        self._start = 0  # _items[:_start] were taken

    def __len__(self) -> int:
        return len(self._items) - self._start

    def __bool__(self) -> bool:
        return len(self._items) > self._start

    def extend(self, items: list[_T]) -> None:
        self._items += items

    def take(self, count: int) -> list[_T]:
        """The ``count`` oldest (fewer if fewer wait); they are no longer waiting."""
        start = self._start
        part = self._items[start : start + count]
        self._start = start + len(part)
        if self._start == len(self._items):
            self._items, self._start = [], 0
        elif self._start > COMPACT_AT and self._start * 2 > len(self._items):
            del self._items[: self._start]  # free what was taken, at most once per halving
            self._start = 0
        return part


class PendingUpdates:
    """Snapshot parts and delta batches received and not applied yet."""

    def __init__(self) -> None:
        self._begin: SnapshotBegin | None = None
        self._page_seq: int | None = None
        self._tickets: _Backlog[Ticket] = _Backlog()
        self._orders: _Backlog[Order] = _Backlog()
        self._agents: _Backlog[Presence] = _Backlog()
        self._end: SnapshotEnd | None = None
        self._snapshot_messages = 0
        self._changes: dict[tuple[str, str], Change] = {}
        self._status: BridgeStatus | None = None
        self._seq: int | None = None
        self._delta_messages = 0

    def _clear_snapshot(self) -> None:
        self._begin = None
        self._page_seq = None
        self._tickets, self._orders, self._agents = _Backlog(), _Backlog(), _Backlog()
        self._end = None
        self._snapshot_messages = 0

    def _clear_changes(self) -> None:
        self._changes = {}
        self._status = None
        self._seq = None
        self._delta_messages = 0

    def __bool__(self) -> bool:
        return self.has_snapshot_part or self._seq is not None

    @property
    def messages(self) -> int:
        """How many protocol messages were merged into what is pending (a part applied counts)."""
        return self._snapshot_messages + self._delta_messages

    @property
    def entities(self) -> int:
        """How many entities are pending: a snapshot's and the deltas' changes."""
        return len(self._tickets) + len(self._orders) + len(self._agents) + len(self._changes)

    @property
    def has_snapshot_part(self) -> bool:
        """Whether a snapshot's begin, pages or end are among what is pending."""
        return self._begin is not None or self._page_seq is not None or self._end is not None

    def add_snapshot(self, snapshot: StateSnapshot) -> None:
        """A whole state at once (its begin, one page and its end)."""
        before = self.messages
        begin, page, end = split_snapshot(snapshot)
        self.add_snapshot_begin(begin)
        self.add_snapshot_page(page)
        self.add_snapshot_end(end)
        self._snapshot_messages = before + 1

    def add_snapshot_begin(self, begin: SnapshotBegin) -> None:
        """A fresh snapshot starts: what was pending before it no longer matters."""
        messages = self.messages
        self._clear_snapshot()
        self._clear_changes()
        self._begin = begin
        self._snapshot_messages = messages + 1

    def add_snapshot_page(self, page: SnapshotPage) -> None:
        """Entities of the snapshot begun (the client checked they belong to it)."""
        self._page_seq = page.seq
        self._tickets.extend(page.tickets)
        self._orders.extend(page.orders)
        self._agents.extend(page.agents)
        self._snapshot_messages += 1

    def add_snapshot_end(self, end: SnapshotEnd) -> None:
        """The snapshot begun is complete."""
        self._end = end
        self._snapshot_messages += 1

    def add_delta(self, batch: DeltaBatch) -> None:
        """The next batch: merged into the pending one (the last change of an entity wins)."""
        changes = self._changes
        for change in batch.changes:
            key = (change.kind, change.key)
            earlier = changes.pop(key, None)  # re-insert: the merged order follows the last change
            changes[key] = change if earlier is None else merged(earlier, change)
        if batch.status is not None:
            self._status = batch.status
        self._seq = batch.seq
        self._delta_messages += 1

    def apply_to(self, store: ViewStore, limit: int | None = None) -> int:
        """Update ``store`` with what is pending, at most ``limit`` entities (None: all).

        At most two updates (the snapshot's, then the deltas'); what is left
        stays pending. Returns how many entities were applied.
        """
        budget = sys.maxsize if limit is None else max(1, limit)
        applied = 0
        if self.has_snapshot_part:
            applied = self._apply_snapshot_part(store, budget)
            if self.has_snapshot_part:  # the deltas after it wait for its end
                return applied
        if self._seq is not None and applied < budget:
            applied += self._apply_changes(store, budget - applied)
        return applied

    def _apply_snapshot_part(self, store: ViewStore, budget: int) -> int:
        begin, end, page_seq = self._begin, self._end, self._page_seq
        agents = self._agents.take(budget)
        budget -= len(agents)
        tickets = self._tickets.take(budget)
        budget -= len(tickets)
        orders = self._orders.take(budget)
        page = None
        if page_seq is not None and (agents or tickets or orders):
            page = SnapshotPage(seq=page_seq, tickets=tickets, orders=orders, agents=agents)
        self._begin = None
        if self._agents or self._tickets or self._orders:
            end = None  # its end waits for its last entities
        else:  # all of it goes now: back to what follows it before the listeners run
            self._clear_snapshot()
        store.load_snapshot(begin, page, end)
        return len(agents) + len(tickets) + len(orders)

    def _apply_changes(self, store: ViewStore, budget: int) -> int:
        seq, status, changes = self._seq, self._status, self._changes
        if seq is None:
            return 0
        if len(changes) <= budget:
            part, whole = list(changes.values()), True
            self._clear_changes()  # back to empty before the listeners run
        else:  # the oldest changes; the newest status goes with this first part
            part = [changes.pop(key) for key in list(itertools.islice(changes, budget))]
            whole, self._status = False, None
        store.apply_delta(DeltaBatch(seq=seq, changes=part, status=status), whole=whole)
        return len(part)
