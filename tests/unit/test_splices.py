"""Deltas carry only the tails of lists a console does not hold, and the console ends equal.

The bridge side is the real ``BatchLog`` (``ListTails``), the console side the
real ``PendingUpdates`` and ``ViewStore``; frames are encoded and decoded as on
the socket.
"""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.server.batches import BatchLog
from bridge.wire.entities import Order, Ticket
from bridge.wire.protocol import Change, DeltaBatch
from bridge.wire.splices import ListTails, OutOfStepError, merged, spliced_ticket
from console.viewstate.pending import PendingUpdates
from console.viewstate.store import ViewStore
from tests.helpers.entities import message, order, order_event, ticket, ticket_action
from tests.helpers.protocol import delta, snapshot, ticket_change

KEYS = ("t1", "t2", "t3")
ORDER_KEYS = ("o1", "o2")


def _decoded(frame: bytes) -> DeltaBatch:
    return msgspec.msgpack.decode(frame[4:], type=DeltaBatch)


def _copy(value: Ticket | Order) -> Ticket | Order:
    """What a console decodes: an independent copy."""
    return msgspec.msgpack.decode(msgspec.msgpack.encode(value), type=type(value))


def test_a_new_message_on_a_long_conversation_sends_that_message_only() -> None:
    log = BatchLog(history=8, history_bytes=1 << 24)
    long = ticket("t1", messages=[message(f"e{n}", body="x" * 200) for n in range(60)])
    log.add([ticket_change(long)], None)
    first = log.flush()
    long.messages.append(message("e60", body="the new one"))
    log.add([ticket_change(long)], None)
    second = log.flush()
    assert first is not None
    assert second is not None
    change = _decoded(second.frame).changes[0]
    assert change.messages_from == 60
    assert change.ticket is not None
    assert [m.event_id for m in change.ticket.messages] == ["e60"]
    assert len(second.frame) * 10 < len(first.frame)


def test_a_removed_entity_comes_back_whole() -> None:
    tails = ListTails()
    held = ticket("t1", messages=[message("e1")])
    tails.trim(ticket_change(held))
    tails.trim(Change(kind="ticket", key="t1"))
    again = tails.trim(ticket_change(held))
    assert again.messages_from == 0
    assert again.ticket is not None
    assert len(again.ticket.messages) == 1


def test_forgotten_lengths_make_the_next_change_whole() -> None:
    tails = ListTails(limit=2)
    for key in ("t1", "t2", "t3"):  # t1, the least recently sent, is forgotten
        tails.trim(ticket_change(ticket(key, messages=[message(f"{key}-e1")])))
    assert len(tails) == 2
    kept = tails.trim(ticket_change(ticket("t3", messages=[message("t3-e1")])))
    gone = tails.trim(ticket_change(ticket("t1", messages=[message("t1-e1")])))
    assert (kept.messages_from, gone.messages_from) == (1, 0)
    tails.forget()
    assert tails.trim(ticket_change(ticket("t3", messages=[message("t3-e1")]))).messages_from == 0


def test_an_order_sends_the_tail_of_its_timeline() -> None:
    tails = ListTails()
    held = order("o1", ("placed", "confirmed"))
    tails.trim(Change(kind="order", key="o1", order=held))
    held.timeline.append(order_event("o1-2", "dispatched", held.updated_at))
    change = tails.trim(Change(kind="order", key="o1", order=held))
    assert change.timeline_from == 2
    assert change.order is not None
    assert [e.event_id for e in change.order.timeline] == ["o1-2"]


def test_a_tail_past_what_the_console_holds_is_out_of_step() -> None:
    held = ticket("t1", messages=[message("e1")])
    ahead = Change(
        kind="ticket", key="t1", ticket=ticket("t1", messages=[message("e3")]), messages_from=2
    )
    with pytest.raises(OutOfStepError, match="t1"):
        spliced_ticket(held, ahead)


def test_the_store_keeps_an_out_of_step_entity_and_asks_for_a_snapshot() -> None:
    reasons: list[str] = []
    store = ViewStore(on_out_of_step=reasons.append)
    store.apply_snapshot(snapshot([ticket("t1", messages=[message("e1")]), ticket("t2")]))
    ahead = Change(
        kind="ticket",
        key="t1",
        ticket=ticket("t1", subject="changed", messages=[message("e3")]),
        messages_from=2,
    )
    fine = ticket_change(ticket("t2", subject="renamed"))
    update = store.apply_delta(delta(2, ahead, fine))
    assert store.tickets["t1"].subject != "changed"
    assert [m.event_id for m in store.tickets["t1"].messages] == ["e1"]
    assert store.tickets["t2"].subject == "renamed"
    assert update.tickets.changed == {"t2"}
    assert len(reasons) == 1
    assert "t1" in reasons[0]


def test_merging_a_whole_change_with_a_tail_gives_the_whole_entity() -> None:
    whole = ticket_change(ticket("t1", messages=[message("e1"), message("e2")]))
    tail = Change(
        kind="ticket", key="t1", ticket=ticket("t1", messages=[message("e3")]), messages_from=2
    )
    both = merged(whole, tail)
    assert both.messages_from == 0
    assert both.ticket is not None
    assert [m.event_id for m in both.ticket.messages] == ["e1", "e2", "e3"]


