"""A customer's tickets and orders, indexed by the view store from each update."""

from __future__ import annotations

from bridge.wire.protocol import Change
from console.viewstate.customer_index import CustomerIndex
from console.viewstate.store import StoreUpdate, ViewStore
from tests.helpers.entities import order, ticket
from tests.helpers.protocol import delta, order_change, snapshot, ticket_change, ticket_removal


def order_removal(order_id: str) -> Change:
    return Change(kind="order", key=order_id)


def recording_store() -> tuple[ViewStore, list[StoreUpdate]]:
    store = ViewStore()
    updates: list[StoreUpdate] = []
    store.subscribe(updates.append)
    return store, updates


def ticket_ids(store: ViewStore, customer_id: str) -> list[str]:
    return [t.ticket_id for t in store.customer_tickets(customer_id)]


def order_ids(store: ViewStore, customer_id: str) -> list[str]:
    return [o.order_id for o in store.customer_orders(customer_id)]


# ---------------------------------------------------------------- the index itself
def test_index_lists_ids_per_customer_in_first_seen_order() -> None:
    index = CustomerIndex()
    assert index.put_all([("t1", None, "c1"), ("t2", None, "c2"), ("t3", None, "c1")]) == {
        "c1",
        "c2",
    }
    assert index.ids_of("c1") == ["t1", "t3"]
    assert index.ids_of("c2") == ["t2"]
    assert index.ids_of("nobody") == []
    assert index.put_all([("t1", "c1", "c1")]) == {"c1"}  # a change of content: in its place
    assert index.ids_of("c1") == ["t1", "t3"]


def test_index_moves_an_entity_that_changes_customer() -> None:
    index = CustomerIndex()
    index.put_all([("t1", None, "c1"), ("t2", None, "c1")])
    assert index.put_all([("t1", "c1", "c2")]) == {"c1", "c2"}  # and the customer it left
    assert index.ids_of("c1") == ["t2"]
    assert index.ids_of("c2") == ["t1"]


def test_index_forgets_removed_entities_and_empty_customers() -> None:
    index = CustomerIndex()
    index.put_all([("t1", None, "c1")])
    index.remove("t1", "c1")
    index.remove("t1", "c1")  # already gone: nothing to do
    assert index.ids_of("c1") == []
    assert index._ids_by_customer == {}  # nothing kept for a customer with nothing left


def test_a_customer_growing_from_one_id_to_several_and_back_keeps_their_order() -> None:
    index = CustomerIndex()
    index.put_all([("t1", None, "c1"), ("t2", None, "c1"), ("t3", None, "c1")])
    assert index.ids_of("c1") == ["t1", "t2", "t3"]
    index.remove("t1", "c1")
    index.remove("t3", "c1")
    assert index.ids_of("c1") == ["t2"]
    index.put_all([("t4", None, "c1")])
    assert index.ids_of("c1") == ["t2", "t4"]
    index.put_all([("t2", "c1", "c2")])  # moves: c1 keeps t4 alone
    assert (index.ids_of("c1"), index.ids_of("c2")) == (["t4"], ["t2"])
    index.remove("t4", "c1")
    assert index.ids_of("c1") == []
    assert set(index._ids_by_customer) == {"c2"}


# ---------------------------------------------------------------- kept by the store
def test_store_finds_a_customers_tickets_and_orders() -> None:
    store = ViewStore()
    store.apply_snapshot(
        snapshot(
            [ticket("t1", customer_id="c1"), ticket("t2", customer_id="c2"),
             ticket("t3", customer_id="c1")],
            [order("o1", customer_id="c1"), order("o2", customer_id="c2")],
        )
    )  # fmt: skip
    assert ticket_ids(store, "c1") == ["t1", "t3"]
    assert order_ids(store, "c1") == ["o1"]
    assert ticket_ids(store, "c9") == []


