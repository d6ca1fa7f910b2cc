"""Customers open tickets about late, wrong or cancelled orders, payments and the app.

Tickets come in through the customer channels (``source`` is
``/atp/channels/<channel>``); a customer who gets no answer writes again.
First-response SLAs are in the same compressed "demo minutes" as the orders.
"""

from __future__ import annotations

from typing import Protocol

from bridge.demo.sim import catalog
from bridge.demo.sim.customers import CustomerPool, CustomerVoice
from bridge.demo.sim.kernel import SimKernel
from bridge.demo.sim.model import Customer, Order, Ticket
from bridge.wire.vocabulary import Channel, Priority

SLA_SECONDS: dict[Priority, float] = {"urgent": 180, "high": 300, "normal": 600, "low": 1200}
CHANNELS: tuple[Channel, ...] = ("whatsapp", "app", "web", "phone", "email")
CHANNEL_WEIGHTS = (40, 30, 10, 10, 10)
MAX_FOLLOW_UPS = 2

# (order change, share of such orders that get a ticket, queue, priorities, texts)
_TRIGGERS: dict[str, tuple[float, str, tuple[Priority, ...], tuple[tuple[str, str], ...]]] = {
    "paid": (0.01, "payments", ("urgent", "high"), catalog.PAYMENT_PROBLEM),
    "delayed": (0.2, "deliveries", ("high", "normal"), catalog.LATE_ORDER),
    "delivered": (0.03, "deliveries", ("normal", "high"), catalog.WRONG_ORDER),
    "cancelled": (0.25, "payments", ("normal", "high"), catalog.CANCELLED_ORDER),
}


class TicketDesk(Protocol):
    """Whoever works new tickets (the virtual agents, or nobody)."""

    def ticket_opened(self, ticket: Ticket) -> None:
        """A ticket was opened and waits for an agent."""
        ...


def soles(cents: int) -> str:
    """Format cents of PEN as customers write them, e.g. ``S/ 45.90``."""
    return f"S/ {cents // 100}.{cents % 100:02d}"


class TicketFlow:
    """Opens tickets (from order changes and app problems) and writes customer follow-ups."""

    def __init__(
        self,
        kernel: SimKernel,
        customers: CustomerPool,
        voice: CustomerVoice,
        desk: TicketDesk,
        app_tickets_per_second: float,
    ) -> None:
        self._kernel = kernel
        self._customers = customers
        self._voice = voice
        self._desk = desk
        self._app_rate = app_tickets_per_second

    def start(self) -> None:
        """Schedule the first app-problem ticket."""
        self._kernel.after(self._kernel.rng.expovariate(self._app_rate), self._app_problem)

    def order_changed(self, order: Order, change: str) -> None:
        """Maybe have the order's customer open a ticket about this change, a bit later."""
        trigger = _TRIGGERS.get(change)
        rng = self._kernel.rng
        if trigger is None or rng.random() >= trigger[0]:
            return
        _, queue, priorities, texts = trigger
        subject, body = rng.choice(texts)
        item = rng.choice(order.items)[0].name
        fields = {"order_id": order.id, "district": order.district, "item": item}
        body = body.format(total=soles(order.total_cents), **fields)
        priority = rng.choice(priorities)
        customer, total_cents = order.customer, order.total_cents
        self._kernel.after(
            rng.uniform(20, 150),
            lambda: self._open(
                customer,
                order_id=order.id,
                queue=queue,
                priority=priority,
                subject=subject,
                body=body,
                total_cents=total_cents,
            ),
        )

    def _app_problem(self) -> None:
        rng = self._kernel.rng
        subject, body = rng.choice(catalog.APP_PROBLEM)
        body = body.format(district=rng.choice(catalog.DISTRICTS))
        priority: Priority = rng.choice(("low", "normal"))
        self._open(
            self._customers.next_customer(),
            order_id=None,
            queue="general",
            priority=priority,
            subject=subject,
            body=body,
            total_cents=0,
        )
        self._kernel.after(rng.expovariate(self._app_rate), self._app_problem)

    def _open(
        self,
        customer: Customer,
        *,
        order_id: str | None,
        queue: str,
        priority: Priority,
        subject: str,
        body: str,
        total_cents: int,
    ) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        ticket = Ticket(
            id=kernel.ids.entity_id("t"),
            customer=customer,
            order_id=order_id,
            channel=channel,
            queue=queue,
            priority=priority,
            total_cents=total_cents,
            opened_s=kernel.now,
        )
        kernel.emit(
            "tickets",
            type="atp.ticket.opened",
            subject=ticket.id,
            source=f"/atp/channels/{channel}",
            data={
                "ticket_id": ticket.id,
                "customer": {"id": customer.id, "name": customer.name},
                "order_id": order_id,
                "channel": channel,
                "queue": queue,
                "priority": priority,
                "subject": subject,
                "body": body,
                "sla_due_at": kernel.timestamp(SLA_SECONDS[priority]),
            },
        )
        self._desk.ticket_opened(ticket)
        self._schedule_follow_up(ticket, 1)

    def _schedule_follow_up(self, ticket: Ticket, attempt: int) -> None:
        rng = self._kernel.rng
        self._kernel.after(rng.uniform(90, 240), lambda: self._follow_up(ticket, attempt))

    def _follow_up(self, ticket: Ticket, attempt: int) -> None:
        if ticket.agent_replies or ticket.status != "open":
            return
        self._voice.write(ticket, self._kernel.rng.choice(catalog.CUSTOMER_FOLLOW_UPS))
        if attempt < MAX_FOLLOW_UPS:
            self._schedule_follow_up(ticket, attempt + 1)
