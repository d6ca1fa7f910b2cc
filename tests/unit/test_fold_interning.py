"""Repeated strings are held once: by the fold, and after a cache load."""

from __future__ import annotations

import gc
from pathlib import Path

from bridge.cache import StateCache
from bridge.contract.topics import Topics
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from tests.helpers import samples

TOPICS = Topics()


def _state() -> State:
    state = State()
    events = [
        (TOPICS.tickets, samples.ticket_opened("t-1", event_id="e-1")),
        (TOPICS.tickets, samples.ticket_opened("t-2", event_id="e-2")),
        (TOPICS.tickets, samples.message_added("t-1", event_id="e-3")),
        (TOPICS.tickets, samples.message_added("t-2", event_id="e-4")),
        (TOPICS.tickets, samples.ticket_action("claimed", "t-1", event_id="e-5", agent_id="ana")),
        (TOPICS.tickets, samples.ticket_action("claimed", "t-2", event_id="e-6", agent_id="ana")),
        (TOPICS.orders, samples.order_placed("o-1", event_id="e-7")),
        (TOPICS.orders, samples.order_placed("o-2", event_id="e-8")),
        (TOPICS.orders, samples.order_event("paid", "o-1", event_id="e-9")),
        (TOPICS.orders, samples.order_event("paid", "o-2", event_id="e-10")),
    ]
    for offset, (topic, event) in enumerate(events):
        fold_record(state, samples.as_record(event, topic=topic, offset=offset), TOPICS)
    return state


def _assert_shared(state: State) -> None:
    first, second = state.tickets["t-1"], state.tickets["t-2"]
    assert first.queue is second.queue
    assert first.customer_name is second.customer_name
    assert first.messages[0].author_name is second.messages[0].author_name
    one, two = state.orders["o-1"], state.orders["o-2"]
    assert one.district is two.district
    assert one.city is two.city
    assert one.currency is two.currency
    assert one.items[0].sku is two.items[0].sku
    assert one.items[0].name is two.items[0].name
    assert one.customer_name is first.customer_name
    assert first.opened_at is second.opened_at  # events of the same moment
    assert first.messages[0].at is second.messages[0].at
    assert one.placed_at is two.placed_at
    assert one.items[0] is two.items[0]  # a line of the same product, quantity and price
    placed_one, placed_two = one.timeline[0].summary, two.timeline[0].summary
    assert placed_one["district"] is placed_two["district"] is one.district
    assert placed_one["currency"] is placed_two["currency"] is one.currency
    assert one.timeline[1].summary["method"] is two.timeline[1].summary["method"]


def _assert_ids_once(state: State) -> None:
    """Each id is one object wherever the State holds it (the fold's own sharing)."""
    ids = {event_id: event_id for event_id in state.applied_event_ids}
    for key, ticket in state.tickets.items():
        assert ticket.ticket_id is key
        assert state.opened_ids[key] is ids[state.opened_ids[key]]
        assert next(held for held in state.opened_ids if held == key) is key
        for message in ticket.messages:
            assert message.event_id is ids[message.event_id]
        for action in ticket.actions:
            assert action.event_id is ids[action.event_id]
    for key, order in state.orders.items():
        assert order.order_id is key
        for event in order.timeline:
            assert event.event_id is ids[event.event_id]


def test_the_fold_keeps_one_copy_of_repeated_strings() -> None:
    state = _state()
    _assert_shared(state)
    _assert_ids_once(state)


def test_entities_are_not_tracked_by_the_cyclic_collector() -> None:
    """A million entities for every collection to walk: they hold no cycles (``gc=False``)."""
    state = _state()
    ticket, order = state.tickets["t-1"], state.orders["o-1"]
    for entity in [ticket, *ticket.messages, *ticket.actions, order, *order.timeline]:
        assert not gc.is_tracked(entity), type(entity).__name__
    assert not gc.is_tracked(order.items[0])


def test_a_state_loaded_from_the_cache_keeps_one_copy_too(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    state = _state()
    assert StateCache(path).save(state, {}, "fp")
    loaded = StateCache(path).load("fp")
    assert loaded is not None
    assert loaded.state == state
    _assert_shared(loaded.state)
    _assert_ids_once(loaded.state)
    one, two = loaded.state.orders["o-1"], loaded.state.orders["o-2"]
    assert one.timeline[1].type is two.timeline[1].type
    assert (
        loaded.state.tickets["t-1"].actions[0].type is loaded.state.tickets["t-2"].actions[0].type
    )
