"""Bridge catch-up rate from an empty data dir, next to plain consumers, over real Kafka.

ATP_BENCH_CATCHUP_RECORDS (300,000) records (per ticket an ``opened``, 4 messages
and a claim; per order ``placed``, ``paid``, ``dispatched``: the workload of
``bench_cache``) are produced once to three-partition topics. Then, one after
the other in this process, each reads all of them from the beginning:

- ``plain``: a confluent-kafka consumer that only counts the records;
- ``msgspec``: the same, decoding every value with ``msgspec.json.decode``;
- ``bridge``: the bridge's own ``BridgeService`` (reader thread, bounded queue,
  validation and fold, local server, cache saves) with an empty data dir and no
  console, from ``start()`` until its state reflects every record;
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
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.paths import DataLayout
from bridge.service import BridgeService
from bridge.wire.endpoint import Endpoint, new_token
from bridge.wire.protocol import AgentIdentity
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
    started = time.perf_counter()
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


def _bridge(broker: KafkaBroker, topics: Topics, expected: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="atp-bench-catchup-") as tmp:
        layout = DataLayout(Path(tmp) / "data")
        layout.ensure()
        service = BridgeService(
            identity=AgentIdentity(agent_id="bench", name="Bench", role="agent", queues=[]),
            topics=topics,
            kafka_settings={"bootstrap.servers": broker.bootstrap_servers},
            layout=layout,
            endpoint=Endpoint.for_data_dir(layout.root),
            token=new_token(),
        )

        def folded() -> int:
            offsets = service.state.next_offsets
            sources = (topics.orders, topics.tickets)
            return sum(n for t in sources for n in offsets.get(t, {}).values())

        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(5)

        def check() -> None:
            if folded() >= expected:
                loop.quit()

        timer.timeout.connect(check)
        gc.collect()
        started = time.perf_counter()
        service.start()
        timer.start()
        loop.exec()
        elapsed = time.perf_counter() - started
        timer.stop()
        rss = stack.rss_mib()
        service.stop()
    return {
        "records_per_s": round(expected / elapsed),
        "seconds": round(elapsed, 2),
        "rss_mib": rss,
    }


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
    runs: list[dict[str, Any]] = []
    with stack.kafka_broker() as broker:
        topics = stack.new_topics(broker, PARTITIONS)
        _produce(broker, topics, records)
        load_before = stack.load_average()
        for _ in range(repeats):
            plain = _consume(broker, topics, count, decode=False)
            decoded = _consume(broker, topics, count, decode=True)
            bridge = _bridge(broker, topics, count)
            runs.append(
                {
                    "plain_records_per_s": round(plain),
                    "msgspec_records_per_s": round(decoded),
                    "bridge": bridge,
                    "bridge_share_of_msgspec": round(float(bridge["records_per_s"]) / decoded, 2),  # type: ignore[arg-type]
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
            "bridge_share_of_msgspec": round(
                statistics.median(float(r["bridge_share_of_msgspec"]) for r in runs), 2
            ),
        },
        "fold_only_records_per_s": round(fold_only),
        "fold_after_loading_half_with_gc_freeze": after_load,
        "runs": runs,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
