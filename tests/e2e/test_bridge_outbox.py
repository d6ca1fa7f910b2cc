"""Nothing an agent does is lost: broker down, bridge killed, everything lands exactly once."""

from __future__ import annotations

import collections
import uuid
from pathlib import Path

import msgspec
import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from bridge.contract.topics import Topics
from bridge.wire.protocol import Action, Claim, Command, Note, Reply
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, Mirror, follow, write_config
from tests.kafka_harness import KafkaBroker

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
ACTIONS = 50


def _count_event_ids(bootstrap_servers: str, topic: str) -> collections.Counter[str]:
    consumer = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": "count"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        counts: collections.Counter[str] = collections.Counter()
        for number in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, number), timeout=10)
            consumer.assign([TopicPartition(topic, number, low)])
            read = low
            while read < high:
                message = consumer.poll(10)
                assert message is not None, "the log could not be read back"
                assert message.error() is None
                value = message.value()
                assert value is not None
                counts[str(msgspec.json.decode(value)["id"])] += 1
                read = (message.offset() or 0) + 1
        return counts
    finally:
        consumer.close()


def _action(i: int) -> Action:
    ticket = f"t-{i:03d}"
    if i % 3 == 0:
        return Claim(ticket_id=ticket)
    if i % 3 == 1:
        return Reply(ticket_id=ticket, body=f"Hola, su pedido {i} ya salió.")
    return Note(ticket_id=ticket, body=f"Cliente llamó {i} veces.")


def test_actions_survive_broker_outage_and_kill_9(tmp_path: Path) -> None:
    broker = KafkaBroker(data_root=tmp_path / "kafka")
    broker.start()
    bridge: BridgeProcess | None = None
    try:
        topics = Topics(orders="o", tickets="t", agents="a")
        admin = AdminClient({"bootstrap.servers": broker.bootstrap_servers})
        created = admin.create_topics([NewTopic(name, num_partitions=3) for name in topics.all()])
        for future in created.values():
            future.result(timeout=30)
        produce = EventProducer(broker.bootstrap_servers, topics)
        for i in range(ACTIONS):
            produce.event(topics.tickets, samples.ticket_opened(f"t-{i:03d}", event_id=f"o{i}"))
        produce.flush()
        config = write_config(
            tmp_path / "config.toml", bootstrap_servers=broker.bootstrap_servers, topics=topics
        )
        bridge = BridgeProcess(tmp_path / "bridge", config, "ana", "Ana Quispe")
        bridge.start()
        bridge.wait_until(lambda m: len(m.tickets) == ACTIONS)

        broker.stop()
        commands = [
            Command(command_id=f"cmd-{i}-{uuid.uuid4()}", action=_action(i)) for i in range(ACTIONS)
        ]
        with bridge.client() as client:
            assert client.snapshot is not None
            mirror = Mirror(client.snapshot)
            follow(client, mirror, lambda m: not m.status.kafka_up, timeout_s=60)
            assert mirror.status.kafka_down_since is not None
            for command in commands:
                client.send(command)
            follow(
                client,
                mirror,
                lambda m: all(c.command_id in m.outcomes for c in commands),
            )
        assert {mirror.outcomes[c.command_id][0].state for c in commands} == {"queued"}
        bridge.kill()  # kill -9 with 50 actions only in the outbox

        broker.start()
        bridge.start()
        with bridge.client() as client:
            assert client.snapshot is not None
            mirror = Mirror(client.snapshot)
            for command in commands:  # what a reconnecting console does: resend, harmlessly
                client.send(command)
            follow(
                client,
                mirror,
                lambda m: all(m.final_outcome(c.command_id) is not None for c in commands),
                timeout_s=90,
            )
            follow(  # the folded actions reach the state, whatever partition they were in
                client,
                mirror,
                lambda m: (
                    m.tickets["t-000"].assignee == "ana"
                    and len(m.tickets["t-001"].messages) == 1
                    and len(m.tickets["t-002"].messages) == 1
                ),
            )
            assert mirror.tickets["t-002"].messages[0].internal
        finals = [mirror.final_outcome(c.command_id) for c in commands]
        assert {o.state for o in finals if o is not None} == {"confirmed"}

        counts = _count_event_ids(broker.bootstrap_servers, topics.tickets)
        assert [counts[c.command_id] for c in commands] == [1] * ACTIONS
    finally:
        if bridge is not None:
            bridge.kill()
        broker.stop()
