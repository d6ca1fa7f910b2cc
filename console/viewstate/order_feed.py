"""The order feed: a bounded, newest-first list of order events built from order changes.

The feed remembers how many timeline events of each order it has taken in, so an
order change contributes only its new events (an order's timeline is append-only,
in log order). While paused, new events wait in a buffer (bounded like the feed)
and are shown on resume. An observer (the Qt model) is told before and after
every change so it can announce exactly the rows that moved.

A snapshot's events are not news: ``load`` ranks them over all its parts
(``NewestEvents``) and ``end_load`` shows its newest ``capacity`` as one
insertion, what one ``ingest`` of the whole state would show; while a long
load runs, its newest so far replace the load's rows at most every
``publish_every_s``.

An event's ``FeedEntry`` is built when its row is first read, not when it is
taken in: most rows of a long feed are never read. Until then the feed holds
what ranks the event and the order as it was taken in (the entry is the same
whenever it is built: the store replaces an order, it never changes one it
holds).
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

import msgspec

from console.viewstate.folding import folded
from console.viewstate.newest_events import Candidate, NewestEvents

if TYPE_CHECKING:
    from bridge.wire.entities import Order

DEFAULT_CAPACITY = 5000
PUBLISH_EVERY_S = 0.5
"""While a snapshot loads, the feed shows what ranks first so far at most this often."""
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

    def feed_removing_front(self, count: int) -> None:
        """The ``count`` newest entries are about to be dropped (a load's, replaced)."""

    def feed_removed_front(self) -> None:
        """The removal announced last is done."""

    def feed_removing_back(self, count: int) -> None:
        """The ``count`` oldest entries are about to be dropped."""

    def feed_removed_back(self) -> None:
        """The removal announced last is done."""


def _entry(candidate: Candidate) -> FeedEntry:
    at, event_id, _, order, index = candidate
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
        search_text=folded(text),
    )


def entry_matches(entry: FeedEntry, kinds: frozenset[str] | None, needle: str) -> bool:
    """Kind filter (``None``: any) and search in id, customer and district (no case, no accents)."""
    if kinds is not None and entry.kind not in kinds:
        return False
    return not needle or folded(needle) in entry.search_text


