"""The harness broker is a real Apache Kafka: produce, consume and SASL logins."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from tests.conftest import KafkaEnv
from tests.kafka_harness import KafkaBroker

pytestmark = pytest.mark.kafka


def _consume(
    config: dict[str, str | int | float | bool], topic: str, count: int, timeout_s: float = 30
) -> list[bytes]:
    consumer = Consumer(
        {
            **config,
            "group.id": f"g-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": "false",
        }
    )
    consumer.subscribe([topic])
    values: list[bytes] = []
    try:
        for message in iter(lambda: consumer.poll(timeout_s), None):
            if message.error():
                raise KafkaException(message.error())
            value = message.value()
            assert value is not None
            values.append(value)
            if len(values) == count:
                break
    finally:
        consumer.close()
    return values


def test_produce_and_consume_plaintext(kafka: KafkaEnv, new_topic: Callable[..., str]) -> None:
    topic = new_topic(partitions=3)
    producer = Producer({"bootstrap.servers": kafka.bootstrap_servers, "enable.idempotence": True})
    sent = [f"event-{i}".encode() for i in range(30)]
    for i, value in enumerate(sent):
        producer.produce(topic, key=f"k{i % 5}".encode(), value=value)
    assert producer.flush(30) == 0

    received = _consume({"bootstrap.servers": kafka.bootstrap_servers}, topic, len(sent))

    assert sorted(received) == sorted(sent)


def test_scram_sha_512_login_produces_and_consumes(
    kafka: KafkaEnv, new_topic: Callable[..., str]
) -> None:
    topic = new_topic()
    config = kafka.broker.sasl_config(kafka.users[0], "SCRAM-SHA-512")
    producer = Producer(config)
    producer.produce(topic, value=b"over scram")
    assert producer.flush(30) == 0

    assert _consume(config, topic, 1) == [b"over scram"]


def test_plain_login_lists_topics(kafka: KafkaEnv, new_topic: Callable[..., str]) -> None:
    topic = new_topic()
    admin = AdminClient(kafka.broker.sasl_config(kafka.users[1], "PLAIN"))

    assert topic in admin.list_topics(timeout=20).topics


@pytest.mark.allow_log("test.wrong-password", "ERROR", match="Authentication failed")
def test_wrong_scram_password_fails_with_an_authentication_error(kafka: KafkaEnv) -> None:
    user = kafka.users[0]
    config = {
        **kafka.broker.sasl_config(user, "SCRAM-SHA-512"),
        "sasl.password": "not-" + user.password,
    }
    errors: list[KafkaError] = []
    producer = Producer(
        {**config, "error_cb": errors.append},
        logger=logging.getLogger("test.wrong-password"),
    )
    deadline = time.monotonic() + 30
    while not errors and time.monotonic() < deadline:
        producer.poll(0.5)  # error_cb is served from poll()

    assert errors, "the broker never answered the login"
    error = errors[0]
    assert error.code() == KafkaError._AUTHENTICATION, error
    assert "Authentication failed" in error.str()
    assert "SCRAM-SHA-512" in error.str()
    assert user.password not in error.str()


def test_broker_with_its_own_data_root_restarts_with_its_log(tmp_path: Path) -> None:
    broker = KafkaBroker(data_root=tmp_path / "kafka")
    broker.start()
    try:
        admin = broker.admin()
        admin.create_topics([NewTopic("kept", num_partitions=1)])["kept"].result(30)
        producer = Producer({"bootstrap.servers": broker.bootstrap_servers})
        producer.produce("kept", value=b"before restart")
        assert producer.flush(30) == 0
        broker.stop()
        assert broker.pid is None
        broker.start()
        assert _consume({"bootstrap.servers": broker.bootstrap_servers}, "kept", 1) == [
            b"before restart"
        ]
    finally:
        broker.stop()
