"""Customers: who orders (new or returning) and what they write on their tickets."""

from __future__ import annotations

import collections

from bridge.demo.sim import catalog
from bridge.demo.sim.kernel import SimKernel
from bridge.demo.sim.model import Customer, Ticket

RETURNING_SHARE = 0.3
REMEMBERED_CUSTOMERS = 200
REPLY_SHARE = 0.65  # how often a customer answers an agent's reply


class CustomerPool:
    """Hands out customers: mostly new ones, sometimes one who ordered recently."""

    def __init__(self, kernel: SimKernel) -> None:
        self._kernel = kernel
        self._recent: collections.deque[Customer] = collections.deque(maxlen=REMEMBERED_CUSTOMERS)

    def next_customer(self) -> Customer:
        """Return the customer of a new order or ticket."""
        rng = self._kernel.rng
        if self._recent and rng.random() < RETURNING_SHARE:
            return rng.choice(self._recent)
        name = f"{rng.choice(catalog.FIRST_NAMES)} {rng.choice(catalog.SURNAMES)}"
        digits = f"{rng.randrange(100_000_000):08d}"
        phone = f"+51 9{digits[:2]} {digits[2:5]} {digits[5:]}"
        customer = Customer(id=self._kernel.ids.entity_id("c"), name=name, phone=phone)
        self._recent.append(customer)
        return customer


class CustomerVoice:
    """Writes customers' messages on their tickets (``message_added`` from the channel)."""

    def __init__(self, kernel: SimKernel) -> None:
        self._kernel = kernel

    def write(self, ticket: Ticket, body: str) -> None:
        """Emit a customer message on ``ticket`` now."""
        kernel = self._kernel
        kernel.emit(
            "tickets",
            type="atp.ticket.message_added",
            subject=ticket.id,
            source=f"/atp/channels/{ticket.channel}",
            data={
                "ticket_id": ticket.id,
                "message_id": kernel.ids.entity_id("m"),
                "author": {
                    "kind": "customer",
                    "id": ticket.customer.id,
                    "name": ticket.customer.name,
                },
                "body": body,
                "internal": False,
            },
        )
        ticket.unanswered_customer_messages += 1

    def agent_replied(self, ticket: Ticket) -> None:
        """Maybe answer an agent's reply a little later."""
        rng = self._kernel.rng
        if rng.random() < REPLY_SHARE:
            body = rng.choice(catalog.CUSTOMER_REPLIES)
            self._kernel.after(rng.uniform(20, 90), lambda: self.write(ticket, body))
