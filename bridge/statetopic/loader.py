"""Read the snapshot topic to its end and rebuild the State it holds.

The topic has one partition; it is read from the beginning with
``isolation.level = read_committed`` until librdkafka reports the end of the
partition, which for a transactional reader is the last stable offset: what
the reader has then seen is every publish committed so far and nothing of one
in progress (see ``bridge.statetopic.codec``).
"""

from __future__ import annotations

import gc
import logging
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

from bridge.contract.topics import Topics
from bridge.fold.state import State
from bridge.statetopic.codec import LoadedSnapshot, StateBuilder, UnusableSnapshotError

_log = logging.getLogger(__name__)

STALL_TIMEOUT_S = 30.0  # no record and no end of partition for this long: give up
BATCH = 1000
FETCH_BYTES = 32 * 1024 * 1024


class SnapshotUnavailableError(Exception):
    """The topic could not be read (missing, more than one partition, Kafka unreachable)."""


def load_snapshot_topic(
    settings: Mapping[str, str | int | float | bool],
    topics: Topics,
    *,
    stall_timeout_s: float = STALL_TIMEOUT_S,
) -> LoadedSnapshot | None:
    """Return the State published to ``topics.snapshot``, or ``None`` if nothing was published.

    Raises ``SnapshotUnavailableError`` when the topic cannot be read and
    ``UnusableSnapshotError`` when its records do not add up to a State.
    """
    consumer = Consumer(
        {
            **settings,
            "group.id": f"atp-snapshot-loader-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "enable.partition.eof": True,
            "isolation.level": "read_committed",
            "auto.offset.reset": "earliest",
            "client.id": "atp-snapshot-loader",
            # One partition read from end to end: large fetches, fewer round trips.
            "max.partition.fetch.bytes": FETCH_BYTES,
            "fetch.max.bytes": FETCH_BYTES,
            # A fetch at the end would wait this long on the broker, and the watermark
            # queries after it queue behind it on the same connection.
            "fetch.wait.max.ms": 10,
        },
        logger=_log,
    )
    try:
        _check_partitions(consumer, topics.snapshot)
        consumer.assign([TopicPartition(topics.snapshot, 0, OFFSET_BEGINNING)])
        builder = StateBuilder()
        started = time.monotonic()
        _read_to_end(consumer, builder, stall_timeout_s)
        with _gc_paused():  # decoding every entity: collections would more than double the time
            loaded = builder.build(topics)
        if loaded is not None:
            _warn_of_a_lost_tail(consumer, loaded.state.next_offsets)
    finally:
        consumer.close()
    _log.info(
        "snapshot topic read",
        extra={
            "topic": topics.snapshot,
            "records": builder.records,
            "seconds": round(time.monotonic() - started, 2),
            "published_at": None if loaded is None else loaded.published_at,
        },
    )
    return loaded


def bootstrap_state(
    settings: Mapping[str, str | int | float | bool], topics: Topics
) -> State | None:
    """For a bridge without a cache: the published State, or ``None`` (then it folds the log).

    Any problem is logged as a warning and gives ``None``: the topic is an
    optimization, the source topics are the truth.
    """
    try:
        loaded = load_snapshot_topic(settings, topics)
    except (SnapshotUnavailableError, UnusableSnapshotError) as error:
        _log.warning(
            "not starting from the snapshot topic: %s; folding the log from the beginning", error
        )
        return None
    if loaded is None:
        _log.warning(
            "snapshot topic %s holds no state yet; folding the log from the beginning",
            topics.snapshot,
        )
        return None
    return loaded.state


def _warn_of_a_lost_tail(consumer: Consumer, next_offsets: Mapping[str, Mapping[int, int]]) -> None:
    """Log an error for each source partition whose retention already deleted part of the tail."""
    for topic, partitions in next_offsets.items():
        for partition, next_offset in partitions.items():
            try:
                low, _high = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
            except KafkaException:
                continue  # the reader will report an unreachable cluster
            if low > next_offset:
                _log.error(
                    "records lost: %s partition %d starts at offset %d, the snapshot topic's state"
                    " stops at %d; retention deleted %d records before they were materialized",
                    topic,
                    partition,
                    low,
                    next_offset,
                    low - next_offset,
                )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) for a burst of allocations."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_partitions(consumer: Consumer, topic: str) -> None:
    try:
        described = consumer.list_topics(topic, timeout=10).topics.get(topic)
    except KafkaException as error:
        raise SnapshotUnavailableError(f"no metadata for {topic}: {error.args[0].str()}") from None
    if described is None or described.error is not None:
        reason = "it does not exist" if described is None else described.error.str()
        raise SnapshotUnavailableError(f"topic {topic} cannot be read: {reason}")
    if len(described.partitions) != 1:
        raise SnapshotUnavailableError(
            f"topic {topic} has {len(described.partitions)} partitions; it must have exactly 1"
        )


def _read_to_end(consumer: Consumer, builder: StateBuilder, stall_timeout_s: float) -> None:
    last_progress = time.monotonic()
    while True:
        messages = consumer.consume(BATCH, 0.5)
        if messages:
            last_progress = time.monotonic()
        for message in messages:
            problem = message.error()
            if problem is None:
                builder.add(message.key(), message.value())
                continue
            if problem.code() == KafkaError._PARTITION_EOF:  # noqa: SLF001 (librdkafka's name)
                return
            if problem.fatal():
                raise SnapshotUnavailableError(f"reading the snapshot topic: {problem.str()}")
            _log.warning("snapshot topic read error", extra={"error": problem.str()})
        if time.monotonic() - last_progress > stall_timeout_s:
            raise SnapshotUnavailableError(
                f"no progress reading the snapshot topic for {stall_timeout_s:.0f} s"
            )


__all__ = [
    "SnapshotUnavailableError",
    "UnusableSnapshotError",
    "bootstrap_state",
    "load_snapshot_topic",
]
