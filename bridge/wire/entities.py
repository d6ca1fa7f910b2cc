"""The entities a console sees: tickets, orders, agents' presence, as the fold builds them.

These structs are what the bridge caches, streams to the console (snapshot and
deltas, see docs/PROTOCOL.md) and reports with ``atp-bridge snapshot --json``.
Times are kept as the RFC 3339 strings of the events (UTC ``Z``) so that two
bridges that fold the same records hold byte-identical state.

The structs are ``gc=False``: the cyclic collector does not track them, which
saves 16 bytes per instance (a bridge holds about a million) and its passes over
them. They hold only strings, numbers and lists or dicts of those (never a
reference back to a holder), so they can form no reference cycle; keep it so.
"""

from __future__ import annotations

import msgspec

from bridge.wire.vocabulary import (
    AuthorKind,
    Channel,
    OrderStatus,
    PresenceStatus,
    Priority,
    Role,
    TicketStatus,
)

__all__ = [
    "AuthorKind",
    "Channel",
    "Message",
    "Order",
    "OrderEvent",
    "OrderItem",
    "OrderStatus",
    "Presence",
    "PresenceStatus",
    "Priority",
    "Role",
    "Ticket",
    "TicketAction",
    "TicketStatus",
]


class Message(msgspec.Struct, kw_only=True, gc=False):
    """One ``message_added`` event applied to a ticket (replies and internal notes)."""

    event_id: str
    message_id: str
    author_kind: AuthorKind
    author_id: str
    author_name: str
    body: str
    internal: bool
    at: str
    log_index: int = 0
    """How many messages and actions the ticket had before this one: its place in log order."""


class TicketAction(msgspec.Struct, kw_only=True, gc=False):
    """One applied agent action on a ticket (claim, release, assign, status, ...)."""

    event_id: str
    type: str
    at: str
    agent_id: str | None
    agent_name: str | None
    value: str | None
    target_id: str | None = None  # ``assigned``: the new assignee (``agent_*`` is who assigned)
    target_name: str | None = None
    log_index: int = 0
    """How many messages and actions the ticket had before this one: its place in log order."""


class Ticket(msgspec.Struct, kw_only=True, gc=False):
    """A ticket as of the last applied event."""

    ticket_id: str
    status: TicketStatus
    priority: Priority
    queue: str
    assignee: str | None
    assignee_name: str | None
    customer_id: str
    customer_name: str
    order_id: str | None
    channel: Channel
    subject: str
    body: str
    opened_at: str
    sla_due_at: str
    first_response_at: str | None
    last_customer_message_at: str | None
    last_agent_message_at: str | None
    updated_at: str
    messages: list[Message] = msgspec.field(default_factory=list)
    actions: list[TicketAction] = msgspec.field(default_factory=list)
    tags: list[str] = msgspec.field(default_factory=list)
    """Contract 1.1, fold rule 8: a set, kept sorted (exact comparison, no trimming)."""


class OrderEvent(msgspec.Struct, kw_only=True, gc=False):
    """One event of an order's timeline, in log order."""

    event_id: str
    type: str
    at: str
    summary: dict[str, object]


class OrderItem(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One line of an order, as ``placed`` listed it."""

    sku: str
    name: str
    qty: int
    unit_price_cents: int


class Order(msgspec.Struct, kw_only=True, gc=False):
    """An order as of the last applied event, with its whole timeline."""

    order_id: str
    status: OrderStatus
    customer_id: str
    customer_name: str
    total_cents: int
    currency: str
    eta: str | None
    district: str
    placed_at: str
    updated_at: str
    timeline: list[OrderEvent] = msgspec.field(default_factory=list)
    customer_phone: str | None = None
    """The customer's phone as ``placed`` gave it (optional in the contract)."""
    items: list[OrderItem] = msgspec.field(default_factory=list)
    address: str = ""
    """The delivery address (street and number); ``district`` and ``city`` complete it."""
    city: str = ""
    courier_id: str | None = None
    """The courier of the latest ``dispatched`` event (``None``: not dispatched yet)."""
    courier_name: str | None = None


class Presence(msgspec.Struct, kw_only=True, gc=False):
    """An agent's last published presence (expiry is applied when reported)."""

    agent_id: str
    name: str
    role: Role
    status: PresenceStatus
    queues: list[str]
    expires_at: str
    viewing: str | None = None
    """Contract 1.1: the ticket the agent has open (read it with ``rules.presence_activity``)."""
    composing: str | None = None
    """Contract 1.1: the ticket the agent writes in (read it with ``rules.presence_activity``)."""
