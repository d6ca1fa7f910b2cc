"""The reader thread hands records on as soon as they are fetched, whatever the rate."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from confluent_kafka import Producer

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.kafka.health import HealthTracker
from bridge.kafka.reader import RecordReader
from tests.conftest import KafkaEnv

LONG_POLL_S = 60.0  # a poll that waited for a full batch would hold the records this long
DEADLINE_S = 20.0


@pytest.mark.kafka
def test_a_trickle_of_records_is_handed_on_without_waiting_out_the_poll(
    kafka: KafkaEnv, new_topic: Callable[..., str]
) -> None:
    topics = Topics(orders=new_topic("orders"), tickets=new_topic("tickets"), agents=new_topic())
    received: list[RawRecord] = []
    arrived = threading.Condition()

    def sink(batch: list[RawRecord]) -> None:
        with arrived:
            received.extend(batch)
            arrived.notify_all()

    reader = RecordReader(
        {"bootstrap.servers": kafka.bootstrap_servers},
        topics,
        {},
        sink,
        health=HealthTracker(now=lambda: "2026-01-01T00:00:00.000Z"),
        group_id="reader-delivery-test",
        poll_timeout_s=LONG_POLL_S,
    )
    producer = Producer({"bootstrap.servers": kafka.bootstrap_servers})
    reader.start()
    try:
        for n in range(3):  # far fewer than a batch: nothing else would fill it
            producer.produce(topics.tickets, key=f"T-{n}".encode(), value=b"{}")
        assert producer.flush(10) == 0
        deadline = time.monotonic() + DEADLINE_S
        with arrived:
            while len(received) < 3 and (left := deadline - time.monotonic()) > 0:
                arrived.wait(left)
        assert [r.key for r in received] == [b"T-0", b"T-1", b"T-2"]
        assert [r.offset for r in received] == [0, 1, 2]
    finally:
        reader.stop()
        producer.produce(topics.tickets, key=b"wake", value=b"{}")  # ends the reader's poll
        producer.flush(10)
        reader.join(LONG_POLL_S + 10)
