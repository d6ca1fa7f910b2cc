"""A bridge catching up from an empty data dir over the real broker (bridge/service.py).

It folds every record of the log it was started with, a drain at a time with
the collector frozen and no console connected, each applied or quarantined,
to the same state as an in-memory fold of the same records.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from pytestqt.qtbot import QtBot

from bridge.contract.envelope import encode_event
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.paths import DataLayout
from bridge.service import BridgeService
from tests.conftest import KafkaEnv
from tests.helpers import samples
from tests.helpers.service import in_process_service

pytestmark = [pytest.mark.kafka]

TICKETS = 200
WAIT_MS = 60_000


@pytest.fixture
def topics(new_topic: Callable[..., str]) -> Topics:
    return Topics(
        orders=new_topic("orders", 2),
        tickets=new_topic("tickets", 3),
        agents=new_topic("agents", 1, **{"cleanup.policy": "compact"}),
    )


def _produce_log(kafka: KafkaEnv, topics: Topics) -> None:
    """Per ticket an opening and two messages; a malformed record and a redelivered event."""
    producer = Producer({"bootstrap.servers": kafka.bootstrap_servers, "linger.ms": 5})
    for n in range(TICKETS):
        ticket_id = f"T-{n:04d}"
        events = [samples.ticket_opened(ticket_id, event_id=f"open-{n}")]
        events += [
            samples.message_added(ticket_id, event_id=f"msg-{n}-{m}", body=f"hello {m}")
            for m in range(2)
        ]
        for event in events:
            producer.produce(
                topics.tickets,
                key=ticket_id.encode(),
                value=encode_event(event),
            )
    producer.produce(topics.tickets, key=b"T-0000", value=b"{broken")
    again = samples.message_added("T-0001", event_id="msg-1-0", body="hello 0")
    producer.produce(topics.tickets, key=b"T-0001", value=encode_event(again))
    assert producer.flush(30) == 0


def _fold_in_memory(kafka: KafkaEnv, topics: Topics) -> State:
    """Every record of the log, folded partition by partition without the bridge."""
    consumer = Consumer(
        {"bootstrap.servers": kafka.bootstrap_servers, "group.id": uuid.uuid4().hex}
    )
    state = State()
    try:
        for topic in topics.all():
            partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            for number in partitions:
                _, high = consumer.get_watermark_offsets(TopicPartition(topic, number), timeout=10)
                if high <= 0:
                    continue
                consumer.assign([TopicPartition(topic, number, 0)])
                read = 0
                while read < high:
                    for message in consumer.consume(500, 5.0):
                        offset = message.offset()
                        assert message.error() is None
                        assert offset is not None
                        record = RawRecord(
                            topic=topic,
                            partition=number,
                            offset=offset,
                            key=message.key(),
                            value=message.value(),
                            timestamp_ms=message.timestamp()[1],
                        )
                        fold_record(state, record, topics)
                        read = offset + 1
    finally:
        consumer.close()
    return state


def _service(data_dir: Path, kafka: KafkaEnv, topics: Topics) -> BridgeService:
    layout = DataLayout(data_dir)
    layout.ensure()
    return in_process_service(
        layout, topics=topics, kafka_settings={"bootstrap.servers": kafka.bootstrap_servers}
    )


@pytest.mark.allow_log("bridge.kafka.client", "WARNING", match="idempotence PID")
def test_catch_up_folds_every_record_as_an_in_memory_fold_does(
    qtbot: QtBot, kafka: KafkaEnv, topics: Topics, tmp_path: Path
) -> None:
    _produce_log(kafka, topics)
    expected = _fold_in_memory(kafka, topics)
    sources = (topics.orders, topics.tickets)  # the bridge adds its own presence records

    def folded(state: State) -> dict[str, dict[int, int]]:
        return {t: p for t, p in state.next_offsets.items() if t in sources}

    service = _service(tmp_path / "data", kafka, topics)
    try:
        service.start()
        qtbot.waitUntil(lambda: folded(service.state) == folded(expected), timeout=WAIT_MS)
        assert service.state.tickets == expected.tickets
        assert len(service.state.tickets) == TICKETS
        assert service.state.quarantined_count == expected.quarantined_count == 1
        assert (
            expected.applied_event_ids.keys() <= service.state.applied_event_ids.keys()
        )  # + presence
    finally:
        service.stop()
        gc.unfreeze()  # what it froze while catching up: nothing left for later tests
