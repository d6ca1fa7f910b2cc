"""Local-protocol messages (``bridge.wire.protocol``) for tests: status, snapshots, deltas.

Built from the real protocol structs around the entities of
``tests.helpers.entities``; keyword arguments replace any field.
"""

from __future__ import annotations

from typing import Any

from bridge.wire.entities import Order, Ticket
from bridge.wire.framing import encode_frame
from bridge.wire.protocol import (
    AgentIdentity,
    BridgeStatus,
    Change,
    DeltaBatch,
    SnapshotBegin,
    SnapshotEnd,
    SnapshotPage,
    StateSnapshot,
)
from tests.helpers.clock import at
from tests.helpers.entities import AGENT_ID, AGENT_NAME, presence

ME = AgentIdentity(agent_id=AGENT_ID, name=AGENT_NAME, role="agent", queues=["deliveries"])
"""The agent the console runs as."""


def status(**fields: Any) -> BridgeStatus:
    """A healthy bridge status for ``ME`` as of ``T0``."""
    values: dict[str, Any] = {
        "agent": ME,
        "kafka_up": True,
        "kafka_down_since": None,
        "as_of": at(0),
        "lag": 0,
        "outbox_pending": 0,
        "quarantined": 0,
        "skipped_unknown_type": 0,
    }
    values.update(fields)
    return BridgeStatus(**values)


def snapshot(
    tickets: list[Ticket] | None = None,
    orders: list[Order] | None = None,
    *,
    seq: int = 1,
    bridge_status: BridgeStatus | None = None,
) -> StateSnapshot:
    """A whole snapshot (one agent online: ``ME``); ``stream`` cuts it into messages."""
    return StateSnapshot(
        session="s1",
        seq=seq,
        tickets=tickets or [],
        orders=orders or [],
        agents=[presence()],
        status=bridge_status or status(),
    )


def stream(
    whole: StateSnapshot, page_size: int = 100
) -> list[SnapshotBegin | SnapshotPage | SnapshotEnd]:
    """``whole`` as the bridge streams it: a begin, pages of ``page_size`` entities, an end."""
    begin = SnapshotBegin(
        session=whole.session,
        seq=whole.seq,
        tickets=len(whole.tickets),
        orders=len(whole.orders),
        agents=len(whole.agents),
        status=whole.status,
    )
    messages: list[SnapshotBegin | SnapshotPage | SnapshotEnd] = [begin]
    messages += [
        SnapshotPage(seq=whole.seq, agents=whole.agents[n : n + page_size])
        for n in range(0, len(whole.agents), page_size)
    ]
    messages += [
        SnapshotPage(seq=whole.seq, tickets=whole.tickets[n : n + page_size])
        for n in range(0, len(whole.tickets), page_size)
    ]
    messages += [
        SnapshotPage(seq=whole.seq, orders=whole.orders[n : n + page_size])
        for n in range(0, len(whole.orders), page_size)
    ]
    messages.append(SnapshotEnd(seq=whole.seq))
    return messages


def snapshot_frames(whole: StateSnapshot) -> bytes:
    """The frames a bridge writes for ``whole`` (for hand-written fake bridges)."""
    return b"".join(encode_frame(message) for message in stream(whole))


def ticket_change(value: Ticket) -> Change:
    """An upsert of a ticket."""
    return Change(kind="ticket", key=value.ticket_id, ticket=value)


def ticket_removal(ticket_id: str) -> Change:
    """A ticket that left the state."""
    return Change(kind="ticket", key=ticket_id)


def order_change(value: Order) -> Change:
    """An upsert of an order."""
    return Change(kind="order", key=value.order_id, order=value)


def delta(seq: int, *changes: Change, bridge_status: BridgeStatus | None = None) -> DeltaBatch:
    """A delta batch message."""
    return DeltaBatch(seq=seq, changes=list(changes), status=bridge_status)


def emit_snapshot(client: Any, whole: StateSnapshot, page_size: int = 100) -> None:
    """Emit ``whole`` from a ``BridgeClient``'s signals, part by part, as if it had arrived."""
    for message in stream(whole, page_size):
        if isinstance(message, SnapshotBegin):
            client.snapshot_begin.emit(message)
        elif isinstance(message, SnapshotPage):
            client.snapshot_page.emit(message)
        else:
            client.snapshot_end.emit(message)
