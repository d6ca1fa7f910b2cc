"""The shown ticket's send, draft and outcome logic, without a widget.

``TicketSession`` holds what the ticket workspace shows (the ticket, its
order, the customer's history, the agent) and decides everything that
happens between typing and the log:

- **Drafts.** Every edit is handed to a ``DraftBuffer`` (the workspace's
  autosaver, which journals it in the ``DraftStore`` at once); opening a
  ticket restores its draft.
- **Sending.** A reply with a placeholder still unfilled is refused with a
  notice; a reply to a ticket assigned to another agent is held back as
  ``AssignedToOther`` until the agent confirms (once per ticket and assignee;
  internal notes never ask); one written while the customer or another agent wrote something the
  agent has not seen yet is held back as a ``Collision`` until the agent sends
  it anyway or cancels and reads. A sent text keeps the command id in its draft
  and the composer stays locked until the outcome.
- **Outcomes.** ``confirmed`` (or the message showing up in the ticket, its
  event id being the command id) clears the draft; ``rejected``/``invalid``
  give the text back with the reason; ``queued``/``sent`` only change the lock.
  A draft found locked after a restart, with no outcome known, can be unlocked
  by the agent (sending it again may send it twice).

The workspace widget calls these methods and renders ``composer`` and the
ticket data after each; it emits the commands they return.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from bridge.wire.protocol import Command, CommandOutcome, CommandState, Note, Reply
from console.viewstate.drafts import Draft, DraftStore
from console.viewstate.placeholders import fill, placeholder_values, unfilled

if TYPE_CHECKING:
    import datetime as dt

    from bridge.wire.entities import Message, Order, Presence, Ticket
    from bridge.wire.protocol import Action, AgentIdentity
    from console.viewstate.pending_commands import PendingCommands, PendingState


class DraftBuffer(Protocol):
    """What edits go through on their way to the draft store (the autosaver writes at once)."""

    def schedule(self, ticket_id: str, draft: Draft) -> None:
        """Remember a changed draft; it is written a little later."""

    def pending(self, ticket_id: str) -> Draft | None:
        """Return a draft not yet written, if any."""

    def discard(self, ticket_id: str) -> None:
        """Forget a ticket's unwritten draft."""

    def flush(self) -> None:
        """Write every waiting draft now."""


@dataclass(frozen=True)
class ComposerLock:
    """Why the composer is read-only: its text was sent and has no final outcome yet."""

    state: PendingState | None
    """Where the command is; ``None``: sent before the console restarted, outcome unknown."""

    @property
    def can_unlock(self) -> bool:
        """Whether the agent may edit the text again (only when the outcome is unknown)."""
        return self.state is None


