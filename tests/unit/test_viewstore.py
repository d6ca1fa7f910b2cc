"""The console's plain-Python view state: store diffs, queue rows, SLA, saved views, feed."""

from __future__ import annotations

import math

import pytest

from bridge.wire.timestamps import epoch_of, moment_of
from console.viewstate.order_feed import OrderFeed, entry_matches
from console.viewstate.queue_rows import (
    SlaState,
    crossed_due,
    format_countdown,
    is_breached,
    queue_row,
    sla,
)
from console.viewstate.saved_views import SavedView, ViewKind, matches_search, saved_views
from console.viewstate.seen import SeenTracker
from console.viewstate.store import IdChanges, StoreUpdate, ViewStore
from tests.helpers.clock import T0, at
from tests.helpers.entities import customer_message, message, order, ticket
from tests.helpers.protocol import (
    delta,
    order_change,
    snapshot,
    status,
    ticket_change,
    ticket_removal,
)

NOW = T0.timestamp()


def recording_store() -> tuple[ViewStore, list[StoreUpdate]]:
    store = ViewStore()
    updates: list[StoreUpdate] = []
    store.subscribe(updates.append)
    return store, updates


# ---------------------------------------------------------------- store
def test_snapshot_reports_every_id_as_added() -> None:
    store, updates = recording_store()
    store.apply_snapshot(snapshot([ticket("t1"), ticket("t2")], [order("o1")]))
    assert updates[-1].tickets == IdChanges(added=frozenset({"t1", "t2"}))
    assert updates[-1].orders.added == {"o1"}
    assert updates[-1].from_snapshot
    assert updates[-1].status_changed
    assert set(store.tickets) == {"t1", "t2"}
    assert store.seq == 1


def test_delta_reports_exactly_added_changed_removed() -> None:
    store, updates = recording_store()
    store.apply_snapshot(snapshot([ticket("t1"), ticket("t2"), ticket("t3")]))
    store.apply_delta(
        delta(
            2,
            ticket_change(ticket("t4")),
            ticket_change(ticket("t1", status="pending")),
            ticket_change(ticket("t2")),  # identical: not a change
            ticket_removal("t3"),
        )
    )
    assert updates[-1].tickets == IdChanges(
        added=frozenset({"t4"}), changed=frozenset({"t1"}), removed=frozenset({"t3"})
    )
    assert store.tickets["t1"].status == "pending"
    assert "t3" not in store.tickets


def test_add_then_remove_in_one_batch_is_nothing_and_remove_then_add_is_a_change() -> None:
    store, updates = recording_store()
    store.apply_snapshot(snapshot([ticket("t1")]))
    store.apply_delta(
        delta(
            2,
            ticket_change(ticket("new")),
            ticket_removal("new"),
            ticket_removal("t1"),
            ticket_change(ticket("t1", subject="again")),
        )
    )
    assert updates[-1].tickets == IdChanges(changed=frozenset({"t1"}))


def test_stale_or_repeated_batches_change_nothing_and_notify_nobody() -> None:
    store, updates = recording_store()
    store.apply_snapshot(snapshot([ticket("t1")], seq=5))
    assert not store.apply_delta(delta(5, ticket_change(ticket("t1", status="closed"))))
    assert not store.apply_delta(delta(6))  # an empty batch
    assert len(updates) == 1
    assert store.tickets["t1"].status == "open"
    assert store.seq == 6


def test_second_snapshot_is_diffed_against_what_the_store_held() -> None:
    store, updates = recording_store()
    store.apply_snapshot(snapshot([ticket("t1"), ticket("t2")], [order("o1")]))
    store.apply_snapshot(snapshot([ticket("t2", priority="high"), ticket("t3")], [order("o1")]))
    last = updates[-1]
    assert last.tickets == IdChanges(
        added=frozenset({"t3"}), changed=frozenset({"t2"}), removed=frozenset({"t1"})
    )
    assert not last.orders
    assert not last.status_changed


