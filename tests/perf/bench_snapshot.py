"""Can a console connect to a bridge holding 100k open tickets and 100k orders, and how fast?

For each of ATP_BENCH_SNAPSHOT_SIZES (10,000, 30,000 and 100,000), in a
process of its own, so that its RSS is that size's alone: a child process
plays the bridge's serving side, the real ``LocalServer`` over that many
tickets, each with a message and an order (``tests.helpers.large_state``),
streaming its snapshot in production-size pages (1 MiB). The other process is
the console: the whole ``ConsoleWindowSet`` on
real widgets (offscreen), shown, fed by the real ``BridgeClient``, the garbage
collector paced as ``console/shell.py`` paces it (``GcPacing``). Reported:

- ``connected``: whether the console got the whole snapshot (v2: it could not,
  the snapshot was one 156 MiB frame over the 64 MiB limit);
- ``seconds_to_first_rows`` / ``seconds_to_complete``: from ``connect_to`` until
  the queue shows its first rows / until the snapshot's end is applied;
- ``seconds_to_final_top_rows``: until the queue's first ``TOP_ROWS`` rows (a
  screenful, in the view's default order) were those it shows once complete,
  and stayed so: when what the agent sees on top stopped changing;
- ``longest_stall_ms`` and the gaps of a 5 ms heartbeat timer during the load
  (the console's event loop: how long it could not paint or take input), and
  ``gaps_over_50_ms``;
- ``main_thread_cpu_s`` / ``main_thread_waiting_s``: the seconds the console's
  main thread was on a CPU during the load, and runnable but waiting for one
  (the machine is shared: the CPU time is the steadier figure to compare, the
  waiting time tells a starved run);
- ``console_rss_mib`` after the load (that of the first run: later ones share the
  process with the consoles before them) and ``bridge_rss_mib`` (peak, sampled
  every 50 ms, and before the console connected). The large state shares its
  nested lists between entities (one template each), so the bridge's figure is
  what serving costs, not what a folded state of that size holds.

- ``reference``: the same snapshot taken by a bare ``BridgeClient`` (decoding
  only, no store, no window): ``seconds_to_complete`` and
  ``main_thread_cpu_s``, the floor the console's figures stand on (the
  bridge's page production and the decoding), measured once a size, after
  the consoles (whose RSS stays their own).

ATP_BENCH_REPEATS (1) runs a size, medians when more than one: the largest
size's at the top level of the figures, each size's in ``by_size``; the largest
size is measured again for a supervisor's console (``supervisor``), whose
dashboard computes its figures over every ticket. Nothing is asserted.
"""

from __future__ import annotations

import multiprocessing.synchronize
import os
import tempfile
import threading
import time
from pathlib import Path
from queue import Queue
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from bridge.server.server import LocalServer
from bridge.wire.endpoint import Endpoint
from bridge.wire.vocabulary import Role
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.gc_pacing import GcPacing
from console.models.queue_filter_proxy import QueueFilterProxy
from tests.helpers.large_state import LargeState
from tests.perf import stack

TOKEN = "bench-snapshot-token"
TIMEOUT_S = 600.0
TOP_ROWS = 30


