"""A stalled console must cost the bridge bounded memory and cost other consoles no latency.

Runs the real LocalServer and real QLocalSocket clients in one process: a timer
publishes ticket changes every few milliseconds (coalesced by the server into
batches), reading clients record how long each change took from ``publish`` to
decoded, and stalled clients (a tiny Qt read buffer, never read) back up. Each
scenario reports latency percentiles of the reading clients, the process RSS
growth, the stalled clients' largest backlog, dropped batches and snapshots; the
stalled client then reads again and the time to its fresh snapshot is reported.

    python -m tests.perf.bench_slow_client [--batches 300] [--out bench-report-slow-client.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtNetwork import QLocalSocket

from bridge.server.server import LocalServer
from bridge.wire.endpoint import Endpoint, new_token
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.framing import bridge_message_decoder, encode_frame
from bridge.wire.protocol import (
    PROTOCOL_VERSION,
    AgentIdentity,
    BridgeStatus,
    Change,
    DeltaBatch,
    Hello,
    SnapshotEnd,
)
from tests.helpers.entities import ticket
from tests.helpers.protocol import status

# PySide6 6.12.0 on CPython 3.11 drops a reference to None/True/False on every call that
# returns them (void methods, processEvents, Signal.emit): harmless on 3.12+ (immortal
# objects), fatal here after some thousands of calls. Until the project pins a fixed
# PySide6 or Python >= 3.12, the benchmark holds enough references to outlive its run.
_REFCOUNT_CUSHION = [None, True, False] * 1_000_000

STATUS = status(
    agent=AgentIdentity(agent_id="bench", name="Bench", role="agent", queues=["general"]),
    as_of=None,
)


def rss_bytes() -> int:
    """Return the current resident set size (Linux /proc; peak RSS elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def make_ticket(n: int, body: str, stamp_ns: int) -> Ticket:
    """Return ticket ``T-n`` whose subject carries the time it was published."""
    return ticket(
        f"T-{n}",
        queue="general",
        customer_id="C-1",
        customer_name="Bench",
        channel="app",
        subject=str(stamp_ns),
        body=body,
        opened_at="2026-01-01T10:00:00Z",
        sla_due_at="2026-01-01T12:00:00Z",
        updated_at="2026-01-01T10:00:00Z",
    )


class MemoryState:
    """The StateSource: the tickets as last published."""

    def __init__(self) -> None:
        self.tickets: dict[str, Ticket] = {}

    def snapshot(self) -> tuple[list[Ticket], list[Order], list[Presence], BridgeStatus]:
        """Return the whole state."""
        return list(self.tickets.values()), [], [], STATUS


class Reader:
    """A console that reads everything and records per-change latency."""

    def __init__(self, server_name: str, token: str, name: str, *, stalled: bool) -> None:
        self.socket = QLocalSocket()
        self.stalled = stalled
        if stalled:
            self.socket.setReadBufferSize(1024)
        self.decoder = bridge_message_decoder(64 * 1024 * 1024)
        self.latencies_ms: list[float] = []
        self.seqs: list[int] = []
        self.snapshots: list[tuple[int, float]] = []  # (seq, monotonic time)
        self.socket.readyRead.connect(self.read)
        self.socket.connectToServer(server_name)
        hello = Hello(v=PROTOCOL_VERSION, token=token, client=name)
        self.socket.write(encode_frame(hello))

    def read(self) -> None:
        """Decode what arrived (unless stalled)."""
        if self.stalled or not self.socket.isOpen():
            return
        self.decoder.feed(self.socket.readAll().data())
        now = time.monotonic_ns()
        while (message := self.decoder.pop()) is not None:
            if isinstance(message, DeltaBatch):
                self.seqs.append(message.seq)
                self.latencies_ms.extend(
                    (now - int(c.ticket.subject)) / 1e6 for c in message.changes if c.ticket
                )
            elif isinstance(message, SnapshotEnd):
                self.snapshots.append((message.seq, time.monotonic()))
                self.seqs.clear()

    def resume(self) -> None:
        """Start reading again."""
        self.stalled = False
        self.socket.setReadBufferSize(0)
        self.read()


def percentile(values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def wait(app: QCoreApplication, condition: Any, timeout_s: float) -> bool:
    """Run the event loop until ``condition()`` or the deadline."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return True


class Scenario:
    """One run: a server, reading clients and stalled clients, and a publishing timer."""

    def __init__(
        self,
        app: QCoreApplication,
        endpoint: Endpoint,
        *,
        stalled_clients: int,
        readers: int,
        changes_per_tick: int,
        body_bytes: int,
        backlog_bytes: int,
    ) -> None:
        self.app = app
        self.token = new_token()
        self.state = MemoryState()
        self.server = LocalServer(
            endpoint,
            self.token,
            self.state,
            lambda _c: None,
            max_client_backlog_bytes=backlog_bytes,
        )
        self.server.start()
        name = endpoint.server_name
        self.good = [Reader(name, self.token, f"reader-{i}", stalled=False) for i in range(readers)]
        self.stuck = [
            Reader(name, self.token, f"stalled-{i}", stalled=True) for i in range(stalled_clients)
        ]
        if not wait(app, lambda: self.server.client_count == readers + stalled_clients, 10):
            raise RuntimeError("clients did not connect")
        self.body = "x" * body_bytes
        self.changes_per_tick = changes_per_tick
        self.backlog_bytes = backlog_bytes
        self.published = 0
        self.max_backlog = 0
        self.rss_peak = 0
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        """Publish a few changes stamped with the time; sample the stalled backlog."""
        stamp = time.monotonic_ns()
        changes = []
        for _ in range(self.changes_per_tick):
            self.published += 1
            item = make_ticket(self.published % 500, self.body, stamp)
            self.state.tickets[item.ticket_id] = item
            changes.append(Change(kind="ticket", key=item.ticket_id, ticket=item))
        self.server.publish(changes)
        for stats in self.server.client_stats():
            if (stats.client or "").startswith("stalled"):
                self.max_backlog = max(self.max_backlog, stats.backlog_bytes)

    def run(self, batches: int) -> dict[str, Any]:
        """Warm up, publish ``batches`` batches, let the stalled clients read; return figures."""
        server = self.server
        self.timer.start()
        wait(self.app, lambda: server.seq >= 10, 30)  # let allocator and caches settle
        for reader in self.good:
            reader.latencies_ms.clear()
        rss_start = self.rss_peak = rss_bytes()
        start_seq = server.seq
        started = time.monotonic()

        def done() -> bool:
            self.rss_peak = max(self.rss_peak, rss_bytes())
            return server.seq >= start_seq + batches

        wait(self.app, done, 600)
        self.timer.stop()
        elapsed = time.monotonic() - started
        last = server.seq
        wait(self.app, lambda: all(r.seqs and r.seqs[-1] == last for r in self.good), 30)
        rss_end = rss_bytes()
        stalled = [s for s in server.client_stats() if (s.client or "").startswith("stalled")]
        latencies = [v for r in self.good for v in r.latencies_ms]
        return {
            "stalled_clients": len(self.stuck),
            "reading_clients": len(self.good),
            "batches": last - start_seq,
            "seconds": round(elapsed, 3),
            "batches_per_second": round((last - start_seq) / elapsed, 1),
            "changes_published": self.published,
            "latency_ms": {
                "changes": len(latencies),
                "p50": round(percentile(latencies, 0.50), 2),
                "p95": round(percentile(latencies, 0.95), 2),
                "p99": round(percentile(latencies, 0.99), 2),
                "max": round(max(latencies, default=float("nan")), 2),
                "mean": round(statistics.fmean(latencies), 2) if latencies else None,
            },
            "readers_gap_free": all(
                r.seqs == list(range(r.seqs[0], r.seqs[0] + len(r.seqs))) for r in self.good
            ),
            "rss_mib": {
                "start": round(rss_start / 2**20, 1),
                "peak": round(self.rss_peak / 2**20, 1),
                "end": round(rss_end / 2**20, 1),
                "growth": round((rss_end - rss_start) / 2**20, 1),
            },
            "stalled": {
                "backlog_bound_bytes": self.backlog_bytes,
                "max_backlog_bytes": self.max_backlog,
                "batches_dropped": sum(s.batches_dropped for s in stalled),
                "still_connected": len(stalled),
                "ms_to_fresh_snapshot_after_reading_again": self.resume_stalled(),
            },
        }

    def resume_stalled(self) -> float | None:
        """Let the stalled clients read; return the ms until all got a fresh snapshot."""
        if not self.stuck:
            return None
        resumed_at = time.monotonic()
        for reader in self.stuck:
            reader.resume()
        if not wait(self.app, lambda: all(len(r.snapshots) >= 2 for r in self.stuck), 60):
            return None
        return round((max(r.snapshots[-1][1] for r in self.stuck) - resumed_at) * 1000, 1)

    def close(self) -> None:
        """Disconnect everyone and stop the server."""
        for reader in self.good + self.stuck:
            reader.socket.abort()
        self.server.close()


def run_scenario(app: QCoreApplication, batches: int, **options: Any) -> dict[str, Any]:
    """Run one scenario in a fresh data dir."""
    with tempfile.TemporaryDirectory(prefix="atp-bench-") as tmp:
        scenario = Scenario(app, Endpoint.for_data_dir(Path(tmp)), **options)
        try:
            return scenario.run(batches)
        finally:
            scenario.close()


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--changes-per-tick", type=int, default=20)
    parser.add_argument("--body-bytes", type=int, default=2000)
    parser.add_argument("--backlog-mib", type=float, default=8.0)
    parser.add_argument("--out", type=Path, default=Path("bench-report-slow-client.json"))
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QCoreApplication.instance() or QCoreApplication([])
    common: dict[str, Any] = {
        "readers": args.readers,
        "changes_per_tick": args.changes_per_tick,
        "body_bytes": args.body_bytes,
        "backlog_bytes": int(args.backlog_mib * 2**20),
    }
    scenarios = {
        "no_stalled_client": run_scenario(app, args.batches, stalled_clients=0, **common),
        "one_stalled_client": run_scenario(app, args.batches, stalled_clients=1, **common),
        "three_stalled_clients": run_scenario(app, args.batches, stalled_clients=3, **common),
    }
    report = {"benchmark": "slow_client", "python": sys.version.split()[0], **scenarios}
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip finalization: freeing the refcount cushion would expose the bug
