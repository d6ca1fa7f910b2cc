"""The reader thread: every partition of the contract's topics, from offsets the bridge keeps.

Why ``assign()`` and not a consumer group: every bridge needs *all* partitions
(each one folds the whole log), and the offsets it resumes from must be the ones
stored atomically with its cached state (exact resume). A group would split
partitions between workstations and commit offsets that do not match the cache.
librdkafka still requires a ``group.id``; it is per-workstation and never used
for commits.

The thread never dies of an error: anything raised while consuming is logged,
reported as the degraded part ``reader`` and retried with a new consumer after
a backoff (0.5 s doubling to 30 s), from the offsets already handed on.

Liveness: a frozen broker keeps its TCP connections open, so librdkafka only
notices after its request timeouts. When no record arrived for
``PROBE_INTERVAL_S`` the reader asks for metadata with a ``PROBE_TIMEOUT_S``
deadline; no answer marks Kafka down (within about 3 s of the freeze).

Catching up: after the first assignment the reader takes every partition's end
offset from the high watermark its first fetch response carried (no request: the
records flow from the first poll), or asks the broker for them when a poll returns
nothing ``FETCHED_ENDS_WAIT_S`` after the assignment; once it has handed on every
record below those (the log as it was at start-up) it calls ``on_caught_up`` once.

A log that is not the one the offsets came from (docs/STORAGE.md, "When the log
was reset"): the consumer's ``auto.offset.reset`` is ``error``, so an offset out
of the log's range stops that partition and says so instead of jumping to its
start. The reader asks the broker for the partition's first and end offsets: an
offset past the end (the topic was recreated, the cluster rebuilt), or a cached
partition the topic no longer has, is a reset: ``on_log_reset`` is called after
every batch handed on so far, and the reader starts again with a new consumer
from the beginning of every partition (and a new catch-up). An offset before
the first one is retention at work: an ERROR says how many records were lost
and the partition goes on from its first record, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_END,
    TIMESTAMP_NOT_AVAILABLE,
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    TopicPartition,
)

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.kafka import errors
from bridge.kafka.health import HealthTracker
from bridge.kafka.logthrottle import ThrottledLog
from bridge.kafka.stats import parse_statistics
from bridge.kafka.tls import TlsDiagnosis

_log = logging.getLogger(__name__)
_client_log = ThrottledLog(logging.getLogger("bridge.kafka.client"))

ClientSettings = dict[str, str | int | float | bool]
Position = tuple[str, int]
BATCH_SIZE = 500
POLL_TIMEOUT_S = 0.2  # how long a poll waits for a first record (then: what is already fetched)
DISCOVERY_INTERVAL_S = 10.0
PROBE_INTERVAL_S = 1.0
PROBE_TIMEOUT_S = 2.0
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 30.0
DEGRADED_PART = "reader"
WATERMARK_INTERVAL_S = 1.0  # how often the end offsets (catch-up progress) are reported
FETCHED_ENDS_WAIT_S = 1.0
"""How long after the first assignment the start-up log's end is awaited from fetch
responses before the broker is asked (an idle log's fetches answer after the broker's
fetch wait, 500 ms; the request then waits behind one)."""


@dataclass(frozen=True, slots=True)
class LogReset:
    """The log is not the one the start offsets came from: one partition that shows it."""

    topic: str
    partition: int
    cached: int  # the next offset the bridge had read to
    end: int | None  # the partition's end offset now; None: the topic has no such partition

    def describe(self) -> str:
        """The warning's words: the partition and both offsets."""
        where = f"{self.topic} partition {self.partition}"
        if self.end is None:
            return f"{where}, read up to offset {self.cached}, is no longer in the topic"
        return f"{where} ends at offset {self.end}, but the bridge had read it up to {self.cached}"


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
        on_caught_up: Callable[[], None] = lambda: None,
        on_log_reset: Callable[[LogReset], None] = lambda _reset: None,
    ) -> None:
        super().__init__(name="kafka-reader", daemon=True)
        self._settings = dict(settings)
        self._topics = topics
        self._next: dict[Position, int] = dict(start_offsets)  # only what the sink took
        self._sink = sink
        self._health = health
        self._group_id = group_id
        self._poll_timeout_s = poll_timeout_s
        self._on_caught_up = on_caught_up
        self._on_log_reset = on_log_reset
        self._out_of_range: dict[Position, int] = {}  # the offsets the broker refused
        self._end_offsets: dict[Position, int] | None = None  # the log's end at start-up
        self._caught_up = False
        self._stop_requested = threading.Event()
        self._recreate = False
        self._auth_message = errors.auth_failure_message(settings)
        self._tls = TlsDiagnosis(settings)

    def stop(self) -> None:
        """Ask the thread to finish its current poll and close the consumer."""
        self._stop_requested.set()

    def run(self) -> None:
        """Consume until stopped; recreate the consumer after a fatal error or a failure."""
        retry_s = RETRY_FIRST_S
        while not self._stop_requested.is_set():
            try:
                consumer = self._create_consumer()
                try:
                    self._consume_until_stop_or_fatal(consumer)
                finally:
                    consumer.close()
                retry_s = RETRY_FIRST_S
            except Exception:  # noqa: BLE001  (logged, reported and retried: never dies)
                _log.exception("the Kafka reader failed; retrying in %.1f s", retry_s)
                self._health.set_degraded(DEGRADED_PART, failing=True)
                self._stop_requested.wait(retry_s)
                retry_s = min(retry_s * 2, RETRY_MAX_S)

    # ------------------------------------------------------------------ internals
    def _create_consumer(self) -> Consumer:
        self._recreate = False
        return Consumer(
            {
                **self._settings,
                "group.id": self._group_id,
                "enable.auto.commit": False,
                "enable.auto.offset.store": False,
                "auto.offset.reset": "error",  # out of range: ours to judge (_judge_out_of_range)
                "enable.partition.eof": False,
                "statistics.interval.ms": 5000,
                "error_cb": self._on_error,
                "stats_cb": self._on_stats,
                "client.id": f"atp-bridge-reader-{self._group_id}",
            },
            logger=_client_log,
        )

    def _consume_until_stop_or_fatal(self, consumer: Consumer) -> None:
        assigned: set[Position] = set()
        next_discovery = 0.0
        next_watermarks = 0.0
        backoff = 0.5
        last_alive = time.monotonic()
        ends_awaited_since: float | None = None  # the first assignment's time
        while not self._stop_requested.is_set() and not self._recreate:
            if time.monotonic() >= next_discovery:
                try:
                    assigned |= self._assign_new_partitions(consumer, assigned)
                    self._health.mark_up()
                    backoff = 0.5
                    next_discovery = time.monotonic() + DISCOVERY_INTERVAL_S
                    last_alive = time.monotonic()
                except KafkaException as failure:
                    self._on_request_failed("metadata request failed", failure.args[0])
                    self._stop_requested.wait(backoff)
                    backoff = min(backoff * 2, 10.0)
                    continue
            if self._end_offsets is None and assigned:
                if ends_awaited_since is None:
                    ends_awaited_since = time.monotonic()
                self._end_offsets = self._fetched_end_offsets(consumer, assigned)
            if time.monotonic() - last_alive >= PROBE_INTERVAL_S:
                if self._probe(consumer):
                    last_alive = time.monotonic()
                else:
                    last_alive = time.monotonic() - PROBE_INTERVAL_S / 2  # probe again soon
            if time.monotonic() >= next_watermarks:
                self._report_watermarks(consumer, assigned)
                next_watermarks = time.monotonic() + WATERMARK_INTERVAL_S
            batch, reached = self._records(self._poll(consumer))
            if (
                not batch
                and self._end_offsets is None
                and ends_awaited_since is not None
                and time.monotonic() - ends_awaited_since >= FETCHED_ENDS_WAIT_S
            ):  # no fetch answered some partition (an empty log, a slow broker): ask it
                self._end_offsets = self._query_end_offsets(consumer, assigned)
            if batch:
                self._health.add_records(len(batch))
                self._health.mark_up()
                last_alive = time.monotonic()
                self._sink(batch)
                self._next.update(reached)  # only once the sink holds them
            self._judge_out_of_range(consumer)  # a reset recreates the consumer
            self._health.set_degraded(DEGRADED_PART, failing=False)
            if not self._caught_up and self._end_offsets is not None:
                self._check_caught_up(consumer)

    def _records(self, messages: list[Message]) -> tuple[list[RawRecord], dict[Position, int]]:
        """The records of a poll, and the offset after the last one per partition.

        On this thread, under the interpreter lock the fold needs: as little as can be
        per message (positional construction; each partition's last offset noted from
        the values at hand, not read again from the records).
        """
        batch: list[RawRecord] = []
        add = batch.append
        last: dict[Position, int] = {}
        for message in messages:
            problem = message.error()
            topic, partition, offset = message.topic(), message.partition(), message.offset()
            if problem is not None:
                if (
                    problem.code() == errors.OFFSET_OUT_OF_RANGE
                    and topic is not None
                    and partition is not None
                ):
                    self._out_of_range[topic, partition] = (
                        offset
                        if offset is not None and offset >= 0
                        else self._next.get((topic, partition), 0)
                    )
                else:
                    self._on_error(problem)
                continue
            if topic is None or partition is None or offset is None:
                continue
            kind, stamp = message.timestamp()
            last[topic, partition] = offset
            add(
                RawRecord(
                    topic,
                    partition,
                    offset,
                    message.key(),
                    message.value(),
                    None if kind == TIMESTAMP_NOT_AVAILABLE or stamp < 0 else stamp,
                )
            )
        # Offsets rise within a partition: its last record is the one after which it resumes.
        return batch, {position: offset + 1 for position, offset in last.items()}

    def _poll(self, consumer: Consumer) -> list[Message]:
        """Wait only for a first record, then take what is already fetched without waiting.

        A record reaches the fold as soon as it arrives, at any rate; under load the
        batch fills up to ``BATCH_SIZE`` from what librdkafka has prefetched.
        """
        messages = consumer.consume(1, self._poll_timeout_s)
        if messages:
            messages += consumer.consume(BATCH_SIZE - 1, 0)
        return messages

    def _probe(self, consumer: Consumer) -> bool:
        """Ask the cluster for metadata with a short deadline; say whether it answered."""
        try:
            consumer.list_topics(self._topics.tickets, timeout=PROBE_TIMEOUT_S)
        except KafkaException as failure:
            self._on_request_failed("the cluster did not answer", failure.args[0])
            return False
        self._health.mark_up()
        return True

    def _on_request_failed(self, what: str, error: KafkaError) -> None:
        if error.code() in errors.AUTH_FAILED:
            self._health.mark_auth_failed(self._auth_message)
        else:
            self._health.mark_down(f"{what}: {error.str()}")

    def _fetched_end_offsets(
        self, consumer: Consumer, assigned: set[Position]
    ) -> dict[Position, int] | None:
        """Every assigned partition's end offset as the first fetches answered (``None``: not yet).

        No request: the high watermark each fetch response carries, so the records
        flow from the first poll (asking the broker for 9 partitions one after the
        other took 0.1-0.5 s of a 3 s catch-up, with the fold idle). A partition no
        fetch has answered yet waits for the next turn, or for ``_query_end_offsets``
        when a poll returns nothing ``FETCHED_ENDS_WAIT_S`` after the assignment.
        """
        seen = self._cached_watermarks(consumer, assigned)
        self._judge_ends_below_positions(seen)
        if len(seen) < len(assigned) or self._out_of_range:
            return None  # (the offsets refused are judged after this turn's poll)
        _log.info("log end at start-up", extra={"partitions": len(seen)})
        return {position: _end(low, high) for position, (low, high) in seen.items()}

    def _query_end_offsets(
        self, consumer: Consumer, assigned: set[Position]
    ) -> dict[Position, int] | None:
        """Every assigned partition's end offset now, from the broker (``None``: ask later).

        Two requests for all the partitions at once (their first offsets, then their
        ends: ``OFFSET_BEGINNING`` and ``OFFSET_END`` as ListOffsets timestamps). Asked
        a partition at a time, each request waited behind a fetch the broker held for
        its fetch wait (500 ms): 4.6-4.8 s for 9 partitions against 0.5 s.
        """
        positions = sorted(assigned)
        try:
            firsts = self._list_offsets(consumer, positions, OFFSET_BEGINNING)
            ends = self._list_offsets(consumer, positions, OFFSET_END)
        except KafkaException as failure:
            self._on_request_failed("end offsets request failed", failure.args[0])
            return None
        for topic, partition in positions:  # a log's end never goes back: it was reset
            cached = self._next.get((topic, partition), 0)
            if cached > ends[topic, partition]:  # (before the fetch's error said so)
                self._start_anew(LogReset(topic, partition, cached, ends[topic, partition]))
                return None
        _log.info("log end at start-up", extra={"partitions": len(ends)})
        return {position: _end(firsts[position], ends[position]) for position in positions}

    @staticmethod
    def _list_offsets(
        consumer: Consumer, positions: list[Position], which: int
    ) -> dict[Position, int]:
        """The offset ``which`` names of each partition, in one request per leader."""
        answers = consumer.offsets_for_times(
            [TopicPartition(topic, partition, which) for topic, partition in positions],
            timeout=PROBE_TIMEOUT_S,
        )
        for answer in answers:
            if answer.error is not None:
                raise KafkaException(answer.error)
        return {(answer.topic, answer.partition): answer.offset for answer in answers}

    def _judge_out_of_range(self, consumer: Consumer) -> None:
        """The broker refused some partitions' offsets: a reset, lost records, or a retry.

        Past the partition's end: the log was reset (``_start_anew``). Before its first
        offset: retention deleted records the bridge had not read; an ERROR says how
        many, and the partition goes on from its first record. Within the range again
        (a leader that moved): fetched again from the same offset. Asked again on the
        next turn when the broker does not answer.
        """
        if not self._out_of_range:
            return
        positions = sorted(self._out_of_range)
        try:
            firsts = self._list_offsets(consumer, positions, OFFSET_BEGINNING)
            ends = self._list_offsets(consumer, positions, OFFSET_END)
        except KafkaException as failure:
            self._on_request_failed("offsets request failed", failure.args[0])
            return
        for topic, partition in positions:
            wanted, end = self._out_of_range[topic, partition], ends[topic, partition]
            if wanted > end:
                self._start_anew(LogReset(topic, partition, cached=wanted, end=end))
                return
        resume: list[TopicPartition] = []
        for topic, partition in positions:
            wanted, first = self._out_of_range.pop((topic, partition)), firsts[topic, partition]
            if wanted < first:
                _log.error(
                    "records lost: %s partition %d starts at offset %d, the bridge had read it"
                    " up to %d; retention deleted %d records before the bridge read them",
                    topic,
                    partition,
                    first,
                    wanted,
                    first - wanted,
                )
            resume.append(TopicPartition(topic, partition, max(wanted, first)))
        consumer.incremental_unassign([TopicPartition(tp.topic, tp.partition) for tp in resume])
        consumer.incremental_assign(resume)

    def _start_anew(self, reset: LogReset) -> None:
        """The log was reset: say so, tell ``on_log_reset``, read everything with a new consumer."""
        _log.warning(
            "the log was reset: %s (the topic was recreated or the cluster rebuilt);"
            " the cached state is set aside and the log folded from its start",
            reset.describe(),
            extra={
                "topic": reset.topic,
                "partition": reset.partition,
                "cached_offset": reset.cached,
                "end_offset": reset.end,
            },
        )
        self._on_log_reset(reset)  # after every batch handed on: they go with the old state
        self._next = {}
        self._out_of_range = {}
        self._end_offsets = None
        self._caught_up = False
        self._recreate = True  # a new consumer assigns every partition from its beginning

    def _check_caught_up(self, consumer: Consumer) -> None:
        """Call ``on_caught_up`` once every record below the start-up ends was handed on."""
        assert self._end_offsets is not None  # noqa: S101  (checked by the caller)
        behind = [
            position
            for position, end in self._end_offsets.items()
            if end >= 0 and self._next.get(position, 0) < end
        ]
        if behind:
            # Control records (transactions) have offsets but are never delivered: the
            # consumer's position (the next offset consume returns) moves past them.
            positions = consumer.position([TopicPartition(t, p) for t, p in behind])
            if any(tp.offset < self._end_offsets[(tp.topic, tp.partition)] for tp in positions):
                return
        self._caught_up = True
        _log.info("caught up with the log as it was at start-up")
        self._on_caught_up()

    def _assign_new_partitions(self, consumer: Consumer, assigned: set[Position]) -> set[Position]:
        """Assign partitions not assigned yet (topics may grow); return the new ones.

        A partition read before that the topic no longer has (partitions are only
        ever added: the topic was recreated) is a reset: nothing is assigned.
        """
        new: list[TopicPartition] = []
        for topic in self._topics.all():
            metadata = consumer.list_topics(topic, timeout=PROBE_TIMEOUT_S)
            described = metadata.topics.get(topic)
            if described is None or described.error is not None:
                reason = "missing" if described is None else described.error.str()
                _log.warning("topic unavailable", extra={"topic": topic, "reason": reason})
                continue
            gone = sorted(
                position
                for position in self._next
                if position[0] == topic and position[1] not in described.partitions
            )
            if gone:
                topic_name, partition = gone[0]
                self._start_anew(LogReset(topic_name, partition, self._next[gone[0]], None))
                return set()
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
        seen = self._cached_watermarks(consumer, positions)
        self._judge_ends_below_positions(seen)
        if seen:
            self._health.set_watermarks(seen)

    def _judge_ends_below_positions(self, seen: Mapping[Position, tuple[int, int]]) -> None:
        """Partitions whose log ends below the offset the bridge reads next: offsets refused.

        A Kafka broker answers a fetch past a partition's end with OFFSET_OUT_OF_RANGE;
        Tansu, the demo's broker, with no records and a high watermark below the offset
        asked for. Either way ``_judge_out_of_range`` asks the broker for the partition's
        offsets and starts anew if the log was reset (a high watermark briefly behind,
        as on a new leader, is fetched again from the same offset).
        """
        for position, (_low, high) in seen.items():
            wanted = self._next.get(position)
            if wanted is not None and high < wanted:
                self._out_of_range.setdefault(position, wanted)

    @staticmethod
    def _cached_watermarks(
        consumer: Consumer, positions: set[Position]
    ) -> dict[Position, tuple[int, int]]:
        """The (low, high) offsets of the partitions some fetch response has given them."""
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
        return seen

    def _on_error(self, error: KafkaError) -> None:
        if error.fatal():
            _log.error("fatal consumer error; recreating", extra={"error": error.str()})
            self._recreate = True
        tls_problem = self._tls.explain_error(error)
        if tls_problem is not None:
            self._health.mark_tls_failed(tls_problem)
            _client_log.log(logging.ERROR, "%s", tls_problem)
        elif error.code() in errors.CONNECTION_LOST:
            self._health.mark_down(error.str())
        elif error.code() in errors.AUTH_FAILED:
            self._health.mark_auth_failed(self._auth_message)
            _client_log.log(logging.ERROR, "%s: %s", self._auth_message, error.str())
        else:
            _log.warning("consumer error", extra={"error": error.str()})

    def _on_stats(self, payload: str) -> None:
        figures = parse_statistics(payload)
        self._health.set_metrics(lag=figures.lag, rtt_ms=figures.rtt_ms)


def _end(low: int, high: int) -> int:
    """A partition's end offset for the caught-up check (-1: empty)."""
    return high if high > low else -1