def _bridge(
    data_dir: str,
    size: int,
    role: Role,
    ready: Queue[str],
    stop: multiprocessing.synchronize.Event,
) -> None:
    """The child: serve ``size`` tickets and orders to a ``role`` until ``stop`` is set."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QCoreApplication([])
    state = LargeState(size, role)
    endpoint = Endpoint.for_data_dir(Path(data_dir))
    server = LocalServer(endpoint, TOKEN, state, lambda _command: None)
    server.start()
    watch = QTimer()
    watch.setInterval(50)
    watch.timeout.connect(lambda: app.quit() if stop.is_set() else None)
    watch.start()
    ready.put(endpoint.server_name)
    app.exec()
    server.close()


def _top_of(proxy: QueueFilterProxy) -> list[str]:
    return [proxy.ticket_id(row) for row in range(min(TOP_ROWS, proxy.rowCount()))]


def _final_since(tops: list[tuple[float, list[str]]], final: list[str]) -> float | None:
    """When the top rows last became ``final`` (``tops``: each change, oldest first)."""
    if not tops or tops[-1][1] != final:
        return None
    return round(tops[-1][0], 2)


def _shown_console(tmp: Path, pacing: GcPacing) -> ConsoleWindowSet:
    windows = ConsoleWindowSet(
        BridgeClient("bench-snapshot"),
        drafts_dir=tmp / "drafts",
        canned_language="en",
        order_feed_limit=5000,
        queues=("deliveries", "payments"),
        gc_pacing=pacing,
    )
    windows.window.resize(1400, 900)
    windows.window.show()
    return windows


def _reference(server_name: str) -> dict[str, Any]:
    """Take the snapshot with a bare client that only decodes it: what no console beats."""
    app = QApplication.instance() or QApplication([])
    client = BridgeClient("bench-snapshot-reference")
    loop = QEventLoop()
    client.snapshot_end.connect(lambda _end: loop.quit())
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)
    main_thread = threading.get_native_id()
    cpu_before, _ = stack.thread_times(main_thread)
    started = time.monotonic()
    timeout.start(round(TIMEOUT_S * 1000))
    client.connect_to(server_name, TOKEN)
    loop.exec()
    elapsed = time.monotonic() - started
    cpu_after, _ = stack.thread_times(main_thread)
    complete = client.last_seq is not None
    client.close()
    app.processEvents()
    return {
        "seconds_to_complete": round(elapsed, 2) if complete else None,
        "main_thread_cpu_s": round(cpu_after - cpu_before, 2),
    }


def _load(server_name: str, bridge_pid: int) -> dict[str, Any]:
    """Connect a whole console and measure its load."""
    app = QApplication.instance() or QApplication([])
    pacing = GcPacing()  # as the console's shell installs it
    pacing.install()
    with tempfile.TemporaryDirectory(prefix="atp-bench-snapshot-") as tmp:
        windows = _shown_console(Path(tmp), pacing)
        app.processEvents()
        gaps: list[float] = []
        last = time.monotonic()
        bridge_peak = stack.rss_mib(bridge_pid)
        first_rows: float | None = None
        proxy = windows.window.queue_view.proxy
        tops: list[tuple[float, list[str]]] = []  # (when, the top rows), each time they changed
        started = 0.0
        loop = QEventLoop()

        def beat() -> None:
            nonlocal last, bridge_peak, first_rows
            now = time.monotonic()
            gaps.append((now - last) * 1000)
            last = now
            if len(gaps) % 10 == 0:
                bridge_peak = max(bridge_peak, stack.rss_mib(bridge_pid))
            if first_rows is None and windows.window.queue_model.rowCount():
                first_rows = now - started
            top = _top_of(proxy)
            if not tops or tops[-1][1] != top:
                tops.append((now - started, top))
            if windows.store.seq is not None and windows.store.loading is None:
                loop.quit()
            if now - started > TIMEOUT_S:
                loop.quit()

        heartbeat = QTimer()
        heartbeat.setInterval(5)
        heartbeat.timeout.connect(beat)
        main_thread = threading.get_native_id()
        cpu_before, waiting_before = stack.thread_times(main_thread)
        started = time.monotonic()
        last = started
        heartbeat.start()
        windows.client.connect_to(server_name, TOKEN)
        loop.exec()
        elapsed = time.monotonic() - started
        cpu_after, waiting_after = stack.thread_times(main_thread)
        heartbeat.stop()
        complete = windows.store.seq is not None and windows.store.loading is None
        result = {
            "connected": complete,
            "tickets_in_queue": windows.window.queue_model.rowCount(),
            "orders_held": len(windows.store.orders),
            "seconds_to_first_rows": None if first_rows is None else round(first_rows, 2),
            "seconds_to_complete": round(elapsed, 2) if complete else None,
            "seconds_to_final_top_rows": _final_since(tops, _top_of(proxy)) if complete else None,
            "longest_stall_ms": round(max(gaps, default=0.0), 1),
            "gaps_over_50_ms": sum(1 for gap in gaps if gap > 50),
            "heartbeat_gaps_ms": stack.percentiles(gaps),
            "main_thread_cpu_s": round(cpu_after - cpu_before, 2),
            "main_thread_waiting_s": round(waiting_after - waiting_before, 2),
            "console_rss_mib": stack.rss_mib(),
            "bridge_rss_peak_mib": max(bridge_peak, stack.rss_mib(bridge_pid)),
        }
        windows.shutdown()
        windows.window.close()
    pacing.uninstall()
    return result


def _measure(size: int, repeats: int, role: Role = "agent") -> dict[str, Any]:
    """Serve ``size`` tickets and orders from a child process; connect a console ``repeats``
    times; the runs and their medians."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    runs: list[dict[str, Any]] = []
    load_before = stack.load_average()
    with tempfile.TemporaryDirectory(prefix="atp-bench-bridge-") as data_dir:
        ctx = stack.context()
        ready: Queue[str] = ctx.Queue()
        stop = ctx.Event()
        child = stack.spawn(_bridge, data_dir, size, role, ready, stop)
        try:
            server_name = ready.get(timeout=TIMEOUT_S)
            bridge_idle = stack.rss_mib(child.pid)
            for _ in range(repeats):
                figures = _load(server_name, child.pid)
                figures["bridge_rss_before_mib"] = bridge_idle
                runs.append(figures)
            reference = _reference(server_name)  # after: the consoles' RSS is their own
        finally:
            stop.set()
            child.join(30)
    load_after = stack.load_average()

    def median(key: str) -> float | None:
        return stack.median_of(runs, key)

    return {
        "tickets": size,
        "orders": size,
        "median": {
            "seconds_to_complete": median("seconds_to_complete"),
            "seconds_to_first_rows": median("seconds_to_first_rows"),
            "seconds_to_final_top_rows": median("seconds_to_final_top_rows"),
            "longest_stall_ms": median("longest_stall_ms"),
            "main_thread_cpu_s": median("main_thread_cpu_s"),
            "main_thread_waiting_s": median("main_thread_waiting_s"),
            # later runs share the process with the consoles before them (frozen heap)
            "console_rss_first_run_mib": runs[0]["console_rss_mib"] if runs else None,
            "bridge_rss_peak_mib": median("bridge_rss_peak_mib"),
        },
        "reference": reference,
        "runs": runs,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


def _measure_in_child(size: int, repeats: int, role: Role, results: Queue[dict[str, Any]]) -> None:
    results.put(_measure(size, repeats, role))


def _measure_in_process(size: int, repeats: int, role: Role) -> dict[str, Any]:
    """``_measure`` in a console process of its own (not a daemon: it starts the bridge's)."""
    ctx = stack.context()
    results: Queue[dict[str, Any]] = ctx.Queue()
    console = ctx.Process(target=_measure_in_child, args=(size, repeats, role, results))
    console.start()
    try:
        return results.get(timeout=TIMEOUT_S * repeats)
    finally:
        console.join(60)


def _sizes() -> list[int]:
    raw = os.environ.get("ATP_BENCH_SNAPSHOT_SIZES", "10000,30000,100000")
    return sorted(int(size) for size in raw.split(",") if size.strip())


def run() -> dict[str, object]:
    """Measure each size in a console process of its own (its RSS is that size's alone).

    The figures of the largest size are at the top level; ``by_size`` has every
    size's, and ``supervisor`` the largest size's for a supervisor's console
    (whose dashboard computes its figures over every ticket).
    """
    repeats = stack.setting("REPEATS", 1)
    by_size = {str(size): _measure_in_process(size, repeats, "agent") for size in _sizes()}
    largest = max(_sizes())
    supervisor = _measure_in_process(largest, repeats, "supervisor")
    return {
        **by_size[str(largest)],
        "by_size": {
            size: {**figures["median"], "reference": figures["reference"]}
            for size, figures in by_size.items()
        },
        "supervisor": supervisor["median"],
    }
