"""Bridge catch-up rate from an empty data dir, next to plain consumers, over real Kafka.

ATP_BENCH_CATCHUP_RECORDS (300,000) records (per ticket an ``opened``, 4 messages
and a claim; per order ``placed``, ``paid``, ``dispatched``: the workload of
``bench_cache``) are produced once to three-partition topics. Then, one after
the other in this process, each reads all of them from the beginning:

- ``plain``: a confluent-kafka consumer that only counts the records;
- ``msgspec``: the same, decoding every value with ``msgspec.json.decode``;
- ``bridge``: the bridge's own ``BridgeService`` (reader thread, bounded queue,
  validation and fold, local server, cache saves) with an empty data dir and no
  console, from ``start()`` until its state reflects every record; also
  reported: the seconds its Qt thread (the fold) was on a CPU and was runnable
  but waiting for one, and the reader thread's CPU seconds (on a shared machine
  a slow run that was starved shows apart from one that did more work);
- ``bridge_with_console``: the same catch-up with a raw protocol client (a
  ``BlockingBridgeClient`` in a child process, as a console is a process of its
  own) connected from the start and reading everything the bridge sends; also
  reported: the batches and changes it read, and whether it fell back to a
  snapshot (its backlog went over the per-client bound, docs/PROTOCOL.md);
- ``fold_only``: ``fold_record`` over the same records in memory (no Kafka);
- ``fold_after_loading_half_with_gc_freeze``: the second half folded onto a state
  holding the first half (as after loading a cache), with and without the
  ``gc.freeze()`` the bridge does after loading its cache.

Each rate is records per second; the bridge's share of the msgspec consumer is
reported too (the goal is >= 0.6, or >= 100k records/s). ATP_BENCH_REPEATS
(1) runs of each, medians when more than one; the load average is reported.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing.synchronize
import os
import statistics
import tempfile
import threading
import time
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import msgspec
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from bridge.blocking_client import BlockingBridgeClient, BridgeNotRunningError
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.paths import DataLayout
from bridge.wire.entities import Order, Ticket
from bridge.wire.protocol import (
    BridgeMessage,
    Change,
    DeltaBatch,
    SnapshotBegin,
    SnapshotPage,
    StateSnapshot,
)
from tests.helpers.service import in_process_service
from tests.kafka_harness import KafkaBroker
from tests.perf import stack
from tests.perf.bench_cache import TOPICS as LOG_TOPICS
from tests.perf.bench_cache import Log

PARTITIONS = 3


def _records(count: int) -> list[RawRecord]:
    return list(itertools.islice(Log().workload(count, count), count))


def _produce(broker: KafkaBroker, topics: Topics, records: list[RawRecord]) -> None:
    names = {
        LOG_TOPICS.orders: topics.orders,
        LOG_TOPICS.tickets: topics.tickets,
        LOG_TOPICS.agents: topics.agents,
    }
    stack.produce_all(
        broker.bootstrap_servers,
        ((names[r.topic], r.key or b"", r.value or b"") for r in records),
    )


def _consume(broker: KafkaBroker, topics: Topics, expected: int, *, decode: bool) -> float:
    started = time.perf_counter()  # before the consumer exists, as the bridge's clock starts
    consumer = Consumer(
        {
            "bootstrap.servers": broker.bootstrap_servers,
            "group.id": f"bench-catchup-{time.monotonic_ns()}",
            "enable.auto.commit": False,
        }
    )
    consumer.assign(
        [TopicPartition(t, p, OFFSET_BEGINNING) for t in topics.all() for p in range(PARTITIONS)]
    )
    decoder = msgspec.json.Decoder()
    seen = 0
    while seen < expected:
        for message in consumer.consume(500, 1.0):
            value = message.value()
            if message.error() is None and value is not None:
                if decode:
                    decoder.decode(value)
                seen += 1
    elapsed = time.perf_counter() - started
    consumer.close()
    return expected / elapsed


def _sizes(records: list[RawRecord]) -> dict[str, int]:
    """Per entity of the folded log, how many messages and actions (tickets) or timeline
    entries (orders) it holds in the end: a console has it all once it saw each one so big."""
    state = State()
    for record in records:
        fold_record(state, record, LOG_TOPICS)
    sizes = {f"t:{k}": len(t.messages) + len(t.actions) for k, t in state.tickets.items()}
    sizes.update({f"o:{k}": len(o.timeline) for k, o in state.orders.items()})
    return sizes


class _Progress:
    """What a console read so far, and when it held every entity in its final form."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self._sizes = sizes
        self._missing = set(sizes)
        self.seen = {"snapshots": 0, "batches": 0, "changes": 0}
        self.complete_at: float | None = None

    def add(self, message: BridgeMessage | StateSnapshot | None) -> None:
        tickets: list[Ticket] = []
        orders: list[Order] = []
        if isinstance(message, StateSnapshot):  # the first, assembled by connect()
            self.seen["snapshots"] += 1
            tickets, orders = message.tickets, message.orders
        elif isinstance(message, SnapshotBegin):
            self.seen["snapshots"] += 1
        elif isinstance(message, SnapshotPage):
            tickets, orders = message.tickets, message.orders
        elif isinstance(message, DeltaBatch):
            self.seen["batches"] += 1
            self.seen["changes"] += len(message.changes)
            for change in message.changes:
                self._saw_change(change)
        for ticket in tickets:
            self._saw(f"t:{ticket.ticket_id}", len(ticket.messages) + len(ticket.actions))
        for order in orders:
            self._saw(f"o:{order.order_id}", len(order.timeline))
        if not self._missing and self.complete_at is None:
            self.complete_at = time.monotonic()

    def _saw_change(self, change: Change) -> None:
        """A change's lists may be tails (protocol 4): the console keeps the entries before."""
        ticket, order = change.ticket, change.order
        if ticket is not None:
            held = change.messages_from + len(ticket.messages)
            self._saw(f"t:{ticket.ticket_id}", held + change.actions_from + len(ticket.actions))
        elif order is not None:
            self._saw(f"o:{order.order_id}", change.timeline_from + len(order.timeline))

    def _saw(self, key: str, size: int) -> None:
        if size >= self._sizes.get(key, 0):
            self._missing.discard(key)


