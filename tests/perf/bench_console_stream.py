"""Produce -> console model latency, and the console's longest event-loop stall, over real Kafka.

One harness broker; per scenario fresh topics and a real ``atp-bridge run``
process with an empty data dir; in this process the console as the app
composes it (``ConsoleWindowSet``: BridgeClient -> FramePacedFeed -> ViewStore
-> the queue and feed models, the main window shown on the offscreen platform).
A child process produces ``message_added`` events at a fixed rate, each body
carrying its produce time, after ATP_BENCH_WARM_UP_SECONDS (2) of unstamped
ones at that rate (``stack.paced_message_producer``: the figures are those of
a running platform, not of its first half second), which the measurements
leave out; a store listener subscribed after the models
records, per event, the time from produce to "the models applied it". In the
same run a plain confluent-kafka consumer (another child) records produce ->
poll for the same records. A 5 ms QTimer heartbeat records the gaps of the
console's event loop (the longest gap is the longest stall), and the UI
thread's CPU time in each gap: ``longest_stall_cpu_ms`` (in the longest gap)
and ``most_cpu_in_a_gap_ms`` (the most in any gap, the longest the console
itself kept its loop busy) tell work from waiting for a core. Also reported:
the garbage collector's pauses in the console (wall time, and the UI thread's
CPU time in them: a pause much longer than its CPU time is a wait for a core),
the CPU time of the console's UI thread while the events stream (steadier than
wall time on a shared machine), RSS of console and bridge, and the load average (the machine may be
shared).

Scenarios (sizes from the environment, see ``tests.perf.stack.setting``):

- ``latency``: ATP_BENCH_LATENCY_RATE (1000) events/s for ATP_BENCH_LATENCY_SECONDS (60);
- ``stall``: ATP_BENCH_STALL_RATE (5000) events/s for ATP_BENCH_STALL_SECONDS (30), once
  with the console's garbage-collector pacing (gc.freeze after a snapshot and after
  each full collection, ``console.gc_pacing``) and once without (``stall_no_freeze``);

each repeated ATP_BENCH_REPEATS (1) times (medians reported when more than one).
ATP_BENCH_STREAM_SCENARIOS (a comma-separated list, e.g. ``stall``) runs only the
scenarios named (all three by default).
With ATP_BENCH_STALL_TRACE=1 each run also names what the UI thread was doing
in its longest stalls (``tests.perf.stall_trace``; the sampling costs a little).
Nothing is asserted: the figures are reported.
"""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from bridge.wire.endpoint import Endpoint
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.gc_pacing import GcPacing
from console.viewstate.store import StoreUpdate
from tests.helpers.bridge_process import BridgeProcess
from tests.kafka_harness import KafkaBroker
from tests.perf import stack
from tests.perf.stall_trace import StallTracer

PARTITIONS = 3
HEARTBEAT_MS = 5


def _run_loop_until(condition: Any, timeout_s: float) -> bool:
    """Run the Qt event loop until ``condition()`` holds (checked every 20 ms) or time is up."""
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    timer = QTimer()
    timer.setInterval(20)

    def check() -> None:
        if condition() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    if not condition():
        loop.exec()
    timer.stop()
    return bool(condition())


class Heartbeat:
    """A QTimer every few ms; the gaps between its ticks are the event loop's stalls.

    Per gap it also notes the CPU time of this (the UI) thread: a long gap with
    little of it is the thread waiting for a core (the broker, the bridge and
    the producer share the machine), not work the console did.
    """

    def __init__(self, interval_ms: int = HEARTBEAT_MS, tracer: StallTracer | None = None) -> None:
        self.gaps_ms: list[float] = []
        self.gap_cpu_ms: list[float] = []
        """The UI thread's CPU time in each gap of ``gaps_ms``."""
        self._tracer = tracer
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps_ms.append((now - self._last) * 1000)
        self.gap_cpu_ms.append((cpu - self._last_cpu) * 1000)
        self._last, self._last_cpu = now, cpu
        if self._tracer is not None:
            self._tracer.tick()


