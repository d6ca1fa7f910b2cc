"""Who-else-is-on-this-ticket latency over the real broker: produce to indicator, p50 and p99.

Starts the test harness's Kafka broker and real ``atp-bridge run`` processes,
and a real console (``ConsoleWindowSet``, offscreen) on bridge B showing ticket
``t-1``. Two figures:

- ``produce_to_indicator``: a presence record (agent "Carla", alternately viewing
  and writing in ``t-1``) is produced to the agents topic; the time until B's
  ticket header shows it. This is the path every presence travels once a
  bridge publishes it: broker, B's reader and fold, the local socket, the view.
- ``action_to_indicator``: a console on bridge A reports its activity
  (``ReportActivity``); the time until B's header shows it. Adds A's bridge
  and its one-record-a-second limit; samples are spaced 1.2 s so the limit
  never defers one (a change within a second of the previous one waits up to
  the rest of that second).

    python -m tests.perf.bench_presence_latency [--samples 200] [--actions 25]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from confluent_kafka import Producer
from confluent_kafka.cimpl import NewTopic
from PySide6.QtWidgets import QApplication

from bridge.blocking_client import BlockingBridgeClient
from bridge.contract.envelope import KAFKA_HEADERS, encode_event
from bridge.contract.topics import Topics
from bridge.wire.endpoint import Endpoint
from bridge.wire.protocol import ReportActivity
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.workspace.elided_label import ElidedLabel
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, write_config
from tests.kafka_harness.broker import KafkaBroker

TIMEOUT_S = 30.0
VIEWING = "{} is viewing"
WRITING = "{} is writing a reply"


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p99, max and mean of ``values`` (milliseconds), rounded."""
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "samples": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(ordered[-1], 1),
        "mean_ms": round(statistics.fmean(ordered), 1),
    }


def wait(app: QApplication, condition: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> float:
    """Process Qt events until ``condition`` holds; return when it did (monotonic)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        app.processEvents()
        time.sleep(0.0005)  # the bench's own poll: 0.5 ms resolution
    return time.monotonic()


def shows(label: ElidedLabel, text: str) -> Callable[[], bool]:
    """A condition: ``label`` shows ``text``."""
    return lambda: label.full_text() == text


def create_topics(broker: KafkaBroker, topics: Topics) -> None:
    """The three contract topics, three partitions each, agents compacted."""
    compact = {topics.agents: {"cleanup.policy": "compact"}}
    admin = broker.admin()  # kept alive until the topics exist
    futures = admin.create_topics(
        [
            NewTopic(name, num_partitions=3, replication_factor=1, config=compact.get(name, {}))
            for name in topics.all()
        ]
    )
    for future in futures.values():
        future.result(timeout=30)


def produced_latencies(
    app: QApplication, producer: Producer, agents_topic: str, header: ElidedLabel, count: int
) -> list[float]:
    """Produce ``count`` presence records of "Carla"; milliseconds until the header shows each."""
    latencies = []
    for number in range(count):
        composing = "t-1" if number % 2 else None
        event = samples.presence(
            "carla",
            event_id=f"bench-{number}",
            expires_at="2999-01-01T00:00:00.000Z",
            viewing="t-1",
            composing=composing,
        )
        value = encode_event(event)
        started = time.monotonic()
        producer.produce(agents_topic, key=b"carla", value=value, headers=KAFKA_HEADERS)
        producer.poll(0)
        shown = wait(app, shows(header, (WRITING if composing else VIEWING).format("Carla")))
        latencies.append((shown - started) * 1000)
    producer.flush(30)
    return latencies


def action_latencies(
    app: QApplication, ana: BridgeProcess, header: ElidedLabel, count: int
) -> list[float]:
    """Report activity to A's bridge ``count`` times; milliseconds until B's header shows it."""
    latencies = []
    with BlockingBridgeClient(ana.data_dir, client="bench") as console_a:
        console_a.connect()
        for number in range(count):
            composing = "t-1" if number % 2 == 0 else None
            time.sleep(1.2)  # spacing past A's one-record-a-second limit (not a sync)
            started = time.monotonic()
            console_a.send(ReportActivity(viewing="t-1", composing=composing))
            expected = (WRITING if composing else VIEWING).format("Ana Quispe")
            shown = wait(app, shows(header, expected))
            latencies.append((shown - started) * 1000)
    return latencies


def run(samples_count: int = 200, actions: int = 25) -> dict[str, object]:
    """Measure both latencies and return the figures."""
    app = QApplication.instance() or QApplication(["bench"])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="atp-bench-presence-") as tmp, KafkaBroker() as broker:
        root = Path(tmp)
        topics = Topics(orders="b.orders", tickets="b.tickets", agents="b.agents")
        create_topics(broker, topics)
        config = write_config(
            root / "config.toml", bootstrap_servers=broker.bootstrap_servers, topics=topics
        )
        beto = BridgeProcess(root / "beto", config, "beto", "Beto Huamán")
        ana = BridgeProcess(root / "ana", config, "ana", "Ana Quispe")
        beto.start()
        ana.start()
        producer = Producer({"bootstrap.servers": broker.bootstrap_servers, "linger.ms": 0})
        opened = samples.ticket_opened("t-1", event_id="open-1")
        producer.produce(topics.tickets, key=b"t-1", value=encode_event(opened))
        producer.flush(30)
        windows = ConsoleWindowSet(
            BridgeClient(),
            drafts_dir=root / "drafts",
            canned_language="en",
            order_feed_limit=100,
            queues=("deliveries",),
        )
        endpoint = Endpoint.for_data_dir(beto.data_dir)
        windows.client.connect_to(endpoint.server_name, endpoint.read_token)
        try:
            wait(app, lambda: "t-1" in windows.store.tickets and windows.me is not None)
            windows.open_ticket("t-1")
            header = windows.workspace.colleagues_label
            produced = produced_latencies(app, producer, topics.agents, header, samples_count)
            producer.produce(topics.agents, key=b"carla", value=None)  # Carla leaves (tombstone)
            producer.flush(30)
            reported = action_latencies(app, ana, header, actions)
        finally:
            windows.shutdown()
            ana.stop()
            beto.stop()
    return {
        "produce_to_indicator": percentiles(produced),
        "action_to_indicator": percentiles(reported),
    }


def main(argv: list[str] | None = None) -> int:
    """Run standalone and print (or write) the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--actions", type=int, default=25)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    figures = run(args.samples, args.actions)
    text = json.dumps(figures, indent=2)
    if args.out is None:
        print(text)
    else:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
