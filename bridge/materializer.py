"""``atp-bridge materialize``: fold the source topics, publish the state to the snapshot topic.

Headless (no local server, no cache, no Qt): the bridge's own reader thread
and fold, on the main thread a loop that folds what the reader hands over
and, every ``publish_interval_s`` (or once ``max_unpublished`` entities
changed), publishes the changed entities, the new applied event ids and the
offsets record in one Kafka transaction (``bridge.statetopic``). It starts
from what the topic holds, so a restarted materializer resumes from its own
last publish. One per snapshot topic: its transactional id fences any other.
See docs/OPERATIONS.md, "The snapshot topic".

A source log reset under it (the reader's ``LogReset``: topics recreated, the
cluster rebuilt) stops it with ``SourceLogResetError`` before it folds a record
of the new log: the snapshot topic holds the old log's state, which a bridge
must never mix with the new log, and only IT can empty a compacted topic.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Mapping

from bridge import __version__
from bridge.contract.envelope import rfc3339
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.kafka.health import HealthTracker
from bridge.kafka.reader import LogReset, RecordReader
from bridge.statetopic.codec import Unpublished
from bridge.statetopic.loader import load_snapshot_topic
from bridge.statetopic.publisher import PublishError, StatePublisher, check_topic

_log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Offsets = dict[str, dict[int, int]]
PUBLISH_INTERVAL_S = 5.0
MAX_UNPUBLISHED = 50_000  # changed entities that make a publish due before its interval
PROGRESS_INTERVAL_S = 30.0
QUEUE_BATCHES = 64
POLL_S = 0.2


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SourceLogResetError(Exception):
    """The source log is not the one the snapshot topic's state was folded from."""

    def __init__(self, reset: LogReset, snapshot_topic: str) -> None:
        super().__init__(
            f"the source log was reset: {reset.describe()}; the snapshot topic"
            f" {snapshot_topic} holds the state of the old log: delete and create it"
            " again, then start the materializer again"
        )


