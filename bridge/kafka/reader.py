"""The reader thread: every partition of the contract's topics, from offsets the bridge keeps.

Why ``assign()`` and not a consumer group: every bridge needs *all* partitions
(each one folds the whole log), and the offsets it resumes from must be the ones
stored atomically with its cached state (exact resume). A group would split
partitions between workstations and commit offsets that do not match the cache.
librdkafka still requires a ``group.id``; it is per-workstation and never used
for commits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.kafka import errors
from bridge.kafka.health import HealthTracker
from bridge.kafka.stats import parse_statistics

_log = logging.getLogger(__name__)

ClientSettings = dict[str, str | int | float | bool]
Position = tuple[str, int]
BATCH_SIZE = 500
POLL_TIMEOUT_S = 0.2  # how long a poll waits for a first record (then: what is already fetched)
DISCOVERY_INTERVAL_S = 10.0
WATERMARK_INTERVAL_S = 1.0  # how often the end offsets (catch-up progress) are reported


class RecordReader(threading.Thread):
    """Reads the three topics and hands batches of records to ``sink``.

    ``sink`` may block (a bounded queue): the reader then simply stops fetching,
    which keeps memory bounded while the fold catches up.
    """

    def __init__(
        self,
        settings: Mapping[str, str | int | float | bool],
        topics: Topics,
        start_offsets: Mapping[Position, int],
        sink: Callable[[list[RawRecord]], None],
        *,
        health: HealthTracker,
        group_id: str,
        poll_timeout_s: float = POLL_TIMEOUT_S,
    ) -> None:
        super().__init__(name="kafka-reader", daemon=True)
        self._settings = dict(settings)
        self._topics = topics
        self._next: dict[Position, int] = dict(start_offsets)
        self._sink = sink
        self._health = health
        self._group_id = group_id
        self._poll_timeout_s = poll_timeout_s
        self._stop_requested = threading.Event()
        self._recreate = False

    def stop(self) -> None:
        """Ask the thread to finish its current poll and close the consumer."""
        self._stop_requested.set()

    def run(self) -> None:
        """Consume until stopped; recreate the consumer after a fatal error."""
        while not self._stop_requested.is_set():
            consumer = self._create_consumer()
            try:
                self._consume_until_stop_or_fatal(consumer)
            finally:
                consumer.close()

    # ------------------------------------------------------------------ internals
    def _create_consumer(self) -> Consumer:
        self._recreate = False
        return Consumer(
            {
                **self._settings,
                "group.id": self._group_id,
                "enable.auto.commit": False,
                "enable.auto.offset.store": False,
                "auto.offset.reset": "earliest",
                "enable.partition.eof": False,
                "statistics.interval.ms": 5000,
                "error_cb": self._on_error,
                "stats_cb": self._on_stats,
                "client.id": f"atp-bridge-reader-{self._group_id}",
            },
            logger=_log,
        )

    def _consume_until_stop_or_fatal(self, consumer: Consumer) -> None:
        assigned: set[Position] = set()
        next_discovery = 0.0
        next_watermarks = 0.0
        backoff = 0.5
        while not self._stop_requested.is_set() and not self._recreate:
            if time.monotonic() >= next_discovery:
                try:
                    assigned |= self._assign_new_partitions(consumer, assigned)
                    self._health.mark_up()
                    backoff = 0.5
                    next_discovery = time.monotonic() + DISCOVERY_INTERVAL_S
                except KafkaException as failure:
                    self._health.mark_down(f"metadata request failed: {failure.args[0].str()}")
                    self._stop_requested.wait(backoff)
                    backoff = min(backoff * 2, 10.0)
                    continue
            if time.monotonic() >= next_watermarks:
                self._report_watermarks(consumer, assigned)
                next_watermarks = time.monotonic() + WATERMARK_INTERVAL_S
            # Wait only for the first record, then take what is already fetched without
            # waiting: a record reaches the fold as soon as it arrives, at any rate.
            messages = consumer.consume(1, self._poll_timeout_s)
            if messages:
                messages += consumer.consume(BATCH_SIZE - 1, 0)
            batch: list[RawRecord] = []
            for message in messages:
                problem = message.error()
                if problem is not None:
                    self._on_error(problem)
                    continue
                topic, partition, offset = message.topic(), message.partition(), message.offset()
                if topic is None or partition is None or offset is None:
                    continue
                batch.append(
                    RawRecord(
                        topic=topic,
                        partition=partition,
                        offset=offset,
                        key=message.key(),
                        value=message.value(),
                    )
                )
                self._next[(topic, partition)] = offset + 1
            if batch:
                self._health.add_records(len(batch))
                self._health.mark_up()
                self._sink(batch)

    def _assign_new_partitions(self, consumer: Consumer, assigned: set[Position]) -> set[Position]:
        """Assign partitions not assigned yet (topics may grow); return the new ones."""
        new: list[TopicPartition] = []
        for topic in self._topics.all():
            metadata = consumer.list_topics(topic, timeout=5)
            described = metadata.topics.get(topic)
            if described is None or described.error is not None:
                reason = "missing" if described is None else described.error.str()
                _log.warning("topic unavailable", extra={"topic": topic, "reason": reason})
                continue
            for number in sorted(described.partitions):
                position = (topic, number)
                if position not in assigned:
                    offset = self._next.get(position, OFFSET_BEGINNING)
                    new.append(TopicPartition(topic, number, offset))
        if new:
            consumer.incremental_assign(new)
            _log.info("assigned partitions", extra={"count": len(new)})
        return {(tp.topic, tp.partition) for tp in new}

    def _report_watermarks(self, consumer: Consumer, positions: set[Position]) -> None:
        """Tell the health tracker each partition's (low, high) offsets (catch-up progress).

        As the last fetch responses said: no request to the broker, nothing waits
        (asking the broker at assignment, with a timeout, made the first records after a
        broker restart late enough to fail tests/e2e/test_bridge_outbox.py now and then).
        """
        seen: dict[Position, tuple[int, int]] = {}
        for topic, partition in positions:
            try:
                offsets: tuple[int, int] | None = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), cached=True
                )
            except KafkaException:
                continue  # the connection is down: health says so; progress waits
            if offsets is not None and min(offsets) >= 0:  # negative before a first fetch
                seen[(topic, partition)] = offsets
        if seen:
            self._health.set_watermarks(seen)

    def _on_error(self, error: KafkaError) -> None:
        if error.fatal():
            _log.error("fatal consumer error; recreating", extra={"error": error.str()})
            self._recreate = True
        if error.code() in errors.CONNECTION_LOST:
            self._health.mark_down(error.str())
        elif error.code() == errors.AUTHENTICATION:
            self._health.mark_down(errors.describe(error))
        else:
            _log.warning("consumer error", extra={"error": error.str()})

    def _on_stats(self, payload: str) -> None:
        figures = parse_statistics(payload)
        self._health.set_metrics(lag=figures.lag, rtt_ms=figures.rtt_ms)
