"""The RSS of a real bridge process holding 100k open tickets and 100k orders.

ATP_BENCH_BRIDGE_MEMORY_SIZE (100,000) pairs of ``bench_history``'s active set
(an open ticket with a customer message and a reply, a paid order, each pair
of its own customer: 500,000 records) are produced to the harness broker. A
bridge process (``python -m bridge run``, empty data dir, no console) folds
them; its RSS (``/proc``) is reported once its reader has caught up, once its
fold has (the reader is ahead by the queued batches; the bridge then returns
free heap memory, ``bridge.heap``; the seconds from its start to then are
its cold start from the log), as the peak over the following
ATP_BENCH_BRIDGE_MEMORY_WATCH_S (20) seconds (its first cache save writes
everything) and at their end (settled), and again after a restart that resumes
from the cache (the usual start), with the seconds from that start until its
fold is current (``seconds_to_resume_from_cache``: the cache loaded and the
log's tail folded, so the snapshot a console gets is complete). Nothing is
asserted.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bridge.contract.topics import Topics
from tests.helpers.bridge_process import BridgeProcess, write_config
from tests.perf import stack
from tests.perf.bench_history import TOPICS, Records

CAUGHT_UP = "caught up with the log as it was at start-up"  # the reader
FOLDED = "folded the log as it was at start-up"  # the fold, after the reader


def _records(size: int, topics: Topics) -> Iterator[tuple[str, bytes, bytes]]:
    names = {TOPICS.tickets: topics.tickets, TOPICS.orders: topics.orders}
    records = Records()
    for n in range(size):
        for record in records.active_pair(n):
            assert record.key is not None
            assert record.value is not None
            yield names[record.topic], record.key, record.value


def _watch(pid: int, seconds: float) -> tuple[float, float]:
    """The peak RSS over ``seconds``, and the RSS at their end."""
    peak, last, deadline = 0.0, 0.0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        last = stack.rss_mib(pid)
        peak = max(peak, last)
        time.sleep(0.2)  # sampling, not synchronisation
    return peak, last


def run() -> dict[str, object]:
    """Produce the active set, fold it in a bridge process, read its RSS."""
    size = stack.setting("BRIDGE_MEMORY_SIZE", 100_000)
    watch_s = float(stack.setting("BRIDGE_MEMORY_WATCH_S", 20))
    load_before = stack.load_average()
    with stack.kafka_broker() as broker, tempfile.TemporaryDirectory() as tmp:
        topics = stack.new_topics(broker)
        produced = stack.produce_all(broker.bootstrap_servers, _records(size, topics))
        config = write_config(
            Path(tmp) / "config.toml", bootstrap_servers=broker.bootstrap_servers, topics=topics
        )
        bridge = BridgeProcess(
            data_dir=Path(tmp) / "bridge", config=config, agent_id="bench", agent_name="Bench"
        )
        started = time.monotonic()
        bridge.start()
        try:
            mark = bridge.wait_for_log(CAUGHT_UP, timeout_s=1800)
            assert bridge.process is not None
            pid = bridge.process.pid
            caught_up = stack.rss_mib(pid)
            mark = bridge.wait_for_log(FOLDED, after=mark, timeout_s=600)
            fold_s = time.monotonic() - started
            folded = stack.rss_mib(pid)
            watched, settled = _watch(pid, watch_s)
            peak = max(caught_up, folded, watched)
            bridge.stop()
            restarted = time.monotonic()
            bridge.start()
            bridge.wait_for_log(FOLDED, after=mark + 1, timeout_s=600)
            resume_s = time.monotonic() - restarted
            assert bridge.process is not None
            resumed = stack.rss_mib(bridge.process.pid)
            watched, resumed_settled = _watch(bridge.process.pid, watch_s)
            resumed_peak = max(resumed, watched)
        finally:
            bridge.stop()
    return {
        "tickets": size,
        "orders": size,
        "records": produced,
        "seconds_to_catch_up": round(fold_s, 1),
        "rss_caught_up_mib": caught_up,
        "rss_folded_mib": folded,
        "rss_peak_after_mib": peak,
        "rss_settled_mib": settled,
        "seconds_to_resume_from_cache": round(resume_s, 1),
        "rss_resumed_from_cache_mib": resumed,
        "rss_resumed_peak_mib": resumed_peak,
        "rss_resumed_settled_mib": resumed_settled,
        "load_average_before": load_before,
        "load_average_after": stack.load_average(),
    }
