"""The debounced autosaver of drafts (the store itself is ``console.viewstate.drafts``).

Typing schedules the draft; it is written once typing pauses, and at least
every ``max_wait_ms`` during continuous typing, so a crash loses at most that
much of it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from console.viewstate.drafts import Draft, DraftStore


class DraftAutosaver(QObject):
    """Write drafts ``delay_ms`` after the last change, and at least every ``max_wait_ms``."""

    def __init__(
        self,
        store: DraftStore,
        delay_ms: int = 300,
        max_wait_ms: int = 2000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._max_wait_s = max_wait_ms / 1000
        self._pending: dict[str, Draft] = {}
        self._first_pending_at: float | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)

    @property
    def store(self) -> DraftStore:
        """The store written to."""
        return self._store

    def schedule(self, ticket_id: str, draft: Draft) -> None:
        """Remember a changed draft; it is written once typing pauses."""
        self._pending[ticket_id] = draft
        now = time.monotonic()
        if self._first_pending_at is None:
            self._first_pending_at = now
        if now - self._first_pending_at >= self._max_wait_s:
            self.flush()
            return
        self._timer.start()

    def pending(self, ticket_id: str) -> Draft | None:
        """Return a draft not yet written, if any."""
        return self._pending.get(ticket_id)

    def discard(self, ticket_id: str) -> None:
        """Forget a ticket's unwritten draft (it was sent or cleared)."""
        self._pending.pop(ticket_id, None)

    def flush(self) -> None:
        """Write every pending draft now."""
        self._timer.stop()
        pending, self._pending = self._pending, {}
        self._first_pending_at = None
        if pending:
            self._store.put_many(pending)
