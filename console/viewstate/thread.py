"""A ticket's thread: its messages and its history (claims, status, ...) in one list, no Qt.

The fold keeps a ticket's messages and its applied actions in two lists, each
in log order, and stamps every entry with ``log_index`` (how many messages and
actions came before it on the ticket). ``thread_entries`` merges the two lists
back into the order the log had them; the conversation shows the result, the
actions as quiet one-line entries between the messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridge.wire.entities import Message, Ticket, TicketAction

HISTORY_TYPES: frozenset[str] = frozenset(
    {
        "atp.ticket.claimed",
        "atp.ticket.released",
        "atp.ticket.assigned",
        "atp.ticket.status_changed",
        "atp.ticket.priority_changed",
        "atp.ticket.queue_changed",
        "atp.ticket.tag_added",
        "atp.ticket.tag_removed",
    }
)
"""The actions the thread shows (every type the fold records today)."""


@dataclass(frozen=True)
class MessageEntry:
    """A message of the thread (a bubble)."""

    message: Message

    @property
    def event_id(self) -> str:
        """The event that added the message."""
        return self.message.event_id


@dataclass(frozen=True)
class ActionEntry:
    """An action of the thread's history (a one-line entry)."""

    action: TicketAction

    @property
    def event_id(self) -> str:
        """The event that applied the action."""
        return self.action.event_id


ThreadEntry = MessageEntry | ActionEntry


def thread_entries(ticket: Ticket) -> list[ThreadEntry]:
    """The ticket's messages and shown actions, in log order.

    Entries are ordered by ``log_index``; entries with equal indices (entities
    built without one) keep messages before actions, each list in its own order.
    """
    entries: list[tuple[int, int, int, ThreadEntry]] = [
        (message.log_index, 0, position, MessageEntry(message))
        for position, message in enumerate(ticket.messages)
    ]
    entries += [
        (action.log_index, 1, position, ActionEntry(action))
        for position, action in enumerate(ticket.actions)
        if action.type in HISTORY_TYPES
    ]
    entries.sort(key=lambda item: item[:3])
    return [entry for *_, entry in entries]
