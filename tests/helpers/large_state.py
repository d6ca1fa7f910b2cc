"""A large state for tests and benchmarks: open tickets, each with a message and an order.

Built from one template of each entity (``msgspec.structs.replace``), so 100k
of each take about a second, not a minute. SLA due times come in no
particular order, as a log of mixed priorities gives them.
"""

from __future__ import annotations

import msgspec

from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.protocol import BridgeStatus
from bridge.wire.vocabulary import Role
from tests.helpers.entities import message, order, presence, ticket
from tests.helpers.protocol import ME, status


def due(n: int) -> str:
    """The SLA due time of the ``n``-th ticket: spread over a day, in no order."""
    second = n * 7919 % 86_400
    return f"2026-01-01T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"


class LargeState:
    """A StateSource (``bridge.server.server``) over ``size`` tickets and ``size`` orders."""

    def __init__(self, size: int, role: Role = "agent") -> None:
        """``size`` tickets and orders, served to a console that acts as a ``role``."""
        template = ticket("t", messages=[message("m", body="¿Dónde está mi pedido?")])
        bought = order("o", ("placed", "paid"))
        replace = msgspec.structs.replace
        self.tickets: dict[str, Ticket] = {}
        self.orders: dict[str, Order] = {}
        for n in range(size):
            ticket_id, order_id = f"t{n:06d}", f"o{n:06d}"
            self.tickets[ticket_id] = replace(
                template,
                ticket_id=ticket_id,
                order_id=order_id,
                customer_id=f"c{n}",
                queue=("deliveries", "payments")[n % 2],
                sla_due_at=due(n),
            )
            self.orders[order_id] = replace(bought, order_id=order_id, customer_id=f"c{n}")
        self.agents: dict[str, Presence] = {"a": presence()}
        self._me = msgspec.structs.replace(ME, role=role)

    def snapshot(self) -> tuple[list[Ticket], list[Order], list[Presence], BridgeStatus]:
        """Every entity, and a healthy status."""
        return (
            list(self.tickets.values()),
            list(self.orders.values()),
            list(self.agents.values()),
            status(agent=self._me),
        )