def test_status_changes_are_reported_and_kept() -> None:
    store, updates = recording_store()
    store.apply_snapshot(snapshot())
    store.apply_delta(delta(2, bridge_status=status(lag=7)))
    assert updates[-1].status_changed
    assert store.status is not None
    assert store.status.lag == 7


def test_unsubscribe_stops_notifications() -> None:
    store = ViewStore()
    seen: list[StoreUpdate] = []
    unsubscribe = store.subscribe(seen.append)
    unsubscribe()
    store.apply_snapshot(snapshot([ticket("t1")]))
    assert seen == []


# ---------------------------------------------------------------- queue rows and SLA
def test_parse_epoch_reads_offsets_and_rejects_garbage() -> None:
    assert epoch_of("2024-05-06T12:00:00Z") == NOW
    assert epoch_of("2024-05-06T07:00:00-05:00") == NOW
    assert epoch_of("yesterday") is None
    assert epoch_of(None) is None


def test_parse_epoch_reads_lower_case_letters_and_a_naive_time_as_utc() -> None:
    # the fast path parses the fold's "T...Z" as it is; these take the slower one
    assert epoch_of("2024-05-06t12:00:00z") == NOW
    assert epoch_of("2024-05-06T12:00:00") == NOW
    assert epoch_of("2024-05-06T12:00:00.500Z") == NOW + 0.5
    assert moment_of("2024-05-06t12:00:00z") == moment_of("2024-05-06T12:00:00Z")


@pytest.mark.parametrize(
    ("due_minutes", "first_response", "state", "left"),
    [
        (30, None, SlaState.RUNNING, 1800),
        (15, None, SlaState.RUNNING, 900),
        (14, None, SlaState.WARNING, 840),
        (0, None, SlaState.WARNING, 0),
        (-1, None, SlaState.BREACHED, -60),
        (-30, at(-40), SlaState.MET, 600),  # answered 10 min before due: never breached
        (-30, at(-20), SlaState.BREACHED, -600),  # answered 10 min late
    ],
)
def test_sla_countdown(
    due_minutes: int, first_response: str | None, state: SlaState, left: float
) -> None:
    row = queue_row(ticket("t", sla_due_at=at(due_minutes), first_response_at=first_response), 0)
    result = sla(row, NOW)
    assert result.state is state
    assert result.seconds_left == left


def test_missing_due_time_never_breaches() -> None:
    row = queue_row(ticket("t", sla_due_at="not a time"), 0)
    assert row.sla_due == math.inf
    assert sla(row, NOW).state is SlaState.RUNNING


def test_crossed_due_finds_only_unanswered_tickets_that_fell_due_in_the_interval() -> None:
    rows = [
        queue_row(ticket("early", sla_due_at=at(-5)), 0),
        queue_row(ticket("now", sla_due_at=at(1)), 0),
        queue_row(ticket("answered", sla_due_at=at(1), first_response_at=at(0)), 0),
        queue_row(ticket("later", sla_due_at=at(3)), 0),
    ]
    assert crossed_due(rows, NOW, NOW + 120) == ["now"]


def test_crossed_due_finds_the_tickets_breached_at_now_and_not_at_since() -> None:
    rows = [
        queue_row(ticket("due-at-since", sla_due_at=at(0)), 0),
        queue_row(ticket("due-at-now", sla_due_at=at(1)), 0),
    ]
    assert [r.ticket_id for r in rows if not is_breached(r, NOW)] == ["due-at-since", "due-at-now"]
    assert [r.ticket_id for r in rows if is_breached(r, NOW + 60)] == ["due-at-since"]
    assert crossed_due(rows, NOW, NOW + 60) == ["due-at-since"]


def test_countdown_format() -> None:
    # whole minutes with a unit, rounded up (never "0 min" before the due time)
    assert format_countdown(65) == "2 min"
    assert format_countdown(3723) == "1 h 03 min"
    assert format_countdown(-61) == "-2 min"


