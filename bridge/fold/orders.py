"""Fold rules for orders: ``placed`` creates; the last word is the status; terminal stays.

Dispatch is on the exact type of ``data``, as in ``bridge.fold.tickets``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from bridge.contract.events import (
    OrderCancelled,
    OrderData,
    OrderDelayed,
    OrderDelivered,
    OrderDispatched,
    OrderPaid,
    OrderPlaced,
)
from bridge.contract.validate import ValidEvent
from bridge.fold.interning import intern, intern_item
from bridge.fold.result import FoldResult
from bridge.wire.entities import Order, OrderEvent, OrderItem
from bridge.wire.vocabulary import OrderStatus

TERMINAL: frozenset[OrderStatus] = frozenset({"delivered", "cancelled"})


def apply_order_event(orders: dict[str, Order], event: ValidEvent, data: OrderData) -> FoldResult:
    """Apply one valid order event to ``orders`` (in place) and say what happened."""
    at = intern(event.time)  # held by the order and its timeline: shared
    kind = type(data)
    if kind is OrderPlaced:
        if data.order_id in orders:
            return FoldResult(
                outcome="quarantined", event_id=event.id, reason="duplicate order", touched=[]
            )
        orders[data.order_id] = _placed(event, cast("OrderPlaced", data), at)
    else:
        order = orders.get(data.order_id)
        if order is None:
            return FoldResult(
                outcome="quarantined", event_id=event.id, reason="unknown order", touched=[]
            )
        _advance(order, event, data, at)
    return FoldResult(
        outcome="applied", event_id=event.id, reason=None, touched=[("order", data.order_id)]
    )


def _placed(event: ValidEvent, data: OrderPlaced, at: str) -> Order:
    return Order(
        order_id=data.order_id,
        status="placed",
        customer_id=intern(data.customer.id),
        customer_name=intern(data.customer.name),
        total_cents=data.total_cents,
        currency=intern(data.currency),
        eta=data.eta,
        district=intern(data.delivery.district),
        placed_at=at,
        updated_at=at,
        timeline=[_timeline_entry(event, data, at)],
        customer_phone=data.customer.phone,
        items=[
            intern_item(
                OrderItem(
                    sku=item.sku,
                    name=item.name,
                    qty=item.qty,
                    unit_price_cents=item.unit_price_cents,
                )
            )
            for item in data.items
        ],
        address=data.delivery.address,
        city=intern(data.delivery.city),
    )


def _advance(order: Order, event: ValidEvent, data: OrderData, at: str) -> None:
    """Every event joins the timeline; only a non-terminal order (or a terminal word) moves.

    The courier is a fact, not a status: the latest ``dispatched`` names it, even late.
    """
    order.timeline.append(_timeline_entry(event, data, at))
    order.updated_at = at
    kind = type(data)
    if kind is OrderDispatched:
        courier = cast("OrderDispatched", data).courier
        order.courier_id, order.courier_name = courier.id, courier.name
    status = _STATUS[kind]
    if order.status in TERMINAL and status not in TERMINAL:
        return
    order.status = status
    if kind is OrderDispatched or kind is OrderDelayed:
        order.eta = cast("OrderDispatched | OrderDelayed", data).eta


_STATUS: dict[type, OrderStatus] = {
    OrderPlaced: "placed",
    OrderPaid: "paid",
    OrderDispatched: "dispatched",
    OrderDelayed: "delayed",
    OrderDelivered: "delivered",
    OrderCancelled: "cancelled",
}
"""The status each type of event names: its type's last word."""


def _timeline_entry(event: ValidEvent, data: OrderData, at: str) -> OrderEvent:
    return OrderEvent(
        event_id=event.id, type=event.type, at=at, summary=_SUMMARIES[type(data)](data)
    )


# The few facts of an event that the order's timeline shows; the values that repeat
# across orders are interned (``interning.SHARED_SUMMARY_FIELDS``).
def _placed_summary(data: OrderPlaced) -> dict[str, object]:
    return {
        "total_cents": data.total_cents,
        "currency": intern(data.currency),
        "items": sum(item.qty for item in data.items),
        "district": intern(data.delivery.district),
    }


def _paid_summary(data: OrderPaid) -> dict[str, object]:
    return {"method": intern(data.method), "amount_cents": data.amount_cents}


def _dispatched_summary(data: OrderDispatched) -> dict[str, object]:
    courier = data.courier
    return {"courier_id": intern(courier.id), "courier_name": intern(courier.name), "eta": data.eta}


def _delayed_summary(data: OrderDelayed) -> dict[str, object]:
    return {"reason": data.reason, "eta": data.eta}


def _delivered_summary(data: OrderDelivered) -> dict[str, object]:
    return {"delivered_at": data.delivered_at}


def _cancelled_summary(data: OrderCancelled) -> dict[str, object]:
    return {"reason": data.reason, "by": intern(data.by)}


_SUMMARIES: dict[type, Callable[[Any], dict[str, object]]] = {
    OrderPlaced: _placed_summary,
    OrderPaid: _paid_summary,
    OrderDispatched: _dispatched_summary,
    OrderDelayed: _delayed_summary,
    OrderDelivered: _delivered_summary,
    OrderCancelled: _cancelled_summary,
}
