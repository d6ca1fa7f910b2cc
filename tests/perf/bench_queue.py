"""How the ticket queue copes with 20,000 open tickets: filter changes and delta batches.

Builds the real ViewStore -> TicketQueueModel -> QueueFilterProxy -> QTableView
chain (offscreen), loads a snapshot of 20,000 open tickets and measures

- a filter change through the proxy (each saved view, a text search, clearing it),
- applying a delta batch of 1 / 50 / 500 changed tickets (store + model + proxy + view),
  in the default order (SLA due) and with the table sorted by priority,
- one SLA tick of the view.

Times are wall-clock milliseconds including the Qt events the change posts.

    python -m tests.perf.bench_queue [--tickets 20000] [--out bench-report-queue.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from bridge.wire.entities import Ticket
from bridge.wire.protocol import DeltaBatch
from console.models.ticket_queue_model import Column, TicketQueueModel
from console.views.queue_view import QueueView
from console.viewstate.saved_views import SavedView, ViewKind
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from tests.helpers.clock import Clock, at
from tests.helpers.entities import ticket
from tests.helpers.protocol import snapshot, ticket_change

QUEUES = ("deliveries", "payments", "general", "returns")
PRIORITIES = ("low", "normal", "high", "urgent")
ME = "a-lucia"


def make_ticket(n: int, *, status: str = "open", assignee: str | None = None) -> Ticket:
    """Ticket ``n`` of the benchmark: spread over queues, priorities and SLA due times."""
    return ticket(
        f"t{n:06d}",
        queue=QUEUES[n % len(QUEUES)],
        priority=PRIORITIES[(n // 7) % len(PRIORITIES)],
        sla_due_at=at(-30 + (n % 600)),  # about 5% already breached
        status=status,
        assignee=assignee,
        assignee_name=None if assignee is None else assignee.title(),
        subject=f"Order {n} arrived late",
    )


def timed(action: Callable[[], object], app: QApplication) -> float:
    """Milliseconds to run ``action`` and the events it posted."""
    start = time.perf_counter()
    action()
    app.processEvents()
    return (time.perf_counter() - start) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    """Median, p95 and max of ``samples`` (ms, 2 decimals)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "runs": len(samples),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
    }


class Bench:
    """The real chain, loaded with ``count`` open tickets."""

    def __init__(self, app: QApplication, count: int) -> None:
        self.app = app
        self.count = count
        self.clock = Clock()
        self.store = ViewStore()
        self.model = TicketQueueModel(self.store, SeenTracker(), self.clock)
        self.view = QueueView(self.model, tick_ms=3_600_000, search_delay_ms=0)
        self.view.resize(1400, 900)
        self.view.show()
        self.seq = 1
        self.version = 0
        tickets = [make_ticket(n, assignee=ME if n % 10 == 0 else None) for n in range(count)]
        self.load_ms = timed(lambda: self.store.apply_snapshot(snapshot(tickets)), app)

    def filter_changes(self) -> dict[str, Any]:
        """Each saved view in turn, a search and clearing it (three rounds; median etc.)."""
        proxy = self.view.proxy
        steps: list[tuple[str, Callable[[], None]]] = [
            ("all_open->unassigned", lambda: proxy.set_saved_view(SavedView(ViewKind.UNASSIGNED))),
            (
                "->queue:payments",
                lambda: proxy.set_saved_view(SavedView(ViewKind.QUEUE, "payments")),
            ),
            ("->mine", lambda: proxy.set_saved_view(SavedView(ViewKind.MINE, agent_id=ME))),
            ("->breached", lambda: proxy.set_saved_view(SavedView(ViewKind.BREACHED))),
            ("->all_open", lambda: proxy.set_saved_view(SavedView(ViewKind.ALL_OPEN))),
            ("search 'order 1234'", lambda: proxy.set_search_text("order 1234")),
            ("clear search", lambda: proxy.set_search_text("")),
        ]
        samples: dict[str, list[float]] = {name: [] for name, _ in steps}
        shown: dict[str, int] = {}
        for _ in range(3):
            for name, step in steps:
                samples[name].append(timed(step, self.app))
                shown[name] = proxy.rowCount()
        return {name: {**summary(s), "rows_shown": shown[name]} for name, s in samples.items()}

    def batch(self, size: int) -> DeltaBatch:
        """``size`` existing tickets change (status, assignee, priority), spread over the list."""
        self.seq += 1
        self.version += 1
        step = max(1, self.count // size)
        changes = []
        for i in range(size):
            n = (i * step + self.version) % self.count
            base = make_ticket(n)
            changed = ticket(
                base.ticket_id,
                queue=base.queue,
                sla_due_at=base.sla_due_at,
                subject=base.subject,
                status="pending" if self.version % 2 else "open",
                priority=PRIORITIES[(n + self.version) % len(PRIORITIES)],
                assignee=ME if (n + self.version) % 3 == 0 else None,
                updated_at=at(self.version),
            )
            changes.append(ticket_change(changed))
        return DeltaBatch(seq=self.seq, changes=changes)

    def deltas(self, runs: dict[int, int]) -> dict[str, Any]:
        """Apply batches of each size ``runs[size]`` times."""
        results: dict[str, Any] = {}
        for size, count in runs.items():
            samples = []
            for _ in range(count):
                batch = self.batch(size)
                samples.append(timed(partial(self.store.apply_delta, batch), self.app))
            results[f"batch_{size}"] = summary(samples)
        return results

    def sla_tick(self) -> dict[str, float]:
        """One SLA tick of the view (deadline check over all rows + visible SLA cells)."""
        samples = []
        for _ in range(10):
            self.clock.advance(1)
            samples.append(timed(self.view.tick, self.app))
        return summary(samples)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the figures and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=Path("bench-report-queue.json"))
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    bench = Bench(app, args.tickets)
    report: dict[str, Any] = {
        "benchmark": "queue",
        "tickets": args.tickets,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "snapshot_load_ms": round(bench.load_ms, 2),
        "filter_change": bench.filter_changes(),
        "delta_apply_natural_order": bench.deltas({1: 30, 50: 20, 500: 10}),
    }
    bench.view.proxy.sort(Column.PRIORITY, Qt.SortOrder.AscendingOrder)
    app.processEvents()
    report["delta_apply_sorted_by_priority"] = bench.deltas({1: 30, 50: 20, 500: 10})
    bench.view.proxy.sort(-1)
    report["sla_tick"] = bench.sla_tick()
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    print(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
