"""The newest ``capacity`` events of many orders, taken in over one or many calls.

What ranks an event is its time (epoch seconds), then its id, then the order in
which it was taken in (the first taken ranks higher among events of the same
time and id, so a tie never compares the orders). ``NewestEvents`` keeps the
candidates that can still be among the newest ``capacity``: once it has held
that many, an event that ranks below the one it kept last (the floor) is
dropped before it is ranked, most without parsing its time:

- the same time text as the floor's: the same moment, only the id decides;
- a time text that sorts before the floor's, both UTC with ``Z`` and the same
  length (so the same digits of seconds' fraction, at most six: a microsecond,
  which a float of epoch seconds tells apart until 2096): an earlier moment.

Anything else is parsed and compared. The result is exactly that of ranking
every event (``tests/unit/test_newest_events.py``).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bridge.wire.timestamps import epoch_of

if TYPE_CHECKING:
    from bridge.wire.entities import Order

# (epoch seconds, event id, minus the arrival number, order, index in its timeline)
Candidate = tuple[float, str, int, "Order", int]

_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z", re.ASCII)
"""A time whose text sorts as its moment against another of the same length."""
_FINE_UNTIL = 4.0e9
"""Epoch seconds (the year 2096) until which floats of epoch seconds tell microseconds apart."""


class NewestEvents:
    """A bounded set of the best-ranked candidates taken in so far."""

    def __init__(self, capacity: int, arrivals: Iterable[int] | None = None) -> None:
        self.capacity = capacity
        self._arrivals = iter(itertools.count() if arrivals is None else arrivals)
        self._items: list[Candidate] = []
        # the floor: the lowest ranked of the ``capacity`` kept at the last trim (none yet)
        self._floor_at = -math.inf
        self._floor_id = ""
        self._floor_text: str | None = None
        self._floor_utc = False  # the floor's text sorts as its moment (``_UTC``)
        self.kept = 0
        """Candidates kept so far: while it stays, what ranks first stays."""

    def __len__(self) -> int:
        return len(self._items)

    def take(self, orders: Iterable[Order], taken: dict[str, int]) -> int:
        """Take in the events of ``orders`` after the first ``taken[order_id]``; returns how many.

        ``taken`` is updated to each order's timeline length (a shorter timeline than
        the one taken in before is a new state: all of it is taken in). One loop, its
        names local: it runs for each event of a snapshot.
        """
        count = kept = 0
        items = self._items
        arrivals = self._arrivals
        floor_at, floor_id, floor_text = self._floor_at, self._floor_id, self._floor_text
        floor_utc, lexical = self._floor_utc, floor_text or ""
        earlier = ""  # the last time text found earlier than the floor
        parsed, parsed_at = "", epoch_of("") or 0.0  # the last time text parsed, and its time
        full = 2 * self.capacity
        for order in orders:
            timeline = order.timeline
            length = len(timeline)
            order_id = order.order_id
            start = taken.get(order_id, 0)
            taken[order_id] = length
            if start >= length:
                if start == length:
                    continue
                start = 0
            count += length - start
            for index in range(start, length):
                event = timeline[index]
                text = event.at
                if text == floor_text:  # the floor's moment: a later arrival of an id as high
                    if event.event_id <= floor_id:  # ranks below the floor
                        continue
                    at = floor_at
                elif floor_utc and (
                    text == earlier
                    or (text < lexical and len(text) == len(lexical) and _UTC.fullmatch(text))
                ):
                    earlier = text
                    continue
                else:
                    if text != parsed:  # consecutive events often share a time
                        parsed, parsed_at = text, epoch_of(text) or 0.0
                    at = parsed_at
                    if at < floor_at or (at == floor_at and event.event_id <= floor_id):
                        continue
                items.append((at, event.event_id, -next(arrivals), order, index))
                kept += 1
            if len(items) >= full:
                self._trim()
                items = self._items
                floor_at, floor_id, floor_text = self._floor_at, self._floor_id, self._floor_text
                floor_utc, lexical = self._floor_utc, floor_text or ""
        self.kept += kept
        return count

    def oldest_first(self) -> list[Candidate]:
        """The newest ``capacity`` candidates taken in, oldest first."""
        if len(self._items) > self.capacity:
            self._trim()
        return sorted(self._items)

    def _trim(self) -> None:
        kept = self._items
        kept.sort(reverse=True)  # C's sort of twice the capacity: 2-4 times nlargest's speed
        del kept[self.capacity :]
        floor = kept[-1]
        self._floor_at, self._floor_id = floor[0], floor[1]
        self._floor_text = text = floor[3].timeline[floor[4]].at
        self._floor_utc = 0.0 < floor[0] < _FINE_UNTIL and _UTC.fullmatch(text) is not None
