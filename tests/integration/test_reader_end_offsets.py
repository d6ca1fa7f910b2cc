"""The log's end at start-up, asked of the broker when no fetch response gave it.

The reader takes each partition's end from the fetch responses; when some
partition has none ``FETCHED_ENDS_WAIT_S`` after the assignment it asks the
broker for all of them at once. Here the fetched ends are withheld so that the
request is what decides, over the real broker: an empty partition and one
whose records were all deleted have nothing to wait for, the others their end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

import bridge.kafka.reader as reader_module
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.kafka.health import HealthTracker
from bridge.kafka.reader import Position, RecordReader
from tests.conftest import KafkaEnv

DEADLINE_S = 20.0


class _AskingReader(RecordReader):
    """A reader whose fetch responses never give the log's end: it has to ask."""

    def _fetched_end_offsets(
        self, consumer: Consumer, assigned: set[Position]
    ) -> dict[Position, int] | None:
        return None


@pytest.mark.kafka
def test_the_ends_asked_of_the_broker_let_the_reader_catch_up(
    kafka: KafkaEnv, new_topic: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader_module, "FETCHED_ENDS_WAIT_S", 0.0)
    topics = Topics(
        orders=new_topic("orders"), tickets=new_topic("tickets", partitions=2), agents=new_topic()
    )
    producer = Producer({"bootstrap.servers": kafka.bootstrap_servers})
    for n in range(16):
        producer.produce(topics.tickets, key=f"T-{n}".encode(), value=b"{}", partition=n % 2)
    assert producer.flush(10) == 0
    deleted = kafka.admin.delete_records([TopicPartition(topics.tickets, 1, 8)])  # all of it
    for future in deleted.values():
        future.result(timeout=30)
    received: list[RawRecord] = []
    lock = threading.Lock()
    caught_up = threading.Event()

    def sink(batch: list[RawRecord]) -> None:
        with lock:
            received.extend(batch)

    reader = _AskingReader(
        {"bootstrap.servers": kafka.bootstrap_servers},
        topics,
        {},
        sink,
        health=HealthTracker(now=lambda: "2026-01-01T00:00:00.000Z"),
        group_id="reader-end-offsets-test",
        on_caught_up=caught_up.set,
    )
    reader.start()
    try:
        assert caught_up.wait(DEADLINE_S), "the reader never caught up"
        with lock:
            assert sorted(r.offset for r in received) == list(range(8))
            assert {(r.topic, r.partition) for r in received} == {(topics.tickets, 0)}
        assert reader._end_offsets == {
            (topics.tickets, 0): 8,
            (topics.tickets, 1): -1,  # its records were deleted: none to wait for
            (topics.orders, 0): -1,
            (topics.agents, 0): -1,
        }
    finally:
        reader.stop()
        reader.join(10)