def console_reader(
    data_dir: Path,
    sizes: dict[str, int],
    events: tuple[multiprocessing.synchronize.Event, ...],
    results: Queue[dict[str, object]],
) -> None:
    """Child: connect as soon as the bridge serves ``data_dir``; read until it holds the log.

    ``events``: (ready: imported, complete: every entity seen in its final form, stop).
    """
    ready, complete, stop = events
    app = QCoreApplication([])
    ready.set()
    progress = _Progress(sizes)
    client: BlockingBridgeClient | None = None
    while client is None and not stop.is_set():
        candidate = BlockingBridgeClient(data_dir, client="bench-catchup-console")
        try:
            candidate.connect(30.0)
        except BridgeNotRunningError:
            candidate.close()
            stop.wait(0.005)  # not serving yet (no endpoint): try again
        else:
            client = candidate
            progress.add(candidate.snapshot)  # what it holds from the start counts too
    while client is not None and not stop.is_set() and progress.complete_at is None:
        progress.add(client.read(0.2))
    complete.set()
    if client is not None:
        client.close()
    results.put({**progress.seen, "complete_at": progress.complete_at})
    del app


def _bridge(
    broker: KafkaBroker,
    topics: Topics,
    expected: int,
    *,
    console_sizes: dict[str, int] | None = None,
) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="atp-bench-catchup-") as tmp:
        layout = DataLayout(Path(tmp) / "data")
        layout.ensure()
        service = in_process_service(
            layout,
            topics=topics,
            kafka_settings={"bootstrap.servers": broker.bootstrap_servers},
            agent="bench",
            agent_name="Bench",
        )

        def folded() -> int:
            offsets = service.state.next_offsets
            sources = (topics.orders, topics.tickets)
            return sum(n for t in sources for n in offsets.get(t, {}).values())

        ctx = stack.context()
        ready, complete, stop, results = ctx.Event(), ctx.Event(), ctx.Event(), ctx.Queue()
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(5)
        folded_at: list[float] = []

        def check() -> None:
            if not folded_at and folded() >= expected:
                folded_at.append(time.monotonic())
                thread_figures()
            if folded_at and (console_sizes is None or complete.is_set()):
                loop.quit()  # with a console: once it holds everything too

        qt_thread = threading.get_native_id()
        threads: dict[str, tuple[float, float]] = {}  # at the start; then what each used

        def thread_figures() -> None:
            reader = service._reader  # its thread id, for its CPU figures
            ids = {"qt": qt_thread, "reader": None if reader is None else reader.native_id}
            for name, native_id in ids.items():
                if native_id is not None:
                    cpu, wait = stack.thread_times(native_id)
                    first = threads.get(name, (0.0, 0.0))
                    threads[name] = (cpu - first[0], wait - first[1])

        timer.timeout.connect(check)
        if console_sizes is not None:
            child = stack.spawn(
                console_reader, layout.root, console_sizes, (ready, complete, stop), results
            )
            ready.wait(60)  # imported, waiting for the bridge's endpoint
        gc.collect()
        threads["qt"] = stack.thread_times(qt_thread)
        started = time.monotonic()
        service.start()
        timer.start()
        loop.exec()
        timer.stop()
        elapsed = folded_at[0] - started
        figures: dict[str, object] = {
            "records_per_s": round(expected / elapsed),
            "seconds": round(elapsed, 2),
            "rss_mib": stack.rss_mib(),
            # Seconds of the catch-up each thread was on a CPU, and runnable but waiting
            # for one (the machine is shared); the Qt thread's rest went to waiting for
            # the interpreter lock or for records.
            "qt_thread_cpu_s": round(threads["qt"][0], 2),
            "qt_thread_waiting_for_a_cpu_s": round(threads["qt"][1], 2),
            "reader_thread_cpu_s": round(threads.get("reader", (0.0, 0.0))[0], 2),
            # Not 0: the log does not hold what was produced, in that order (a console
            # would then wait for entities in a form the bridge never folds).
            "quarantined": service.state.quarantined_count,
        }
        if console_sizes is not None:
            stop.set()
            seen = results.get(timeout=60)
            child.join(30)
            complete_at = seen.pop("complete_at")
            assert isinstance(complete_at, float)
            figures["console"] = {
                **seen,
                "fell_back_to_snapshot": int(seen["snapshots"]) > 1,
                "holds_everything_after_s": round(complete_at - started, 2),
                "records_per_s": round(expected / (complete_at - started)),
            }
        service.stop()
    # What the catch-up froze (the service's reference cycles too) is collectable again:
    # the runs after this one otherwise ran with every earlier run's state held.
    gc.unfreeze()
    return figures


