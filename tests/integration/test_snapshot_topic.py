"""The snapshot topic on the real broker: a bridge bootstrapped from it equals a full fold.

A sizable simulated log (agents claiming and racing, presence, malformed
records) is materialized part way; more is produced, including redelivered
events of the first part, claim races on its tickets and a presence
tombstone. A bridge that loads the topic and folds the tail must hold the
state of a bridge that folded the whole log.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from pytestqt.qtbot import QtBot

from bridge.contract.envelope import encode_event
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.demo.sim.scenario import Scenario
from bridge.fold.reducer import fold_record
from bridge.fold.report import contract_snapshot
from bridge.fold.state import State
from bridge.materializer import Materializer, SourceLogResetError
from bridge.paths import DataLayout
from bridge.service import BridgeService
from bridge.statetopic.loader import bootstrap_state, load_snapshot_topic
from bridge.statetopic.publisher import TopicSettingsError
from tests.conftest import KafkaEnv
from tests.helpers import samples
from tests.helpers.service import in_process_service
from tests.helpers.topics import recreate_topic

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.slow,
    # librdkafka, while the broker loads its transaction coordinator (first use): it retries.
    pytest.mark.allow_log(
        "bridge.statetopic.publisher", match="Failed to acquire transactional PID.*retrying"
    ),
]

START = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)
NOW = START + dt.timedelta(hours=3)
HEAD = 4000  # records materialized before the tail
TAIL = 1500
WAIT_MS = 60_000
JOIN_S = 30.0


@dataclass
class Log:
    """The test's source topics and a producer that keeps count of what it wrote."""

    topics: Topics
    producer: Producer
    kafka: KafkaEnv

    def send(self, topic: str, key: bytes, value: bytes | None) -> None:
        self.producer.produce(topic, key=key, value=value)

    def flush(self) -> None:
        assert self.producer.flush(30) == 0

    def end(self) -> dict[str, dict[int, int]]:
        """The high watermark of every source partition."""
        consumer = Consumer({"bootstrap.servers": self.kafka.bootstrap_servers, "group.id": "end"})
        try:
            ends: dict[str, dict[int, int]] = {}
            for topic in self.topics.all():
                partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
                for number in partitions:
                    _, high = consumer.get_watermark_offsets(
                        TopicPartition(topic, number), timeout=10
                    )
                    if high:
                        ends.setdefault(topic, {})[number] = high
            return ends
        finally:
            consumer.close()


@pytest.fixture
def log(kafka: KafkaEnv, new_topic: Callable[..., str]) -> Iterator[Log]:
    topics = Topics(
        orders=new_topic("orders", 3),
        tickets=new_topic("tickets", 3),
        agents=new_topic("agents", 2, **{"cleanup.policy": "compact"}),
        snapshot=new_topic("state", 1, **{"cleanup.policy": "compact"}),
    )
    producer = Producer({"bootstrap.servers": kafka.bootstrap_servers, "linger.ms": 5})
    yield Log(topics=topics, producer=producer, kafka=kafka)
    producer.flush(10)


def _settings(kafka: KafkaEnv) -> dict[str, str | int | float | bool]:
    return {"bootstrap.servers": kafka.bootstrap_servers}


def _simulated(log: Log) -> Iterator[tuple[str, bytes, bytes]]:
    names = {
        "orders": log.topics.orders,
        "tickets": log.topics.tickets,
        "agents": log.topics.agents,
    }
    scenario = Scenario(7, START, agents=6, malformed_share=0.02, events_per_second=40.0)
    for record in scenario.records():
        yield names[record.topic], record.key, record.value


def _produce_head(
    log: Log, records: Iterator[tuple[str, bytes, bytes]]
) -> list[tuple[str, bytes, bytes]]:
    head = list(itertools.islice(records, HEAD))
    for topic, key, value in head:
        log.send(topic, key, value)
    log.flush()
    return head


def _produce_tail(
    log: Log,
    records: Iterator[tuple[str, bytes, bytes]],
    head: list[tuple[str, bytes, bytes]],
) -> None:
    """More of the simulation, plus what makes a naive bootstrap differ from a full fold."""
    for topic, key, value in itertools.islice(records, TAIL):
        log.send(topic, key, value)
    # Producer retries of the head's events, at new offsets: must be duplicates.
    for topic, key, value in head[::97]:
        log.send(topic, key, value)
    opened = [
        json.loads(value)["subject"]
        for topic, _key, value in head
        if topic == log.topics.tickets and b'"atp.ticket.opened"' in value
    ]
    assert len(opened) >= 10
    for n, ticket_id in enumerate(opened[:10]):  # two agents race to claim the head's tickets
        for agent in ("zoe", "yan"):
            claim = samples.ticket_action(
                "claimed", ticket_id, event_id=f"race-{n}-{agent}", agent_id=agent
            )
            log.send(log.topics.tickets, ticket_id.encode(), encode_event(claim))
    agents = {key for topic, key, _ in head if topic == log.topics.agents}
    log.send(log.topics.agents, min(agents), None)  # an agent's presence deleted
    log.send(log.topics.tickets, b"t-nope", b"{broken")
    log.flush()


