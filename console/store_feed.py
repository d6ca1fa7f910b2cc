"""Feed the view store from the bridge client at most once per frame, a bounded amount each.

Protocol messages can arrive far more often than a screen refreshes (one delta
per event when the bridge is idle). ``FramePacedFeed`` merges what arrives
(``console.viewstate.pending``) and applies it to the store on the next
event-loop turn if the last application was at least a frame ago, else when
that frame is over; so what streams in is applied at most once per frame and
an idle console still shows a change at once. Each application takes only as
many entities as fit in its time (``console.viewstate.apply_budget``, learnt
from how long the last ones took): a large backlog, delta or snapshot is
applied in several slices, oldest first, and what waits keeps merging. The
slice after one that left a backlog runs on the next event-loop turn, once
the loop has handled what waited meanwhile (input, the socket, a paint: at
most one slice late), not at the end of the frame: that halved the rate at
which a snapshot is taken in, the loop idle for the other half of each
frame. A snapshot's pages are applied the same way, as they come: the window
fills in over several slices.
After each part of a snapshot has been applied the garbage collector's heap is
frozen (``gc.freeze``, which costs nothing): the entities just loaded live long
and hold no reference cycles, and a generation-2 collection that walks all of
them is a UI stall of hundreds of milliseconds. With a ``GcPacing``
(``console.gc_pacing``) the heap is also frozen after every older collection,
and collected whole once after ``IDLE_COLLECT_S`` without updates.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from console.gc_pacing import IDLE_COLLECT_S
from console.viewstate.apply_budget import ApplyBudget
from console.viewstate.pending import PendingUpdates

if TYPE_CHECKING:
    from bridge.wire.protocol import (
        DeltaBatch,
        SnapshotBegin,
        SnapshotEnd,
        SnapshotPage,
        StateSnapshot,
    )
    from console.gc_pacing import GcPacing
    from console.viewstate.store import ViewStore

FRAME_MS = 16


class FramePacedFeed(QObject):
    """Takes ``BridgeClient``'s snapshot parts and deltas; applies them to the store per frame."""

    applied = Signal(int)
    """The store was updated; this many merged protocol messages are now wholly applied
    (0 for a part of a backlog applied over several frames)."""

    def __init__(
        self,
        store: ViewStore,
        *,
        frame_ms: int = FRAME_MS,
        freeze_after_snapshot: bool = True,
        budget: ApplyBudget | None = None,
        gc_pacing: GcPacing | None = None,
        idle_collect_s: float = IDLE_COLLECT_S,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._budget = ApplyBudget() if budget is None else budget
        self._frame_s = frame_ms / 1000
        self._freeze = freeze_after_snapshot
        self._clock = clock
        self._pending = PendingUpdates()
        self._last_applied = -self._frame_s
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self._idle = QTimer(self)  # a quiet spell: the GC may walk the whole heap once
        self._idle.setSingleShot(True)
        self._idle.setInterval(round(idle_collect_s * 1000))
        if gc_pacing is not None:
            self._idle.timeout.connect(gc_pacing.collect_idle)

    def add_snapshot(self, snapshot: StateSnapshot) -> None:
        """A whole state at once."""
        self._pending.add_snapshot(snapshot)
        self._schedule()

    def add_snapshot_begin(self, begin: SnapshotBegin) -> None:
        """A snapshot starts (connect to ``BridgeClient.snapshot_begin``)."""
        self._pending.add_snapshot_begin(begin)
        self._schedule()

    def add_snapshot_page(self, page: SnapshotPage) -> None:
        """Entities of the snapshot (connect to ``BridgeClient.snapshot_page``)."""
        self._pending.add_snapshot_page(page)
        self._schedule()

    def add_snapshot_end(self, end: SnapshotEnd) -> None:
        """The snapshot is complete (connect to ``BridgeClient.snapshot_end``)."""
        self._pending.add_snapshot_end(end)
        self._schedule()

    def add_delta(self, batch: DeltaBatch) -> None:
        """The next batch (connect to ``BridgeClient.delta``)."""
        self._pending.add_delta(batch)
        self._schedule()

    @property
    def backlog(self) -> int:
        """Entities received and not applied yet."""
        return self._pending.entities

    def flush(self) -> None:
        """Apply what is pending, as much as fits in a frame (the timer calls this per frame)."""
        self._timer.stop()
        if not self._pending:
            return
        started = self._clock()
        self._last_applied = started
        messages = self._pending.messages
        had_snapshot = self._pending.has_snapshot_part
        entities = self._pending.apply_to(self._store, self._budget.limit())
        self._budget.record(entities, self._clock() - started)
        if had_snapshot and self._freeze:
            gc.freeze()
        self.applied.emit(messages - self._pending.messages)
        if self._pending:  # the rest of a backlog: once the loop has handled what waits
            self._timer.start(0)
        self._idle.start()

    def _schedule(self) -> None:
        if self._timer.isActive():
            return
        wait_s = self._last_applied + self._frame_s - self._clock()
        self._timer.start(max(0, round(wait_s * 1000)))
