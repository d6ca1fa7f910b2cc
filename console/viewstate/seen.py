"""What the agent has already seen of each ticket, to count unread customer messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridge.wire.entities import Ticket


class SeenTracker:
    """Per ticket, how many of its messages the agent had when they last opened it (in memory).

    Messages only grow at the end (``bridge.wire.splices``), so the unread count
    is kept per ticket and extended by the messages added since it was last
    counted: a queue row costs what is new, not the whole conversation.
    """

    def __init__(self) -> None:
        self._seen_upto: dict[str, int] = {}
        self._counted: dict[str, tuple[int, int]] = {}  # messages counted, customer ones unread

    def mark_seen(self, ticket: Ticket) -> None:
        """Record that the agent has now seen every message of ``ticket``."""
        self._seen_upto[ticket.ticket_id] = len(ticket.messages)
        self._counted[ticket.ticket_id] = (len(ticket.messages), 0)

    def forget(self, ticket_id: str) -> None:
        """Drop what is known about a ticket that left the state."""
        self._seen_upto.pop(ticket_id, None)
        self._counted.pop(ticket_id, None)

    def unread(self, ticket: Ticket) -> int:
        """Customer messages added since the agent last opened the ticket (all, if never)."""
        messages = ticket.messages
        counted_before = self._counted.get(ticket.ticket_id)
        if counted_before is None and ticket.ticket_id not in self._seen_upto:
            # never counted nor opened (each ticket of a snapshot): every customer message
            unread = len([m for m in messages if m.author_kind == "customer"])
            self._counted[ticket.ticket_id] = (len(messages), unread)
            return unread
        start = self._seen_upto.get(ticket.ticket_id, 0)
        counted, unread = self._counted.get(ticket.ticket_id, (start, 0))
        if not start <= counted <= len(messages):  # not what was counted: count again
            counted, unread = start, 0
        if counted < len(messages):
            unread += sum(1 for m in messages[counted:] if m.author_kind == "customer")
            self._counted[ticket.ticket_id] = (len(messages), unread)
        return unread
