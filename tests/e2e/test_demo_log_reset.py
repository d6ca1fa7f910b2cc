"""The demo restarted on the same data dir: its new in-memory log replaces the cached state.

Each ``atp-console --demo`` starts a new Tansu broker, in memory: its log
starts empty and the simulator writes a new history. A data dir kept from the
last run holds the state and offsets of a log that is gone. Tansu answers a
fetch past a partition's end with no records and no error (a Kafka broker
says OFFSET_OUT_OF_RANGE), only a high watermark below the offset asked for:
the bridge must read that as the reset it is, not serve the old state as live
and, once the new log grows past the old offsets, fold it onto the old state.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from confluent_kafka import Producer

from bridge.contract.envelope import KAFKA_HEADERS, encode_event
from bridge.contract.topics import Topics
from bridge.demo.broker import DemoBroker, locate_tansu
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, write_config

pytestmark = [pytest.mark.slow]

TOPICS = Topics(orders="demo.orders", tickets="demo.tickets", agents="demo.agents")
PARTITIONS = 3
OLD_PER_PARTITION = 3  # every partition of the old log holds 3 tickets ...
NEW_PER_PARTITION = 1  # ... and of the new one 1: every end is below its cached offset


def _open_tickets(broker: DemoBroker, stem: str, per_partition: int) -> list[str]:
    """Open tickets, as many in each partition of both topics (an order beside each)."""
    producer = Producer({"bootstrap.servers": broker.bootstrap_servers})
    opened = []
    for partition in range(PARTITIONS):
        for n in range(per_partition):
            ticket_id = f"{stem}-{partition}-{n}"
            for topic, event in (
                (TOPICS.tickets, samples.ticket_opened(ticket_id, event_id=f"open-{ticket_id}")),
                (TOPICS.orders, samples.order_placed(f"o-{ticket_id}", event_id=f"o-{ticket_id}")),
            ):
                producer.produce(
                    topic,
                    key=str(event["subject"]).encode(),
                    value=encode_event(event),
                    partition=partition,
                    headers=KAFKA_HEADERS,
                )
            opened.append(ticket_id)
    assert producer.flush(30) == 0
    return opened


def _bridge(data_dir: Path, broker: DemoBroker) -> BridgeProcess:
    config = write_config(
        data_dir.parent / f"config-{broker.port}.toml",
        bootstrap_servers=broker.bootstrap_servers,
        topics=TOPICS,
    )
    return BridgeProcess(data_dir=data_dir, config=config, agent_id="demo", agent_name="Demo")


def test_a_new_demo_broker_under_a_kept_data_dir_replaces_the_old_state(tmp_path: Path) -> None:
    data_dir = tmp_path / "bridge"
    with DemoBroker(locate_tansu()) as first:
        first.create_topics(TOPICS)
        old = _open_tickets(first, "old", OLD_PER_PARTITION)
        bridge = _bridge(data_dir, first)
        bridge.start()
        try:
            bridge.wait_until(lambda m: sorted(m.tickets) == sorted(old))
        finally:
            bridge.stop()  # the cache holds the old log's state and offsets

    with DemoBroker(locate_tansu()) as second:
        second.create_topics(TOPICS)
        new = _open_tickets(second, "new", NEW_PER_PARTITION)
        bridge = _bridge(data_dir, second)
        bridge.start()
        try:
            warning = bridge.log_line(bridge.wait_for_log("the log was reset", timeout_s=30))
            assert "ends at offset" in warning
            mirror = bridge.wait_until(lambda m: sorted(m.tickets) == sorted(new))
        finally:
            bridge.stop()
    assert not set(old) & set(mirror.tickets)
    assert sorted(mirror.orders) == sorted(f"o-{ticket_id}" for ticket_id in new)
