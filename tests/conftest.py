"""Fixtures shared by the whole suite: the real Kafka broker and unique topic names."""

from __future__ import annotations

import itertools
import os
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition
from confluent_kafka.cimpl import NewTopic

from tests.kafka_harness import KafkaBroker, SaslUser
from tests.kafka_harness.tls import TlsFiles

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from confluent_kafka.admin import AdminClient

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# logfail: a WARNING or worse that a test did not declare fails it (docs/TESTING.md).
pytest_plugins = ("pytester", "tests.helpers.logfail")


@dataclass(frozen=True)
class KafkaEnv:
    """What a test needs to reach the session's broker."""

    broker: KafkaBroker
    bootstrap_servers: str
    sasl_bootstrap_servers: str
    admin: AdminClient
    users: tuple[SaslUser, ...]
    tls: TlsFiles
    """The CA and certificates of the TLS listeners (files in the broker's temp dir)."""
    ssl_bootstrap_servers: str
    mtls_bootstrap_servers: str
    sasl_ssl_bootstrap_servers: str
    wrong_host_bootstrap_servers: str
    expired_bootstrap_servers: str


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaEnv]:
    """Start one Apache Kafka broker for the whole session and stop it at the end."""
    broker = KafkaBroker()
    broker.start()
    try:
        yield KafkaEnv(
            broker=broker,
            bootstrap_servers=broker.bootstrap_servers,
            sasl_bootstrap_servers=broker.sasl_bootstrap_servers,
            admin=broker.admin(),
            users=broker.users,
            tls=broker.tls,
            ssl_bootstrap_servers=broker.ssl_bootstrap_servers,
            mtls_bootstrap_servers=broker.mtls_bootstrap_servers,
            sasl_ssl_bootstrap_servers=broker.sasl_ssl_bootstrap_servers,
            wrong_host_bootstrap_servers=broker.wrong_host_bootstrap_servers,
            expired_bootstrap_servers=broker.expired_bootstrap_servers,
        )
    finally:
        broker.stop()


_topic_counter = itertools.count()


@pytest.fixture
def new_topic(kafka: KafkaEnv, request: pytest.FixtureRequest) -> Callable[..., str]:
    """Return a factory that creates a topic with a name unique to this test."""

    def create(stem: str = "t", partitions: int = 1, **config: str) -> str:
        test = request.node.name.replace("[", "-").replace("]", "")[:40]
        name = f"{stem}.{test}.{next(_topic_counter)}.{uuid.uuid4().hex[:6]}"
        futures = kafka.admin.create_topics(
            [NewTopic(name, num_partitions=partitions, replication_factor=1, config=config)]
        )
        futures[name].result(timeout=30)
        _wait_until_served(kafka.bootstrap_servers, name, partitions)
        return name

    return create


READY_TIMEOUT_S = 30.0
_NOT_YET = frozenset(
    {
        KafkaError.NOT_LEADER_FOR_PARTITION,
        KafkaError.LEADER_NOT_AVAILABLE,
        KafkaError.UNKNOWN_TOPIC_OR_PART,
    }
)


def _wait_until_served(bootstrap_servers: str, name: str, partitions: int) -> None:
    """Return once the broker answers for every partition of a topic just created.

    ``create_topics`` returns when the controller has the topic; the broker may
    take a moment more to lead its partitions, and a test's first request then
    fails with NOT_LEADER_FOR_PARTITION (seen in CI). Each partition's end offset
    is asked until it answers, for at most ``READY_TIMEOUT_S``.
    """
    probe = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": "topic-ready-probe"})
    deadline = time.monotonic() + READY_TIMEOUT_S
    try:
        for number in range(partitions):
            while True:
                try:
                    probe.get_watermark_offsets(TopicPartition(name, number), timeout=10)
                    break
                except KafkaException as failure:
                    if failure.args[0].code() not in _NOT_YET or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)  # the broker is taking the partition's lead: ask again
    finally:
        probe.close()
