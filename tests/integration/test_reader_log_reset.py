"""Start offsets that do not fit the log, over the real broker (bridge/kafka/reader.py).

Past a partition's end, or for a partition the topic does not have, the offsets
are of another log (it was recreated): the reader says so once, through
``on_log_reset`` after the batches handed on before it, and then reads every
partition from its beginning. Before a partition's first offset, retention
deleted records: that is no reset; the reader logs how many were lost and goes
on from the first record there is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

import bridge.kafka.reader as reader_module
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.kafka.health import HealthTracker
from bridge.kafka.reader import LogReset, Position, RecordReader
from tests.conftest import KafkaEnv
from tests.helpers.logfail import ExpectLog

pytestmark = [pytest.mark.kafka]

DEADLINE_S = 20.0
READER = "bridge.kafka.reader"


class _Reading:
    """A reader's sink and callbacks, in the order it called them."""

    def __init__(self) -> None:
        self.calls: list[LogReset | list[RawRecord]] = []
        self.changed = threading.Condition()
        self.caught_up = threading.Event()

    def sink(self, batch: list[RawRecord]) -> None:
        with self.changed:
            self.calls.append(batch)
            self.changed.notify_all()

    def reset(self, reset: LogReset) -> None:
        with self.changed:
            self.calls.append(reset)
            self.changed.notify_all()

    def offsets(self) -> list[int]:
        return [r.offset for call in self.calls if isinstance(call, list) for r in call]

    def resets(self) -> list[LogReset]:
        return [call for call in self.calls if isinstance(call, LogReset)]

    def wait(self, condition: Callable[[], bool]) -> None:
        with self.changed:
            assert self.changed.wait_for(condition, DEADLINE_S), f"not within: {self.calls}"


class _LateErrorReader(RecordReader):
    """The broker's "out of range" comes after the log's end, asked of the broker, does."""

    def _fetched_end_offsets(
        self, consumer: Consumer, assigned: set[Position]
    ) -> dict[Position, int] | None:
        return None  # the fetch responses give no end: it is asked for

    def _judge_out_of_range(self, consumer: Consumer) -> None:
        self._out_of_range.clear()  # not arrived yet


def _topics(new_topic: Callable[..., str]) -> Topics:
    return Topics(orders=new_topic("orders"), tickets=new_topic("tickets"), agents=new_topic())


def _produce(kafka: KafkaEnv, topic: str, count: int) -> None:
    producer = Producer({"bootstrap.servers": kafka.bootstrap_servers})
    for n in range(count):
        producer.produce(topic, key=f"T-{n}".encode(), value=b"{}")
    assert producer.flush(10) == 0


def _reader(
    kafka: KafkaEnv,
    topics: Topics,
    start: Mapping[Position, int],
    reading: _Reading,
    kind: type[RecordReader] = RecordReader,
) -> RecordReader:
    return kind(
        {"bootstrap.servers": kafka.bootstrap_servers},
        topics,
        start,
        reading.sink,
        health=HealthTracker(now=lambda: "2026-01-01T00:00:00.000Z"),
        group_id="reader-log-reset-test",
        on_log_reset=reading.reset,
        on_caught_up=reading.caught_up.set,
    )


def _run(reader: RecordReader, until: Callable[[], None]) -> None:
    reader.start()
    try:
        until()
    finally:
        reader.stop()
        reader.join(DEADLINE_S)


def test_an_offset_past_the_end_is_a_reset_and_the_log_is_read_from_its_start(
    kafka: KafkaEnv, new_topic: Callable[..., str], expect_log: ExpectLog
) -> None:
    topics = _topics(new_topic)
    _produce(kafka, topics.tickets, 3)
    reading = _Reading()
    reader = _reader(kafka, topics, {(topics.tickets, 0): 7}, reading)  # a log of 7 before
    with expect_log(READER, "WARNING", match="the log was reset") as records:
        _run(reader, lambda: reading.wait(lambda: reading.offsets() == [0, 1, 2]))
    assert reading.resets() == [LogReset(topics.tickets, 0, cached=7, end=3)]
    assert reading.calls[0] == reading.resets()[0]  # before any record of the new log
    message = records[0].getMessage()
    assert f"{topics.tickets} partition 0 ends at offset 3" in message
    assert "read it up to 7" in message


def test_a_partition_the_topic_no_longer_has_is_a_reset(
    kafka: KafkaEnv, new_topic: Callable[..., str], expect_log: ExpectLog
) -> None:
    topics = _topics(new_topic)
    _produce(kafka, topics.tickets, 2)
    reading = _Reading()
    start = {(topics.tickets, 0): 1, (topics.tickets, 2): 5}  # it had three partitions
    reader = _reader(kafka, topics, start, reading)
    with expect_log(READER, "WARNING", match="is no longer in the topic"):
        _run(reader, lambda: reading.wait(lambda: reading.offsets() == [0, 1]))
    assert reading.resets() == [LogReset(topics.tickets, 2, cached=5, end=None)]


def test_records_deleted_by_retention_are_reported_lost_and_no_reset(
    kafka: KafkaEnv, new_topic: Callable[..., str], expect_log: ExpectLog
) -> None:
    topics = _topics(new_topic)
    _produce(kafka, topics.tickets, 10)
    deleted = kafka.admin.delete_records([TopicPartition(topics.tickets, 0, 6)])
    for future in deleted.values():
        future.result(timeout=30)
    reading = _Reading()
    reader = _reader(kafka, topics, {(topics.tickets, 0): 3}, reading)
    with expect_log(READER, "ERROR", match="records lost") as records:
        _run(reader, lambda: reading.wait(lambda: reading.offsets() == [6, 7, 8, 9]))
    assert reading.resets() == []
    assert "starts at offset 6" in records[0].getMessage()
    assert "retention deleted 3 records" in records[0].getMessage()


def test_an_end_asked_of_the_broker_below_the_offset_is_a_reset_before_any_catch_up(
    kafka: KafkaEnv,
    new_topic: Callable[..., str],
    expect_log: ExpectLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reader_module, "FETCHED_ENDS_WAIT_S", 0.0)
    topics = _topics(new_topic)
    _produce(kafka, topics.tickets, 2)
    reading = _Reading()
    reader = _reader(kafka, topics, {(topics.tickets, 0): 5}, reading, _LateErrorReader)

    def caught_up_with_the_new_log() -> None:
        assert reading.caught_up.wait(DEADLINE_S)
        reading.wait(lambda: reading.offsets() == [0, 1])

    with expect_log(READER, "WARNING", match="the log was reset"):
        _run(reader, caught_up_with_the_new_log)
    assert reading.resets() == [LogReset(topics.tickets, 0, cached=5, end=2)]
