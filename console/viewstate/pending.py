"""What the bridge sent since the store was last updated, merged into at most two updates.

The console applies incoming state once per frame, not once per frame of the
protocol: ``PendingUpdates`` takes snapshots and delta batches as they arrive
and merges them (a snapshot supersedes everything before it; for each entity
the last change wins; the newest status wins; the merged batch carries the last
``seq``). ``apply_to`` then updates the store with the last snapshot, if any,
and one batch of everything after it. Each ``add`` costs what the message
holds, whatever is already pending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.wire.protocol import DeltaBatch

if TYPE_CHECKING:
    from bridge.wire.protocol import BridgeStatus, Change, StateSnapshot
    from console.viewstate.store import ViewStore


class PendingUpdates:
    """Snapshots and delta batches received and not applied yet."""

    def __init__(self) -> None:
        self._snapshot: StateSnapshot | None = None
        self._changes: dict[tuple[str, str], Change] = {}
        self._status: BridgeStatus | None = None
        self._seq: int | None = None
        self.messages = 0  # how many messages were merged into what is pending

    def _clear(self) -> None:
        self._snapshot = None
        self._changes = {}
        self._status = None
        self._seq = None
        self.messages = 0

    def __bool__(self) -> bool:
        return self._snapshot is not None or self._seq is not None

    @property
    def has_snapshot(self) -> bool:
        """Whether a snapshot is among what is pending."""
        return self._snapshot is not None

    def add_snapshot(self, snapshot: StateSnapshot) -> None:
        """A whole state: what was pending before it no longer matters."""
        messages = self.messages
        self._clear()
        self._snapshot = snapshot
        self.messages = messages + 1

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
        snapshot, changes, status, seq = self._snapshot, self._changes, self._status, self._seq
        self._clear()  # back to empty before the listeners run
        if snapshot is not None:
            store.apply_snapshot(snapshot)
        if seq is not None:
            store.apply_delta(DeltaBatch(seq=seq, changes=list(changes.values()), status=status))
