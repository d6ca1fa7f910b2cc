"""What the composer's edits go through on their way to the draft store.

Every edit is written at once: the store journals it in a few microseconds
(``console.viewstate.drafts``), so nothing waits in memory and a crash of the
console loses none of what was typed. ``flush`` asks the store to make
everything durable now (before a crash report, on exit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.viewstate.drafts import Draft, DraftStore


class DraftAutosaver:
    """Write each changed draft to the store as it comes (the ``DraftBuffer`` of the session)."""

    def __init__(self, store: DraftStore) -> None:
        self._store = store

    @property
    def store(self) -> DraftStore:
        """The store written to."""
        return self._store

    def schedule(self, ticket_id: str, draft: Draft) -> None:
        """Write a changed draft now."""
        self._store.put(ticket_id, draft)

    def pending(self, ticket_id: str) -> Draft | None:  # noqa: ARG002  (the DraftBuffer protocol)
        """Nothing waits: always ``None``."""
        return None

    def discard(self, ticket_id: str) -> None:
        """Nothing waits: nothing to forget."""

    def flush(self) -> None:
        """Make every written draft durable now."""
        self._store.sync()
