"""The Kafka writer thread on the real broker: it never dies, and it holds the outbox when told."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bridge.kafka.health import HealthTracker
from bridge.kafka.writer import EventWriter
from tests.conftest import KafkaEnv
from tests.e2e.log_counts import count_event_ids

pytestmark = [
    pytest.mark.kafka,
    # librdkafka's own chatter while a brand-new broker elects its coordinator.
    pytest.mark.allow_log("bridge.kafka.client", "WARNING", match="Coordinator load in progress"),
]


@dataclass(frozen=True)
class Entry:
    event_id: str
    key: str
    topic: str
    value: bytes


class FlakyOutbox:
    """A PendingSource whose disk refuses the first ``failures`` acknowledgements."""

    def __init__(self, topic: str, failures: int) -> None:
        self._topic = topic
        self._failures = failures
        self._lock = threading.Lock()
        self.entries: dict[str, Entry] = {}
        self.sent: list[str] = []
        self.refused = 0

    def add(self, event_id: str) -> None:
        with self._lock:
            self.entries[event_id] = Entry(
                event_id, "t-1", self._topic, b'{"id": "%s"}' % event_id.encode()
            )

    def pending(self, limit: int) -> list[Entry]:
        with self._lock:
            return [e for e in self.entries.values() if e.event_id not in self.sent][:limit]

    def mark_sent(self, event_id: str) -> None:
        with self._lock:
            if self.refused < self._failures:
                self.refused += 1
                raise sqlite3.OperationalError("database or disk is full")
            self.sent.append(event_id)

    def close(self) -> None:
        pass


def _wait(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


@pytest.mark.allow_log("bridge.kafka.writer", "ERROR", match="cannot record")
def test_a_failing_acknowledgement_is_retried_and_the_writer_lives_on(
    kafka: KafkaEnv, new_topic: Callable[..., str]
) -> None:
    topic = new_topic("writer")
    outbox = FlakyOutbox(topic, failures=3)
    health = HealthTracker(now=lambda: "2024-05-01T10:00:00.000Z")
    acknowledged: list[str] = []
    writer = EventWriter(
        {"bootstrap.servers": kafka.bootstrap_servers},
        open_source=lambda: outbox,
        health=health,
        on_sent=acknowledged.append,
    )
    writer.start()
    try:
        outbox.add("e-1")
        writer.wake()
        _wait(lambda: outbox.refused >= 1)
        _wait(lambda: "writer" in health.snapshot().degraded)
        assert writer.is_alive()
        _wait(lambda: outbox.sent == ["e-1"])  # retried with a backoff until the disk took it
        outbox.add("e-2")  # the old writer died above: this one stayed queued forever
        writer.wake()
        _wait(lambda: outbox.sent == ["e-1", "e-2"])
        _wait(lambda: not health.snapshot().degraded)
        assert writer.is_alive()
    finally:
        writer.stop()
        writer.join(timeout=10)
    assert acknowledged == ["e-1", "e-2"]  # the console heard "sent" once per entry
    assert count_event_ids(kafka.bootstrap_servers, topic) == {"e-1": 1, "e-2": 1}


def test_outbox_entries_wait_for_the_release_and_presence_does_not(
    kafka: KafkaEnv, new_topic: Callable[..., str]
) -> None:
    topic = new_topic("held")
    outbox = FlakyOutbox(topic, failures=0)
    outbox.add("e-held")
    writer = EventWriter(
        {"bootstrap.servers": kafka.bootstrap_servers},
        open_source=lambda: outbox,
        health=HealthTracker(now=lambda: "2024-05-01T10:00:00.000Z"),
        on_sent=lambda _event_id: None,
        hold_outbox=True,
    )
    writer.start()
    try:
        writer.send_now(topic, "ana", b'{"id": "presence-1"}')
        _wait(lambda: count_event_ids(kafka.bootstrap_servers, topic) == {"presence-1": 1})
        assert outbox.sent == []
        writer.release_outbox()
        _wait(lambda: outbox.sent == ["e-held"])
    finally:
        writer.stop()
        writer.join(timeout=10)
