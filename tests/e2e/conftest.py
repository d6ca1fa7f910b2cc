"""Fixtures for end-to-end tests: unique contract topics and bridge processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from confluent_kafka import Producer

from bridge.contract.envelope import KAFKA_HEADERS, encode_event
from bridge.contract.topics import Topics
from tests.conftest import KafkaEnv
from tests.helpers.bridge_process import BridgeProcess, write_config


@pytest.fixture
def topics(new_topic: Callable[..., str]) -> Topics:
    """The three contract topics, unique to this test, three partitions each."""
    return Topics(
        orders=new_topic("orders", 3),
        # Large enough for the 2 MB record of the quarantine test (the bridge refuses it).
        tickets=new_topic("tickets", 3, **{"max.message.bytes": "4000000"}),
        agents=new_topic("agents", 3, **{"cleanup.policy": "compact"}),
    )


@pytest.fixture
def bridges(
    kafka: KafkaEnv, topics: Topics, tmp_path: Path
) -> Iterator[Callable[..., BridgeProcess]]:
    """Factory of bridge processes on the session broker; all are stopped at the end."""
    started: list[BridgeProcess] = []
    config = write_config(
        tmp_path / "config.toml", bootstrap_servers=kafka.bootstrap_servers, topics=topics
    )

    def make(
        agent_id: str, agent_name: str, *, role: str = "agent", start: bool = True
    ) -> BridgeProcess:
        bridge = BridgeProcess(
            data_dir=tmp_path / f"bridge-{agent_id}-{len(started)}",
            config=config,
            agent_id=agent_id,
            agent_name=agent_name,
            role=role,
        )
        started.append(bridge)
        if start:
            bridge.start()
        return bridge

    yield make
    for bridge in started:
        bridge.kill()


class EventProducer:
    """Writes contract events (or raw bytes) to the test's topics."""

    def __init__(self, bootstrap_servers: str, topics: Topics) -> None:
        self._producer = Producer(
            {
                "bootstrap.servers": bootstrap_servers,
                "enable.idempotence": True,
                "message.max.bytes": 4_000_000,
            }
        )
        self.topics = topics

    def event(self, topic: str, event: dict[str, object]) -> None:
        """Produce one event keyed by its subject."""
        self._producer.produce(
            topic,
            key=str(event["subject"]).encode(),
            value=encode_event(event),
            headers=KAFKA_HEADERS,
        )

    def raw(self, topic: str, key: bytes | None, value: bytes | None) -> None:
        """Produce arbitrary bytes (malformed records)."""
        self._producer.produce(topic, key=key, value=value)

    def flush(self) -> None:
        """Wait until every record is acknowledged."""
        assert self._producer.flush(30) == 0


@pytest.fixture
def produce(kafka: KafkaEnv, topics: Topics) -> EventProducer:
    """A producer onto the test's topics."""
    return EventProducer(kafka.bootstrap_servers, topics)