class Materializer:
    """Keeps the snapshot topic equal to a fold of the source topics, a few seconds behind."""

    def __init__(
        self,
        settings: Mapping[str, str | int | float | bool],
        topics: Topics,
        *,
        publish_interval_s: float = PUBLISH_INTERVAL_S,
        max_unpublished: int = MAX_UNPUBLISHED,
        progress_interval_s: float = PROGRESS_INTERVAL_S,
        clock: Clock = _utc_now,
    ) -> None:
        self._settings = dict(settings)
        self._topics = topics
        self._publish_interval_s = publish_interval_s
        self._max_unpublished = max_unpublished
        self._progress_interval_s = progress_interval_s
        self._clock = clock
        self._records: queue.Queue[list[RawRecord] | LogReset] = queue.Queue(maxsize=QUEUE_BATCHES)
        self._reset: LogReset | None = None  # what follows it in the queue is another log
        self._health = HealthTracker(now=lambda: rfc3339(self._clock()))
        self._state = State()
        self._unpublished = Unpublished()
        self._folded = 0
        self._published: Offsets = {}
        self._resumed_from: Offsets = {}

    # ------------------------------------------------------------------ what tests and logs read
    @property
    def published(self) -> Offsets:
        """The source offsets of the last committed publish (safe to read from another thread)."""
        return self._published

    @property
    def resumed_from(self) -> Offsets:
        """The source offsets the topic held when this run started (empty: from the beginning)."""
        return self._resumed_from

    @property
    def records_folded(self) -> int:
        """How many source records this run folded."""
        return self._folded

    # ------------------------------------------------------------------ the loop
    def run(self, stop: threading.Event) -> None:
        """Materialize until ``stop`` is set, then fold what was read, publish it and return.

        Raises ``TopicSettingsError`` (the topic is missing or misconfigured),
        ``SnapshotUnavailableError``/``UnusableSnapshotError`` (what it holds
        cannot be read) and ``PublishError`` (fatal: fenced, a record too large).
        """
        max_bytes = check_topic(self._settings, self._topics.snapshot)
        publisher = StatePublisher(
            self._settings, self._topics.snapshot, max_message_bytes=max_bytes
        )
        # Fence first, then load: a materializer still running elsewhere can commit
        # nothing after this, so what the load reads is the last word.
        publisher.start()
        try:
            self._resume()
            reader = RecordReader(
                self._settings,
                self._topics,
                _positions(self._state.next_offsets),
                self._records.put,
                health=self._health,
                group_id=f"atp-materializer-{uuid.uuid4().hex[:8]}",
                on_log_reset=self._records.put,
            )
            reader.start()
            try:
                self._loop(stop, publisher)
            finally:
                reader.stop()
                while reader.is_alive():  # the reader may wait on a full queue: keep draining
                    self._fold_queued()
                    reader.join(0.05)
            self._fold_queued()
            self._stop_if_reset()
            self._publish(publisher)
            _log.info(
                "materializer stopped: %s", _describe(self._progress()), extra=self._progress()
            )
        finally:
            publisher.close()

    def _resume(self) -> None:
        loaded = load_snapshot_topic(self._settings, self._topics)
        if loaded is None:
            _log.info("snapshot topic empty: folding the source topics from the beginning")
            return
        self._state, self._unpublished = loaded.state, Unpublished(loaded.segments)
        self._resumed_from = _copy(self._state.next_offsets)
        self._published = self._resumed_from
        figures = {
            "published_at": loaded.published_at,
            "tickets": len(self._state.tickets),
            "orders": len(self._state.orders),
            "offsets": sum(n for p in self._resumed_from.values() for n in p.values()),
        }
        _log.info("resuming from the snapshot topic: %s", _describe(figures), extra=figures)

    def _loop(self, stop: threading.Event, publisher: StatePublisher) -> None:
        next_publish = time.monotonic() + self._publish_interval_s
        next_progress = time.monotonic() + self._progress_interval_s
        backoff = self._publish_interval_s
        while not stop.is_set():
            try:
                batch = self._records.get(timeout=POLL_S)
            except queue.Empty:
                pass
            else:
                self._fold(batch)
                self._fold_queued()
                self._stop_if_reset()
            now = time.monotonic()
            if now >= next_publish or self._unpublished.changed_entities >= self._max_unpublished:
                try:
                    self._publish(publisher)
                    backoff = self._publish_interval_s
                except PublishError as error:
                    if error.fatal:
                        raise
                    _log.warning("publish failed; retrying", extra={"reason": str(error)})
                    backoff = min(backoff * 2, 60.0)
                next_publish = time.monotonic() + backoff
            if now >= next_progress:
                _log.info("materializing: %s", _describe(self._progress()), extra=self._progress())
                next_progress = now + self._progress_interval_s

    def _fold_queued(self) -> None:
        while True:
            try:
                batch = self._records.get_nowait()
            except queue.Empty:
                return
            self._fold(batch)

    def _stop_if_reset(self) -> None:
        if self._reset is not None:
            raise SourceLogResetError(self._reset, self._topics.snapshot)

    def _fold(self, batch: list[RawRecord] | LogReset) -> None:
        if isinstance(batch, LogReset):
            self._reset = self._reset or batch
            return
        if self._reset is not None:
            return  # the new log, from its start: not to be folded onto this state
        state, unpublished = self._state, self._unpublished
        for record in batch:
            ids_before = len(state.applied_event_ids)
            result = fold_record(state, record, self._topics)
            unpublished.note(result, new_event_id=len(state.applied_event_ids) > ids_before)
        self._folded += len(batch)

    def _publish(self, publisher: StatePublisher) -> None:
        """One transaction: changed entities, changed id segments, then the offsets record."""
        if self._unpublished.records_folded == 0:
            return
        started = time.monotonic()
        records = self._unpublished.records(
            self._state, self._topics, at=rfc3339(self._clock()), version=__version__
        )
        publisher.publish(records)
        # The State only grows and holds no cycles: keep the collector from traversing it
        # again and again (in the fold it costs more than the fold itself at this size).
        gc.freeze()
        self._unpublished.committed()
        self._published = _copy(self._state.next_offsets)
        _log.debug(
            "published",
            extra={"records": len(records), "seconds": round(time.monotonic() - started, 3)},
        )

    def _progress(self) -> dict[str, object]:
        health = self._health.snapshot()
        return {
            "records_folded": self._folded,
            "lag": health.lag,
            "tickets": len(self._state.tickets),
            "orders": len(self._state.orders),
            "agents": len(self._state.agents),
            "published_records": sum(n for p in self._published.values() for n in p.values()),
        }


def _describe(figures: Mapping[str, object]) -> str:
    return ", ".join(f"{name} {value}" for name, value in figures.items())


def _copy(offsets: Offsets) -> Offsets:
    return {topic: dict(partitions) for topic, partitions in offsets.items()}


def _positions(offsets: Offsets) -> dict[tuple[str, int], int]:
    return {(t, p): n for t, partitions in offsets.items() for p, n in partitions.items()}
