"""Fold rules 2-6 and 8 for tickets: open, messages, claim/release/assign, status, tags."""

from __future__ import annotations

from typing import Literal

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
    if isinstance(data, TicketOpened):
        if data.ticket_id in tickets:
            return _not_applied("quarantined", event, "duplicate ticket")
        tickets[data.ticket_id] = _opened(data, at)
        return _applied(event, data.ticket_id)
    ticket = tickets.get(data.ticket_id)
    if ticket is None:
        return _not_applied("quarantined", event, "unknown ticket")
    rejection = _rejection(ticket, data)
    if rejection is not None:
        return _not_applied("rejected", event, rejection)
    if _changes_nothing(ticket, data):
        # Rule 8: adding a present tag or removing an absent one is applied, but a no-op.
        return FoldResult(outcome="applied", event_id=event.id, reason=None, touched=[])
    _change(ticket, event, data, at)
    ticket.updated_at = at
    return _applied(event, ticket.ticket_id)


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


def _rejection(ticket: Ticket, data: TicketData) -> str | None:
    """Rules 3 and 4: why a claim or release does not take effect (``None``: it does)."""
    if isinstance(data, TicketClaimed) and ticket.assignee is not None:
        return f"claimed by {ticket.assignee_name or ticket.assignee}"
    if isinstance(data, TicketReleased):
        if ticket.assignee is None:
            return "not assigned to anyone"
        if ticket.assignee != data.agent.id:
            return (
                f"assigned to {ticket.assignee_name or ticket.assignee}, not to {data.agent.name}"
            )
    return None


def _changes_nothing(ticket: Ticket, data: TicketData) -> bool:
    """Rule 8: tags form a set, compared exactly (case matters, nothing is trimmed)."""
    if isinstance(data, TagAdded):
        return data.tag in ticket.tags
    if isinstance(data, TagRemoved):
        return data.tag not in ticket.tags
    return False


def _change(ticket: Ticket, event: ValidEvent, data: TicketData, at: str) -> None:
    if isinstance(data, MessageAdded):
        _add_message(ticket, event, data, at)
    elif isinstance(data, TicketClaimed | TicketAssigned):
        ticket.assignee, ticket.assignee_name = data.agent.id, data.agent.name
    elif isinstance(data, TicketReleased):
        ticket.assignee, ticket.assignee_name = None, None
    elif isinstance(data, StatusChanged):
        ticket.status = data.status  # rule 5: the assignee is kept; "open" reopens
    elif isinstance(data, PriorityChanged):
        ticket.priority = data.priority
    elif isinstance(data, QueueChanged):
        ticket.queue = data.queue
    elif isinstance(data, TagAdded):
        ticket.tags = sorted([*ticket.tags, data.tag])
    elif isinstance(data, TagRemoved):
        ticket.tags = [tag for tag in ticket.tags if tag != data.tag]
    if not isinstance(data, MessageAdded):
        ticket.actions.append(_action(event, data, at, len(ticket.messages) + len(ticket.actions)))


def _add_message(ticket: Ticket, event: ValidEvent, data: MessageAdded, at: str) -> None:
    author = data.author
    ticket.messages.append(
        Message(
            event_id=event.id,
            message_id=data.message_id,
            author_kind=author.kind,
            author_id=intern(author.id),
            author_name=intern(author.name),
            body=data.body,
            internal=data.internal,
            at=at,
            log_index=len(ticket.messages) + len(ticket.actions),
        )
    )
    if author.kind == "customer":
        ticket.last_customer_message_at = at
    elif author.kind == "agent" and not data.internal:
        ticket.last_agent_message_at = at
        if ticket.first_response_at is None:  # rule 6: the first public agent message
            ticket.first_response_at = at


def _action(event: ValidEvent, data: TicketData, at: str, log_index: int) -> TicketAction:
    actor: AgentRef | None = None
    value: str | None = None
    target: AgentRef | None = None
    if isinstance(data, TicketClaimed | TicketReleased):
        actor = data.agent
    elif isinstance(data, TicketAssigned):
        actor, target = data.by, data.agent
    elif isinstance(data, StatusChanged):
        actor, value = data.agent, data.status
    elif isinstance(data, PriorityChanged):
        actor, value = data.agent, data.priority
    elif isinstance(data, QueueChanged):
        actor, value = data.agent, data.queue
    elif isinstance(data, TagAdded | TagRemoved):
        actor, value = data.agent, data.tag
    return TicketAction(
        event_id=event.id,
        type=event.type,
        at=at,
        agent_id=None if actor is None else actor.id,
        agent_name=None if actor is None else actor.name,
        value=value,
        target_id=None if target is None else target.id,
        target_name=None if target is None else target.name,
        log_index=log_index,
    )


def _applied(event: ValidEvent, ticket_id: str) -> FoldResult:
    return FoldResult(
        outcome="applied", event_id=event.id, reason=None, touched=[("ticket", ticket_id)]
    )


def _not_applied(
    outcome: Literal["quarantined", "rejected"], event: ValidEvent, reason: str
) -> FoldResult:
    return FoldResult(outcome=outcome, event_id=event.id, reason=reason, touched=[])
