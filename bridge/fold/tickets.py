"""Fold rules 2-6 and 8 for tickets: open, messages, claim/release/assign, status, tags.

Dispatch is on the exact type of ``data`` (the contract's data structs have no
subclasses, and msgspec decodes exactly them): an ``isinstance`` that misses a
msgspec struct costs about 0.15 us, and a chain of them ran for every record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, cast

from bridge.contract.events import (
    AgentRef,
    MessageAdded,
    PriorityChanged,
    QueueChanged,
    StatusChanged,
    TagAdded,
    TagRemoved,
    TicketAssigned,
    TicketClaimed,
    TicketData,
    TicketOpened,
    TicketReleased,
)
from bridge.contract.validate import ValidEvent
from bridge.fold.interning import intern
from bridge.fold.result import FoldResult
from bridge.wire.entities import Message, Ticket, TicketAction


def apply_ticket_event(
    tickets: dict[str, Ticket], event: ValidEvent, data: TicketData
) -> FoldResult:
    """Apply one valid ticket event to ``tickets`` (in place) and say what happened."""
    at = intern(event.time)  # held by the ticket, its message or action: shared
    kind = type(data)
    if kind is TicketOpened:
        opened = cast("TicketOpened", data)
        if opened.ticket_id in tickets:
            return _not_applied("quarantined", event, "duplicate ticket")
        tickets[opened.ticket_id] = _opened(opened, at)
        return _applied(event, opened.ticket_id)
    ticket = tickets.get(data.ticket_id)
    if ticket is None:
        return _not_applied("quarantined", event, "unknown ticket")
    judge = _JUDGES.get(kind)
    if judge is not None:
        verdict = judge(ticket, data)
        if verdict is not None:
            return _stopped(event, verdict)
    _CHANGES[kind](ticket, event, data, at)
    ticket.updated_at = at
    return FoldResult(
        outcome="applied", event_id=event.id, reason=None, touched=[("ticket", ticket.ticket_id)]
    )


def _opened(data: TicketOpened, at: str) -> Ticket:
    return Ticket(
        ticket_id=data.ticket_id,
        status="open",
        priority=data.priority,
        queue=intern(data.queue),
        assignee=None,
        assignee_name=None,
        customer_id=intern(data.customer.id),
        customer_name=intern(data.customer.name),
        order_id=data.order_id,
        channel=data.channel,
        subject=data.subject,
        body=data.body,
        opened_at=at,
        sla_due_at=data.sla_due_at,
        first_response_at=None,
        last_customer_message_at=None,
        last_agent_message_at=None,
        updated_at=at,
    )


# ------------------------------------------------------------------ events that may not change
NO_CHANGE = ""
"""The verdict of an event that is applied but changes nothing (rule 8)."""


def _claim_rejection(ticket: Ticket, _data: TicketClaimed) -> str | None:
    """Rule 3: a claim takes effect only on a ticket nobody holds."""
    if ticket.assignee is not None:
        return f"claimed by {ticket.assignee_name or ticket.assignee}"
    return None


def _release_rejection(ticket: Ticket, data: TicketReleased) -> str | None:
    """Rule 4: a release takes effect only by the assignee."""
    if ticket.assignee is None:
        return "not assigned to anyone"
    if ticket.assignee != data.agent.id:
        return f"assigned to {ticket.assignee_name or ticket.assignee}, not to {data.agent.name}"
    return None


def _tag_present(ticket: Ticket, data: TagAdded) -> str | None:
    """Rule 8: tags form a set, compared exactly (case matters, nothing is trimmed)."""
    return NO_CHANGE if data.tag in ticket.tags else None


def _tag_absent(ticket: Ticket, data: TagRemoved) -> str | None:
    return NO_CHANGE if data.tag not in ticket.tags else None


_JUDGES: dict[type, Callable[[Ticket, Any], str | None]] = {
    TicketClaimed: _claim_rejection,
    TicketReleased: _release_rejection,
    TagAdded: _tag_present,
    TagRemoved: _tag_absent,
}
"""Per type of event that may not take effect: why not (``NO_CHANGE``: applied, a no-op)."""


def _stopped(event: ValidEvent, verdict: str) -> FoldResult:
    """The result of an event a judge stopped: rejected with its reason, or a no-op."""
    if verdict == NO_CHANGE:
        # Rule 8: adding a present tag or removing an absent one is applied, but a no-op.
        return FoldResult(outcome="applied", event_id=event.id, reason=None, touched=[])
    return _not_applied("rejected", event, verdict)


# ------------------------------------------------------------------ changes
def _add_message(ticket: Ticket, event: ValidEvent, data: MessageAdded, at: str) -> None:
    author = data.author
    messages = ticket.messages
    messages.append(
        Message(
            event_id=event.id,
            message_id=data.message_id,
            author_kind=author.kind,
            author_id=intern(author.id),
            author_name=intern(author.name),
            body=data.body,
            internal=data.internal,
            at=at,
            log_index=len(messages) + len(ticket.actions),
        )
    )
    if author.kind == "customer":
        ticket.last_customer_message_at = at
    elif author.kind == "agent" and not data.internal:
        ticket.last_agent_message_at = at
        if ticket.first_response_at is None:  # rule 6: the first public agent message
            ticket.first_response_at = at


def _claimed(ticket: Ticket, event: ValidEvent, data: TicketClaimed, at: str) -> None:
    ticket.assignee, ticket.assignee_name = data.agent.id, data.agent.name
    _act(ticket, event, at, data.agent)


def _assigned(ticket: Ticket, event: ValidEvent, data: TicketAssigned, at: str) -> None:
    ticket.assignee, ticket.assignee_name = data.agent.id, data.agent.name
    _act(ticket, event, at, data.by, target=data.agent)


def _released(ticket: Ticket, event: ValidEvent, data: TicketReleased, at: str) -> None:
    ticket.assignee, ticket.assignee_name = None, None
    _act(ticket, event, at, data.agent)


def _status(ticket: Ticket, event: ValidEvent, data: StatusChanged, at: str) -> None:
    ticket.status = data.status  # rule 5: the assignee is kept; "open" reopens
    _act(ticket, event, at, data.agent, data.status)


def _priority(ticket: Ticket, event: ValidEvent, data: PriorityChanged, at: str) -> None:
    ticket.priority = data.priority
    _act(ticket, event, at, data.agent, data.priority)


def _queue(ticket: Ticket, event: ValidEvent, data: QueueChanged, at: str) -> None:
    ticket.queue = data.queue
    _act(ticket, event, at, data.agent, data.queue)


def _tag_added(ticket: Ticket, event: ValidEvent, data: TagAdded, at: str) -> None:
    ticket.tags = sorted([*ticket.tags, data.tag])
    _act(ticket, event, at, data.agent, data.tag)


def _tag_removed(ticket: Ticket, event: ValidEvent, data: TagRemoved, at: str) -> None:
    ticket.tags = [tag for tag in ticket.tags if tag != data.tag]
    _act(ticket, event, at, data.agent, data.tag)


_CHANGES: dict[type, Callable[[Ticket, ValidEvent, Any, str], None]] = {
    MessageAdded: _add_message,
    TicketClaimed: _claimed,
    TicketAssigned: _assigned,
    TicketReleased: _released,
    StatusChanged: _status,
    PriorityChanged: _priority,
    QueueChanged: _queue,
    TagAdded: _tag_added,
    TagRemoved: _tag_removed,
}
"""What each type of event (but ``opened``) does to its ticket."""


def _act(
    ticket: Ticket,
    event: ValidEvent,
    at: str,
    actor: AgentRef | None,
    value: str | None = None,
    *,
    target: AgentRef | None = None,
) -> None:
    """Record an applied action on the ticket, in log order after its messages and actions."""
    actions = ticket.actions
    actions.append(
        TicketAction(
            event_id=event.id,
            type=event.type,
            at=at,
            agent_id=None if actor is None else actor.id,
            agent_name=None if actor is None else actor.name,
            value=value,
            target_id=None if target is None else target.id,
            target_name=None if target is None else target.name,
            log_index=len(ticket.messages) + len(actions),
        )
    )


def _applied(event: ValidEvent, ticket_id: str) -> FoldResult:
    return FoldResult(
        outcome="applied", event_id=event.id, reason=None, touched=[("ticket", ticket_id)]
    )


def _not_applied(
    outcome: Literal["quarantined", "rejected"], event: ValidEvent, reason: str
) -> FoldResult:
    return FoldResult(outcome=outcome, event_id=event.id, reason=reason, touched=[])
