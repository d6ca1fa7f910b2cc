"""`atp-sim` against a real Apache Kafka broker: exact counts, headers, key order, clean stops."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from confluent_kafka import Consumer, Message, TopicPartition

# confluent_kafka.admin re-exports these, but its type stubs do not say so.
from confluent_kafka.admin._config import ConfigResource
from confluent_kafka.admin._resource import ResourceType

from bridge.contract.envelope import CONTENT_TYPE
from bridge.demo.sim.cli import main
from bridge.demo.sim.scenario import Scenario
from tests.conftest import KafkaEnv

START = "2024-05-01T13:00:00.000Z"
DEADLINE_S = 30.0


def _topic_options(orders: str, tickets: str, agents: str) -> list[str]:
    return ["--orders-topic", orders, "--tickets-topic", tickets, "--agents-topic", agents]


def _contract_topics(new_topic: Callable[..., str], partitions: int) -> tuple[str, str, str]:
    return (
        new_topic("orders", partitions),
        new_topic("tickets", partitions),
        new_topic("agents", partitions, **{"cleanup.policy": "compact"}),
    )


def _end_offsets(kafka: KafkaEnv, topics: tuple[str, ...]) -> int:
    """Sum of the high watermarks of every partition of ``topics``."""
    consumer = Consumer({"bootstrap.servers": kafka.bootstrap_servers, "group.id": "watermarks"})
    try:
        total = 0
        for topic in topics:
            partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            for partition in partitions:
                _, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
                total += high
        return total
    finally:
        consumer.close()


def _consume_all(kafka: KafkaEnv, topics: tuple[str, ...], expected: int) -> list[Message]:
    """Read every partition of ``topics`` from the beginning until ``expected`` records arrive."""
    consumer = Consumer(
        {
            "bootstrap.servers": kafka.bootstrap_servers,
            "group.id": f"sim-test-{uuid.uuid4().hex[:6]}",
            "enable.auto.commit": False,
        }
    )
    assignment = [
        TopicPartition(topic, partition, 0)
        for topic in topics
        for partition in consumer.list_topics(topic, timeout=10).topics[topic].partitions
    ]
    consumer.assign(assignment)
    messages: list[Message] = []
    deadline = time.monotonic() + DEADLINE_S
    try:
        while len(messages) < expected and time.monotonic() < deadline:
            for message in consumer.consume(500, timeout=0.5):
                assert message.error() is None, message.error()
                messages.append(message)
    finally:
        consumer.close()
    return messages


@pytest.mark.kafka
def test_burst_produces_exactly_the_scenario_with_headers_and_order_per_key(
    kafka: KafkaEnv, new_topic: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    topics = _contract_topics(new_topic, partitions=3)
    count = 800
    status = main(
        [
            "--bootstrap-servers", kafka.bootstrap_servers,
            "--burst", str(count), "--seed", "21", "--start", START,
            "--agents", "2", "--malformed-share", "0.05", *_topic_options(*topics),
        ]
    )  # fmt: skip
    assert status == 0, capsys.readouterr().err
    assert f"produced {count} records" in capsys.readouterr().out

    messages = _consume_all(kafka, topics, count)
    assert len(messages) == count
    assert _end_offsets(kafka, topics) == count  # nothing more than the burst was written
    for message in messages:
        assert message.headers() == [("content-type", CONTENT_TYPE.encode())]

    start = dt.datetime.fromisoformat(START)
    expected = list(itertools.islice(Scenario(21, start, 2, 0.05).records(), count))
    by_key: dict[bytes, list[bytes]] = collections.defaultdict(list)
    for record in expected:
        by_key[record.key].append(record.value)
    received: dict[bytes, list[bytes]] = collections.defaultdict(list)
    for message in sorted(
        messages, key=lambda m: (m.topic() or "", m.partition() or 0, m.offset() or 0)
    ):
        key, value = message.key(), message.value()
        assert key is not None
        assert value is not None
        received[key].append(value)
    assert received == by_key  # the same records, in scenario order for every key


@pytest.mark.kafka
def test_create_topics_makes_the_contract_topics_with_a_compacted_agents_topic(
    kafka: KafkaEnv, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix = uuid.uuid4().hex[:8]
    topics = (f"sim-o-{suffix}", f"sim-t-{suffix}", f"sim-a-{suffix}")
    status = main(
        [
            "--bootstrap-servers", kafka.bootstrap_servers, "--burst", "50", "--agents", "1",
            "--create-topics", "--partitions", "2", *_topic_options(*topics),
        ]
    )  # fmt: skip
    assert status == 0, capsys.readouterr().err
    metadata = kafka.admin.list_topics(timeout=10)
    assert all(len(metadata.topics[name].partitions) == 2 for name in topics)
    resource = ConfigResource(ResourceType.TOPIC, topics[2])
    config = kafka.admin.describe_configs([resource])[resource].result(timeout=10)
    assert config["cleanup.policy"].value == "compact"
    assert _end_offsets(kafka, topics) == 50


@pytest.mark.kafka
def test_a_missing_topic_is_a_one_line_error(
    kafka: KafkaEnv, new_topic: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    orders, tickets = new_topic("orders"), new_topic("tickets")
    missing = f"nope-{uuid.uuid4().hex[:8]}"
    status = main(
        ["--bootstrap-servers", kafka.bootstrap_servers, "--burst", "5", "--connect-timeout", "2",
         *_topic_options(orders, tickets, missing)]
    )  # fmt: skip
    error = capsys.readouterr().err
    assert status == 1
    assert error.splitlines() == [
        (
            f"atp-sim: topic(s) {missing} do not exist on {kafka.bootstrap_servers}; "
            "create them or pass --create-topics"
        )
    ]


@pytest.mark.kafka
def test_a_live_run_lasts_its_duration_and_writes_the_records_due_in_it(
    kafka: KafkaEnv, new_topic: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    topics = _contract_topics(new_topic, partitions=1)
    began = time.monotonic()
    status = main(
        [
            "--bootstrap-servers", kafka.bootstrap_servers, "--rate", "30", "--duration", "2",
            "--seed", "5", "--agents", "1", *_topic_options(*topics),
        ]
    )  # fmt: skip
    elapsed = time.monotonic() - began
    assert status == 0, capsys.readouterr().err
    records = Scenario(5, dt.datetime.now(dt.UTC), 1, events_per_second=30).records()
    due = sum(1 for _ in itertools.takewhile(lambda record: record.offset_s <= 2, records))
    assert due > 0
    assert _end_offsets(kafka, topics) == due
    assert 1.0 <= elapsed < 10.0


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound, never listening."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


def test_an_unreachable_broker_is_a_one_line_error_not_a_traceback(
    closed_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    address = f"127.0.0.1:{closed_port}"
    status = main(["--bootstrap-servers", address, "--burst", "10", "--connect-timeout", "1.5"])
    error = capsys.readouterr().err
    assert status == 1
    lines = error.splitlines()
    assert len(lines) == 1, error
    assert lines[0].startswith(f"atp-sim: cannot reach Kafka at {address} within 1.5 s")


@pytest.mark.kafka
@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_a_live_run_cleanly_and_everything_produced_is_delivered(
    kafka: KafkaEnv, new_topic: Callable[..., str], stop_signal: signal.Signals
) -> None:
    topics = _contract_topics(new_topic, partitions=2)
    process = subprocess.Popen(
        [
            sys.executable, "-m", "bridge.demo.sim", "--bootstrap-servers", kafka.bootstrap_servers,
            "--rate", "40", "--agents", "2", "--seed", "8", *_topic_options(*topics),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + DEADLINE_S
        while _end_offsets(kafka, topics) < 10 and process.poll() is None:
            assert time.monotonic() < deadline, "the simulator produced nothing"
            time.sleep(0.2)  # polling the broker for a condition, with a deadline
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=DEADLINE_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert err == ""
    summary = out.splitlines()[-1]
    produced = int(summary.split("produced ", 1)[1].split(" ", 1)[0])
    assert produced >= 10
    assert f"{produced} delivered" in summary
    assert _end_offsets(kafka, topics) == produced
