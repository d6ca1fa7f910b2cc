"""Producing simulated records: topic creation, reachability check, pacing and delivery.

Records are produced with an idempotent producer (``enable.idempotence``,
``acks=all``), keyed by their entity id, with the contract's ``content-type``
header. In live mode a record is produced when the wall clock reaches its
simulated offset; in burst mode as fast as the producer takes them.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from confluent_kafka import KafkaError, KafkaException, Message, Producer
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from bridge.contract.envelope import KAFKA_HEADERS
from bridge.contract.events import topic_name
from bridge.contract.topics import Topics
from bridge.demo.sim.record import SimRecord

KafkaSettings = Mapping[str, str | int | float | bool]
WAIT_SLICE_S = 0.1  # longest uninterrupted wait: delivery reports and stop requests are served
FLUSH_TIMEOUT_S = 30.0
METADATA_RETRY_S = 0.2
QUIET_LOG_LEVEL = 0  # librdkafka's own log lines would drown the simulator's one-line errors


class SimProducerError(Exception):
    """A problem the simulator reports in one line (unreachable broker, missing topic...)."""


class RecordSink(Protocol):
    """What the run loop needs of a Kafka producer (``confluent_kafka.Producer`` has it)."""

    def produce(
        self,
        topic: str,
        value: bytes,
        key: bytes,
        *,
        headers: list[tuple[str, str | bytes | None]],
        on_delivery: Callable[[KafkaError | None, Message], None],
    ) -> None:
        """Queue one record."""
        ...

    def poll(self, timeout: float) -> int:
        """Serve delivery reports."""
        ...

    def flush(self, timeout: float) -> int:
        """Wait for queued records; return how many are still queued."""
        ...


@dataclasses.dataclass
class RunStats:
    """What a run produced."""

    produced: int = 0
    malformed: int = 0
    delivered: int = 0
    failed: int = 0
    undelivered: int = 0  # still queued when the final flush gave up
    first_error: str | None = None
    fatal_error: str | None = None

    def on_delivery(self, error: KafkaError | None, _message: Message) -> None:
        """Count one delivery report."""
        if error is None:
            self.delivered += 1
        else:
            self.failed += 1
            self.first_error = self.first_error or error.str()


def client_settings(
    bootstrap_servers: str, extra: KafkaSettings
) -> dict[str, str | int | float | bool]:
    """Return settings every client of the simulator shares (servers, security), then ``extra``."""
    return {
        "bootstrap.servers": bootstrap_servers,
        "client.id": "atp-sim",
        "log_level": QUIET_LOG_LEVEL,
        **extra,
    }


def producer_settings(
    bootstrap_servers: str, extra: KafkaSettings
) -> dict[str, str | int | float | bool]:
    """Return the producer's librdkafka settings: idempotent, ``acks=all``, then ``extra``."""
    return {
        **client_settings(bootstrap_servers, {}),
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        **extra,
    }


def open_admin(settings: KafkaSettings) -> AdminClient:
    """Create an admin client (for ``create_topics``)."""
    return AdminClient(dict(settings))


def open_producer(settings: KafkaSettings, stats: RunStats) -> Producer:
    """Create the producer; fatal errors (e.g. of the idempotent producer) land in ``stats``."""

    def on_error(error: KafkaError) -> None:
        if error.fatal():
            stats.fatal_error = stats.fatal_error or error.str()

    return Producer({**settings, "error_cb": on_error})


