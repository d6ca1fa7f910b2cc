"""``atp-bridge materialize`` as a process: it publishes, stops cleanly, and is one per topic."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from confluent_kafka import Producer

from bridge.contract.envelope import encode_event
from bridge.contract.topics import Topics
from bridge.statetopic.loader import load_snapshot_topic
from bridge.wire.exit_codes import MaterializeExit
from tests.conftest import KafkaEnv
from tests.helpers import samples
from tests.helpers.processes import die_with_parent

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

DEADLINE_S = 60.0


def _config(path: Path, servers: str, topics: Topics) -> Path:
    path.write_text(
        "schema_version = 1\n"
        f'[kafka]\nbootstrap_servers = "{servers}"\n'
        f'[topics]\norders = "{topics.orders}"\ntickets = "{topics.tickets}"\n'
        f'agents = "{topics.agents}"\nsnapshot = "{topics.snapshot}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def topics(new_topic: Callable[..., str]) -> Topics:
    return Topics(
        orders=new_topic("orders"),
        tickets=new_topic("tickets", 2),
        agents=new_topic("agents", **{"cleanup.policy": "compact"}),
        snapshot=new_topic("state", 1, **{"cleanup.policy": "compact"}),
    )


@dataclass
class MaterializerProcess:
    """One ``atp-bridge materialize`` process; its stderr goes to a file."""

    process: subprocess.Popen[bytes]
    stderr: Path

    def exit_code(self) -> int:
        try:
            return self.process.wait(DEADLINE_S)
        except subprocess.TimeoutExpired:
            pytest.fail("the materializer did not exit")

    def output(self) -> str:
        return self.stderr.read_text(encoding="utf-8")


@pytest.fixture
def start_materializer(
    kafka: KafkaEnv, topics: Topics, tmp_path: Path
) -> Iterator[Callable[[str], MaterializerProcess]]:
    config = _config(tmp_path / "config.toml", kafka.bootstrap_servers, topics)
    started: list[MaterializerProcess] = []

    def start(name: str) -> MaterializerProcess:
        stderr = tmp_path / f"{name}.stderr"
        with stderr.open("wb") as sink:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bridge",
                    "materialize",
                    "--config",
                    str(config),
                    "--data-dir",
                    str(tmp_path / name),
                    "--interval-s",
                    "0.2",
                ],
                stdout=subprocess.DEVNULL,
                stderr=sink,
                preexec_fn=die_with_parent(),  # noqa: PLW1509 (prctl only, no locks taken)
            )
        started.append(MaterializerProcess(process, stderr))
        return started[-1]

    yield start
    for materializer in started:
        if materializer.process.poll() is None:
            materializer.process.kill()
        materializer.process.wait(10)


def _produce_tickets(kafka: KafkaEnv, topics: Topics, first: int, count: int) -> None:
    producer = Producer({"bootstrap.servers": kafka.bootstrap_servers})
    for n in range(first, first + count):
        event = samples.ticket_opened(f"t-{n}", event_id=f"open-{n}")
        producer.produce(topics.tickets, key=f"t-{n}".encode(), value=encode_event(event))
    assert producer.flush(10) == 0


def _wait_for_tickets(kafka: KafkaEnv, topics: Topics, count: int) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        loaded = load_snapshot_topic({"bootstrap.servers": kafka.bootstrap_servers}, topics)
        if loaded is not None and len(loaded.state.tickets) == count:
            return
    pytest.fail(f"the snapshot topic never held {count} tickets")


def test_it_publishes_then_stops_cleanly_on_sigterm_with_a_last_publish(
    kafka: KafkaEnv, topics: Topics, start_materializer: Callable[[str], MaterializerProcess]
) -> None:
    _produce_tickets(kafka, topics, 0, 20)
    process = start_materializer("m1")
    _wait_for_tickets(kafka, topics, 20)

    process.process.send_signal(signal.SIGTERM)

    assert process.exit_code() == MaterializeExit.OK
    output = process.output()
    assert "materializer stopped: records_folded 20" in output
    assert "Traceback" not in output


def test_a_second_materializer_fences_the_first(
    kafka: KafkaEnv, topics: Topics, start_materializer: Callable[[str], MaterializerProcess]
) -> None:
    _produce_tickets(kafka, topics, 0, 5)
    first = start_materializer("m1")
    _wait_for_tickets(kafka, topics, 5)
    second = start_materializer("m2")
    _produce_tickets(kafka, topics, 5, 5)
    _wait_for_tickets(kafka, topics, 10)  # published by the second (or the first before it)

    _produce_tickets(kafka, topics, 10, 1)  # the first must try to publish this, and cannot

    assert first.exit_code() == MaterializeExit.PUBLISH
    assert "fenced" in first.output().lower()
    _wait_for_tickets(kafka, topics, 11)
    assert second.process.poll() is None
    second.process.send_signal(signal.SIGTERM)
    assert second.exit_code() == MaterializeExit.OK