class GcPauses:
    """The garbage collector's pauses in this process, by generation."""

    def __init__(self) -> None:
        self.pauses_ms: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.cpu_ms: list[float] = []
        """The UI thread's CPU time in each pause (the rest of a pause is waiting for a core)."""
        self._started = 0.0
        self._started_cpu = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started, self._started_cpu = time.perf_counter(), time.thread_time()
        else:
            self.pauses_ms[info["generation"]].append((time.perf_counter() - self._started) * 1000)
            self.cpu_ms.append((time.thread_time() - self._started_cpu) * 1000)

    def figures(self) -> dict[str, object]:
        every = [p for pauses in self.pauses_ms.values() for p in pauses]
        return {
            "collections": {str(g): len(p) for g, p in self.pauses_ms.items()},
            "total_ms": round(sum(every), 1),
            "longest_ms": round(max(every, default=0.0), 1),
            "cpu_total_ms": round(sum(self.cpu_ms), 1),
            "cpu_longest_ms": round(max(self.cpu_ms, default=0.0), 1),
        }


class LatencyProbe:
    """Subscribed to the store after the models: produce -> applied, per stamped message."""

    def __init__(self, window_set: ConsoleWindowSet) -> None:
        self.latencies_ms: list[float] = []
        self._seen: set[str] = set()
        self._store = window_set.store
        self.updates = 0
        window_set.store.subscribe(self._on_update)

    def _on_update(self, update: StoreUpdate) -> None:
        now = time.time_ns()
        self.updates += 1
        tickets = self._store.tickets
        for ticket_id in update.tickets.changed | update.tickets.added:
            ticket = tickets.get(ticket_id)
            if ticket is None:
                continue
            for message in reversed(ticket.messages):
                if message.event_id in self._seen:
                    break
                if message.body.startswith(stack.STAMP_PREFIX):
                    self._seen.add(message.event_id)
                    stamp = int(message.body[len(stack.STAMP_PREFIX) :])
                    self.latencies_ms.append((now - stamp) / 1e6)


def scenario(
    broker: KafkaBroker, rate: int, seconds: int, *, tickets: int, freeze: bool
) -> dict[str, object]:
    """One run: a fresh bridge and console, ``rate`` events/s for ``seconds``."""
    with stack.streaming_bridge(
        broker,
        partitions=PARTITIONS,
        tickets=tickets,
        rate=rate,
        seconds=seconds,
        prefix="atp-bench-stream-",
    ) as running:
        return _measure(running.bridge, running.plan, freeze=freeze, root=running.root)


