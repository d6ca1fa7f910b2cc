"""The reader reports the end offsets it sees, at start-up and as records keep arriving.

With the fold's offsets they give the catch-up progress the console shows
(``bridge.kafka.catch_up``): here over the real broker, with a resume offset on
one partition as a cache would give it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from confluent_kafka import Producer

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.kafka.catch_up import CatchUpMeter
from bridge.kafka.health import HealthTracker
from bridge.kafka.reader import RecordReader
from tests.conftest import KafkaEnv

DEADLINE_S = 20.0


def _wait(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)  # polling a condition another thread makes true, with a deadline


@pytest.mark.kafka
def test_end_offsets_seen_give_the_progress_and_follow_new_records(
    kafka: KafkaEnv, new_topic: Callable[..., str]
) -> None:
    topics = Topics(
        orders=new_topic("orders"), tickets=new_topic("tickets", partitions=2), agents=new_topic()
    )
    producer = Producer({"bootstrap.servers": kafka.bootstrap_servers})
    for n in range(40):
        producer.produce(topics.tickets, key=f"T-{n}".encode(), value=b"{}", partition=n % 2)
    assert producer.flush(10) == 0
    received: list[RawRecord] = []
    lock = threading.Lock()

    def sink(batch: list[RawRecord]) -> None:
        with lock:
            received.extend(batch)

    health = HealthTracker(now=lambda: "2026-01-01T00:00:00.000Z")
    reader = RecordReader(
        {"bootstrap.servers": kafka.bootstrap_servers},
        topics,
        {(topics.tickets, 1): 15},  # as if a cache had folded five records of partition 1
        sink,
        health=health,
        group_id="catch-up-progress-test",
    )
    reader.start()
    try:
        every = {(topics.tickets, 0), (topics.tickets, 1), (topics.orders, 0), (topics.agents, 0)}
        _wait(lambda: every <= health.watermarks().keys())  # fetches answer one by one
        ends = health.watermarks()
        assert ends[(topics.tickets, 0)] == (0, 20)
        assert ends[(topics.tickets, 1)] == (0, 20)
        assert ends[(topics.orders, 0)] == (0, 0)
        meter = CatchUpMeter(start_at=10, end_below=1)
        first = meter.update(ends, {(topics.tickets, 1): 15}, now=0.0)
        assert first is not None
        assert (first.records_done, first.records_total) == (0, 25)

        _wait(lambda: len(received) == 25)
        for n in range(30):  # more arrive while the bridge runs: the ends follow
            producer.produce(topics.tickets, key=f"U-{n}".encode(), value=b"{}", partition=0)
        assert producer.flush(10) == 0
        _wait(lambda: health.watermarks()[(topics.tickets, 0)] == (0, 50))
        _wait(lambda: len(received) == 55)
        with lock:
            folded = {(r.topic, r.partition): r.offset + 1 for r in received}
        assert folded == {(topics.tickets, 0): 50, (topics.tickets, 1): 20}
        assert meter.update(health.watermarks(), folded, now=1.0) is None  # caught up
    finally:
        reader.stop()
        reader.join(10)
