"""Messages that arrive within one frame reach the store as (at most) two updates, same result."""

from __future__ import annotations

import random

from bridge.wire.protocol import DeltaBatch, StateSnapshot
from console.viewstate.pending import PendingUpdates
from console.viewstate.store import StoreUpdate, ViewStore
from tests.helpers.entities import order, ticket
from tests.helpers.protocol import (
    delta,
    order_change,
    snapshot,
    status,
    ticket_change,
    ticket_removal,
)


def _random_messages(rng: random.Random, count: int) -> list[StateSnapshot | DeltaBatch]:
    messages: list[StateSnapshot | DeltaBatch] = [snapshot([ticket("t0")], seq=1)]
    seq = 1
    for _ in range(count):
        seq += 1
        if rng.random() < 0.05:
            tickets = [ticket(f"t{n}", subject=f"s{seq}") for n in range(rng.randint(0, 6))]
            messages.append(snapshot(tickets, [order("o1")], seq=seq))
            continue
        changes = []
        for _ in range(rng.randint(0, 4)):
            n = rng.randint(0, 6)
            if rng.random() < 0.2:
                changes.append(ticket_removal(f"t{n}"))
            elif rng.random() < 0.2:
                changes.append(order_change(order(f"o{n}", ("placed", "paid")[: n % 2 + 1])))
            else:
                changes.append(ticket_change(ticket(f"t{n}", subject=f"s{seq}")))
        newer = status(lag=seq) if rng.random() < 0.3 else None
        messages.append(delta(seq, *changes, bridge_status=newer))
    return messages


def _state(store: ViewStore) -> tuple[object, ...]:
    return (dict(store.tickets), dict(store.orders), store.status, store.seq)


def test_merged_messages_leave_the_store_exactly_as_applying_them_one_by_one() -> None:
    rng = random.Random(5)
    for _ in range(200):
        one_by_one, merged = ViewStore(), ViewStore()
        pending = PendingUpdates()
        updates: list[StoreUpdate] = []
        merged.subscribe(updates.append)
        messages = _random_messages(rng, rng.randint(1, 12))
        split = rng.randint(0, len(messages))  # what was applied before this frame
        for message in messages[:split]:
            for store in (one_by_one, merged):
                if isinstance(message, StateSnapshot):
                    store.apply_snapshot(message)
                else:
                    store.apply_delta(message)
        updates.clear()
        for message in messages[split:]:
            if isinstance(message, StateSnapshot):
                one_by_one.apply_snapshot(message)
                pending.add_snapshot(message)
            else:
                one_by_one.apply_delta(message)
                pending.add_delta(message)
        assert pending.messages == len(messages) - split
        pending.apply_to(merged)
        assert _state(merged) == _state(one_by_one)
        assert len(updates) <= 2
        assert not pending
        assert pending.messages == 0


def test_the_last_change_of_an_entity_wins_and_the_newest_status_is_kept() -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot([ticket("t1")], seq=1))
    updates: list[StoreUpdate] = []
    store.subscribe(updates.append)
    pending = PendingUpdates()
    pending.add_delta(delta(2, ticket_change(ticket("t1", subject="a")), bridge_status=status()))
    pending.add_delta(delta(3, ticket_change(ticket("t2"))))
    pending.add_delta(delta(4, ticket_change(ticket("t1", subject="b"))))
    pending.apply_to(store)
    (update,) = updates
    assert update.tickets.changed == {"t1"}
    assert update.tickets.added == {"t2"}
    assert store.tickets["t1"].subject == "b"
    assert store.status == status()
    assert store.seq == 4