class _Running:
    """A materializer on a thread of its own."""

    def __init__(self, materializer: Materializer) -> None:
        self.materializer = materializer
        self.stop = threading.Event()
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self._run, name="materializer-test")
        self.thread.start()

    def _run(self) -> None:
        try:
            self.materializer.run(self.stop)
        except Exception as error:  # noqa: BLE001 (handed to the test, which asserts on it)
            self.error = error

    def wait_published(self, qtbot: QtBot, offsets: dict[str, dict[int, int]]) -> None:
        qtbot.waitUntil(
            lambda: self.error is not None or self.materializer.published == offsets,
            timeout=WAIT_MS,
        )
        assert self.error is None

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(JOIN_S)
        assert not self.thread.is_alive()
        assert self.error is None


def _materialize(log: Log, qtbot: QtBot, until: dict[str, dict[int, int]]) -> Materializer:
    running = _Running(Materializer(_settings(log.kafka), log.topics, publish_interval_s=0.2))
    try:
        running.wait_published(qtbot, until)
    finally:
        running.finish()
    return running.materializer


def _bridge(log: Log, tmp_path: Path, name: str, *, bootstrap: bool) -> BridgeService:
    layout = DataLayout(tmp_path / name)
    layout.ensure()
    settings = _settings(log.kafka)
    return in_process_service(
        layout,
        topics=log.topics,
        kafka_settings=settings,
        agent=name,
        agent_name=name,
        bootstrap=partial(bootstrap_state, settings, log.topics) if bootstrap else None,
    )


def _full_fold(log: Log, ends: dict[str, dict[int, int]]) -> State:
    """Every source record up to ``ends``, folded partition by partition."""
    consumer = Consumer(
        {
            "bootstrap.servers": log.kafka.bootstrap_servers,
            "group.id": f"full-{uuid.uuid4().hex[:6]}",
            "enable.auto.commit": False,
        }
    )
    wanted = sum(n for p in ends.values() for n in p.values())
    per_partition: dict[tuple[str, int], list[RawRecord]] = {}
    consumer.assign([TopicPartition(t, p, 0) for t, ps in ends.items() for p in ps])
    seen = 0
    try:
        while seen < wanted:
            for message in consumer.consume(500, 1.0):
                topic, partition, offset = message.topic(), message.partition(), message.offset()
                assert message.error() is None
                assert topic is not None
                assert partition is not None
                assert offset is not None
                if offset < ends[topic][partition]:
                    per_partition.setdefault((topic, partition), []).append(
                        RawRecord(topic, partition, offset, message.key(), message.value())
                    )
                    seen += 1
    finally:
        consumer.close()
    state = State()
    for position in sorted(per_partition):
        for record in per_partition[position]:
            fold_record(state, record, log.topics)
    return state


def assert_same_state(actual: State, expected: State) -> None:
    """Equal as the contract reports it, entity by entity, and in the fold's bookkeeping.

    The quarantine list is compared as a set: partitions interleave differently
    in two readers, and so does the order in which their bad records were met.
    """
    assert contract_snapshot(actual, NOW) == contract_snapshot(expected, NOW)
    assert actual.tickets == expected.tickets
    assert actual.orders == expected.orders
    assert actual.agents == expected.agents
    assert actual.applied_event_ids == expected.applied_event_ids
    assert actual.next_offsets == expected.next_offsets
    assert (actual.quarantined_count, actual.skipped_unknown_type) == (
        expected.quarantined_count,
        expected.skipped_unknown_type,
    )

    def where(state: State) -> list[tuple[str, int, int, str]]:
        return sorted((q.topic, q.partition, q.offset, q.reason) for q in state.quarantined)

    assert where(actual) == where(expected)


