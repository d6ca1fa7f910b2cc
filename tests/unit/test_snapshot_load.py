"""A snapshot loaded a page at a time tells the listeners exactly what each page changed.

``ViewStore.load_snapshot`` takes a page's entities in bulk (one dict update into
an empty store); this checks it against the definition, entity by entity: an
id not held is added, a held one that differs is changed (an equal one is left
as it is, the same object), the end removes what the snapshot did not carry,
and each customer's index lists their ids in the order they first came.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.wire.entities import Order, Ticket
from bridge.wire.protocol import Change, SnapshotBegin, SnapshotEnd, SnapshotPage
from console.viewstate.store import StoreUpdate, ViewStore
from tests.helpers.entities import order, ticket
from tests.helpers.protocol import delta, snapshot, status, ticket_change, ticket_removal

Entity = Ticket | Order


def key_of(value: Entity) -> str:
    return value.ticket_id if isinstance(value, Ticket) else value.order_id


def _ticket(number: int, customer: int, priority: str) -> Ticket:
    return ticket(f"t{number}", customer_id=f"c{customer}", priority=priority)


def _order(number: int, customer: int, total: int) -> Order:
    return order(f"o{number}", customer_id=f"c{customer}", total_cents=total)


tickets = st.builds(
    _ticket, st.integers(0, 12), st.integers(0, 3), st.sampled_from(["normal", "urgent"])
)
orders = st.builds(_order, st.integers(0, 12), st.integers(0, 3), st.sampled_from([100, 200]))


class Reference:
    """The store's state and customer index, one entity at a time."""

    def __init__(self) -> None:
        self.held: dict[str, Entity] = {}
        self.by_customer: dict[str, list[str]] = {}

    def put(self, key: str, value: Entity, touched: set[str]) -> None:
        old = self.held.get(key)
        self.held[key] = value
        touched.add(value.customer_id)
        if old is not None and old.customer_id == value.customer_id:
            return
        if old is not None:
            self.by_customer[old.customer_id].remove(key)
            touched.add(old.customer_id)
        self.by_customer.setdefault(value.customer_id, []).append(key)

    def remove(self, key: str, touched: set[str]) -> None:
        old = self.held.pop(key)
        self.by_customer[old.customer_id].remove(key)
        touched.add(old.customer_id)

    def load(self, page: Sequence[Entity]) -> tuple[frozenset[str], frozenset[str], set[str]]:
        """(added, changed, customers touched) by one page (each id at most once)."""
        added: set[str] = set()
        changed: set[str] = set()
        touched: set[str] = set()
        for value in page:
            key = key_of(value)
            old = self.held.get(key)
            if old == value:
                continue
            (added if old is None else changed).add(key)
            self.put(key, value, touched)
        return frozenset(added), frozenset(changed), touched

    def end(self, seen: set[str]) -> tuple[set[str], set[str]]:
        """(removed, customers touched) by a snapshot's end."""
        removed = set(self.held) - seen
        touched: set[str] = set()
        for key in removed:
            self.remove(key, touched)
        return removed, touched

    def customers(self) -> dict[str, list[str]]:
        return {c: ids for c, ids in self.by_customer.items() if ids}


def _begin(seq: int, tickets: int, orders: int) -> SnapshotBegin:
    return SnapshotBegin(
        session="s", seq=seq, tickets=tickets, orders=orders, agents=0, status=status()
    )