class OrderFeed:
    """Newest-first order events, at most ``capacity`` of them, with pause/resume.

    ``clock`` (seconds, monotonic) paces what a snapshot's load shows: see ``load``.
    """

    def __init__(
        self,
        capacity: int = DEFAULT_CAPACITY,
        *,
        publish_every_s: float = PUBLISH_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1:
            raise ValueError("the feed's capacity must be at least 1")
        self.capacity = capacity
        self._entries: deque[FeedEntry | Candidate] = deque()  # built when first read
        self._pending: deque[Candidate] = deque(maxlen=capacity)  # oldest first
        self._taken: dict[str, int] = {}
        self._arrivals = itertools.count()  # ranks ties: the first taken in ranks higher
        self._paused = False
        self._observer: FeedObserver | None = None
        self._publish_every_s = publish_every_s
        self._clock = clock
        self._load: NewestEvents | None = None  # the newest events of the snapshot loading
        self._load_shown = 0  # the first rows are the load's, as last published
        self._load_shown_kept = 0  # ``NewestEvents.kept`` when they were
        self._published_at = 0.0

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

    @property
    def loading(self) -> bool:
        """A snapshot's events are being taken in (``load``) and its end is not yet known."""
        return self._load is not None

    # ------------------------------------------------------------------ writing
    def ingest(self, orders: Iterable[Order]) -> int:
        """Take in the events of ``orders`` not seen before, shown at once; returns how many.

        Only the newest ``capacity`` of them can ever be shown, so only those are kept
        (a snapshot of 100k orders ranks their ~200k events, keeps 5,000). During a
        load, what the load took in so far is shown first (``settle_load``).
        """
        self.settle_load()
        newest = NewestEvents(self.capacity, self._arrivals)
        count = newest.take(orders, self._taken)
        if count:
            self._show(newest.oldest_first())
        return count

    def load(self, orders: Iterable[Order]) -> int:
        """Take in ``orders`` as part of a snapshot; returns how many events were new.

        A snapshot is what exists, not news: its events are ranked together, over
        all its parts, and the newest ``capacity`` of them are shown as one change
        at its end (``end_load``), as if the whole state had been ingested at
        once. So the feed fills in while a long load runs, what ranks first so far
        replaces the load's rows shown before at most every ``publish_every_s``
        (not while paused). Two changes of rows each time, not one per part.
        """
        if self._load is None:
            self._load = NewestEvents(self.capacity, self._arrivals)
            self._published_at = self._clock()
        count = self._load.take(orders, self._taken)
        if not self._paused and self._clock() - self._published_at >= self._publish_every_s:
            self._publish_load()
        return count

    def end_load(self) -> None:
        """The snapshot is complete: its newest events are shown (or held, while paused)."""
        load = self._load
        if load is None:
            return
        self._load = None
        if self._paused:  # what was shown of it before the pause was settled then
            self._pending.extend(load.oldest_first())
        elif not self._load_rows_current(load):
            self._replace_load_rows(load.oldest_first())
        self._load_shown = 0

    def settle_load(self) -> None:
        """Show what the load took in so far as ordinary rows; the rest of it ranks anew.

        Before anything else comes in front of the load's rows (a live event, a
        pause): those rows then stay where they are, with the feed's other rows.
        """
        if self._load is None or not len(self._load):
            return
        if self._paused:
            self._pending.extend(self._load.oldest_first())
        elif not self._load_rows_current(self._load):
            self._replace_load_rows(self._load.oldest_first())
        self._load = NewestEvents(self.capacity, self._arrivals)
        self._load_shown = 0

    def forget(self, order_ids: Iterable[str]) -> None:
        """Orders that left the state: their shown events stay as history."""
        for order_id in order_ids:
            self._taken.pop(order_id, None)

    def pause(self) -> None:
        """Hold new events back until ``resume`` (what a load took in so far is shown)."""
        self.settle_load()
        self._paused = True

    def resume(self) -> int:
        """Show the held-back events; returns how many."""
        self._paused = False
        held = list(self._pending)
        self._pending.clear()
        if held:
            self._push(held)
        return len(held)

    def _show(self, oldest_first: list[Candidate]) -> None:
        if self._paused:
            self._pending.extend(oldest_first)
        else:
            self._push(oldest_first)

    def _publish_load(self) -> None:
        load = self._load
        if load is not None and len(load) and not self._load_rows_current(load):
            batch = load.oldest_first()
            self._replace_load_rows(batch)
            self._load_shown = len(batch)
            self._load_shown_kept = load.kept
        self._published_at = self._clock()

    def _load_rows_current(self, load: NewestEvents) -> bool:
        """The load's rows shown are what ranks first in it (nothing kept since)."""
        return bool(self._load_shown) and load.kept == self._load_shown_kept

    def _replace_load_rows(self, oldest_first: list[Candidate]) -> None:
        shown = self._load_shown
        if shown:
            observer = self._observer
            if observer is not None:
                observer.feed_removing_front(shown)
            for _ in range(shown):
                self._entries.popleft()
            if observer is not None:
                observer.feed_removed_front()
        self._push(oldest_first)

    def _push(self, oldest_first: list[Candidate]) -> None:
        batch = oldest_first[-self.capacity :]
        if not batch:  # e.g. a snapshot's end with no new event: no rows move
            return
        overflow = len(self._entries) + len(batch) - self.capacity
        observer = self._observer
        if overflow > 0:
            if observer is not None:
                observer.feed_removing_back(overflow)
            for _ in range(overflow):
                self._entries.pop()
            if observer is not None:
                observer.feed_removed_back()
        if observer is not None:
            observer.feed_inserting_front(len(batch))
        self._entries.extendleft(batch)  # the last (newest) ends up first
        if observer is not None:
            observer.feed_inserted_front()
