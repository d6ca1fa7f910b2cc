"""Messages that arrive within one frame reach the store as (at most) two updates, same result.

Snapshots come as the bridge streams them (begin, pages, end), sometimes cut
short by a fresh one; once a snapshot is complete, merging changes nothing.
"""

from __future__ import annotations

import random

from bridge.wire.protocol import DeltaBatch, SnapshotBegin, SnapshotEnd, SnapshotPage
from console.viewstate.pending import PendingUpdates
from console.viewstate.store import SnapshotProgress, StoreUpdate, ViewStore
from tests.helpers.entities import order, ticket
from tests.helpers.protocol import (
    delta,
    order_change,
    snapshot,
    status,
    stream,
    ticket_change,
    ticket_removal,
)

Message = SnapshotBegin | SnapshotPage | SnapshotEnd | DeltaBatch


def _random_messages(rng: random.Random, count: int) -> list[Message]:
    messages: list[Message] = [*stream(snapshot([ticket("t0")], seq=1))]
    seq = 1
    for _ in range(count):
        seq += 1
        if rng.random() < 0.1:
            tickets = [ticket(f"t{n}", subject=f"s{seq}") for n in range(rng.randint(0, 6))]
            parts = stream(snapshot(tickets, [order("o1")], seq=seq), rng.randint(1, 3))
            if rng.random() < 0.3:  # cut short: a fresh snapshot follows at once
                parts = parts[: rng.randint(1, len(parts) - 1)]
                seq += 1
                parts += stream(snapshot(tickets[:2], seq=seq), rng.randint(1, 3))
            messages += parts
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


def _apply(store: ViewStore, message: Message) -> None:
    if isinstance(message, SnapshotBegin):
        store.load_snapshot(begin=message)
    elif isinstance(message, SnapshotPage):
        store.load_snapshot(page=message)
    elif isinstance(message, SnapshotEnd):
        store.load_snapshot(end=message)
    else:
        store.apply_delta(message)


def _add(pending: PendingUpdates, message: Message) -> None:
    if isinstance(message, SnapshotBegin):
        pending.add_snapshot_begin(message)
    elif isinstance(message, SnapshotPage):
        pending.add_snapshot_page(message)
    elif isinstance(message, SnapshotEnd):
        pending.add_snapshot_end(message)
    else:
        pending.add_delta(message)


def _state(store: ViewStore) -> tuple[object, ...]:
    return (dict(store.tickets), dict(store.orders), store.status, store.seq)


def test_merged_messages_leave_the_store_exactly_as_applying_them_one_by_one() -> None:
    rng = random.Random(5)
    compared = 0
    for _ in range(400):
        one_by_one, merged = ViewStore(), ViewStore()
        pending = PendingUpdates()
        updates: list[StoreUpdate] = []
        merged.subscribe(updates.append)
        messages = _random_messages(rng, rng.randint(1, 12))
        split = rng.randint(0, len(messages))  # what was applied before this frame
        for message in messages[:split]:
            for store in (one_by_one, merged):
                _apply(store, message)
        updates.clear()
        for message in messages[split:]:
            _apply(one_by_one, message)
            _add(pending, message)
        assert pending.messages == len(messages) - split
        pending.apply_to(merged)
        assert len(updates) <= 2
        assert not pending
        assert pending.messages == 0
        if one_by_one.loading is None:  # no snapshot in progress: the same whole state
            assert merged.loading is None
            assert _state(merged) == _state(one_by_one)
            compared += 1
        else:  # the snapshot in progress: the same part of it, however merged
            assert merged.loading == one_by_one.loading
    assert compared > 200


