"""The customer panel's facts: from the linked order, else the customer's latest one."""

from __future__ import annotations

from bridge.wire.entities import OrderItem
from console.viewstate.customer_context import ItemLine, customer_context
from tests.helpers import entities
from tests.helpers.clock import at

ITEMS = [OrderItem(sku="p", name="1/4 pollo", qty=2, unit_price_cents=1800)]


def test_the_linked_order_gives_address_items_courier_and_phone() -> None:
    order = entities.order(
        "o-1",
        customer_phone="+51 987 654 321",
        items=ITEMS,
        address="Av. Arequipa 1234",
        district="Lince",
        city="Lima",
        courier_name="Luis",
        courier_id="k-7",
    )
    ticket = entities.ticket("t-1", customer_name="Rosa Quispe", order_id="o-1")
    context = customer_context(ticket, order, [order])
    assert (context.name, context.phone, context.address, context.district) == (
        "Rosa Quispe",
        "+51 987 654 321",
        "Av. Arequipa 1234, Lince, Lima",
        "Lince",
    )
    assert context.items == (ItemLine(qty=2, name="1/4 pollo"),)
    assert (context.courier, context.order_id, context.from_linked_order) == ("Luis", "o-1", True)


def test_without_a_linked_order_the_latest_order_speaks_and_says_so() -> None:
    old = entities.order("o-old", placed_at=at(-600), address="Jr. Viejo 1", customer_phone="+51 1")
    new = entities.order("o-new", placed_at=at(-5), address="Calle Nueva 2", customer_phone=None)
    context = customer_context(entities.ticket("t-1"), None, [old, new])
    assert (context.order_id, context.from_linked_order) == ("o-new", False)
    assert context.address == "Calle Nueva 2, Miraflores"
    assert context.phone == "+51 1"  # the latest order gave none: an older one did
    assert context.courier is None


def test_a_customer_without_orders_has_only_a_name() -> None:
    context = customer_context(entities.ticket("t-1", customer_name="Ana"), None, [])
    assert (context.name, context.phone, context.address, context.items, context.order_id) == (
        "Ana",
        None,
        None,
        (),
        None,
    )
