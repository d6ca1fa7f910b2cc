"""The entities a console sees (``bridge.wire.entities``), with defaults and keyword overrides.

The one place tests, benchmarks and fixtures build a Ticket, Order, Presence,
Message, TicketAction or OrderEvent (contract *events* are built by
``tests.helpers.samples``). Each builder fills every field with a plausible
default around ``T0`` (``tests.helpers.clock``); keyword arguments replace any
field. A test module with a story of its own (its customer, its times) keeps a
small function of its own that calls these with its values.
"""

from __future__ import annotations

import itertools
from typing import Any

from bridge.wire.entities import (
    AuthorKind,
    Message,
    Order,
    OrderEvent,
    Presence,
    Ticket,
    TicketAction,
)
from tests.helpers.clock import at

AGENT_ID = "a-lucia"
"""The agent the builders default to (``tests.helpers.protocol.ME``)."""
AGENT_NAME = "Lucía"

_AUTHORS: dict[str, tuple[str, str]] = {
    "customer": ("c", "Customer"),
    "agent": (AGENT_ID, AGENT_NAME),
    "system": ("system", "A tu Puerta"),
}
_ids = itertools.count(1)


def ticket(ticket_id: str, **fields: Any) -> Ticket:
    """An open, unassigned ticket opened 10 min before ``T0`` with its SLA due 30 min after it."""
    values: dict[str, Any] = {
        "ticket_id": ticket_id,
        "status": "open",
        "priority": "normal",
        "queue": "deliveries",
        "assignee": None,
        "assignee_name": None,
        "customer_id": f"c-{ticket_id}",
        "customer_name": f"Customer {ticket_id}",
        "order_id": None,
        "channel": "whatsapp",
        "subject": f"Subject of {ticket_id}",
        "body": "Where is my order?",
        "opened_at": at(-10),
        "sla_due_at": at(30),
        "first_response_at": None,
        "last_customer_message_at": None,
        "last_agent_message_at": None,
        "updated_at": at(-10),
    }
    values.update(fields)
    return Ticket(**values)


def many_tickets(count: int, *, start: int = 0, **fields: Any) -> list[Ticket]:
    """``count`` tickets ``t00000``...; SLA due times a minute apart from 1 h ahead."""
    return [
        ticket(f"t{n:05d}", sla_due_at=at(60 + n), **fields) for n in range(start, start + count)
    ]


def message(event_id: str, author_kind: AuthorKind = "customer", **fields: Any) -> Message:
    """A public message of ``author_kind`` at ``T0`` (the agent is ``AGENT_ID``)."""
    author_id, author_name = _AUTHORS[author_kind]
    values: dict[str, Any] = {
        "event_id": event_id,
        "message_id": f"m-{event_id}",
        "author_kind": author_kind,
        "author_id": author_id,
        "author_name": author_name,
        "body": "hello?",
        "internal": False,
        "at": at(0),
    }
    values.update(fields)
    return Message(**values)


def customer_message(body: str = "hello?", minutes: float = 0) -> Message:
    """A customer's message ``minutes`` after ``T0``, with fresh ids."""
    n = next(_ids)
    return message(f"ev-m{n}", "customer", message_id=f"m{n}", body=body, at=at(minutes))


def ticket_action(
    event_id: str, event_type: str = "atp.ticket.claimed", **fields: Any
) -> TicketAction:
    """An applied action (``event_type``, e.g. ``atp.ticket.status_changed``) of ``AGENT_ID``."""
    values: dict[str, Any] = {
        "event_id": event_id,
        "type": event_type,
        "at": at(0),
        "agent_id": AGENT_ID,
        "agent_name": AGENT_NAME,
        "value": None,
    }
    values.update(fields)
    return TicketAction(**values)


def order_event(event_id: str, kind: str, at: str, **summary: object) -> OrderEvent:
    """One ``atp.order.<kind>`` event of an order's timeline."""
    return OrderEvent(event_id=event_id, type=f"atp.order.{kind}", at=at, summary=summary)


def order(order_id: str, kinds: tuple[str, ...] = ("placed",), **fields: Any) -> Order:
    """An order whose timeline has one event per kind, a minute apart, from ``T0``."""
    timeline = [order_event(f"{order_id}-{i}", k, at(i)) for i, k in enumerate(kinds)]
    values: dict[str, Any] = {
        "order_id": order_id,
        "status": kinds[-1],
        "customer_id": f"c-{order_id}",
        "customer_name": f"Buyer {order_id}",
        "total_cents": 4590,
        "currency": "PEN",
        "eta": at(45),
        "district": "Miraflores",
        "placed_at": at(0),
        "updated_at": at(len(kinds) - 1),
        "timeline": timeline,
    }
    values.update(fields)
    return Order(**values)


def presence(agent_id: str = AGENT_ID, **fields: Any) -> Presence:
    """An online agent of the deliveries queue whose presence expires 5 min after ``T0``."""
    values: dict[str, Any] = {
        "agent_id": agent_id,
        "name": AGENT_NAME,
        "role": "agent",
        "status": "online",
        "queues": ["deliveries"],
        "expires_at": at(5),
    }
    values.update(fields)
    return Presence(**values)
