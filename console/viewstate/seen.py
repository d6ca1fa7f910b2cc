"""What the agent has already seen of each ticket, to count unread customer messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridge.wire.entities import Ticket


class SeenTracker:
    """Per ticket, how many of its messages the agent had when they last opened it (in memory)."""

    def __init__(self) -> None:
        self._seen_upto: dict[str, int] = {}

    def mark_seen(self, ticket: Ticket) -> None:
        """Record that the agent has now seen every message of ``ticket``."""
        self._seen_upto[ticket.ticket_id] = len(ticket.messages)

    def forget(self, ticket_id: str) -> None:
        """Drop what is known about a ticket that left the state."""
        self._seen_upto.pop(ticket_id, None)

    def unread(self, ticket: Ticket) -> int:
        """Customer messages added since the agent last opened the ticket (all, if never)."""
        start = self._seen_upto.get(ticket.ticket_id, 0)
        return sum(1 for m in ticket.messages[start:] if m.author_kind == "customer")
