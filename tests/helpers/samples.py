"""Valid contract events with plausible defaults, for tests and benchmarks.

Each builder returns one CloudEvents event as a dict (``make_event``); keyword
overrides replace fields of ``data``. ``as_record`` turns an event into the
Kafka record it would be.
"""

from __future__ import annotations

from bridge.contract.envelope import encode_event, make_event
from bridge.contract.validate import RawRecord

T0 = "2024-05-01T10:00:00.000Z"


def _agent(agent_id: str, name: str | None) -> dict[str, object]:
    return {"id": agent_id, "name": name if name is not None else agent_id.title()}


def ticket_opened(
    ticket_id: str, *, event_id: str, time: str = T0, **data: object
) -> dict[str, object]:
    """``atp.ticket.opened`` (SLA due one hour after ``T0`` unless overridden)."""
    fields: dict[str, object] = {
        "ticket_id": ticket_id,
        "customer": {"id": "c-1", "name": "Rosa Quispe"},
        "order_id": "o-1",
        "channel": "whatsapp",
        "queue": "deliveries",
        "priority": "normal",
        "subject": "Where is my order?",
        "body": "It was due an hour ago.",
        "sla_due_at": "2024-05-01T11:00:00.000Z",
    }
    fields.update(data)
    return make_event(
        type="atp.ticket.opened",
        subject=ticket_id,
        data=fields,
        source="/atp/channels/whatsapp",
        time=time,
        event_id=event_id,
    )


def message_added(
    ticket_id: str,
    *,
    event_id: str,
    time: str = T0,
    author_kind: str = "agent",
    author_id: str = "ana",
    internal: bool = False,
    body: str = "On its way.",
) -> dict[str, object]:
    """``atp.ticket.message_added`` (by default: a public reply of agent ``ana``)."""
    fields: dict[str, object] = {
        "ticket_id": ticket_id,
        "message_id": f"m-{event_id}",
        "author": {"kind": author_kind, **_agent(author_id, None)},
        "body": body,
        "internal": internal,
    }
    source = f"/atp/console/{author_id}"
    return make_event(
        type="atp.ticket.message_added",
        subject=ticket_id,
        data=fields,
        source=source,
        time=time,
        event_id=event_id,
    )


def ticket_action(
    kind: str,
    ticket_id: str,
    *,
    event_id: str,
    agent_id: str | None = "ana",
    agent_name: str | None = None,
    time: str = T0,
    **data: object,
) -> dict[str, object]:
    """``atp.ticket.<kind>`` for claimed, released, assigned, status/priority/queue_changed."""
    fields: dict[str, object] = {"ticket_id": ticket_id}
    if agent_id is not None:
        fields["agent"] = _agent(agent_id, agent_name)
    fields.update(data)
    source = f"/atp/console/{agent_id or 'system'}"
    return make_event(
        type=f"atp.ticket.{kind}",
        subject=ticket_id,
        data=fields,
        source=source,
        time=time,
        event_id=event_id,
    )


def order_placed(
    order_id: str, *, event_id: str, time: str = T0, **data: object
) -> dict[str, object]:
    """``atp.order.placed``: two items, 4,500 cents in PEN."""
    fields: dict[str, object] = {
        "order_id": order_id,
        "customer": {"id": "c-1", "name": "Rosa Quispe", "phone": None},
        "items": [
            {
                "sku": "pollo-1/4",
                "name": "1/4 pollo",
                "qty": 2,
                "unit_price_cents": 1800,
            },
            {"sku": "chicha-1l", "name": "Chicha morada 1 L", "qty": 1, "unit_price_cents": 900},
        ],
        "total_cents": 4500,
        "currency": "PEN",
        "delivery": {"address": "Av. Arequipa 1234", "district": "Lince", "city": "Lima"},
        "eta": "2024-05-01T10:45:00.000Z",
    }
    fields.update(data)
    return make_event(
        type="atp.order.placed",
        subject=order_id,
        data=fields,
        source="/atp/orders",
        time=time,
        event_id=event_id,
    )


_ORDER_DEFAULTS: dict[str, dict[str, object]] = {
    "paid": {"method": "yape", "amount_cents": 4500},
    "dispatched": {"courier": {"id": "k-7", "name": "Luis"}, "eta": "2024-05-01T10:50:00.000Z"},
    "delayed": {"reason": "traffic", "eta": "2024-05-01T11:10:00.000Z"},
    "delivered": {"delivered_at": "2024-05-01T11:05:00.000Z"},
    "cancelled": {"reason": "customer asked", "by": "customer"},
}


def order_event(
    kind: str, order_id: str, *, event_id: str, time: str = T0, **data: object
) -> dict[str, object]:
    """``atp.order.<kind>`` for paid, dispatched, delayed, delivered, cancelled."""
    fields: dict[str, object] = {"order_id": order_id, **_ORDER_DEFAULTS[kind]}
    fields.update(data)
    return make_event(
        type=f"atp.order.{kind}",
        subject=order_id,
        data=fields,
        source="/atp/orders",
        time=time,
        event_id=event_id,
    )


def presence(
    agent_id: str,
    *,
    event_id: str,
    status: str = "online",
    expires_at: str = "2024-05-01T10:05:00.000Z",
    role: str = "agent",
    time: str = T0,
    queues: tuple[str, ...] = ("deliveries",),
    viewing: str | None = None,
    composing: str | None = None,
) -> dict[str, object]:
    """``atp.agent.presence``; ``viewing``/``composing`` (contract 1.1) only when given."""
    fields: dict[str, object] = {
        "agent": {**_agent(agent_id, None), "role": role},
        "status": status,
        "queues": list(queues),
        "expires_at": expires_at,
    }
    activity = {"viewing": viewing, "composing": composing}
    fields.update({name: value for name, value in activity.items() if value is not None})
    source = f"/atp/console/{agent_id}"
    return make_event(
        type="atp.agent.presence",
        subject=agent_id,
        data=fields,
        source=source,
        time=time,
        event_id=event_id,
    )


def as_record(
    event: dict[str, object],
    *,
    topic: str,
    offset: int,
    partition: int = 0,
    key: bytes | None = None,
) -> RawRecord:
    """The Kafka record carrying ``event``, keyed by its subject unless ``key`` is given."""
    subject = event.get("subject")
    record_key = key if key is not None else str(subject).encode()
    return RawRecord(
        topic=topic, partition=partition, offset=offset, key=record_key, value=encode_event(event)
    )
