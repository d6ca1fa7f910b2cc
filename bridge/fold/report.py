"""The materialized state as CONTRACT.md reports it (``atp-bridge snapshot --json``)."""

from __future__ import annotations

import datetime as dt

from bridge.contract.envelope import rfc3339
from bridge.fold.state import State
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.rules import effective_presence, is_breached, presence_activity


def contract_snapshot(state: State, now: dt.datetime) -> dict[str, object]:
    """Return the contract's "Materialized state" object as of ``now``, entities sorted by id."""
    return {
        "as_of": rfc3339(now),
        "tickets": [_ticket(state.tickets[key], now) for key in sorted(state.tickets)],
        "orders": [_order(state.orders[key]) for key in sorted(state.orders)],
        "agents": [_agent(state.agents[key], now) for key in sorted(state.agents)],
        "quarantined": state.quarantined_count,
        "skipped_unknown_type": state.skipped_unknown_type,
    }


def _ticket(ticket: Ticket, now: dt.datetime) -> dict[str, object]:
    return {
        "ticket_id": ticket.ticket_id,
        "status": ticket.status,
        "priority": ticket.priority,
        "queue": ticket.queue,
        "assignee": ticket.assignee,
        "customer_id": ticket.customer_id,
        "order_id": ticket.order_id,
        "channel": ticket.channel,
        "subject": ticket.subject,
        "opened_at": ticket.opened_at,
        "sla_due_at": ticket.sla_due_at,
        "breached": is_breached(ticket, now),
        "first_response_at": ticket.first_response_at,
        "messages": len(ticket.messages),
        "tags": sorted(ticket.tags),
    }


def _order(order: Order) -> dict[str, object]:
    return {
        "order_id": order.order_id,
        "status": order.status,
        "customer_id": order.customer_id,
        "total_cents": order.total_cents,
        "currency": order.currency,
        "eta": order.eta,
        "events": len(order.timeline),
    }


def _agent(presence: Presence, now: dt.datetime) -> dict[str, object]:
    viewing, composing = presence_activity(presence, now)
    return {
        "agent_id": presence.agent_id,
        "name": presence.name,
        "role": presence.role,
        "status": effective_presence(presence, now),
        "queues": list(presence.queues),
        "viewing": viewing,
        "composing": composing,
    }
