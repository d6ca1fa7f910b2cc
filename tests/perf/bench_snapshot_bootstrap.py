"""Cold start of a bridge with an empty data dir: from the log, and from the snapshot topic.

ATP_BENCH_BOOTSTRAP_RECORDS (150,000) records of the ``bench_cache`` workload
(per ticket an ``opened``, 4 messages and a claim; per order ``placed``,
``paid``, ``dispatched``) are produced to three-partition topics, and the
materializer (``bridge.materializer``, in this process) folds and publishes
them to a compacted snapshot topic; then ATP_BENCH_BOOTSTRAP_TAIL (5,000)
records more are produced. Then, one after the other, a ``BridgeService``
with an empty data dir starts:

- ``from_log``: folds every record from offset 0;
- ``from_snapshot``: loads the snapshot topic, then folds the tail.

Each is timed from ``start()`` until its state reflects every record. Also
reported: the materializer's rate, the snapshot topic's record count, and
the loading alone. Nothing is asserted; ATP_BENCH_REPEATS (1) runs each.
The materializer publishes every 5 s, so its time includes up to one interval
of waiting. The gain grows with the events per entity (9 per ticket + order
pair here; a real history has many more, and closed tickets never change).
"""

from __future__ import annotations

import gc
import itertools
import os
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.cimpl import NewTopic
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from bridge.contract.topics import Topics
from bridge.materializer import Materializer
from bridge.paths import DataLayout
from bridge.statetopic.loader import bootstrap_state, load_snapshot_topic
from tests.helpers.service import in_process_service
from tests.kafka_harness import KafkaBroker
from tests.perf import stack
from tests.perf.bench_cache import TOPICS as LOG_TOPICS
from tests.perf.bench_cache import Log

PARTITIONS = 3
DEADLINE_S = 600.0


def _topics(broker: KafkaBroker) -> Topics:
    sources = stack.new_topics(broker, PARTITIONS)
    topics = Topics(
        orders=sources.orders,
        tickets=sources.tickets,
        agents=sources.agents,
        snapshot=f"{sources.orders}.state",
    )
    admin = broker.admin()  # kept until the future resolves
    created = admin.create_topics(
        [NewTopic(topics.snapshot, 1, 1, config={"cleanup.policy": "compact"})]
    )
    created[topics.snapshot].result(timeout=30)
    return topics


def _produce(broker: KafkaBroker, topics: Topics, log: Log, tickets: range) -> int:
    names = {LOG_TOPICS.orders: topics.orders, LOG_TOPICS.tickets: topics.tickets}

    def records() -> Any:
        for n in tickets:
            for record in itertools.chain(log.order(n), log.ticket(n)):
                yield names[record.topic], record.key or b"", record.value or b""

    return stack.produce_all(broker.bootstrap_servers, records())


def _source_ends(broker: KafkaBroker, topics: Topics) -> dict[str, dict[int, int]]:
    consumer = Consumer({"bootstrap.servers": broker.bootstrap_servers, "group.id": "bench-ends"})
    try:
        return {
            topic: {
                p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in range(PARTITIONS)
            }
            for topic in (topics.orders, topics.tickets)
        }
    finally:
        consumer.close()


def _total(offsets: dict[str, dict[int, int]], topics: Topics) -> int:
    return sum(n for t in (topics.orders, topics.tickets) for n in offsets.get(t, {}).values())


def _materialize(broker: KafkaBroker, topics: Topics, expected: int) -> dict[str, object]:
    materializer = Materializer({"bootstrap.servers": broker.bootstrap_servers}, topics)
    stop = threading.Event()
    failure: list[Exception] = []

    def run() -> None:
        try:
            materializer.run(stop)
        except Exception as error:  # noqa: BLE001 (reported below)
            failure.append(error)

    thread = threading.Thread(target=run)
    started = time.perf_counter()
    thread.start()
    deadline = time.monotonic() + DEADLINE_S
    while _total(materializer.published, topics) < expected and not failure:
        if time.monotonic() > deadline:
            raise RuntimeError("the materializer did not catch up")
        time.sleep(0.05)  # a benchmark's polling interval, not synchronization in a test
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join(60)
    if failure:
        raise failure[0]
    return {"seconds": round(elapsed, 2), "records_per_s": round(expected / elapsed)}


def _cold_start(broker: KafkaBroker, topics: Topics, expected: int, *, bootstrap: bool) -> float:
    settings = {"bootstrap.servers": broker.bootstrap_servers}
    with tempfile.TemporaryDirectory(prefix="atp-bench-bootstrap-") as tmp:
        layout = DataLayout(Path(tmp) / "data")
        layout.ensure()
        service = in_process_service(
            layout,
            topics=topics,
            kafka_settings=settings,
            agent="bench",
            agent_name="Bench",
            bootstrap=partial(bootstrap_state, settings, topics) if bootstrap else None,
        )
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(
            lambda: loop.quit() if _total(service.state.next_offsets, topics) >= expected else None
        )
        gc.collect()
        started = time.perf_counter()
        service.start()
        timer.start()
        loop.exec()
        elapsed = time.perf_counter() - started
        timer.stop()
        service.stop()
    gc.unfreeze()  # each start freezes the heap it loaded; the next one starts clean
    gc.collect()
    return elapsed


def run() -> dict[str, object]:
    """Produce, materialize, produce a tail, then time both cold starts."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QCoreApplication.instance() or QCoreApplication([])
    records = stack.setting("BOOTSTRAP_RECORDS", 150_000)
    tail = stack.setting("BOOTSTRAP_TAIL", 5_000)
    repeats = stack.setting("REPEATS", 1)
    per_pair = 9  # records per ticket + order pair of the workload
    log = Log()
    runs: list[dict[str, Any]] = []
    with stack.kafka_broker() as broker:
        topics = _topics(broker)
        head_pairs = records // per_pair
        head = _produce(broker, topics, log, range(head_pairs))
        materialized = _materialize(broker, topics, head)
        tail_pairs = range(head_pairs, head_pairs + tail // per_pair)
        tail_records = _produce(broker, topics, log, tail_pairs)
        expected = _total(_source_ends(broker, topics), topics)
        load_started = time.perf_counter()
        loaded = load_snapshot_topic({"bootstrap.servers": broker.bootstrap_servers}, topics)
        load_s = time.perf_counter() - load_started
        snapshot_records = 0 if loaded is None else loaded.records
        del loaded
        gc.collect()
        load_before = stack.load_average()
        for _ in range(repeats):
            from_log = _cold_start(broker, topics, expected, bootstrap=False)
            from_snapshot = _cold_start(broker, topics, expected, bootstrap=True)
            runs.append(
                {
                    "from_log_s": round(from_log, 2),
                    "from_snapshot_s": round(from_snapshot, 2),
                    "speedup": round(from_log / from_snapshot, 1),
                }
            )
        load_after = stack.load_average()
    del app
    return {
        "records": expected,
        "materialized_records": head,
        "tail_records": tail_records,
        "tickets": head_pairs + len(tail_pairs),
        "materializer": materialized,
        "snapshot_topic_records": snapshot_records,
        "snapshot_load_only_s": round(load_s, 2),
        "median": {
            "from_log_s": stack.median_of(runs, "from_log_s"),
            "from_snapshot_s": stack.median_of(runs, "from_snapshot_s"),
            "speedup": stack.median_of(runs, "speedup"),
        },
        "runs": runs,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
