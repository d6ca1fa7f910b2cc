"""One copy of each repeated string in the State: queues, names, places, the catalog.

Every event decodes into fresh strings, so 100,000 tickets hold 100,000 copies
of "deliveries", of an agent's name, of a product's SKU. The fold keeps one
(``sys.intern``) for the fields whose values repeat across entities and for each
event's time (events of the same moment), one ``OrderItem`` per distinct order
line (``intern_item``), and the repeated values of timeline summaries; a State
loaded from the cache is passed through ``intern_ticket`` / ``intern_order``
for the same. Values are unchanged: only identity is shared.

A decoded State also holds each id several times where the fold holds it once
(an event id on its message and in the applied ids, a ticket id as the key and
on the ticket): ``OneCopy`` gives a loader one object per value for those.
"""

from __future__ import annotations

from sys import intern

from bridge.wire.entities import Order, OrderItem, Ticket

__all__ = [
    "SHARED_SUMMARY_FIELDS",
    "OneCopy",
    "intern",
    "intern_item",
    "intern_order",
    "intern_summary",
    "intern_ticket",
]

SHARED_SUMMARY_FIELDS = frozenset(
    {"currency", "district", "method", "courier_id", "courier_name", "by"}
)
"""The fields of an order timeline's ``summary`` whose values repeat across orders."""


class OneCopy:
    """One object per string value among those passed through it (a loader's, then dropped).

    Unlike ``intern`` it is not kept for the life of the process: it suits values
    that are unique to one entity but held in several places of the State (ids).
    """

    def __init__(self) -> None:
        self._copies: dict[str, str] = {}

    def of(self, text: str) -> str:
        """The first object passed with this value (``text`` itself if it is the first)."""
        return self._copies.setdefault(text, text)

    def known(self, text: str) -> str:
        """The object passed with this value if there was one, else ``text`` (not kept)."""
        return self._copies.get(text, text)

    def known_all(self, texts: list[str]) -> list[str]:
        """``known`` of each of ``texts``, in order (one C-level pass: a load's million ids)."""
        return list(map(self._copies.get, texts, texts))

    def event_ids(self, entity: Ticket | Order) -> None:
        """Keep the event ids of ``entity``'s messages, actions or timeline (in place)."""
        keep = self._copies.setdefault
        if isinstance(entity, Ticket):
            for message in entity.messages:
                message.event_id = keep(message.event_id, message.event_id)
            for action in entity.actions:
                action.event_id = keep(action.event_id, action.event_id)
        else:
            for entry in entity.timeline:
                entry.event_id = keep(entry.event_id, entry.event_id)


def intern_summary(summary: dict[str, object]) -> dict[str, object]:
    """Share the repeated strings of a timeline summary (in place; returned for chaining)."""
    for name, value in summary.items():
        if name in SHARED_SUMMARY_FIELDS and isinstance(value, str):
            summary[name] = intern(value)
    return summary


ITEM_TABLE_LIMIT = 100_000
"""Distinct order lines shared at most (a catalog times the usual quantities); past it,
new lines are held as they are, so a flood of odd lines cannot grow the table."""
_ITEMS: dict[OrderItem, OrderItem] = {}
"""One object per distinct order line, for the process: like ``intern``'s table, and for
the same reason (order lines repeat: the same product in the same quantity at one price)."""


def intern_item(item: OrderItem) -> OrderItem:
    """The one ``OrderItem`` of this value (items are frozen, so they can be shared)."""
    shared = _ITEMS.get(item)
    if shared is not None:
        return shared
    shared = OrderItem(
        sku=intern(item.sku),
        name=intern(item.name),
        qty=item.qty,
        unit_price_cents=item.unit_price_cents,
    )
    if len(_ITEMS) < ITEM_TABLE_LIMIT:
        _ITEMS[shared] = shared
    return shared


def intern_ticket(ticket: Ticket) -> Ticket:
    """Share the repeated strings of a decoded ticket (in place; returned for chaining).

    Also its times and event types: the fold shares them (it interns each event's
    ``time``, the event types are the contract's), a decoder does not.
    """
    ticket.queue = intern(ticket.queue)
    ticket.customer_id = intern(ticket.customer_id)
    ticket.customer_name = intern(ticket.customer_name)
    ticket.opened_at = intern(ticket.opened_at)
    ticket.updated_at = intern(ticket.updated_at)
    for message in ticket.messages:
        message.author_id = intern(message.author_id)
        message.author_name = intern(message.author_name)
        message.at = intern(message.at)
    for action in ticket.actions:
        action.type = intern(action.type)
        action.at = intern(action.at)
        if action.agent_id is not None and action.agent_name is not None:
            action.agent_id, action.agent_name = intern(action.agent_id), intern(action.agent_name)
    for name in ("first_response_at", "last_customer_message_at", "last_agent_message_at"):
        moment = getattr(ticket, name)
        if moment is not None:
            setattr(ticket, name, intern(moment))
    return ticket


def intern_order(order: Order) -> Order:
    """Share the repeated strings of a decoded order (in place; returned for chaining)."""
    order.customer_id = intern(order.customer_id)
    order.customer_name = intern(order.customer_name)
    order.currency = intern(order.currency)
    order.district = intern(order.district)
    order.city = intern(order.city)
    order.placed_at = intern(order.placed_at)
    order.updated_at = intern(order.updated_at)
    order.items = [intern_item(item) for item in order.items]
    for entry in order.timeline:
        entry.type = intern(entry.type)
        entry.at = intern(entry.at)
        intern_summary(entry.summary)
    return order