def _fold_only(records: list[RawRecord]) -> float:
    gc.collect()
    state = State()
    started = time.perf_counter()
    for record in records:
        fold_record(state, record, LOG_TOPICS)
    return len(records) / (time.perf_counter() - started)


def _fold_after_load(records: list[RawRecord], *, freeze: bool) -> float:
    """Fold the second half of ``records`` onto a state holding the first half (a loaded cache)."""
    half = len(records) // 2
    state = State()
    for record in records[:half]:
        fold_record(state, record, LOG_TOPICS)
    gc.collect()
    if freeze:
        gc.freeze()
    started = time.perf_counter()
    for record in records[half:]:
        fold_record(state, record, LOG_TOPICS)
    elapsed = time.perf_counter() - started
    gc.unfreeze()
    return (len(records) - half) / elapsed


def run() -> dict[str, object]:
    """Produce once, then time each reader over the same records."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QCoreApplication.instance() or QCoreApplication([])
    count = stack.setting("CATCHUP_RECORDS", 300_000)
    repeats = stack.setting("REPEATS", 1)
    records = _records(count)
    sizes = _sizes(records)
    runs: list[dict[str, Any]] = []
    with stack.kafka_broker() as broker:
        topics = stack.new_topics(broker, PARTITIONS)
        _produce(broker, topics, records)
        load_before = stack.load_average()
        for _ in range(repeats):
            plain = _consume(broker, topics, count, decode=False)
            decoded = _consume(broker, topics, count, decode=True)
            bridge = _bridge(broker, topics, count)
            with_console = _bridge(broker, topics, count, console_sizes=sizes)
            runs.append(
                {
                    "plain_records_per_s": round(plain),
                    "msgspec_records_per_s": round(decoded),
                    "bridge": bridge,
                    "bridge_share_of_msgspec": round(float(bridge["records_per_s"]) / decoded, 2),  # type: ignore[arg-type]
                    "bridge_with_console": with_console,
                    "bridge_with_console_share_of_msgspec": round(
                        float(with_console["records_per_s"]) / decoded,  # type: ignore[arg-type]
                        2,
                    ),
                }
            )
        load_after = stack.load_average()
    fold_only = _fold_only(records)
    after_load = {
        "frozen_records_per_s": round(_fold_after_load(records, freeze=True)),
        "not_frozen_records_per_s": round(_fold_after_load(records, freeze=False)),
    }
    del app

    def median(key: str) -> float | None:
        return stack.median_of(runs, key)

    return {
        "records": count,
        "median": {
            "plain_records_per_s": median("plain_records_per_s"),
            "msgspec_records_per_s": median("msgspec_records_per_s"),
            "bridge_records_per_s": median("bridge.records_per_s"),
            "bridge_qt_thread_cpu_s": median("bridge.qt_thread_cpu_s"),
            "bridge_qt_thread_waiting_for_a_cpu_s": median("bridge.qt_thread_waiting_for_a_cpu_s"),
            "bridge_share_of_msgspec": round(
                statistics.median(float(r["bridge_share_of_msgspec"]) for r in runs), 2
            ),
            "bridge_with_console_records_per_s": median("bridge_with_console.records_per_s"),
            "bridge_with_console_share_of_msgspec": round(
                statistics.median(float(r["bridge_with_console_share_of_msgspec"]) for r in runs),
                2,
            ),
        },
        "console_fell_back_to_snapshot": [
            r["bridge_with_console"]["console"]["fell_back_to_snapshot"] for r in runs
        ],
        "fold_only_records_per_s": round(fold_only),
        "fold_after_loading_half_with_gc_freeze": after_load,
        "runs": runs,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
