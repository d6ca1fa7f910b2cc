"""The discrete-event core: a simulated clock, scheduled actions and the events they emit."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable, Mapping
from typing import NamedTuple

from bridge.contract.envelope import make_event, rfc3339
from bridge.contract.events import TopicKind
from bridge.demo.sim.ids import IdSource

Action = Callable[[], None]


class Emitted(NamedTuple):
    """One event an action produced, with its topic kind and simulated offset in seconds."""

    topic: TopicKind
    event: dict[str, object]
    offset_s: float


class SimKernel:
    """Runs actions in simulated-time order; ties run in the order they were scheduled."""

    def __init__(self, start: dt.datetime, rng: random.Random, ids: IdSource) -> None:
        self.rng = rng
        self.ids = ids
        self._start = start
        self._now = 0.0
        self._agenda: list[tuple[float, int, Action]] = []
        self._sequence = itertools.count()
        self._emitted: list[Emitted] = []

    @property
    def now(self) -> float:
        """Return the simulated offset, in seconds since the start."""
        return self._now

    def after(self, delay_s: float, action: Action) -> None:
        """Run ``action`` ``delay_s`` simulated seconds from now."""
        heapq.heappush(self._agenda, (self._now + max(delay_s, 0.0), next(self._sequence), action))

    def timestamp(self, delay_s: float = 0.0) -> str:
        """Return the RFC 3339 time of now plus ``delay_s``."""
        return rfc3339(self._start + dt.timedelta(seconds=self._now + delay_s))

    def emit(
        self,
        topic: TopicKind,
        *,
        type: str,  # noqa: A002  (the CloudEvents attribute is called "type")
        subject: str,
        source: str,
        data: Mapping[str, object],
    ) -> None:
        """Record one contract event at the current simulated time."""
        event = make_event(
            type=type,
            subject=subject,
            data=data,
            source=source,
            time=self.timestamp(),
            event_id=self.ids.event_id(),
        )
        self._emitted.append(Emitted(topic, event, self._now))

    def step(self) -> list[Emitted]:
        """Run the next scheduled action; return what it emitted (empty when nothing is left)."""
        if not self._agenda:
            return []
        self._now, _, action = heapq.heappop(self._agenda)
        action()
        emitted, self._emitted = self._emitted, []
        return emitted

    def idle(self) -> bool:
        """Return whether no action is scheduled."""
        return not self._agenda