# ---------------------------------------------------------------- the property
class _Bridge:
    """Entities that grow as the fold grows them, and the batches the real BatchLog makes."""

    def __init__(self) -> None:
        self.tickets: dict[str, Ticket] = {}
        self.orders: dict[str, Order] = {}
        self.archive: dict[str, Ticket] = {}  # the history file: an entity comes back whole
        self.log = BatchLog(history=10_000, history_bytes=1 << 30)
        self.events = 0

    def resolve(self, kind: str, key: str) -> Change:
        if kind == "ticket":
            return Change(kind="ticket", key=key, ticket=self.tickets.get(key))
        return Change(kind="order", key=key, order=self.orders.get(key))

    def step(self, kind: str, key: int) -> None:
        self.events += 1
        n = self.events
        tid, oid = KEYS[key % len(KEYS)], ORDER_KEYS[key % len(ORDER_KEYS)]
        if kind in ("message", "action") and tid in self.archive:
            self.tickets[tid] = self.archive.pop(tid)
        if kind == "message":
            held = self.tickets.setdefault(tid, ticket(tid))
            held.messages.append(message(f"m{n}", body=f"body {n}"))
        elif kind == "action":
            held = self.tickets.setdefault(tid, ticket(tid))
            held.actions.append(ticket_action(f"a{n}"))
            held.status = "pending" if held.status == "open" else "open"
        elif kind in ("remove", "evict"):  # to the history file; "evict" is not announced
            if tid in self.tickets:
                self.archive[tid] = self.tickets.pop(tid)
            if kind == "evict":
                return
        else:
            held_order = self.orders.setdefault(oid, order(oid))
            held_order.timeline.append(order_event(f"o{n}", "updated", held_order.updated_at))
            self.log.touch([("order", oid)])
            return
        self.log.touch([("ticket", tid)])

    def snapshot_copy(self) -> tuple[list[Ticket], list[Order]]:
        self.log.whole_from_now()
        tickets = [t for t in map(_copy, self.tickets.values()) if isinstance(t, Ticket)]
        orders = [o for o in map(_copy, self.orders.values()) if isinstance(o, Order)]
        return tickets, orders


class _Console:
    """A console: frames merged per 'frame' as PendingUpdates does, applied to a ViewStore."""

    def __init__(self, bridge: _Bridge) -> None:
        self.out_of_step: list[str] = []
        self.store = ViewStore(on_out_of_step=self.out_of_step.append)
        tickets, orders = bridge.snapshot_copy()
        self.store.apply_snapshot(snapshot(tickets, orders=orders, seq=bridge.log.seq))
        self.pending = PendingUpdates()

    def receive(self, frame: bytes) -> None:
        self.pending.add_delta(_decoded(frame))

    def apply(self, limit: int | None) -> None:
        self.pending.apply_to(self.store, limit)


steps = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["message", "message", "action", "order", "remove", "evict"]),
            st.integers(0, 5),
        ),
        st.tuples(st.just("flush"), st.integers(1, 4)),
        st.tuples(st.just("apply"), st.integers(0, 3)),
        st.tuples(st.just("connect"), st.just(0)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(plan=steps)
def test_consoles_hold_what_the_bridge_holds_however_batches_are_cut_and_merged(
    plan: list[tuple[str, int]],
) -> None:
    bridge = _Bridge()
    consoles = [_Console(bridge)]

    def flush(limit: int) -> None:
        batch = bridge.log.flush(bridge.resolve, limit)
        if batch is not None:
            for console in consoles:
                console.receive(batch.frame)

    for kind, value in plan:
        if kind == "flush":
            flush(value)
        elif kind == "apply":
            for console in consoles:
                console.apply(value or None)
        elif kind == "connect":
            while bridge.log.has_pending:  # as the server does before a snapshot
                flush(256)
            consoles.append(_Console(bridge))
        else:
            bridge.step(kind, value)
    while bridge.log.has_pending:
        flush(256)
    for console in consoles:
        console.apply(None)
        assert console.out_of_step == []
        live = {k: v for k, v in console.store.tickets.items() if k in bridge.tickets}
        assert live == bridge.tickets  # evicted ones a console may still hold, unannounced
        assert dict(console.store.orders) == bridge.orders


def test_an_entity_moved_to_history_before_a_snapshot_comes_back_whole() -> None:
    bridge = _Bridge()
    first = _Console(bridge)
    bridge.step("message", 0)
    batch = bridge.log.flush(bridge.resolve)
    assert batch is not None
    first.receive(batch.frame)
    bridge.step("evict", 0)  # the first console still holds t1; a snapshot now lacks it
    second = _Console(bridge)
    bridge.step("message", 0)  # t1 comes back from the history file, one message longer
    batch = bridge.log.flush(bridge.resolve)
    assert batch is not None
    for console in (first, second):
        console.receive(batch.frame)
        console.apply(None)
        assert console.out_of_step == []
        assert console.store.tickets["t1"] == bridge.tickets["t1"]
