"""Typed ``data`` of every contract event type, and the topic each type belongs to.

Decoding is strict (msgspec): wrong JSON types, bad enum values, floats for
integer cents and numbers for booleans are errors. Optional fields may be
absent or ``null``; unknown fields are ignored (forward compatibility).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from bridge.contract.topics import Topics
from bridge.wire.rules import MAX_TAG_CHARS
from bridge.wire.vocabulary import AuthorKind, Channel, PresenceStatus, Priority, Role, TicketStatus

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
Cents = Annotated[int, msgspec.Meta(ge=0)]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
PaymentMethod = Literal["card", "yape", "plin", "cash"]
CancelledBy = Literal["customer", "store", "support"]
TopicKind = Literal["orders", "tickets", "agents"]
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TAG_CHARS)]
"""A ticket tag (contract 1.1): 1 to 40 characters, compared exactly (fold rule 8)."""


class _Data(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Base of every event's ``data``."""


# ------------------------------------------------------------------ shared parts
class AgentRef(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An agent as events name it: ``{id, name}``."""

    id: NonEmpty
    name: str


class Customer(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The customer of an order or ticket."""

    id: NonEmpty
    name: str
    phone: str | None = None


class Item(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One line of an order."""

    sku: NonEmpty
    name: str
    qty: Annotated[int, msgspec.Meta(ge=1)]
    unit_price_cents: Cents


class Delivery(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Where an order goes."""

    address: str
    district: str
    city: str


class Author(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Who wrote a ticket message."""

    kind: AuthorKind
    id: NonEmpty
    name: str


class PresenceAgent(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The agent a presence event is about."""

    id: NonEmpty
    name: str
    role: Role


# ------------------------------------------------------------------ orders
class OrderPlaced(_Data, frozen=True, kw_only=True):
    """``atp.order.placed``."""

    order_id: NonEmpty
    customer: Customer
    items: list[Item]
    total_cents: Cents
    currency: Currency
    delivery: Delivery
    eta: str


class OrderPaid(_Data, frozen=True, kw_only=True):
    """``atp.order.paid``."""

    order_id: NonEmpty
    method: PaymentMethod
    amount_cents: Cents


class OrderDispatched(_Data, frozen=True, kw_only=True):
    """``atp.order.dispatched``."""

    order_id: NonEmpty
    courier: AgentRef
    eta: str


class OrderDelayed(_Data, frozen=True, kw_only=True):
    """``atp.order.delayed`` (``eta`` is the new one)."""

    order_id: NonEmpty
    reason: str
    eta: str


class OrderDelivered(_Data, frozen=True, kw_only=True):
    """``atp.order.delivered``."""

    order_id: NonEmpty
    delivered_at: str


class OrderCancelled(_Data, frozen=True, kw_only=True):
    """``atp.order.cancelled``."""

    order_id: NonEmpty
    reason: str
    by: CancelledBy


# ------------------------------------------------------------------ tickets
class TicketOpened(_Data, frozen=True, kw_only=True):
    """``atp.ticket.opened``."""

    ticket_id: NonEmpty
    customer: Customer
    order_id: str | None = None
    channel: Channel
    queue: NonEmpty
    priority: Priority
    subject: str
    body: str
    sla_due_at: str


class MessageAdded(_Data, frozen=True, kw_only=True):
    """``atp.ticket.message_added`` (``internal``: an internal note)."""

    ticket_id: NonEmpty
    message_id: NonEmpty
    author: Author
    body: str
    internal: bool


class TicketClaimed(_Data, frozen=True, kw_only=True):
    """``atp.ticket.claimed``."""

    ticket_id: NonEmpty
    agent: AgentRef


class TicketReleased(_Data, frozen=True, kw_only=True):
    """``atp.ticket.released``."""

    ticket_id: NonEmpty
    agent: AgentRef


class TicketAssigned(_Data, frozen=True, kw_only=True):
    """``atp.ticket.assigned``: ``agent`` is the new assignee, ``by`` the supervisor."""

    ticket_id: NonEmpty
    agent: AgentRef
    by: AgentRef


class StatusChanged(_Data, frozen=True, kw_only=True):
    """``atp.ticket.status_changed``."""

    ticket_id: NonEmpty
    status: TicketStatus
    agent: AgentRef | None = None


class PriorityChanged(_Data, frozen=True, kw_only=True):
    """``atp.ticket.priority_changed``."""

    ticket_id: NonEmpty
    priority: Priority
    agent: AgentRef | None = None


class QueueChanged(_Data, frozen=True, kw_only=True):
    """``atp.ticket.queue_changed``."""

    ticket_id: NonEmpty
    queue: NonEmpty
    agent: AgentRef | None = None


class TagAdded(_Data, frozen=True, kw_only=True):
    """``atp.ticket.tag_added`` (contract 1.1)."""

    ticket_id: NonEmpty
    tag: Tag
    agent: AgentRef | None = None


class TagRemoved(_Data, frozen=True, kw_only=True):
    """``atp.ticket.tag_removed`` (contract 1.1)."""

    ticket_id: NonEmpty
    tag: Tag
    agent: AgentRef | None = None


# ------------------------------------------------------------------ agents
class AgentPresence(_Data, frozen=True, kw_only=True):
    """``atp.agent.presence``; ``viewing``/``composing`` (1.1) are ticket ids or ``None``."""

    agent: PresenceAgent
    status: PresenceStatus
    queues: list[str]
    expires_at: str
    viewing: NonEmpty | None = None
    composing: NonEmpty | None = None


OrderData = (
    OrderPlaced | OrderPaid | OrderDispatched | OrderDelayed | OrderDelivered | OrderCancelled
)
TicketData = (
    TicketOpened
    | MessageAdded
    | TicketClaimed
    | TicketReleased
    | TicketAssigned
    | StatusChanged
    | PriorityChanged
    | QueueChanged
    | TagAdded
    | TagRemoved
)
EventData = OrderData | TicketData | AgentPresence


class EventKind(msgspec.Struct, frozen=True, kw_only=True):
    """What the contract says about one event type."""

    topic: TopicKind
    data_type: type[_Data]
    time_fields: tuple[str, ...] = ()  # data fields that must be RFC 3339 timestamps


EVENT_KINDS: dict[str, EventKind] = {
    "atp.order.placed": EventKind(topic="orders", data_type=OrderPlaced, time_fields=("eta",)),
    "atp.order.paid": EventKind(topic="orders", data_type=OrderPaid),
    "atp.order.dispatched": EventKind(
        topic="orders", data_type=OrderDispatched, time_fields=("eta",)
    ),
    "atp.order.delayed": EventKind(topic="orders", data_type=OrderDelayed, time_fields=("eta",)),
    "atp.order.delivered": EventKind(
        topic="orders", data_type=OrderDelivered, time_fields=("delivered_at",)
    ),
    "atp.order.cancelled": EventKind(topic="orders", data_type=OrderCancelled),
    "atp.ticket.opened": EventKind(
        topic="tickets", data_type=TicketOpened, time_fields=("sla_due_at",)
    ),
    "atp.ticket.message_added": EventKind(topic="tickets", data_type=MessageAdded),
    "atp.ticket.claimed": EventKind(topic="tickets", data_type=TicketClaimed),
    "atp.ticket.released": EventKind(topic="tickets", data_type=TicketReleased),
    "atp.ticket.assigned": EventKind(topic="tickets", data_type=TicketAssigned),
    "atp.ticket.status_changed": EventKind(topic="tickets", data_type=StatusChanged),
    "atp.ticket.priority_changed": EventKind(topic="tickets", data_type=PriorityChanged),
    "atp.ticket.queue_changed": EventKind(topic="tickets", data_type=QueueChanged),
    "atp.ticket.tag_added": EventKind(topic="tickets", data_type=TagAdded),  # 1.1
    "atp.ticket.tag_removed": EventKind(topic="tickets", data_type=TagRemoved),  # 1.1
    "atp.agent.presence": EventKind(
        topic="agents", data_type=AgentPresence, time_fields=("expires_at",)
    ),
}

TOPIC_OF: dict[type, TopicKind] = {kind.data_type: kind.topic for kind in EVENT_KINDS.values()}
"""The topic of each type of ``data`` (look up ``type(data)``: cheaper than ``isinstance``)."""

ADDED_IN_1_1: frozenset[str] = frozenset({"atp.ticket.tag_added", "atp.ticket.tag_removed"})
"""The event types contract 1.1 added (a 1.0 consumer skips them as unknown types)."""


def topic_name(kind: TopicKind, topics: Topics) -> str:
    """Return the configured name of the topic of ``kind``."""
    if kind == "orders":
        return topics.orders
    if kind == "tickets":
        return topics.tickets
    return topics.agents


def entity_field(data: EventData) -> tuple[str, str]:
    """Return the path and value of the entity id in ``data`` (it must equal the subject)."""
    if isinstance(data, AgentPresence):
        return "data.agent.id", data.agent.id
    if isinstance(data, OrderData):
        return "data.order_id", data.order_id
    return "data.ticket_id", data.ticket_id
