"""A snapshot's events reach the feed as one ranked change, published at most every so often.

``OrderFeed.load`` ranks a snapshot's events over all its parts: at its end the
feed shows what one ``ingest`` of the whole state shows, and before that what
ranks first so far, replaced at most every ``publish_every_s`` (two changes of
rows each time, none when nothing new ranks). Pause and live events settle what
the load showed; the rest of it waits or comes in front.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.viewstate.order_feed import OrderFeed
from tests.helpers.clock import Clock, at
from tests.helpers.entities import order

if TYPE_CHECKING:
    from bridge.wire.entities import Order


class Recorder:
    """Every observer call, with the feed's length after each change."""

    def __init__(self, feed: OrderFeed) -> None:
        self.feed = feed
        self.calls: list[tuple[str, int]] = []
        feed.set_observer(self)

    def feed_inserting_front(self, count: int) -> None:
        self.calls.append(("insert front", count))

    def feed_inserted_front(self) -> None:
        self.calls.append(("inserted", len(self.feed)))

    def feed_removing_front(self, count: int) -> None:
        self.calls.append(("remove front", count))

    def feed_removed_front(self) -> None:
        self.calls.append(("removed", len(self.feed)))

    def feed_removing_back(self, count: int) -> None:
        self.calls.append(("remove back", count))

    def feed_removed_back(self) -> None:
        self.calls.append(("removed", len(self.feed)))


def _orders(count: int) -> list[Order]:
    """Orders whose two events' times go back and forth between orders (not in page order)."""
    orders = []
    for n in range(count):
        held = order(f"o{n:02d}", ("placed", "paid"))
        minute = n * 7 % count  # a permutation of 0..count-1
        held.timeline[0].at, held.timeline[1].at = at(minute), at(minute + 0.5)
        orders.append(held)
    return orders


def _ids(feed: OrderFeed) -> list[str]:
    return [entry.event_id for entry in feed]


def _pages(orders: list[Order], size: int) -> list[list[Order]]:
    return [orders[low : low + size] for low in range(0, len(orders), size)]


def test_a_paged_load_ends_as_one_ingest_of_the_whole_state_in_one_change() -> None:
    orders = _orders(20)
    whole = OrderFeed(capacity=8)
    whole.ingest(orders)
    paged = OrderFeed(capacity=8, clock=Clock())  # the clock stands still: nothing published
    recorder = Recorder(paged)
    for page in _pages(orders, 3):
        paged.load(page)
        assert len(paged) == 0
        assert paged.loading
    paged.end_load()
    assert not paged.loading
    assert _ids(paged) == _ids(whole)
    assert recorder.calls == [("insert front", 8), ("inserted", 8)]


def test_a_long_load_publishes_what_ranks_first_so_far_at_most_every_interval() -> None:
    clock = Clock()
    orders = _orders(20)
    feed = OrderFeed(capacity=8, publish_every_s=0.5, clock=clock)
    recorder = Recorder(feed)
    feed.ingest([order("live", ("placed",), placed_at=at(-60))])  # shown before the snapshot
    recorder.calls.clear()
    pages = _pages(orders, 3)
    feed.load(pages[0])
    clock.advance(0.4)
    feed.load(pages[1])
    assert recorder.calls == []  # not yet 0.5 s into the load
    clock.advance(0.1)
    feed.load(pages[2])
    so_far = OrderFeed(capacity=8)
    so_far.ingest([order("live", ("placed",))])
    so_far.ingest(orders[:9])
    assert _ids(feed) == _ids(so_far)
    assert recorder.calls == [("remove back", 1), ("removed", 0), ("insert front", 8),
                              ("inserted", 8)]  # fmt: skip
    recorder.calls.clear()
    clock.advance(0.5)
    feed.load(pages[3])  # the previous rows of the load make way for the new best
    assert recorder.calls == [("remove front", 8), ("removed", 0), ("insert front", 8),
                              ("inserted", 8)]  # fmt: skip
    for page in pages[4:]:
        clock.advance(0.5)
        feed.load(page)
    feed.end_load()
    whole = OrderFeed(capacity=8)
    whole.ingest([order("live", ("placed",))])
    whole.ingest(orders)
    assert _ids(feed) == _ids(whole)


def test_nothing_is_published_again_while_nothing_new_ranks_first() -> None:
    clock = Clock()
    feed = OrderFeed(capacity=2, publish_every_s=0.5, clock=clock)
    recorder = Recorder(feed)
    newer = [order(f"new{n}", ("placed", "paid"), placed_at=at(60)) for n in range(2)]
    for held in newer:
        held.timeline[0].at, held.timeline[1].at = at(60), at(61)
    feed.load(newer)
    clock.advance(0.5)
    feed.load([order("old1")])
    assert len(recorder.calls) == 2  # published: one insertion
    clock.advance(0.5)
    feed.load([order("old2"), order("old3")])  # older than both rows shown
    feed.end_load()
    assert len(recorder.calls) == 2
    assert _ids(feed) == ["new1-1", "new0-1"]


def test_a_pause_during_a_load_shows_what_came_before_it_and_holds_the_rest() -> None:
    orders = _orders(10)
    feed = OrderFeed(capacity=30, clock=Clock())
    feed.load(orders[:4])
    feed.pause()
    assert sorted(_ids(feed)) == sorted(e.event_id for o in orders[:4] for e in o.timeline)
    feed.load(orders[4:])
    feed.end_load()
    assert len(feed) == 8
    assert feed.pending == 12
    assert feed.resume() == 12
    assert sorted(_ids(feed)) == sorted(e.event_id for o in orders for e in o.timeline)


def test_a_live_event_during_a_load_shows_at_once_in_front_of_what_loaded() -> None:
    orders = _orders(6)
    feed = OrderFeed(capacity=30, clock=Clock())
    feed.load(orders[:3])
    feed.ingest([order("live", ("placed",))])
    assert len(feed) == 7
    assert feed[0].event_id == "live-0"
    feed.load(orders[3:])
    feed.end_load()
    assert _ids(feed)[6] == "live-0"  # the rest of the snapshot, ranked, in front of it
    assert len(feed) == 13