# ---------------------------------------------------------------- saved views and search
def test_saved_views_offer_mine_unassigned_each_queue_breached_and_all_open() -> None:
    keys = [v.key for v in saved_views("a1", ["payments", "deliveries", "payments"])]
    assert keys == ["mine", "unassigned", "queue:deliveries", "queue:payments", "breached", "open"]


def test_saved_view_predicates() -> None:
    mine = queue_row(ticket("m", assignee="a1", assignee_name="Ana"), 0)
    free = queue_row(ticket("f", queue="payments"), 0)
    late = queue_row(ticket("l", sla_due_at=at(-1)), 0)
    closed = queue_row(ticket("c", status="closed"), 0)
    views = {v.key: v for v in saved_views("a1", ["payments"])}
    assert views["mine"].accepts(mine, NOW)
    assert not views["mine"].accepts(free, NOW)
    assert views["unassigned"].accepts(free, NOW)
    assert not views["unassigned"].accepts(mine, NOW)
    assert views["queue:payments"].accepts(free, NOW)
    assert not views["queue:payments"].accepts(late, NOW)
    assert views["breached"].accepts(late, NOW)
    assert not views["breached"].accepts(free, NOW)
    assert all(not v.accepts(closed, NOW) for v in views.values())
    assert not SavedView(ViewKind.MINE, agent_id=None).accepts(mine, NOW)


def test_search_is_case_insensitive_over_subject_customer_and_ids() -> None:
    row = queue_row(
        ticket("t42", subject="Pedido TARDE", customer_name="José Ñandú", order_id="o-9"), 0
    )
    assert matches_search(row, "tarde")
    assert matches_search(row, "ñandú")
    assert matches_search(row, "O-9")
    assert matches_search(row, "")
    assert not matches_search(row, "payments")


# ---------------------------------------------------------------- unread
def test_unread_counts_customer_messages_since_last_seen() -> None:
    seen = SeenTracker()
    first = ticket("t", messages=[customer_message(), customer_message()])
    assert seen.unread(first) == 2
    seen.mark_seen(first)
    assert seen.unread(first) == 0
    later = ticket("t", messages=[*first.messages, customer_message()])
    assert seen.unread(later) == 1
    seen.forget("t")
    assert seen.unread(later) == 3


def test_unread_follows_a_growing_conversation_as_a_recount_would() -> None:
    seen = SeenTracker()
    messages = [customer_message()]
    for n in range(30):
        messages.append(message(f"e{n}", "agent" if n % 3 == 0 else "customer"))
        if n == 12:
            seen.mark_seen(ticket("t", messages=list(messages)))
            opened_at = len(messages)
        grown = ticket("t", messages=list(messages))
        since = messages[opened_at:] if n >= 12 else messages
        assert seen.unread(grown) == sum(1 for m in since if m.author_kind == "customer")
    shorter = ticket("t", messages=messages[:5])  # not the ticket counted: counted again
    assert seen.unread(shorter) == 0


# ---------------------------------------------------------------- order feed
class Recorder:
    def __init__(self, feed: OrderFeed) -> None:
        self.feed = feed
        self.calls: list[tuple[str, int]] = []

    def feed_inserting_front(self, count: int) -> None:
        self.calls.append(("insert", count))

    def feed_inserted_front(self) -> None:
        self.calls.append(("inserted", len(self.feed)))

    def feed_removing_front(self, count: int) -> None:
        self.calls.append(("remove front", count))

    def feed_removed_front(self) -> None:
        self.calls.append(("removed", len(self.feed)))

    def feed_removing_back(self, count: int) -> None:
        self.calls.append(("remove", count))

    def feed_removed_back(self) -> None:
        self.calls.append(("removed", len(self.feed)))


def test_feed_is_newest_first_and_takes_only_new_events() -> None:
    feed = OrderFeed()
    assert feed.ingest([order("o1", ("placed", "paid"))]) == 2
    assert [e.kind for e in feed] == ["paid", "placed"]
    assert feed.ingest([order("o1", ("placed", "paid", "dispatched"))]) == 1
    assert [e.event_id for e in feed] == ["o1-2", "o1-1", "o1-0"]
    assert feed.ingest([order("o1", ("placed", "paid", "dispatched"))]) == 0