def check_topics(
    producer: Producer, bootstrap_servers: str, names: Iterable[str], timeout_s: float
) -> None:
    """Fail with a one-line ``SimProducerError`` unless the cluster answers and has ``names``.

    A topic created a moment ago may take a little while to show in the
    metadata, so missing topics are looked for again until ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            metadata = producer.list_topics(timeout=max(deadline - time.monotonic(), 0.1))
        except KafkaException as error:
            raise SimProducerError(
                f"cannot reach Kafka at {bootstrap_servers} within {timeout_s:g} s "
                f"({_describe(error)})"
            ) from None
        missing = sorted(set(names) - set(metadata.topics))
        if not missing or time.monotonic() >= deadline:
            break
        time.sleep(METADATA_RETRY_S)  # waiting for a condition (the topic's metadata), bounded
    if missing:
        raise SimProducerError(
            f"topic(s) {', '.join(missing)} do not exist on {bootstrap_servers}; "
            "create them or pass --create-topics"
        )


def create_topics(
    admin: AdminClient, topics: Topics, partitions: int, timeout_s: float
) -> list[str]:
    """Create the contract's missing topics (the agents topic compacted); return those created."""
    try:
        existing = set(admin.list_topics(timeout=timeout_s).topics)
    except KafkaException as error:
        raise SimProducerError(
            f"cannot reach Kafka to create topics ({_describe(error)})"
        ) from None
    wanted = [
        NewTopic(name, num_partitions=partitions, config=config)
        for name, config in (
            (topics.orders, {}),
            (topics.tickets, {}),
            (topics.agents, {"cleanup.policy": "compact"}),
        )
        if name not in existing
    ]
    if not wanted:
        return []
    created: list[str] = []
    for name, future in admin.create_topics(wanted, request_timeout=timeout_s).items():
        try:
            future.result(timeout=timeout_s)
        except KafkaException as error:
            if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise SimProducerError(f"cannot create topic {name} ({_describe(error)})") from None
        else:
            created.append(name)
    return created


def run(
    records: Iterable[SimRecord],
    sink: RecordSink,
    topics: Topics,
    stats: RunStats,
    stop: threading.Event,
    *,
    paced: bool,
    limit: int | None = None,
    duration_s: float | None = None,
    head_start_s: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
) -> RunStats:
    """Produce ``records`` until ``limit`` records, ``duration_s`` or ``stop``; then flush.

    Paced: a record is produced once ``clock`` is its simulated offset past the
    start; the first ``head_start_s`` simulated seconds (the warm-up, whose
    events lie in the past) are produced at once. Unpaced: as fast as the
    producer's queue allows.
    """
    started = clock() - head_start_s
    try:
        for record in records:
            if (limit is not None and stats.produced >= limit) or (
                duration_s is not None and record.offset_s > duration_s
            ):
                break
            if paced and not _wait_until(started + record.offset_s, sink, stop, clock):
                break
            if stop.is_set() or not _produce(record, sink, topics, stats, stop):
                break
            if stats.fatal_error is not None:
                raise SimProducerError(f"the producer failed: {stats.fatal_error}")
    finally:
        stats.undelivered = sink.flush(FLUSH_TIMEOUT_S)
    return stats


def _wait_until(
    due: float, sink: RecordSink, stop: threading.Event, clock: Callable[[], float]
) -> bool:
    """Wait until ``due``, serving delivery reports; ``False`` if asked to stop."""
    while (remaining := due - clock()) > 0:
        if stop.wait(min(remaining, WAIT_SLICE_S)):
            return False
        sink.poll(0)
    return True


def _produce(
    record: SimRecord, sink: RecordSink, topics: Topics, stats: RunStats, stop: threading.Event
) -> bool:
    """Queue one record, waiting for room in a full queue; ``False`` if asked to stop meanwhile."""
    while True:
        try:
            sink.produce(
                topic_name(record.topic, topics),
                value=record.value,
                key=record.key,
                headers=KAFKA_HEADERS,
                on_delivery=stats.on_delivery,
            )
        except BufferError:
            sink.poll(WAIT_SLICE_S)  # the local queue is full: let deliveries drain it
            if stop.is_set():
                return False
            continue
        stats.produced += 1
        stats.malformed += record.breakage is not None
        sink.poll(0)
        return True


def _describe(error: KafkaException) -> str:
    reason = error.args[0] if error.args else error
    return reason.str() if isinstance(reason, KafkaError) else str(reason)
