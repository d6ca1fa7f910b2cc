"""Shared parts of the benchmarks that run over the real Kafka harness broker.

The broker, unique contract topics, a paced producer and a plain consumer run
in processes of their own (``multiprocessing`` with spawn), so the process that
is measured (a console, or a bridge) shares its interpreter with nothing else.
Sizes come from environment variables (``setting``) so that a quick run is
possible: e.g. ``ATP_BENCH_LATENCY_SECONDS=5 make bench``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.synchronize
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from confluent_kafka import OFFSET_END, Consumer, Producer, TopicPartition
from confluent_kafka.cimpl import NewTopic

from bridge.contract.envelope import KAFKA_HEADERS, encode_event
from bridge.contract.topics import Topics
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, write_config
from tests.kafka_harness import KafkaBroker

STAMP_PREFIX = "bench:"  # message bodies "bench:<time_ns of produce>"
WARM_UP_SECONDS = 2
"""Default seconds of unstamped events before a stream's stamped ones (``StreamPlan``)."""


def setting(name: str, default: int) -> int:
    """An integer size from ``ATP_BENCH_<NAME>`` (or ``default``)."""
    return int(os.environ.get(f"ATP_BENCH_{name}", default))


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (the machine is shared: report them)."""
    return [round(x, 2) for x in os.getloadavg()]


def rss_mib(pid: int | None = None) -> float:
    """Resident set size of ``pid`` (this process by default), MiB (Linux; 0 elsewhere)."""
    status = Path(f"/proc/{pid or 'self'}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def thread_times(native_id: int) -> tuple[float, float]:
    """(seconds on a CPU, seconds runnable but waiting for one) of a thread of this process.

    From ``/proc/self/task/<id>/schedstat`` (Linux; zeros elsewhere or once it ended):
    a slow run whose thread waited for a CPU was starved by other processes, one
    whose thread was on a CPU did more work.
    """
    stat = Path(f"/proc/self/task/{native_id}/schedstat")
    try:
        on_cpu, waiting = stat.read_text().split()[:2]
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def percentiles(values: Sequence[float]) -> dict[str, float | int]:
    """Count, p50, p90, p99 and max of ``values`` (milliseconds, rounded)."""
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {
        "count": len(ordered),
        "p50_ms": at(0.50),
        "p90_ms": at(0.90),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 1),
    }


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    """The median of ``key`` over repeated runs (dotted key into nested dicts)."""
    values = []
    for run in runs:
        value: Any = run
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, int | float):
            values.append(float(value))
    return round(statistics.median(values), 1) if values else None


@contextlib.contextmanager
def kafka_broker() -> Iterator[KafkaBroker]:
    """The harness broker, started for the benchmark and stopped after it."""
    broker = KafkaBroker()
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def new_topics(broker: KafkaBroker, partitions: int = 3) -> Topics:
    """Three contract topics with unique names (agents compacted)."""
    stem = f"bench.{uuid.uuid4().hex[:8]}"
    topics = Topics(orders=f"{stem}.orders", tickets=f"{stem}.tickets", agents=f"{stem}.agents")
    admin = broker.admin()
    futures = admin.create_topics(
        [
            NewTopic(topics.orders, num_partitions=partitions, replication_factor=1),
            NewTopic(topics.tickets, num_partitions=partitions, replication_factor=1),
            NewTopic(
                topics.agents,
                num_partitions=partitions,
                replication_factor=1,
                config={"cleanup.policy": "compact"},
            ),
        ]
    )
    for future in futures.values():
        future.result(timeout=30)
    return topics


def produce_all(bootstrap: str, records: Iterator[tuple[str, bytes, bytes]]) -> int:
    """Produce ``(topic, key, value)`` records as fast as the producer takes them.

    Idempotent, so each partition holds its records in the order given even when
    a request is retried (a fresh topic's first requests may be): the benchmarks
    compare what a reader folds with a fold of the records in that order.
    """
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "linger.ms": 20,
            "compression.type": "none",
            "enable.idempotence": True,
        }
    )
    failed: list[str] = []

    def delivered(error: object, _message: object) -> None:
        if error is not None:
            failed.append(str(error))

    count = 0
    for topic, key, value in records:
        while True:
            try:
                producer.produce(
                    topic, key=key, value=value, headers=KAFKA_HEADERS, on_delivery=delivered
                )
                break
            except BufferError:
                producer.poll(0.05)
        count += 1
        if count % 1000 == 0:
            producer.poll(0)
    if producer.flush(60) != 0 or failed:
        raise RuntimeError(f"the producer could not deliver every record: {failed[:3]}")
    return count


# ------------------------------------------------------------------ child processes
def spawn(target: Callable[..., None], *args: object) -> Any:
    """Start ``target(*args)`` in a fresh interpreter (spawn: nothing inherited)."""
    process = multiprocessing.get_context("spawn").Process(target=target, args=args, daemon=True)
    process.start()
    return process


def context() -> Any:
    """The spawn context (for its Queue and Event)."""
    return multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class StreamPlan:
    """A stream of stamped ``message_added`` events: where, over which tickets, how fast."""

    bootstrap: str
    topic: str
    partitions: int
    ticket_ids: tuple[str, ...]
    rate: int
    seconds: int
    warm_up_seconds: int = 0
    """Seconds of unstamped events at ``rate`` before the stamped ones (see
    ``paced_message_producer``)."""

    @property
    def total(self) -> int:
        """How many events the stream holds."""
        return self.rate * self.seconds


def paced_message_producer(
    plan: StreamPlan,
    start: multiprocessing.synchronize.Event,
    warmed: multiprocessing.synchronize.Event,
    done: Queue[int],
) -> None:
    """Child: ``plan.rate`` message_added events a second, round robin over the tickets.

    Once ``start`` is set: ``plan.warm_up_seconds`` of events whose body is
    ``warm-up``, then ``warmed`` is set and ``plan.total`` events follow whose body
    is ``bench:<time.time_ns() at produce>``: the console and the plain consumer
    compute the latency of the same records from it. The warm-up is what a
    platform that has been running is past: the broker's JIT compiling its
    produce path, the producer's first batches. Without it the records of the
    first half second waited 150-300 ms each, for the plain consumer as for the
    console: the whole p99 of a 60 s run.
    """
    from bridge.contract.envelope import encode_event  # noqa: PLC0415
    from tests.helpers import samples  # noqa: PLC0415  (imported in the child)

    producer = Producer({"bootstrap.servers": plan.bootstrap, "linger.ms": 0, "acks": 1})
    start.wait()
    warm_up = plan.warm_up_seconds * plan.rate
    began = time.monotonic()
    for n in range(warm_up + plan.total):
        due = began + n / plan.rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)  # pacing the load, not synchronising anything
        if n == warm_up:
            warmed.set()
        ticket_id = plan.ticket_ids[n % len(plan.ticket_ids)]
        event = samples.message_added(
            ticket_id,
            event_id=uuid.uuid4().hex,
            author_kind="customer",
            author_id="c-1",
            body=f"{STAMP_PREFIX}{time.time_ns()}" if n >= warm_up else "warm-up",
        )
        producer.produce(plan.topic, key=ticket_id.encode(), value=encode_event(event))
        producer.poll(0)
    producer.flush(30)
    done.put(plan.total)


@dataclass(frozen=True)
class Stream:
    """A paced producer and a plain consumer at work on a ``StreamPlan`` (``start_stream``)."""

    warmed: multiprocessing.synchronize.Event
    """Set when the warm-up is over: the stamped events start."""
    _producer: Any
    _consumer: Any
    _done: Queue[int]
    _plain: Queue[dict[int, float]]

    def results(self) -> tuple[int, dict[int, float]]:
        """Once the stream ended: how many stamped events were produced, and the plain
        consumer's latency (ms) by stamp."""
        produced = self._done.get(timeout=60)
        plain = self._plain.get(timeout=120)
        self._producer.join(30)
        self._consumer.join(30)
        return produced, plain


def start_stream(plan: StreamPlan) -> Stream:
    """Start the plain consumer, then, once it reads, the producer's warm-up and stream."""
    ctx = context()
    ready, start, warmed = ctx.Event(), ctx.Event(), ctx.Event()
    done, plain = ctx.Queue(), ctx.Queue()
    consumer = spawn(plain_consumer_stamps, plan, ready, plain)
    producer = spawn(paced_message_producer, plan, start, warmed, done)
    if not ready.wait(60):
        raise RuntimeError("the plain consumer did not start reading in 60 s")
    start.set()
    return Stream(warmed, producer, consumer, done, plain)


def plain_consumer_stamps(
    plan: StreamPlan, ready: multiprocessing.synchronize.Event, results: Queue[dict[int, float]]
) -> None:
    """Child: a raw confluent-kafka consumer's produce -> poll latency, ms per stamp."""
    import msgspec  # noqa: PLC0415

    consumer = Consumer(
        {
            "bootstrap.servers": plan.bootstrap,
            "group.id": f"bench-plain-{uuid.uuid4().hex[:6]}",
            "enable.auto.commit": False,
        }
    )
    consumer.assign([TopicPartition(plan.topic, p, OFFSET_END) for p in range(plan.partitions)])
    consumer.consume(1, 1.0)  # the assignment is in effect from here
    ready.set()
    latencies: dict[int, float] = {}
    deadline = time.monotonic() + plan.seconds + 60.0
    while len(latencies) < plan.total and time.monotonic() < deadline:
        messages = consumer.consume(1, 0.5)
        if messages:
            messages += consumer.consume(499, 0)
        now = time.time_ns()
        for message in messages:
            value = message.value()
            if message.error() is not None or value is None:
                continue
            body = msgspec.json.decode(value)["data"]["body"]
            if body.startswith(STAMP_PREFIX):
                stamp = int(body[len(STAMP_PREFIX) :])
                latencies[stamp] = (now - stamp) / 1e6
    consumer.close()
    results.put(latencies)


def open_tickets(broker: KafkaBroker, topics: Topics, count: int) -> list[str]:
    """Produce ``count`` ``opened`` events (``T-000000``...) and return the ticket ids."""
    ticket_ids = [f"T-{n:06d}" for n in range(count)]
    produce_all(
        broker.bootstrap_servers,
        (
            (
                topics.tickets,
                tid.encode(),
                encode_event(samples.ticket_opened(tid, event_id=uuid.uuid4().hex)),
            )
            for tid in ticket_ids
        ),
    )
    return ticket_ids


@dataclass(frozen=True)
class StreamingBridge:
    """A running ``atp-bridge`` over fresh topics holding open tickets, and the stream plan."""

    bridge: BridgeProcess
    plan: StreamPlan
    root: Path
    tickets: int


@contextlib.contextmanager
def streaming_bridge(
    broker: KafkaBroker, *, partitions: int, tickets: int, rate: int, seconds: int, prefix: str
) -> Iterator[StreamingBridge]:
    """Fresh topics with ``tickets`` open tickets, a bridge process on them, and the plan
    of a stream of ``rate`` messages/s for ``seconds`` onto those tickets; the bridge is
    stopped and its temporary folder removed afterwards."""
    topics = new_topics(broker, partitions)
    ticket_ids = open_tickets(broker, topics, tickets)
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        root = Path(tmp)
        config = write_config(
            root / "config.toml", bootstrap_servers=broker.bootstrap_servers, topics=topics
        )
        bridge = BridgeProcess(
            data_dir=root / "bridge", config=config, agent_id="bench", agent_name="Bench"
        )
        bridge.start()
        plan = StreamPlan(
            bootstrap=broker.bootstrap_servers,
            topic=topics.tickets,
            partitions=partitions,
            ticket_ids=tuple(ticket_ids),
            rate=rate,
            seconds=seconds,
            warm_up_seconds=setting("WARM_UP_SECONDS", WARM_UP_SECONDS),
        )
        try:
            yield StreamingBridge(bridge, plan, root, tickets)
        finally:
            bridge.stop()