def test_a_bridge_bootstrapped_from_the_topic_and_the_tail_equals_a_full_fold(
    log: Log, qtbot: QtBot, tmp_path: Path
) -> None:
    records = _simulated(log)
    head = _produce_head(log, records)
    materialized = _materialize(log, qtbot, log.end())
    _produce_tail(log, records, head)

    bootstrapped = _bridge(log, tmp_path, "boot", bootstrap=True)
    full = _bridge(log, tmp_path, "full", bootstrap=False)
    bootstrapped.start()
    full.start()
    try:
        # Both also read the presence records the two bridges publish: wait for all of it.
        def both_at_the_end() -> bool:
            end = log.end()
            return bootstrapped.state.next_offsets == end == full.state.next_offsets

        qtbot.waitUntil(both_at_the_end, timeout=WAIT_MS)
        # Where both are, not the log's end read again: a bridge may publish a presence
        # renewal in between, which neither has folded yet.
        at_end = {topic: dict(ends) for topic, ends in full.state.next_offsets.items()}
        total = sum(n for p in at_end.values() for n in p.values())
        assert sum(n for p in materialized.published.values() for n in p.values()) == HEAD
        assert full.records_read == total
        assert bootstrapped.records_read == total - HEAD  # it read the tail only
        assert_same_state(bootstrapped.state, full.state)
        assert_same_state(bootstrapped.state, _full_fold(log, at_end))
        assert bootstrapped.state.quarantined_count > 0  # the log had bad records
        assert any(t.assignee for t in full.state.tickets.values())
    finally:
        bootstrapped.stop()
        full.stop()


def test_a_restarted_materializer_resumes_from_its_own_published_offsets(
    log: Log, qtbot: QtBot
) -> None:
    records = _simulated(log)
    head = _produce_head(log, records)
    first = _materialize(log, qtbot, log.end())
    _produce_tail(log, records, head)
    end = log.end()

    second = _materialize(log, qtbot, end)

    assert second.resumed_from == first.published
    total = sum(n for p in end.values() for n in p.values())
    assert second.records_folded == total - HEAD  # only what came after its last publish
    loaded = load_snapshot_topic(_settings(log.kafka), log.topics)
    assert loaded is not None
    assert_same_state(loaded.state, _full_fold(log, end))


def _open_tickets(log: Log, stem: str, count: int) -> None:
    for n in range(count):
        event = samples.ticket_opened(f"{stem}-{n}", event_id=f"open-{stem}-{n}")
        log.send(log.topics.tickets, f"{stem}-{n}".encode(), encode_event(event))
    log.flush()


@pytest.mark.allow_log("bridge.kafka.reader", "WARNING", match="the log was reset")
def test_a_materializer_stops_on_a_reset_source_log_and_publishes_none_of_it(
    log: Log, qtbot: QtBot
) -> None:
    _open_tickets(log, "old", 9)  # over 3 partitions: one holds 3 or more ...
    published = _materialize(log, qtbot, log.end()).published
    recreate_topic(log.kafka.admin, log.topics.tickets, partitions=3)
    _open_tickets(log, "new", 2)  # ... and now none more than 2: its end is below

    with pytest.raises(SourceLogResetError, match=r"delete and create it again"):
        Materializer(_settings(log.kafka), log.topics, publish_interval_s=0.2).run(
            threading.Event()
        )
    loaded = load_snapshot_topic(_settings(log.kafka), log.topics)
    assert loaded is not None
    assert loaded.state.next_offsets == published  # the old state, none of the new log
    assert sorted(loaded.state.tickets) == [f"old-{n}" for n in range(9)]


def test_the_materializer_refuses_a_snapshot_topic_that_is_not_compacted(
    kafka: KafkaEnv, new_topic: Callable[..., str]
) -> None:
    topics = Topics(
        orders=new_topic("orders"),
        tickets=new_topic("tickets"),
        agents=new_topic("agents"),
        snapshot=new_topic("state", 1, **{"cleanup.policy": "delete"}),
    )
    with pytest.raises(
        TopicSettingsError, match=r"cleanup\.policy=delete; it must be exactly compact"
    ):
        Materializer(_settings(kafka), topics).run(threading.Event())


@pytest.mark.allow_log("bridge.statetopic.loader", level="WARNING", match="holds no state yet")
def test_a_bridge_told_to_bootstrap_from_an_empty_topic_folds_the_log(
    log: Log, qtbot: QtBot, tmp_path: Path
) -> None:
    records = _simulated(log)
    _produce_head(log, records)
    bridge = _bridge(log, tmp_path, "boot", bootstrap=True)
    bridge.start()
    try:
        qtbot.waitUntil(lambda: bridge.state.next_offsets == log.end(), timeout=WAIT_MS)
        assert_same_state(bridge.state, _full_fold(log, log.end()))
    finally:
        bridge.stop()
