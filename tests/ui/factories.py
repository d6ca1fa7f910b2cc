"""Recorded protocol messages for the UI tests, built from the real protocol structs."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING, Any

from bridge.wire.entities import Message, Order, OrderEvent, Presence, Ticket
from bridge.wire.protocol import AgentIdentity, BridgeStatus, Change, DeltaBatch, StateSnapshot

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QAbstractItemModel
    from pytestqt.modeltest import ModelTester

T0 = dt.datetime(2024, 5, 6, 12, 0, 0, tzinfo=dt.UTC)
"""The tests' reference "now"."""
ME = AgentIdentity(agent_id="a-lucia", name="Lucía", role="agent", queues=["deliveries"])
_ids = itertools.count(1)


def iso(moment: dt.datetime) -> str:
    """RFC 3339 with ``Z``, as the fold keeps it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def at(minutes: float) -> str:
    """``T0`` shifted by ``minutes``, as RFC 3339."""
    return iso(T0 + dt.timedelta(minutes=minutes))


def check_model(tester: ModelTester, model: QAbstractItemModel) -> None:
    """Run pytest-qt's model tester (Qt's QAbstractItemModelTester) on ``model``; it keeps
    checking every later change of the model for the rest of the test."""
    check: Callable[[QAbstractItemModel], None] = tester.check  # pytest-qt ships no types
    check(model)


class Clock:
    """A settable time source for the models (epoch seconds)."""

    def __init__(self, moment: dt.datetime = T0) -> None:
        self.now = moment.timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def ticket(ticket_id: str, **fields: Any) -> Ticket:
    """A ticket opened 10 min before ``T0`` with its SLA due 30 min after it."""
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


def customer_message(body: str = "hello?", minutes: float = 0) -> Message:
    """A customer's message."""
    n = next(_ids)
    return Message(
        event_id=f"ev-m{n}",
        message_id=f"m{n}",
        author_kind="customer",
        author_id="c",
        author_name="Customer",
        body=body,
        internal=False,
        at=at(minutes),
    )


def order(order_id: str, kinds: tuple[str, ...] = ("placed",), **fields: Any) -> Order:
    """An order whose timeline has one event per kind, a minute apart, from ``T0``."""
    timeline = [
        OrderEvent(event_id=f"{order_id}-{i}", type=f"atp.order.{k}", at=at(i), summary={})
        for i, k in enumerate(kinds)
    ]
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


def presence(agent_id: str = "a-lucia") -> Presence:
    """An online agent."""
    return Presence(
        agent_id=agent_id,
        name="Lucía",
        role="agent",
        status="online",
        queues=["deliveries"],
        expires_at=at(5),
    )


def status(**fields: Any) -> BridgeStatus:
    """A healthy bridge status for ``ME``."""
    values: dict[str, Any] = {
        "agent": ME,
        "kafka_up": True,
        "kafka_down_since": None,
        "as_of": at(0),
        "lag": 0,
        "outbox_pending": 0,
        "quarantined": 0,
        "skipped_unknown_type": 0,
    }
    values.update(fields)
    return BridgeStatus(**values)


def snapshot(
    tickets: list[Ticket] | None = None,
    orders: list[Order] | None = None,
    *,
    seq: int = 1,
    bridge_status: BridgeStatus | None = None,
) -> StateSnapshot:
    """A snapshot message."""
    return StateSnapshot(
        session="s1",
        seq=seq,
        tickets=tickets or [],
        orders=orders or [],
        agents=[presence()],
        status=bridge_status or status(),
    )


def ticket_change(value: Ticket) -> Change:
    """An upsert of a ticket."""
    return Change(kind="ticket", key=value.ticket_id, ticket=value)


def ticket_removal(ticket_id: str) -> Change:
    """A ticket that left the state."""
    return Change(kind="ticket", key=ticket_id)


def order_change(value: Order) -> Change:
    """An upsert of an order."""
    return Change(kind="order", key=value.order_id, order=value)


def delta(seq: int, *changes: Change, bridge_status: BridgeStatus | None = None) -> DeltaBatch:
    """A delta batch message."""
    return DeltaBatch(seq=seq, changes=list(changes), status=bridge_status)


def many_tickets(count: int, *, start: int = 0, **fields: Any) -> list[Ticket]:
    """``count`` tickets ``t00000``...; SLA due times a minute apart from 1 h ahead."""
    return [
        ticket(f"t{n:05d}", sla_due_at=at(60 + n), **fields) for n in range(start, start + count)
    ]