def _measure(
    bridge: BridgeProcess, plan: stack.StreamPlan, *, freeze: bool, root: Path
) -> dict[str, object]:
    gc.unfreeze()  # what an earlier scenario froze
    client = BridgeClient("bench-console")
    pacing = GcPacing()
    if freeze:
        pacing.install()
    window_set = ConsoleWindowSet(
        client,
        drafts_dir=root / "drafts",
        canned_language="en",
        order_feed_limit=5000,
        queues=["deliveries", "payments", "general"],
        gc_pacing=pacing,
    )
    window_set.feed._freeze = freeze
    window_set.window.resize(1400, 900)
    window_set.window.show()
    endpoint = Endpoint.for_data_dir(bridge.data_dir)
    client.connect_to(endpoint.server_name, endpoint.read_token)
    if not _run_loop_until(lambda: len(window_set.store.tickets) >= len(plan.ticket_ids), 60):
        raise RuntimeError("the console did not get the opened tickets")
    probe = LatencyProbe(window_set)
    tracer = StallTracer() if stack.setting("STALL_TRACE", 0) else None
    heartbeat = Heartbeat(tracer=tracer)
    pauses = GcPauses()
    total = plan.total
    stream = stack.start_stream(plan)
    if not _run_loop_until(stream.warmed.is_set, plan.warm_up_seconds + 60.0):
        raise RuntimeError("the producer's warm-up did not end")
    load_before = stack.load_average()
    gc.callbacks.append(pauses)
    heartbeat.start()
    if tracer is not None:
        tracer.start()
    started = time.monotonic()
    ui_cpu_before = time.thread_time()
    _run_loop_until(lambda: len(probe.latencies_ms) >= total, plan.seconds + 60.0)
    ui_cpu_s = time.thread_time() - ui_cpu_before
    wall = time.monotonic() - started
    heartbeat.stop()
    if tracer is not None:
        tracer.stop()
    gc.callbacks.remove(pauses)
    load_after = stack.load_average()
    produced, plain_by_stamp = stream.results()
    plain_figures = stack.percentiles(list(plain_by_stamp.values()))
    rss_console = stack.rss_mib()
    rss_bridge = stack.rss_mib(bridge.process.pid if bridge.process else None)
    window_set.shutdown()
    pacing.uninstall()
    window_set.window.close()
    window_set.window.deleteLater()
    return {
        "events_per_s": plan.rate,
        "seconds": plan.seconds,
        "warm_up_s": plan.warm_up_seconds,
        "produced": produced,
        "console_received": len(probe.latencies_ms),
        "console_store_updates": probe.updates,
        "wall_s": round(wall, 1),
        "console_ui_thread_cpu_s": round(ui_cpu_s, 2),
        "console_latency": stack.percentiles(probe.latencies_ms),
        "plain_consumer_latency": plain_figures,
        "event_loop_gap": {
            **stack.percentiles(heartbeat.gaps_ms),
            "heartbeat_ms": HEARTBEAT_MS,
        },
        "longest_stall_ms": round(max(heartbeat.gaps_ms, default=0.0), 1),
        **_stall_cpu(heartbeat),
        "console_gc": pauses.figures(),
        "console_gc_freeze_after_snapshot": freeze,
        "rss_mib": {"console": rss_console, "bridge": rss_bridge},
        **({"stall_trace": tracer.report()} if tracer is not None else {}),
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


def _stall_cpu(heartbeat: Heartbeat) -> dict[str, float]:
    """How much of the longest gaps the UI thread spent on a CPU (the rest it waited for one)."""
    pairs = list(zip(heartbeat.gaps_ms, heartbeat.gap_cpu_ms, strict=True))
    if not pairs:
        return {"longest_stall_cpu_ms": 0.0, "most_cpu_in_a_gap_ms": 0.0}
    _wall, longest_cpu = max(pairs)
    return {
        "longest_stall_cpu_ms": round(longest_cpu, 1),
        "most_cpu_in_a_gap_ms": round(max(heartbeat.gap_cpu_ms), 1),
    }


def _repeated(broker: KafkaBroker, repeats: int, **options: Any) -> dict[str, object]:
    runs = [scenario(broker, **options) for _ in range(repeats)]
    if repeats == 1:
        return runs[0]
    keys = (
        "console_latency.p50_ms",
        "console_latency.p99_ms",
        "plain_consumer_latency.p50_ms",
        "plain_consumer_latency.p99_ms",
        "longest_stall_ms",
        "longest_stall_cpu_ms",
        "most_cpu_in_a_gap_ms",
        "event_loop_gap.p99_ms",
        "console_ui_thread_cpu_s",
    )
    return {"median": {k: stack.median_of(runs, k) for k in keys}, "runs": runs}


def _scenarios() -> dict[str, dict[str, Any]]:
    """Each scenario's options, in the order they run (sizes from the environment)."""
    stall = {
        "rate": stack.setting("STALL_RATE", 5000),
        "seconds": stack.setting("STALL_SECONDS", 30),
        "tickets": 5000,
    }
    return {
        "latency": {
            "rate": stack.setting("LATENCY_RATE", 1000),
            "seconds": stack.setting("LATENCY_SECONDS", 60),
            "tickets": 1000,
            "freeze": True,
        },
        "stall": {**stall, "freeze": True},
        "stall_no_freeze": {**stall, "freeze": False},
    }


def _chosen(known: dict[str, dict[str, Any]]) -> list[str]:
    """The scenarios named in ATP_BENCH_STREAM_SCENARIOS, in run order (all when unset)."""
    names = os.environ.get("ATP_BENCH_STREAM_SCENARIOS", "")
    chosen = {name.strip() for name in names.split(",") if name.strip()}
    unknown = chosen - known.keys()
    if unknown:
        raise ValueError(
            f"ATP_BENCH_STREAM_SCENARIOS names no scenario {sorted(unknown)}; "
            f"known: {', '.join(known)}"
        )
    return [name for name in known if not chosen or name in chosen]


def run() -> dict[str, object]:
    """The chosen scenarios, one after the other on one broker."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    repeats = stack.setting("REPEATS", 1)
    scenarios = _scenarios()
    chosen = _chosen(scenarios)  # a wrong name is told before the broker starts
    figures: dict[str, object] = {}
    with stack.kafka_broker() as broker:
        for name in chosen:
            figures[name] = _repeated(broker, repeats, **scenarios[name])
    del app
    return figures
