"""Local-protocol messages (``bridge.wire.protocol``) for tests: status, snapshots, deltas.

Built from the real protocol structs around the entities of
``tests.helpers.entities``; keyword arguments replace any field.
"""

from __future__ import annotations

from typing import Any

from bridge.wire.entities import Order, Ticket
from bridge.wire.protocol import AgentIdentity, BridgeStatus, Change, DeltaBatch, StateSnapshot
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
    """A snapshot message (one agent online: ``ME``)."""
    return StateSnapshot(
        session="s1",
        seq=seq,
        tickets=tickets or [],
        orders=orders or [],
        agents=[presence()],
        status=bridge_status or status(),
    )


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
