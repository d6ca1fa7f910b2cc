"""Who the customer of a ticket is and what they ordered, for the customer panel (no Qt).

The facts come from orders (the contract's tickets name the customer only):
the ticket's linked order first; a ticket without one shows the customer's
latest order, said so with ``from_linked_order``. The phone is the context
order's, or else the latest one any order of the customer gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.viewstate.placeholders import FINISHED_ORDER_STATUSES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bridge.wire.entities import Order, Ticket


@dataclass(frozen=True)
class ItemLine:
    """One line of the order: how many of what."""

    qty: int
    name: str


@dataclass(frozen=True)
class CustomerContext:
    """What the customer panel shows (``None``/empty: not known)."""

    customer_id: str
    name: str
    phone: str | None
    address: str | None
    """Street, district and city as one line."""
    district: str | None
    items: tuple[ItemLine, ...]
    courier: str | None
    order_id: str | None
    """The order the address, items and courier come from."""
    from_linked_order: bool
    order_finished: bool = False
    """That order will not arrive any more (delivered, cancelled): no courier is to come."""


def customer_context(
    ticket: Ticket, order: Order | None, customer_orders: Sequence[Order]
) -> CustomerContext:
    """The customer panel's facts for ``ticket`` (``order``: its linked order, if known)."""
    latest = sorted(customer_orders, key=lambda item: item.placed_at, reverse=True)
    source = order if order is not None else (latest[0] if latest else None)
    phone = source.customer_phone if source is not None else None
    if not phone:
        phone = next((item.customer_phone for item in latest if item.customer_phone), None)
    if source is None:
        return CustomerContext(
            customer_id=ticket.customer_id,
            name=ticket.customer_name,
            phone=phone,
            address=None,
            district=None,
            items=(),
            courier=None,
            order_id=None,
            from_linked_order=False,
        )
    parts = [part for part in (source.address, source.district, source.city) if part]
    return CustomerContext(
        customer_id=ticket.customer_id,
        name=ticket.customer_name,
        phone=phone,
        address=", ".join(parts) or None,
        district=source.district or None,
        items=tuple(ItemLine(qty=item.qty, name=item.name) for item in source.items),
        courier=source.courier_name or source.courier_id,
        order_id=source.order_id,
        from_linked_order=order is not None,
        order_finished=source.status in FINISHED_ORDER_STATUSES,
    )
