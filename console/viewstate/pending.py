"""What the bridge sent since the store was last updated, merged into at most two updates.

The console applies incoming state once per frame, not once per frame of the
protocol: ``PendingUpdates`` takes snapshot parts (begin, pages, end) and delta
batches as they arrive and merges them (a snapshot begin supersedes everything
before it; the pages of one snapshot add up; for each entity the last change
wins; the newest status wins; the merged batch carries the last ``seq``).
``apply_to`` then updates the store with the snapshot parts, if any, as one
update, and one batch of everything after them. Each ``add`` costs what the
message holds, whatever is already pending.

Once a snapshot is complete the store is the same as if every message had been
applied one by one; while one is in progress it may differ in which entities of
the state before it are still shown (a superseded snapshot is skipped).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.wire.protocol import DeltaBatch, SnapshotBegin, SnapshotEnd, SnapshotPage

if TYPE_CHECKING:
    from bridge.wire.entities import Order, Presence, Ticket
    from bridge.wire.protocol import BridgeStatus, Change, StateSnapshot
    from console.viewstate.store import ViewStore


class PendingUpdates:
    """Snapshot parts and delta batches received and not applied yet."""

    def __init__(self) -> None:
        self._begin: SnapshotBegin | None = None
        self._page_seq: int | None = None
        self._tickets: list[Ticket] = []
        self._orders: list[Order] = []
        self._agents: list[Presence] = []
        self._end: SnapshotEnd | None = None
        self._changes: dict[tuple[str, str], Change] = {}
        self._status: BridgeStatus | None = None
        self._seq: int | None = None
        self.messages = 0  # how many messages were merged into what is pending

    def _clear(self) -> None:
        self._begin = None
        self._page_seq = None
        self._tickets, self._orders, self._agents = [], [], []
        self._end = None
        self._changes = {}
        self._status = None
        self._seq = None
        self.messages = 0

    def __bool__(self) -> bool:
        return (
            self._begin is not None
            or self._page_seq is not None
            or self._end is not None
            or self._seq is not None
        )

    @property
    def has_snapshot_part(self) -> bool:
        """Whether a snapshot's begin, pages or end are among what is pending."""
        return self._begin is not None or self._page_seq is not None or self._end is not None

    def add_snapshot(self, snapshot: StateSnapshot) -> None:
        """A whole state at once (its begin, one page and its end)."""
        messages = self.messages
        self.add_snapshot_begin(
            SnapshotBegin(
                session=snapshot.session,
                seq=snapshot.seq,
                tickets=len(snapshot.tickets),
                orders=len(snapshot.orders),
                agents=len(snapshot.agents),
                status=snapshot.status,
            )
        )
        page = SnapshotPage(
            seq=snapshot.seq,
            tickets=snapshot.tickets,
            orders=snapshot.orders,
            agents=snapshot.agents,
        )
        self.add_snapshot_page(page)
        self.add_snapshot_end(SnapshotEnd(seq=snapshot.seq))
        self.messages = messages + 1

    def add_snapshot_begin(self, begin: SnapshotBegin) -> None:
        """A fresh snapshot starts: what was pending before it no longer matters."""
        messages = self.messages
        self._clear()
        self._begin = begin
        self.messages = messages + 1

    def add_snapshot_page(self, page: SnapshotPage) -> None:
        """Entities of the snapshot begun (the client checked they belong to it)."""
        self._page_seq = page.seq
        self._tickets += page.tickets
        self._orders += page.orders
        self._agents += page.agents
        self.messages += 1

    def add_snapshot_end(self, end: SnapshotEnd) -> None:
        """The snapshot begun is complete."""
        self._end = end
        self.messages += 1

    def add_delta(self, batch: DeltaBatch) -> None:
        """The next batch: merged into the pending one (the last change of an entity wins)."""
        changes = self._changes
        for change in batch.changes:
            key = (change.kind, change.key)
            changes.pop(key, None)  # re-insert: the merged order follows the last change
            changes[key] = change
        if batch.status is not None:
            self._status = batch.status
        self._seq = batch.seq
        self.messages += 1

    def apply_to(self, store: ViewStore) -> None:
        """Update ``store`` with everything pending (at most two updates), then forget it."""
        begin, end, seq, status = self._begin, self._end, self._seq, self._status
        page = None
        if self._page_seq is not None:
            page = SnapshotPage(
                seq=self._page_seq, tickets=self._tickets, orders=self._orders, agents=self._agents
            )
        changes = self._changes
        self._clear()  # back to empty before the listeners run
        if begin is not None or page is not None or end is not None:
            store.load_snapshot(begin, page, end)
        if seq is not None:
            store.apply_delta(DeltaBatch(seq=seq, changes=list(changes.values()), status=status))
