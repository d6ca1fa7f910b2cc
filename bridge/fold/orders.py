"""Fold rules for orders: ``placed`` creates; the last word is the status; terminal stays."""

from __future__ import annotations

from bridge.contract.events import (
    OrderData,
    OrderDelayed,
    OrderDelivered,
    OrderDispatched,
    OrderPaid,
    OrderPlaced,
)
from bridge.contract.validate import ValidEvent
from bridge.fold.interning import intern, intern_item, intern_summary
from bridge.fold.result import FoldResult
from bridge.wire.entities import Order, OrderEvent, OrderItem
from bridge.wire.vocabulary import OrderStatus

TERMINAL: frozenset[OrderStatus] = frozenset({"delivered", "cancelled"})


def apply_order_event(orders: dict[str, Order], event: ValidEvent, data: OrderData) -> FoldResult:
    """Apply one valid order event to ``orders`` (in place) and say what happened."""
    at = intern(event.time)  # held by the order and its timeline: shared
    if isinstance(data, OrderPlaced):
        if data.order_id in orders:
            return FoldResult(
                outcome="quarantined", event_id=event.id, reason="duplicate order", touched=[]
            )
        orders[data.order_id] = _placed(event, data, at)
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
    if isinstance(data, OrderDispatched):
        order.courier_id, order.courier_name = data.courier.id, data.courier.name
    status = _status_of(data)
    if order.status in TERMINAL and status not in TERMINAL:
        return
    order.status = status
    if isinstance(data, OrderDispatched | OrderDelayed):
        order.eta = data.eta


def _status_of(data: OrderData) -> OrderStatus:
    if isinstance(data, OrderPlaced):
        return "placed"
    if isinstance(data, OrderPaid):
        return "paid"
    if isinstance(data, OrderDispatched):
        return "dispatched"
    if isinstance(data, OrderDelayed):
        return "delayed"
    if isinstance(data, OrderDelivered):
        return "delivered"
    return "cancelled"


def _timeline_entry(event: ValidEvent, data: OrderData, at: str) -> OrderEvent:
    return OrderEvent(
        event_id=event.id, type=event.type, at=at, summary=intern_summary(_summary(data))
    )


def _summary(data: OrderData) -> dict[str, object]:
    """The few facts of an event that the order's timeline shows."""
    if isinstance(data, OrderPlaced):
        return {
            "total_cents": data.total_cents,
            "currency": data.currency,
            "items": sum(item.qty for item in data.items),
            "district": data.delivery.district,
        }
    if isinstance(data, OrderPaid):
        return {"method": data.method, "amount_cents": data.amount_cents}
    if isinstance(data, OrderDispatched):
        return {"courier_id": data.courier.id, "courier_name": data.courier.name, "eta": data.eta}
    if isinstance(data, OrderDelayed):
        return {"reason": data.reason, "eta": data.eta}
    if isinstance(data, OrderDelivered):
        return {"delivered_at": data.delivered_at}
    return {"reason": data.reason, "by": data.by}
