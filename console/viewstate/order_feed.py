"""The order feed: a bounded, newest-first list of order events built from order changes.

The feed remembers how many timeline events of each order it has taken in, so an
order change contributes only its new events (an order's timeline is append-only,
in log order). While paused, new events wait in a buffer (bounded like the feed)
and are shown on resume. An observer (the Qt model) is told before and after
every change so it can announce exactly the rows that moved.

An event's ``FeedEntry`` is built when its row is first read, not when it is
taken in: a snapshot of 100k orders pushes 200k events through a feed of 5,000
rows, and all but the last few thousand are pushed out again unread. Until
then the feed holds what ranks the event and the order as it was taken in (the
entry is the same whenever it is built: the store replaces an order, it never
changes one it holds).
"""

from __future__ import annotations

import heapq
import operator
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

import msgspec

from bridge.wire.timestamps import epoch_of

if TYPE_CHECKING:
    from bridge.wire.entities import Order

DEFAULT_CAPACITY = 5000
EVENT_PREFIX = "atp.order."


class FeedEntry(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One order event as the feed shows it."""

    event_id: str
    order_id: str
    kind: str  # the event type's last word: placed, paid, dispatched, delayed, ...
    at: float  # epoch seconds
    customer: str
    total_cents: int
    currency: str
    district: str
    order_status: str  # the order's status when the event was taken in
    search_text: str


class FeedObserver(Protocol):
    """Told around every change of the visible list (row 0 is the newest entry)."""

    def feed_inserting_front(self, count: int) -> None:
        """``count`` entries are about to be inserted at the top."""

    def feed_inserted_front(self) -> None:
        """The insertion announced last is done."""

    def feed_removing_back(self, count: int) -> None:
        """The ``count`` oldest entries are about to be dropped."""

    def feed_removed_back(self) -> None:
        """The removal announced last is done."""


# (epoch seconds, event id, order, index in its timeline): what ranks an event, cheaply
_Candidate = tuple[float, str, "Order", int]


def _candidates_of(order: Order, start: int) -> Iterator[_Candidate]:
    timeline = order.timeline
    for index in range(start, len(timeline)):
        event = timeline[index]
        yield (epoch_of(event.at) or 0.0, event.event_id, order, index)


_rank = operator.itemgetter(0, 1)
"""What orders candidates: time, then event id (a tie never compares the orders)."""


def _entry(candidate: _Candidate) -> FeedEntry:
    at, event_id, order, index = candidate
    kind = order.timeline[index].type.removeprefix(EVENT_PREFIX)
    text = "\n".join((order.order_id, order.customer_name, order.district, kind))
    return FeedEntry(
        event_id=event_id,
        order_id=order.order_id,
        kind=kind,
        at=at,
        customer=order.customer_name,
        total_cents=order.total_cents,
        currency=order.currency,
        district=order.district,
        order_status=order.status,
        search_text=text.casefold(),
    )


def entry_matches(entry: FeedEntry, kinds: frozenset[str] | None, needle: str) -> bool:
    """Kind filter (``None``: any) and case-insensitive search in id, customer and district."""
    if kinds is not None and entry.kind not in kinds:
        return False
    return not needle or needle.casefold() in entry.search_text


class OrderFeed:
    """Newest-first order events, at most ``capacity`` of them, with pause/resume."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("the feed's capacity must be at least 1")
        self.capacity = capacity
        self._entries: deque[FeedEntry | _Candidate] = deque()  # built when first read
        self._pending: deque[_Candidate] = deque(maxlen=capacity)  # oldest first
        self._taken: dict[str, int] = {}
        self._paused = False
        self._observer: FeedObserver | None = None

    def set_observer(self, observer: FeedObserver | None) -> None:
        """Attach the one observer told about changes (the model)."""
        self._observer = observer

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, row: int) -> FeedEntry:
        item = self._entries[row]
        if isinstance(item, FeedEntry):
            return item
        entry = self._entries[row] = _entry(item)
        return entry

    def __iter__(self) -> Iterator[FeedEntry]:
        return (self[row] for row in range(len(self._entries)))

    @property
    def paused(self) -> bool:
        """True while new events are held back."""
        return self._paused

    @property
    def pending(self) -> int:
        """Events waiting for ``resume``."""
        return len(self._pending)

    # ------------------------------------------------------------------ writing
    def ingest(self, orders: Iterable[Order]) -> int:
        """Take in the events of ``orders`` not seen before; returns how many were new.

        Only the newest ``capacity`` of them can ever be shown, so only those become
        entries (a snapshot of 100k orders ranks their ~300k events, builds 5,000).
        """
        candidates: list[_Candidate] = []
        for order in orders:
            start = self._taken.get(order.order_id, 0)
            if start > len(order.timeline):  # a shorter timeline: a new state, start over
                start = 0
            candidates.extend(_candidates_of(order, start))
            self._taken[order.order_id] = len(order.timeline)
        if not candidates:
            return 0
        if len(candidates) > self.capacity:
            kept = heapq.nlargest(self.capacity, candidates, key=_rank)
            kept.reverse()  # oldest first
        else:
            kept = sorted(candidates, key=_rank)
        if self._paused:
            self._pending.extend(kept)
        else:
            self._push(kept)
        return len(candidates)

    def forget(self, order_ids: Iterable[str]) -> None:
        """Orders that left the state: their shown events stay as history."""
        for order_id in order_ids:
            self._taken.pop(order_id, None)

    def pause(self) -> None:
        """Hold new events back until ``resume``."""
        self._paused = True

    def resume(self) -> int:
        """Show the held-back events; returns how many."""
        self._paused = False
        held = list(self._pending)
        self._pending.clear()
        if held:
            self._push(held)
        return len(held)

    def _push(self, oldest_first: list[_Candidate]) -> None:
        batch = oldest_first[-self.capacity :]
        overflow = len(self._entries) + len(batch) - self.capacity
        if overflow > 0:
            if self._observer is not None:
                self._observer.feed_removing_back(overflow)
            for _ in range(overflow):
                self._entries.pop()
            if self._observer is not None:
                self._observer.feed_removed_back()
        if self._observer is not None:
            self._observer.feed_inserting_front(len(batch))
        self._entries.extendleft(batch)  # the last (newest) ends up first
        if self._observer is not None:
            self._observer.feed_inserted_front()