@settings(max_examples=150, deadline=None)
@given(
    before_tickets=st.lists(tickets, max_size=10, unique_by=lambda t: t.ticket_id),
    before_orders=st.lists(orders, max_size=10, unique_by=lambda o: o.order_id),
    fresh_tickets=st.lists(tickets, max_size=12, unique_by=lambda t: t.ticket_id),
    fresh_orders=st.lists(orders, max_size=12, unique_by=lambda o: o.order_id),
    cuts=st.lists(st.integers(0, 12), max_size=4),
)
def test_each_page_reports_what_it_added_and_changed_and_the_end_what_it_removed(
    before_tickets: list[Ticket],
    before_orders: list[Order],
    fresh_tickets: list[Ticket],
    fresh_orders: list[Order],
    cuts: list[int],
) -> None:
    # a snapshot carries each entity once (docs/PROTOCOL.md), cut into pages anywhere
    bounds = [0, *sorted(cuts), 12]
    pages = [
        (fresh_tickets[low:high], fresh_orders[low:high])
        for low, high in itertools.pairwise(bounds)
    ]
    store = ViewStore()
    store.apply_snapshot(snapshot(before_tickets, before_orders, seq=1))
    ticket_ref, order_ref = Reference(), Reference()
    ticket_ref.load(before_tickets)
    order_ref.load(before_orders)
    updates: list[StoreUpdate] = []
    store.subscribe(updates.append)

    store.load_snapshot(_begin(2, sum(len(t) for t, _ in pages), sum(len(o) for _, o in pages)))
    seen_tickets: set[str] = set()
    seen_orders: set[str] = set()
    for page_tickets, page_orders in pages:
        held_before: dict[str, Entity] = {**store.tickets, **store.orders}
        updates.clear()
        store.load_snapshot(
            page=SnapshotPage(seq=2, tickets=page_tickets, orders=page_orders, agents=[])
        )
        t_added, t_changed, t_touched = ticket_ref.load(page_tickets)
        o_added, o_changed, o_touched = order_ref.load(page_orders)
        seen_tickets |= {t.ticket_id for t in page_tickets}
        seen_orders |= {o.order_id for o in page_orders}
        (update,) = updates
        assert (update.tickets.added, update.tickets.changed) == (t_added, t_changed)
        assert (update.orders.added, update.orders.changed) == (o_added, o_changed)
        assert not update.tickets.removed
        assert not update.orders.removed
        assert update.customers == t_touched | o_touched
        assert update.from_snapshot
        assert not update.snapshot_complete
        page: list[Entity] = [*page_tickets, *page_orders]
        held_now: dict[str, Entity] = {**store.tickets, **store.orders}
        for value in page:
            key = key_of(value)
            if held_before.get(key) == value:  # equal: still the object the models hold
                assert held_now[key] is held_before[key]
    updates.clear()
    store.load_snapshot(end=SnapshotEnd(seq=2))
    t_removed, t_touched = ticket_ref.end(seen_tickets)
    o_removed, o_touched = order_ref.end(seen_orders)
    (update,) = updates
    assert update.tickets.removed == t_removed
    assert update.orders.removed == o_removed
    assert not update.tickets.added
    assert not update.tickets.changed
    assert update.customers == t_touched | o_touched
    assert update.snapshot_complete
    assert store.seq == 2
    assert store.loading is None

    assert dict(store.tickets) == ticket_ref.held
    assert dict(store.orders) == order_ref.held
    for customer, ids in ticket_ref.customers().items():
        assert [t.ticket_id for t in store.customer_tickets(customer)] == ids
    for customer, ids in order_ref.customers().items():
        assert [o.order_id for o in store.customer_orders(customer)] == ids


def test_a_page_of_another_snapshot_changes_nothing() -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot([ticket("t1")], seq=1))
    updates: list[StoreUpdate] = []
    store.subscribe(updates.append)
    store.load_snapshot(_begin(2, 1, 0))
    store.load_snapshot(page=SnapshotPage(seq=3, tickets=[ticket("t2")], orders=[], agents=[]))
    assert "t2" not in store.tickets
    assert not updates[-1].tickets


def test_a_delta_while_a_snapshot_loads_does_not_keep_what_the_snapshot_lacks() -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot([ticket("t1")], seq=1))
    store.load_snapshot(_begin(5, 1, 0))
    store.load_snapshot(page=SnapshotPage(seq=5, tickets=[ticket("t1")], orders=[], agents=[]))
    # applied directly (the console's feed holds deltas until the end): t1 goes, t2 comes
    store.apply_delta(delta(2, ticket_removal("t1"), ticket_change(ticket("t2"))))
    store.load_snapshot(end=SnapshotEnd(seq=5))
    assert dict(store.tickets) == {}  # t2 was not in the snapshot


changes = st.one_of(
    st.builds(ticket_change, tickets),
    st.builds(lambda n: ticket_removal(f"t{n}"), st.integers(0, 12)),
)


@settings(max_examples=150, deadline=None)
@given(
    before=st.lists(tickets, max_size=10, unique_by=lambda t: t.ticket_id),
    batches=st.lists(st.lists(changes, max_size=8), max_size=5),
)
def test_deltas_keep_each_customers_tickets_as_applying_each_change_in_turn(
    before: list[Ticket], batches: list[list[Change]]
) -> None:
    # changes of customer, removals, re-adds and removals of what was just added, in one batch:
    # a batch's effect is what each id it names went from and to (removed and back is a change)
    store = ViewStore()
    store.apply_snapshot(snapshot(before, seq=1))
    reference = Reference()
    reference.load(before)
    for seq, batch in enumerate(batches, start=2):
        store.apply_delta(delta(seq, *batch))
        final: dict[str, Entity] = dict(reference.held)
        for change in batch:
            if change.ticket is not None:
                final[change.key] = change.ticket
            else:
                final.pop(change.key, None)
        for key in dict.fromkeys(change.key for change in batch):  # in first-named order
            if key in final:
                reference.put(key, final[key], set())
            elif key in reference.held:
                reference.remove(key, set())
        assert dict(store.tickets) == reference.held
        for customer in (f"c{n}" for n in range(4)):
            expected = reference.customers().get(customer, [])
            assert [t.ticket_id for t in store.customer_tickets(customer)] == expected
