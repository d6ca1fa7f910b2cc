"""Closed tickets and terminal orders leave memory for the history file and come back on demand.

On a real bridge process and the real broker: a customer whose tickets are all
closed and orders delivered (long ago) is moved to ``history.sqlite`` and out
of the snapshot, while an open ticket stays. When that customer writes again
(a new ticket), a console following the bridge gets the new ticket and the
customer's closed ticket and delivered order back; a late message on another
evicted ticket is folded onto it; a reply a console sends to an evicted ticket
is accepted and confirmed. After a restart the state is the same, and the
ticket of the customer still inactive goes back to the history file.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable

import pytest

from bridge.history import HistoryStore
from bridge.wire.entities import Ticket
from bridge.wire.protocol import Command, Reply
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, Mirror, follow

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

LONG_AGO = "2024-05-01T10:0{}:00Z"
MOVED = "moved to the history file"
EVICTION_S = 60.0  # the first round runs after the first cache save (every 5 s)


def _customer(customer_id: str) -> dict[str, object]:
    return {"id": customer_id, "name": f"Customer {customer_id}"}


def _closed_ticket(produce: EventProducer, ticket_id: str, customer_id: str) -> None:
    tickets = produce.topics.tickets
    produce.event(
        tickets,
        samples.ticket_opened(
            ticket_id,
            event_id=f"{ticket_id}-open",
            time=LONG_AGO.format(0),
            customer=_customer(customer_id),
        ),
    )
    produce.event(
        tickets,
        samples.message_added(ticket_id, event_id=f"{ticket_id}-msg", time=LONG_AGO.format(1)),
    )
    produce.event(
        tickets,
        samples.ticket_action(
            "status_changed",
            ticket_id,
            event_id=f"{ticket_id}-closed",
            time=LONG_AGO.format(2),
            status="closed",
        ),
    )


def _archived(bridge: BridgeProcess) -> list[tuple[str, str]]:
    with sqlite3.connect(bridge.data_dir / "history.sqlite") as db:
        return sorted(db.execute("SELECT kind, key FROM archived").fetchall())


def test_an_inactive_customer_leaves_memory_and_comes_back_when_they_write_again(
    bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    _closed_ticket(produce, "t-old", "c-old")
    orders = produce.topics.orders
    placed = samples.order_placed(
        "o-old", event_id="o-old-0", time=LONG_AGO.format(0), customer=_customer("c-old")
    )
    produce.event(orders, placed)
    produce.event(
        orders,
        samples.order_event("delivered", "o-old", event_id="o-old-1", time=LONG_AGO.format(3)),
    )
    _closed_ticket(produce, "t-late", "c-late")
    _closed_ticket(produce, "t-reply", "c-reply")
    produce.event(
        produce.topics.tickets,
        samples.ticket_opened("t-live", event_id="t-live-open", customer=_customer("c-live")),
    )
    produce.flush()
    bridge = bridges("ana", "Ana Quispe")
    moved = bridge.wait_for_log(MOVED, timeout_s=EVICTION_S)

    evicted = [("order", "o-old"), ("ticket", "t-late"), ("ticket", "t-old"), ("ticket", "t-reply")]
    assert _archived(bridge) == evicted
    snapshot = bridge.snapshot()
    assert [t.ticket_id for t in snapshot.tickets] == ["t-live"]
    assert snapshot.orders == []

    with bridge.client() as client:
        assert client.snapshot is not None
        mirror = Mirror(client.snapshot)
        produce.event(
            produce.topics.tickets,
            samples.ticket_opened("t-new", event_id="t-new-open", customer=_customer("c-old")),
        )
        produce.event(
            produce.topics.tickets,
            samples.message_added("t-late", event_id="t-late-again", author_kind="customer"),
        )
        produce.flush()
        command_id = f"cmd-{uuid.uuid4().hex[:8]}"
        client.send(Command(command_id=command_id, action=Reply(ticket_id="t-reply", body="Hi")))

        def back(m: Mirror) -> bool:
            late = m.tickets.get("t-late")
            reply = m.final_outcome(command_id)
            return (
                {"t-new", "t-old"} <= m.tickets.keys()
                and "o-old" in m.orders
                and late is not None
                and len(late.messages) == 2
                and reply is not None
            )

        mirror = follow(client, mirror, back, timeout_s=30)
    outcome = mirror.final_outcome(command_id)
    assert outcome is not None
    assert outcome.state == "confirmed"
    assert mirror.tickets["t-old"].status == "closed", "the customer's history, as it was"
    assert mirror.orders["o-old"].status == "delivered"
    assert [m.event_id for m in mirror.tickets["t-late"].messages] == ["t-late-msg", "t-late-again"]

    bridge.stop()
    bridge.start()
    # c-late has nothing active: its ticket, with the late message, goes again.
    bridge.wait_for_log(MOVED, after=moved + 1, timeout_s=EVICTION_S)
    after = bridge.snapshot()
    assert sorted(t.ticket_id for t in after.tickets) == ["t-live", "t-new", "t-old", "t-reply"]
    assert [o.order_id for o in after.orders] == ["o-old"]
    history = HistoryStore(bridge.data_dir / "history.sqlite")
    try:
        late = history.get("ticket", "t-late")
    finally:
        history.close()
    assert late is not None
    assert isinstance(late.entity, Ticket)
    assert [m.event_id for m in late.entity.messages] == ["t-late-msg", "t-late-again"]
