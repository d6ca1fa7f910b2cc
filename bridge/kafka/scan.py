"""Read topics from the beginning to their end as of now, once, with a consumer of its own.

For questions about the log itself, answered outside the live fold: the period
report (``atp-bridge report``) and an entity's event trace (a console's
``trace`` query). Like the reader it uses ``assign()`` and commits nothing (its
``group.id`` is unique and never used), so it moves no one's offsets. It stops
once it has handed on every record below the end offsets it found when it
started (records appended later are not read), or when its deadline passes
(``ScanTimeoutError``: the answer would be incomplete, so none is given).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from confluent_kafka import (
    OFFSET_BEGINNING,
    TIMESTAMP_NOT_AVAILABLE,
    Consumer,
    KafkaException,
    Message,
    TopicPartition,
)

from bridge.contract.validate import RawRecord
from bridge.kafka.logthrottle import ThrottledLog

_log = logging.getLogger(__name__)
_client_log = ThrottledLog(logging.getLogger("bridge.kafka.client"))

REQUEST_TIMEOUT_S = 5.0
POLL_BATCH = 500
POLL_TIMEOUT_S = 0.2

Position = tuple[str, int]


class ScanError(Exception):
    """The scan could not read what it was asked to (unknown topic, cluster unreachable)."""


class ScanTimeoutError(ScanError):
    """The deadline passed before the scan reached the end it set out to read."""

    def __init__(self, message: str, records: int) -> None:
        super().__init__(message)
        self.records = records


@dataclass(frozen=True)
class ScanResult:
    """What a scan read: the records handed on and each partition's end (next offset)."""

    records: int
    ends: Mapping[Position, int]


def record_of(message: Message) -> RawRecord | None:
    """The ``RawRecord`` of a consumed message (``None`` for an error or an incomplete one)."""
    if message.error() is not None:
        return None
    topic, partition, offset = message.topic(), message.partition(), message.offset()
    if topic is None or partition is None or offset is None:
        return None
    kind, stamp = message.timestamp()
    return RawRecord(
        topic=topic,
        partition=partition,
        offset=offset,
        key=message.key(),
        value=message.value(),
        timestamp_ms=None if kind == TIMESTAMP_NOT_AVAILABLE or stamp < 0 else stamp,
    )


def scan_topics(
    settings: Mapping[str, str | int | float | bool],
    topics: Iterable[str],
    on_record: Callable[[RawRecord], None],
    *,
    timeout_s: float,
    should_stop: Callable[[], bool] = lambda: False,
) -> ScanResult:
    """Hand every record of ``topics`` (all partitions, in partition order) to ``on_record``.

    Raises:
        ScanError: a topic does not exist or the cluster does not answer.
        ScanTimeoutError: ``timeout_s`` passed (or ``should_stop`` said so) first.
    """
    deadline = time.monotonic() + timeout_s
    consumer = Consumer(
        {
            **settings,
            "group.id": f"atp-bridge-scan-{uuid.uuid4().hex[:12]}",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": False,
            "client.id": "atp-bridge-scan",
        },
        logger=_client_log,
    )
    try:
        bounds = _bounds(consumer, topics)
        ends = {position: high for position, (_low, high) in bounds.items()}
        remaining = {position: high for position, (low, high) in bounds.items() if high > low}
        if remaining:
            consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t, p in sorted(remaining)])
        count = 0
        while remaining:
            if should_stop() or time.monotonic() >= deadline:
                raise ScanTimeoutError(
                    f"stopped after {count} records: the log was not read to its end "
                    f"within {timeout_s:g} s",
                    count,
                )
            messages = consumer.consume(POLL_BATCH, POLL_TIMEOUT_S)
            for message in messages:
                record = record_of(message)
                if record is None:
                    problem = message.error()
                    if problem is not None and problem.fatal():
                        raise ScanError(f"the cluster refused the read: {problem.str()}")
                    continue
                position = (record.topic, record.partition)
                if position not in remaining or record.offset >= remaining[position]:
                    continue  # appended after the scan started
                on_record(record)
                count += 1
            _drop_finished(consumer, remaining)
        return ScanResult(records=count, ends=ends)
    finally:
        consumer.close()


def _bounds(consumer: Consumer, topics: Iterable[str]) -> dict[Position, tuple[int, int]]:
    """Each partition's (first, end) offsets now; first == end: nothing left to read."""
    ends: dict[Position, tuple[int, int]] = {}
    try:
        for topic in topics:
            metadata = consumer.list_topics(topic, timeout=REQUEST_TIMEOUT_S)
            described = metadata.topics.get(topic)
            if described is None or described.error is not None:
                reason = "missing" if described is None else described.error.str()
                raise ScanError(f"cannot read topic {topic!r}: {reason}")
            for number in sorted(described.partitions):
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, number), timeout=REQUEST_TIMEOUT_S, cached=False
                )
                ends[(topic, number)] = (max(low, 0), max(high, 0))
    except KafkaException as failure:
        raise ScanError(f"the cluster did not answer: {failure.args[0].str()}") from failure
    return ends


def _drop_finished(consumer: Consumer, remaining: dict[Position, int]) -> None:
    """Forget partitions whose position reached their end (control records are skipped too)."""
    if not remaining:
        return
    positions = consumer.position([TopicPartition(t, p) for t, p in remaining])
    for position in positions:
        key = (position.topic, position.partition)
        if position.offset >= 0 and position.offset >= remaining[key]:
            del remaining[key]
