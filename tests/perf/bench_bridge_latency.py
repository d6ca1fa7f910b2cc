"""Produce -> bridge socket latency at a steady rate, with a raw protocol client, over real Kafka.

The bridge side of the console's latency (``bench_console_stream`` measures up
to the console's models): one harness broker, fresh topics with
ATP_BENCH_BRIDGE_LATENCY_TICKETS (1000) opened tickets, a real ``atp-bridge
run`` process with an empty data dir, and in this process a
``BlockingBridgeClient`` (handshake, snapshot, then DeltaBatches decoded, nothing
else). A child process produces ``message_added`` events at
ATP_BENCH_BRIDGE_LATENCY_RATE (1000) events/s for ATP_BENCH_BRIDGE_LATENCY_SECONDS
(30), each body carrying its produce time (after ATP_BENCH_WARM_UP_SECONDS, 2, of
unstamped ones: ``stack.paced_message_producer``); per event the time from produce to
"its DeltaBatch was read off the socket" is recorded. In the same run a plain
confluent-kafka consumer (another child) records produce -> poll for the same
records; per record, the bridge's latency less the plain consumer's is what the
bridge added (reader -> fold -> server -> socket), without what the broker and
the producer add to both (``bridge_added_latency``). Also reported: batches
received, changes per batch, the bridge's RSS and the load average.
ATP_BENCH_REPEATS (1) runs, medians when more than one.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from bridge.blocking_client import BlockingBridgeClient
from bridge.wire.protocol import DeltaBatch
from tests.helpers.bridge_process import BridgeProcess
from tests.kafka_harness import KafkaBroker
from tests.perf import stack
from tests.perf.bench_console_stream import PARTITIONS

if TYPE_CHECKING:
    from collections.abc import Callable


class SocketProbe:
    """Reads the bridge's messages; per stamped message, produce -> read off the socket."""

    def __init__(self, client: BlockingBridgeClient) -> None:
        self._client = client
        self._seen: set[str] = set()
        self.latencies_ms: list[float] = []
        self.by_stamp: dict[int, float] = {}
        self.batches = 0
        self.changes = 0

    def read_until(self, done: Callable[[], bool], timeout_s: float) -> None:
        """Read until ``done()`` holds or ``timeout_s`` passed."""
        deadline = time.monotonic() + timeout_s
        while not done() and (left := deadline - time.monotonic()) > 0:
            message = self._client.read(min(left, 1.0))
            now = time.time_ns()
            if isinstance(message, DeltaBatch):
                self._on_batch(message, now)

    def _on_batch(self, batch: DeltaBatch, now: int) -> None:
        self.batches += 1
        self.changes += len(batch.changes)
        for change in batch.changes:
            if change.ticket is None:
                continue
            for message in reversed(change.ticket.messages):
                if message.event_id in self._seen:
                    break
                self._seen.add(message.event_id)
                if message.body.startswith(stack.STAMP_PREFIX):
                    stamp = int(message.body[len(stack.STAMP_PREFIX) :])
                    self.latencies_ms.append((now - stamp) / 1e6)
                    self.by_stamp[stamp] = (now - stamp) / 1e6


def scenario(broker: KafkaBroker, rate: int, seconds: int, tickets: int) -> dict[str, object]:
    """One run: a fresh bridge, a raw client, ``rate`` events/s for ``seconds``."""
    with stack.streaming_bridge(
        broker,
        partitions=PARTITIONS,
        tickets=tickets,
        rate=rate,
        seconds=seconds,
        prefix="atp-bench-bridge-latency-",
    ) as running:
        running.bridge.wait_until(lambda m: len(m.tickets) >= tickets, 60.0)
        with BlockingBridgeClient(running.bridge.data_dir, client="bench-raw") as client:
            client.connect(30.0)
            return _measure(running.bridge, client, running.plan)


def _measure(
    bridge: BridgeProcess, client: BlockingBridgeClient, plan: stack.StreamPlan
) -> dict[str, object]:
    probe = SocketProbe(client)
    stream = stack.start_stream(plan)
    probe.read_until(stream.warmed.is_set, plan.warm_up_seconds + 60.0)  # reading the warm-up too
    probe.batches = probe.changes = 0
    load_before = stack.load_average()
    started = time.monotonic()
    probe.read_until(lambda: len(probe.latencies_ms) >= plan.total, plan.seconds + 60.0)
    wall = time.monotonic() - started
    load_after = stack.load_average()
    produced, plain_by_stamp = stream.results()
    rss_bridge = stack.rss_mib(bridge.process.pid if bridge.process else None)
    return {
        "events_per_s": plan.rate,
        "seconds": plan.seconds,
        "warm_up_s": plan.warm_up_seconds,
        "produced": produced,
        "received": len(probe.latencies_ms),
        "batches": probe.batches,
        "changes_per_batch": round(probe.changes / max(probe.batches, 1), 1),
        "wall_s": round(wall, 1),
        "bridge_socket_latency": stack.percentiles(probe.latencies_ms),
        "plain_consumer_latency": stack.percentiles(list(plain_by_stamp.values())),
        "bridge_added_latency": stack.percentiles(
            [
                latency - plain_by_stamp[stamp]
                for stamp, latency in probe.by_stamp.items()
                if stamp in plain_by_stamp
            ]
        ),
        "rss_mib_bridge": rss_bridge,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


def run() -> dict[str, object]:
    """The steady-rate scenario, repeated ATP_BENCH_REPEATS times."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QCoreApplication.instance() or QCoreApplication([])
    repeats = stack.setting("REPEATS", 1)
    options = {
        "rate": stack.setting("BRIDGE_LATENCY_RATE", 1000),
        "seconds": stack.setting("BRIDGE_LATENCY_SECONDS", 30),
        "tickets": stack.setting("BRIDGE_LATENCY_TICKETS", 1000),
    }
    with stack.kafka_broker() as broker:
        runs = [scenario(broker, **options) for _ in range(repeats)]
    del app
    if repeats == 1:
        return runs[0]
    keys = (
        "bridge_socket_latency.p50_ms",
        "bridge_socket_latency.p99_ms",
        "bridge_added_latency.p50_ms",
        "bridge_added_latency.p99_ms",
        "plain_consumer_latency.p50_ms",
        "plain_consumer_latency.p99_ms",
    )
    return {"median": {k: stack.median_of(runs, k) for k in keys}, "runs": runs}