def test_a_snapshot_in_pages_shows_what_arrived_and_removes_the_rest_at_its_end() -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot([ticket("old"), ticket("kept", subject="before")], seq=1))
    updates: list[StoreUpdate] = []
    store.subscribe(updates.append)
    begin, *parts, end = stream(
        snapshot([ticket("kept", subject="after"), ticket("new")], seq=5), page_size=1
    )
    pages = [page for page in parts if isinstance(page, SnapshotPage)]
    assert isinstance(begin, SnapshotBegin)
    assert isinstance(end, SnapshotEnd)
    store.load_snapshot(begin=begin)
    store.load_snapshot(page=pages[0])  # the agents
    store.load_snapshot(page=pages[1])  # "kept"
    assert set(store.tickets) == {"old", "kept"}  # the window shows what it has
    assert store.tickets["kept"].subject == "after"
    progress = store.loading
    assert progress is not None
    assert (progress.received, progress.expected) == (2, 3)
    assert store.seq == 1  # not a whole state yet
    store.load_snapshot(page=pages[2])
    store.load_snapshot(end=end)
    assert set(store.tickets) == {"kept", "new"}
    assert store.loading is None
    assert store.seq == 5
    assert all(u.from_snapshot for u in updates)
    assert [u.snapshot_complete for u in updates] == [False, False, False, False, True]
    assert updates[-1].tickets.removed == {"old"}
    assert updates[-1].loading_changed  # the progress shown before is over


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


def test_a_backlog_applied_in_parts_ends_as_applying_it_one_by_one() -> None:
    rng = random.Random(11)
    compared = 0
    for _ in range(300):
        one_by_one, parted = ViewStore(), ViewStore()
        pending = PendingUpdates()
        messages = _random_messages(rng, rng.randint(1, 12))
        for message in messages:
            _apply(one_by_one, message)
            _add(pending, message)
        while pending:
            limit = rng.randint(1, 4)
            before = pending.entities
            applied = pending.apply_to(parted, limit)
            assert applied <= limit
            assert pending.entities == before - applied
            assert pending.messages == 0 or pending
        assert pending.messages == 0
        if one_by_one.loading is None:
            assert _state(parted) == _state(one_by_one)
            compared += 1
        else:
            assert parted.loading == one_by_one.loading
    assert compared > 150


def test_a_batch_applied_in_parts_goes_oldest_first_and_keeps_seq_until_its_last_part() -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot([], seq=1))
    updates: list[StoreUpdate] = []
    store.subscribe(updates.append)
    pending = PendingUpdates()
    pending.add_delta(delta(2, *(ticket_change(ticket(f"t{n}")) for n in range(5))))
    pending.add_delta(
        delta(3, ticket_change(ticket("t0", subject="again")), bridge_status=status())
    )
    assert pending.entities == 5  # t0's second change replaced its first
    assert pending.apply_to(store, 2) == 2
    assert set(store.tickets) == {"t1", "t2"}  # t0 changed last: it goes last
    assert store.seq == 1  # batch 3 is not wholly applied
    assert store.status == status()  # the newest status goes with the first part
    assert pending.messages == 2
    assert pending.apply_to(store, 2) == 2
    assert store.seq == 1
    assert pending.apply_to(store, 2) == 1
    assert store.seq == 3
    assert store.tickets["t0"].subject == "again"
    assert not pending
    assert [sorted(u.tickets.added) for u in updates] == [["t1", "t2"], ["t3", "t4"], ["t0"]]


def test_a_snapshot_applied_in_parts_shows_progress_and_ends_only_with_its_last_entities() -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot([ticket("old")], seq=1))
    pending = PendingUpdates()
    for message in stream(snapshot([ticket(f"t{n}") for n in range(6)], seq=4), page_size=4):
        _add(pending, message)
    pending.add_delta(delta(5, ticket_change(ticket("t9"))))
    assert pending.apply_to(store, 3) == 3  # the agent and two tickets
    progress = store.loading
    assert progress is not None
    assert (progress.received, progress.expected) == (3, 7)
    assert "old" in store.tickets  # removed only at the snapshot's end
    assert pending.apply_to(store, 3) == 3
    later = store.loading
    assert later == SnapshotProgress(received=6, expected=7)
    assert pending.apply_to(store, 3) == 2  # the last ticket and the delta after the end
    assert store.loading is None
    assert store.seq == 5
    assert set(store.tickets) == {f"t{n}" for n in range(6)} | {"t9"}


def test_a_whole_snapshot_counts_as_one_message_after_what_it_superseded() -> None:
    pending = PendingUpdates()
    pending.add_delta(delta(2, ticket_change(ticket("t1"))))
    pending.add_snapshot(snapshot([ticket("t2")], seq=3))
    assert pending.messages == 2
    assert pending.entities == 2  # the snapshot's agent and ticket; the delta is superseded
