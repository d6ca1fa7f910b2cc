"""The embedded demo broker starts, answers Kafka clients and leaves no process behind."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from bridge.demo.broker import DemoBroker, DemoBrokerUnavailableError, locate_tansu
from tests.helpers.processes import alive


def test_demo_broker_round_trip_and_clean_stop() -> None:
    with DemoBroker(locate_tansu()) as broker:
        pid = broker.pid
        assert pid is not None
        topic = f"demo-{uuid.uuid4().hex[:8]}"
        admin = AdminClient({"bootstrap.servers": broker.bootstrap_servers})
        admin.create_topics([NewTopic(topic, num_partitions=1)])[topic].result(timeout=20)
        producer = Producer({"bootstrap.servers": broker.bootstrap_servers})
        producer.produce(topic, key=b"o-1", value=b'{"hello": "tansu"}')
        assert producer.flush(20) == 0
        consumer = Consumer(
            {
                "bootstrap.servers": broker.bootstrap_servers,
                "group.id": "g",
                "auto.offset.reset": "earliest",
            }
        )
        consumer.assign([TopicPartition(topic, 0, 0)])
        message = consumer.poll(20)
        consumer.close()
        assert message is not None
        assert message.error() is None
        assert message.value() == b'{"hello": "tansu"}'
    assert not alive(pid)


def test_configured_path_that_is_not_executable_is_named(tmp_path: Path) -> None:
    bogus = tmp_path / "tansu"
    bogus.write_text("not a program")
    with pytest.raises(DemoBrokerUnavailableError, match=str(bogus)):
        locate_tansu(bogus)