def test_store_index_follows_a_ticket_and_an_order_that_change_customer() -> None:
    store, updates = recording_store()
    store.apply_snapshot(
        snapshot(
            [ticket("t1", customer_id="c1"), ticket("t2", customer_id="c1")],
            [order("o1", customer_id="c1")],
        )
    )
    store.apply_delta(
        delta(
            2,
            ticket_change(ticket("t1", customer_id="c2")),
            order_change(order("o1", customer_id="c3")),
        )
    )
    assert ticket_ids(store, "c1") == ["t2"]
    assert ticket_ids(store, "c2") == ["t1"]
    assert order_ids(store, "c1") == []
    assert order_ids(store, "c3") == ["o1"]
    assert updates[-1].customers == {"c1", "c2", "c3"}
    # The index hands out the current values, not the ones it first saw.
    assert store.customer_tickets("c2")[0] is store.tickets["t1"]


def test_store_index_drops_removed_tickets_and_orders() -> None:
    store, updates = recording_store()
    store.apply_snapshot(
        snapshot([ticket("t1", customer_id="c1")], [order("o1", customer_id="c1")])
    )
    store.apply_delta(delta(2, ticket_removal("t1"), order_removal("o1")))
    assert ticket_ids(store, "c1") == []
    assert order_ids(store, "c1") == []
    assert updates[-1].customers == {"c1"}


def test_store_index_after_a_snapshot_that_replaces_the_state() -> None:
    store, updates = recording_store()
    store.apply_snapshot(
        snapshot(
            [ticket("t1", customer_id="c1"), ticket("t2", customer_id="c2")],
            [order("o1", customer_id="c1")],
        )
    )
    store.apply_snapshot(
        snapshot([ticket("t2", customer_id="c1"), ticket("t3", customer_id="c2")], seq=9)
    )
    assert ticket_ids(store, "c1") == ["t2"]
    assert ticket_ids(store, "c2") == ["t3"]
    assert order_ids(store, "c1") == []
    assert updates[-1].customers == {"c1", "c2"}


def test_store_index_within_one_batch_that_adds_removes_and_re_adds() -> None:
    store, updates = recording_store()
    store.apply_snapshot(snapshot([ticket("t1", customer_id="c1")]))
    store.apply_delta(
        delta(
            2,
            ticket_change(ticket("t9", customer_id="c9")),
            ticket_removal("t9"),  # added and removed again: never there
            ticket_removal("t1"),
            ticket_change(ticket("t1", customer_id="c2")),  # removed and back, elsewhere
        )
    )
    assert ticket_ids(store, "c9") == []
    assert ticket_ids(store, "c1") == []
    assert ticket_ids(store, "c2") == ["t1"]
    assert updates[-1].customers == {"c1", "c2"}


def test_an_update_that_touches_no_ticket_or_order_names_no_customer() -> None:
    store, updates = recording_store()
    store.apply_snapshot(snapshot([ticket("t1", customer_id="c1")]))
    store.apply_delta(delta(2))  # an empty batch
    store.apply_snapshot(snapshot([ticket("t1", customer_id="c1")], seq=3))  # same state
    assert [u.customers for u in updates] == [frozenset({"c1"})]


def test_an_update_touches_a_ticket_through_itself_its_order_or_its_customer() -> None:
    store, updates = recording_store()
    shown = ticket("t1", customer_id="c1", order_id="o1")
    store.apply_snapshot(
        snapshot([shown, ticket("t2", customer_id="c2")], [order("o1", customer_id="c9")])
    )
    cases = [
        (ticket_change(ticket("t1", customer_id="c1", order_id="o1", status="pending")), True),
        (order_change(order("o1", ("placed", "paid"), customer_id="c9")), True),  # its order
        (ticket_change(ticket("t3", customer_id="c1")), True),  # the customer's history
        (ticket_change(ticket("t2", customer_id="c2", status="pending")), False),
        (ticket_change(ticket("t2", customer_id="c1")), True),  # moved to this customer
        (ticket_change(ticket("t2", customer_id="c2")), True),  # and away again
        (ticket_removal("t3"), True),
        (order_change(order("o7", customer_id="c2")), False),
    ]
    for seq, (change, expected) in enumerate(cases, start=2):
        store.apply_delta(delta(seq, change))
        assert updates[-1].touches(shown) is expected, change