@dataclass(frozen=True)
class MissingPlaceholders:
    """Not sent: these placeholders are still in the text."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class NotSent:
    """The bridge refused the text: its reason, or the final state when it gave none."""

    state: CommandState
    reason: str | None


Notice = MissingPlaceholders | NotSent


@dataclass(frozen=True)
class ComposerState:
    """What the composer shows: the text, the note toggle, a lock or a notice."""

    body: str = ""
    internal: bool = False
    lock: ComposerLock | None = None
    notice: Notice | None = None


@dataclass(frozen=True)
class AssignedToOther:
    """Held back: the ticket is assigned to another agent; reply only if the agent confirms."""

    assignee_id: str
    assignee_name: str


@dataclass(frozen=True)
class Collision:
    """Held back: messages by the customer or other agents the agent has not seen yet."""

    messages: tuple[Message, ...]


def unseen_messages(ticket: Ticket, seen_event_ids: Collection[str], me_id: str) -> list[Message]:
    """Return messages by the customer or other agents that the agent has not seen yet."""
    return [
        message
        for message in ticket.messages
        if message.event_id not in seen_event_ids
        and (
            message.author_kind == "customer"
            or (message.author_kind == "agent" and message.author_id != me_id)
        )
    ]


def in_log(ticket: Ticket, event_id: str) -> bool:
    """True when an event with this id was applied to the ticket (message or action)."""
    return any(m.event_id == event_id for m in ticket.messages) or any(
        a.event_id == event_id for a in ticket.actions
    )


def new_command_id() -> str:
    """A fresh command id (uuid4), as the protocol asks."""
    return str(uuid.uuid4())


class TicketSession:
    """One workspace's shown ticket, its composer and the commands sent from it."""

    def __init__(
        self,
        drafts: DraftStore,
        buffer: DraftBuffer,
        pending: PendingCommands,
        *,
        command_ids: Callable[[], str] = new_command_id,
    ) -> None:
        self._drafts = drafts
        self._buffer = buffer
        self._pending = pending
        self._command_ids = command_ids
        self._ticket: Ticket | None = None
        self._order: Order | None = None
        self._customer_tickets: tuple[Ticket, ...] = ()
        self._customer_orders: tuple[Order, ...] = ()
        self._me: AgentIdentity | None = None
        self._agents: tuple[Presence, ...] = ()
        self._seen: set[str] = set()
        self._owner_confirmed: set[tuple[str, str]] = set()  # (ticket id, assignee id)
        self._composer = ComposerState()

    # ---------------------------------------------------------------- reading
    @property
    def ticket(self) -> Ticket | None:
        """The ticket shown, if any."""
        return self._ticket

    @property
    def ticket_id(self) -> str | None:
        """The id of the ticket shown, if any."""
        return None if self._ticket is None else self._ticket.ticket_id

    @property
    def order(self) -> Order | None:
        """The shown ticket's order, if it has one."""
        return self._order

    @property
    def customer_tickets(self) -> tuple[Ticket, ...]:
        """The customer's tickets, as given with the ticket."""
        return self._customer_tickets

    @property
    def customer_orders(self) -> tuple[Order, ...]:
        """The customer's orders, as given with the ticket."""
        return self._customer_orders

    @property
    def me(self) -> AgentIdentity | None:
        """The agent working the ticket."""
        return self._me

    @property
    def agents(self) -> tuple[Presence, ...]:
        """The agents a supervisor may assign to."""
        return self._agents

    @property
    def composer(self) -> ComposerState:
        """What the composer must show now."""
        return self._composer

    @property
    def pending(self) -> PendingCommands:
        """Every command sent from this session and where it is."""
        return self._pending

    # ---------------------------------------------------------------- showing
    def show(
        self,
        ticket: Ticket,
        order: Order | None,
        customer_tickets: Sequence[Ticket],
        customer_orders: Sequence[Order],
        me: AgentIdentity,
    ) -> None:
        """Open a ticket: everything in it counts as seen; its draft is restored."""
        self._buffer.flush()
        self._set_data(ticket, order, customer_tickets, customer_orders, me)
        self._seen = {message.event_id for message in ticket.messages}
        self._composer = self._restored(ticket)

    def update(
        self,
        ticket: Ticket,
        order: Order | None,
        customer_tickets: Sequence[Ticket],
        customer_orders: Sequence[Order],
        me: AgentIdentity | None = None,
    ) -> bool:
        """Apply a live change of the shown ticket; False (and nothing done) for another ticket.

        The agent's own new messages count as seen; a sent text that shows up
        in the ticket is confirmed.
        """
        if self._ticket is None or ticket.ticket_id != self._ticket.ticket_id:
            return False
        self._set_data(ticket, order, customer_tickets, customer_orders, me or self._me)
        mine = self._me.agent_id if self._me is not None else None
        self._seen.update(m.event_id for m in ticket.messages if m.author_id == mine)
        self._confirm_from_log(ticket)
        return True

    def set_agents(self, agents: Sequence[Presence]) -> None:
        """The agents a supervisor may assign to."""
        self._agents = tuple(agents)

    def clear(self) -> None:
        """Show no ticket (waiting drafts are written first)."""
        self._buffer.flush()
        self._ticket = None
        self._composer = ComposerState()

    def flush_drafts(self) -> None:
        """Write every waiting draft now."""
        self._buffer.flush()

    def fill_placeholders(self, text: str, tz: dt.tzinfo, now: float | None = None) -> str:
        """``text`` with the shown ticket's placeholder values that are true at ``now``."""
        if self._ticket is None:
            return text
        return fill(text, placeholder_values(self._ticket, self._order, tz, now))

    # ---------------------------------------------------------------- composing
    def edit(self, body: str, internal: bool) -> None:
        """The agent changed the text or the toggle: a notice goes, the draft is kept."""
        if self._ticket is None or self._composer.lock is not None:
            return
        self._composer = ComposerState(body=body, internal=internal)
        self._buffer.schedule(self._ticket.ticket_id, Draft(body=body, internal=internal))

    def request_send(
        self, body: str, internal: bool
    ) -> Command | AssignedToOther | Collision | None:
        """The agent asked to send: the command, something to confirm first, or ``None``.

        ``None`` when nothing may be sent (no ticket, locked, empty) or when a
        placeholder is unfilled (then ``composer.notice`` says which). A reply
        to a ticket another agent holds is ``AssignedToOther`` (confirm with
        ``reply_despite_owner``); one that crosses unseen messages is a
        ``Collision`` (confirm with ``send_anyway``).
        """
        ticket, me = self._ticket, self._me
        if ticket is None or me is None or self._composer.lock is not None or not body.strip():
            return None
        if not internal:
            missing = unfilled(body)
            if missing:
                notice = MissingPlaceholders(tuple(missing))
                self._composer = replace(self._composer, notice=notice)
                return None
            owner = self._other_owner(ticket, me)
            if owner is not None:
                return owner
            unseen = unseen_messages(ticket, self._seen, me.agent_id)
            if unseen:
                return Collision(tuple(unseen))
        return self._send_message(ticket, body, internal)

    def unseen(self) -> tuple[Message, ...]:
        """Messages by the customer or other agents the agent has not seen yet."""
        if self._ticket is None or self._me is None:
            return ()
        return tuple(unseen_messages(self._ticket, self._seen, self._me.agent_id))

    def reply_despite_owner(self) -> Command | Collision | None:
        """The agent confirmed replying on another agent's ticket (not asked again for it).

        The reply still waits for a ``Collision`` confirmation if others wrote
        since the agent looked.
        """
        ticket, me, state = self._ticket, self._me, self._composer
        if ticket is None or me is None or state.lock is not None or not state.body.strip():
            return None
        if ticket.assignee is not None:
            self._owner_confirmed.add((ticket.ticket_id, ticket.assignee))
        unseen = unseen_messages(ticket, self._seen, me.agent_id)
        if unseen:
            return Collision(tuple(unseen))
        return self._send_message(ticket, state.body, state.internal)

    def send_anyway(self) -> Command | None:
        """Send the held-back text despite the collision; the new messages count as seen."""
        self._see_everything()
        state, ticket = self._composer, self._ticket
        if ticket is None or state.lock is not None or not state.body.strip():
            return None
        return self._send_message(ticket, state.body, state.internal)

    def cancel_collision(self) -> None:
        """The agent reads the new messages first: they count as seen, the text stays."""
        self._see_everything()

    def unlock(self) -> None:
        """Let the agent edit a text whose sending is unknown (it may be sent twice)."""
        if self._ticket is None:
            return
        draft = self._drafts.get(self._ticket.ticket_id)
        if draft is not None:
            self._drafts.put(
                self._ticket.ticket_id, Draft(body=draft.body, internal=draft.internal)
            )
        self._composer = replace(self._composer, lock=None)

    # ---------------------------------------------------------------- actions and outcomes
    def request_action(self, action: Action) -> Command:
        """The command that carries an action the agent chose (tracked from now on)."""
        return self._track(Command(command_id=self._command_ids(), action=action))

    def apply_outcome(self, outcome: CommandOutcome) -> None:
        """Record a command's progress; a sent text follows it (any ticket's, shown or not)."""
        entry = self._pending.apply(outcome)
        ticket_id = entry.ticket_id if entry is not None else outcome.ticket_id
        if ticket_id is None:
            ticket_id = self._draft_ticket_of(outcome.command_id)
        if ticket_id is None:
            return
        draft = self._drafts.get(ticket_id)
        if draft is None or draft.command_id != outcome.command_id:
            return
        shown = ticket_id == self.ticket_id
        if outcome.state == "confirmed":
            self._drafts.clear(ticket_id)
            if shown:
                self._composer = ComposerState()
        elif outcome.state in ("rejected", "invalid"):
            self._drafts.put(ticket_id, Draft(body=draft.body, internal=draft.internal))
            if shown:
                self._composer = ComposerState(
                    body=draft.body,
                    internal=draft.internal,
                    notice=NotSent(outcome.state, outcome.reason),
                )
        elif shown:
            self._composer = replace(self._composer, lock=ComposerLock(outcome.state), notice=None)

    # ---------------------------------------------------------------- internals
    def _set_data(
        self,
        ticket: Ticket,
        order: Order | None,
        customer_tickets: Sequence[Ticket],
        customer_orders: Sequence[Order],
        me: AgentIdentity | None,
    ) -> None:
        self._ticket = ticket
        self._order = order
        self._customer_tickets = tuple(customer_tickets)
        self._customer_orders = tuple(customer_orders)
        self._me = me

    def _restored(self, ticket: Ticket) -> ComposerState:
        draft = self._buffer.pending(ticket.ticket_id) or self._drafts.get(ticket.ticket_id)
        if draft is None:
            return ComposerState()
        if draft.command_id is not None and in_log(ticket, draft.command_id):
            self._drafts.clear(ticket.ticket_id)
            return ComposerState()
        lock = None
        if draft.command_id is not None:
            entry = self._pending.get(draft.command_id)
            lock = ComposerLock(entry.state if entry is not None else None)
        return ComposerState(body=draft.body, internal=draft.internal, lock=lock)

    def _confirm_from_log(self, ticket: Ticket) -> None:
        """A command whose event id is in the ticket was applied: treat it as confirmed."""
        for entry in self._pending.open_commands(ticket.ticket_id):
            if in_log(ticket, entry.command_id):
                self.apply_outcome(self._confirmed(entry.command_id, ticket.ticket_id))
        draft = self._drafts.get(ticket.ticket_id)
        if draft is not None and draft.command_id is not None and in_log(ticket, draft.command_id):
            self.apply_outcome(self._confirmed(draft.command_id, ticket.ticket_id))

    @staticmethod
    def _confirmed(command_id: str, ticket_id: str) -> CommandOutcome:
        return CommandOutcome(command_id=command_id, state="confirmed", ticket_id=ticket_id)

    def _draft_ticket_of(self, command_id: str) -> str | None:
        for ticket_id in self._drafts.ticket_ids():
            draft = self._drafts.get(ticket_id)
            if draft is not None and draft.command_id == command_id:
                return ticket_id
        return None

    def _other_owner(self, ticket: Ticket, me: AgentIdentity) -> AssignedToOther | None:
        assignee = ticket.assignee
        if assignee is None or assignee == me.agent_id:
            return None
        if (ticket.ticket_id, assignee) in self._owner_confirmed:
            return None
        return AssignedToOther(assignee, ticket.assignee_name or assignee)

    def _see_everything(self) -> None:
        if self._ticket is not None:
            self._seen.update(message.event_id for message in self._ticket.messages)

    def _send_message(self, ticket: Ticket, body: str, internal: bool) -> Command:
        command_id = self._command_ids()
        action: Action = (
            Note(ticket_id=ticket.ticket_id, body=body)
            if internal
            else Reply(ticket_id=ticket.ticket_id, body=body)
        )
        self._buffer.discard(ticket.ticket_id)
        self._drafts.put(
            ticket.ticket_id, Draft(body=body, internal=internal, command_id=command_id)
        )
        self._composer = ComposerState(body=body, internal=internal, lock=ComposerLock("sending"))
        return self._track(Command(command_id=command_id, action=action))

    def _track(self, command: Command) -> Command:
        self._pending.add(command)
        return command