def test_feed_is_bounded_and_tells_its_observer_exactly_what_moved() -> None:
    feed = OrderFeed(capacity=3)
    recorder = Recorder(feed)
    feed.set_observer(recorder)
    feed.ingest([order("o1", ("placed", "paid"))])
    feed.ingest([order("o2", ("placed", "paid"))])
    assert len(feed) == 3
    assert [e.event_id for e in feed] == ["o2-1", "o2-0", "o1-1"]
    assert recorder.calls == [("insert", 2), ("inserted", 2), ("remove", 1), ("removed", 1),
                              ("insert", 2), ("inserted", 3)]  # fmt: skip


def test_paused_feed_buffers_and_resume_shows_the_buffered_events() -> None:
    feed = OrderFeed(capacity=10)
    feed.ingest([order("o1")])
    feed.pause()
    feed.ingest([order("o2"), order("o3")])
    assert [e.order_id for e in feed] == ["o1"]
    assert feed.pending == 2
    assert feed.resume() == 2
    assert feed.pending == 0
    assert {e.order_id for e in list(feed)[:2]} == {"o2", "o3"}
    assert feed[2].order_id == "o1"


def test_feed_buffer_while_paused_is_bounded_too() -> None:
    feed = OrderFeed(capacity=2)
    feed.pause()
    feed.ingest([order(f"o{n}") for n in range(5)])
    assert feed.pending == 2
    feed.resume()
    assert len(feed) == 2


def test_feed_filter_by_kind_and_search() -> None:
    feed = OrderFeed()
    feed.ingest([order("o1", ("placed", "paid"), customer_name="Rosa Quispe")])
    paid = [e for e in feed if entry_matches(e, frozenset({"paid"}), "")]
    assert [e.kind for e in paid] == ["paid"]
    assert all(entry_matches(e, None, "QUISPE") for e in feed)
    assert not any(entry_matches(e, None, "surco") for e in feed)


def test_an_event_read_late_shows_its_order_as_it_was_taken_in() -> None:
    feed = OrderFeed()  # entries are built when first read: here, after the order moved on
    feed.ingest([order("o1", ("placed",), status="placed", customer_name="Rosa")])
    feed.ingest([order("o1", ("placed", "paid"), status="paid", customer_name="Rosa Q")])
    assert [(e.kind, e.order_status, e.customer) for e in feed] == [
        ("paid", "paid", "Rosa Q"),
        ("placed", "placed", "Rosa"),
    ]


def test_feed_rejects_a_useless_capacity() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        OrderFeed(capacity=0)


def test_order_changes_through_the_store_reach_the_feed() -> None:
    store = ViewStore()
    feed = OrderFeed()

    def take(update: StoreUpdate) -> None:
        feed.ingest(store.orders[i] for i in update.orders.added | update.orders.changed)

    store.subscribe(take)
    store.apply_snapshot(snapshot(orders=[order("o1")]))
    store.apply_delta(delta(2, order_change(order("o1", ("placed", "cancelled")))))
    assert [e.kind for e in feed] == ["cancelled", "placed"]


def test_a_snapshot_with_more_events_than_the_feed_holds_shows_the_newest_ones() -> None:
    feed = OrderFeed(capacity=5)
    orders = [order(f"o{n}", ("placed", "paid", "dispatched"), placed_at=at(n)) for n in range(4)]
    # interleave: order n's events are at minutes 0, 1, 2 (the factory); shift each order by n
    for n, shifted in enumerate(orders):
        for i, event in enumerate(shifted.timeline):
            event.at = at(10 * i + n)
    assert feed.ingest(orders) == 12
    assert [e.event_id for e in feed] == ["o3-2", "o2-2", "o1-2", "o0-2", "o3-1"]
