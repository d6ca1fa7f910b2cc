"""What became of each command this console sent: sending, queued, sent, confirmed or rejected.

``PendingCommands`` keeps every command from the moment it is emitted until
it is final (``confirmed``, ``rejected``, ``invalid``) and a few finished ones
per ticket after that, and tells its listeners about each entry it adds,
changes or forgets. A final state is never left: a late ``sent`` after
``confirmed`` changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from bridge.wire.protocol import Action, Command, CommandOutcome, CommandState, Note, Reply

PendingState = CommandState | Literal["sending"]
FINAL_STATES: frozenset[PendingState] = frozenset({"confirmed", "rejected", "invalid"})
MAX_FINISHED_PER_TICKET = 10


@dataclass(frozen=True)
class PendingEntry:
    """One sent command and where it is."""

    command_id: str
    ticket_id: str
    action: Action
    state: PendingState = "sending"
    reason: str | None = None

    @property
    def is_message(self) -> bool:
        """Whether the command carries a reply or an internal note."""
        return isinstance(self.action, Reply | Note)

    @property
    def is_final(self) -> bool:
        """Whether the command reached a state it never leaves."""
        return self.state in FINAL_STATES


@dataclass(frozen=True)
class PendingChange:
    """One entry that was added, changed (its state) or forgotten."""

    kind: Literal["added", "changed", "removed"]
    entry: PendingEntry


PendingListener = Callable[[PendingChange], None]


class PendingCommands:
    """The commands sent from this console, oldest first, by command id."""

    def __init__(self, max_finished_per_ticket: int = MAX_FINISHED_PER_TICKET) -> None:
        self._entries: dict[str, PendingEntry] = {}
        self._max_finished = max_finished_per_ticket
        self._listeners: list[PendingListener] = []

    def subscribe(self, listener: PendingListener) -> Callable[[], None]:
        """Call ``listener`` for every change; returns an unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def add(self, command: Command) -> PendingEntry:
        """Track a command that is being emitted (state ``sending``)."""
        entry = PendingEntry(
            command_id=command.command_id,
            ticket_id=command.action.ticket_id,
            action=command.action,
        )
        self._entries[entry.command_id] = entry
        self._tell(PendingChange("added", entry))
        return entry

    def apply(self, outcome: CommandOutcome) -> PendingEntry | None:
        """Record an outcome; return the entry as it now is (``None``: not one of ours)."""
        entry = self._entries.get(outcome.command_id)
        if entry is None or entry.is_final:
            return entry
        entry = replace(entry, state=outcome.state, reason=outcome.reason)
        self._entries[entry.command_id] = entry
        self._tell(PendingChange("changed", entry))
        self._forget_old(entry.ticket_id)
        return entry

    def get(self, command_id: str) -> PendingEntry | None:
        """Return the entry of a command, if tracked."""
        return self._entries.get(command_id)

    def of_ticket(self, ticket_id: str | None) -> list[PendingEntry]:
        """The entries of a ticket, oldest first."""
        return [entry for entry in self._entries.values() if entry.ticket_id == ticket_id]

    def open_commands(self, ticket_id: str) -> list[PendingEntry]:
        """Commands of a ticket still waiting for a final outcome."""
        return [entry for entry in self.of_ticket(ticket_id) if not entry.is_final]

    def _forget_old(self, ticket_id: str) -> None:
        finished = [entry for entry in self.of_ticket(ticket_id) if entry.is_final]
        for entry in finished[: max(len(finished) - self._max_finished, 0)]:
            del self._entries[entry.command_id]
            self._tell(PendingChange("removed", entry))

    def _tell(self, change: PendingChange) -> None:
        for listener in list(self._listeners):
            listener(change)
