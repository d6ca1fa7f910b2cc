"""The simulated world's mutable entities, as the scenario's processes track them."""

from __future__ import annotations

from dataclasses import dataclass, field

from bridge.demo.sim.catalog import Person, Product
from bridge.wire.vocabulary import Channel, PresenceStatus, Priority, Role, TicketStatus


@dataclass(frozen=True)
class Customer:
    """A customer of the platform."""

    id: str
    name: str
    phone: str


@dataclass
class Order:
    """An order in flight; ``finished`` once delivered or cancelled."""

    id: str
    customer: Customer
    items: list[tuple[Product, int]]
    district: str
    total_cents: int
    eta_s: float  # simulated offset of the current estimate
    finished: bool = False


@dataclass
class Ticket:
    """A support ticket, as the customers and the virtual agents know it."""

    id: str
    customer: Customer
    order_id: str | None
    channel: Channel
    queue: str
    priority: Priority
    total_cents: int
    opened_s: float
    status: TicketStatus = "open"
    assignee: Person | None = None
    assigned_s: float = 0.0
    agent_replies: int = 0
    unanswered_customer_messages: int = 0


@dataclass
class VirtualAgent:
    """A simulated agent or supervisor: presence, queues and the tickets it is working."""

    person: Person
    role: Role
    queues: tuple[str, ...]
    status: PresenceStatus = "online"
    working: set[str] = field(default_factory=set)
    viewing: str | None = None  # contract 1.1: the ticket open in its console
    composing: str | None = None  # contract 1.1: the ticket it is writing a reply in
    presence_at_s: float = -1.0  # when its last presence record was published
    presence_pending: bool = False  # a record waits for the one-a-second limit
