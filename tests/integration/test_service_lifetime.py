"""A stopped BridgeService is freed: nothing outside it keeps it (and its State) alive.

A process that runs services one after the other (the benchmarks' repeats,
the tests) otherwise keeps every earlier one's State: bench_catchup's RSS grew
by one State per repeat (469, 844, 1,217 MiB).
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest
from confluent_kafka import Producer
from pytestqt.qtbot import QtBot

from bridge.contract.envelope import encode_event
from bridge.contract.topics import Topics
from bridge.paths import DataLayout
from tests.conftest import KafkaEnv
from tests.helpers import samples
from tests.helpers.service import in_process_service

pytestmark = [pytest.mark.kafka]


@pytest.fixture
def topics(new_topic: Callable[..., str]) -> Topics:
    return Topics(
        orders=new_topic("orders", 1),
        tickets=new_topic("tickets", 1),
        agents=new_topic("agents", 1, **{"cleanup.policy": "compact"}),
    )


def _start_fold_and_stop(
    qtbot: QtBot, kafka: KafkaEnv, topics: Topics, data_dir: Path
) -> weakref.ref[object]:
    producer = Producer({"bootstrap.servers": kafka.bootstrap_servers})
    opened = samples.ticket_opened("T-1", event_id="open-1")
    producer.produce(topics.tickets, key=b"T-1", value=encode_event(opened))
    assert producer.flush(30) == 0
    layout = DataLayout(data_dir)
    layout.ensure()
    service = in_process_service(
        layout, topics=topics, kafka_settings={"bootstrap.servers": kafka.bootstrap_servers}
    )
    try:
        service.start()
        qtbot.waitUntil(lambda: "T-1" in service.state.tickets, timeout=60_000)
    finally:
        service.stop()
    return weakref.ref(service)


@pytest.mark.allow_log("bridge.kafka.client", "WARNING", match="idempotence PID")
def test_a_stopped_service_is_collected(
    qtbot: QtBot, kafka: KafkaEnv, topics: Topics, tmp_path: Path
) -> None:
    service = _start_fold_and_stop(qtbot, kafka, topics, tmp_path / "data")
    gc.unfreeze()  # what its catch-up froze (the service with it) is collectable again
    gc.collect()
    assert service() is None, [type(r).__name__ for r in gc.get_referrers(service())]
