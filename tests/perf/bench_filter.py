"""How long a filter change, a search keystroke or a sort click blocks the console at 10k-100k.

Builds the real ViewStore -> TicketQueueModel -> QueueFilterProxy -> QueueView chain
(offscreen, ``bench_queue``'s tickets), for each size of 10,000 / 50,000 /
100,000 open tickets (up to ATP_BENCH_FILTER_MAX, 100000), and measures per step

- ``ms``: wall time from the step to the table showing its final rows (a
  change computed over several turns of the event loop included);
- ``longest_gap_ms``: the longest gap of a 5 ms QTimer heartbeat meanwhile (the
  event loop's longest stall);

for doing nothing for 0.5 s (``idle``: the gaps a loaded machine causes by
itself), switching the saved view, typing a search one keystroke at a time
(the debounce set to 0) and clearing it, and clicking a column header
(ascending, descending, back to the default order). ``reference_ms``: the same filter or
sort as plain Python over the prebuilt rows (``SavedView.predicate`` and
``matches_search`` over every row, ``sorted`` by the column's ``SORT_KEYS``), measured in the
same run. The garbage collector is paced as the console's shell paces it
(``GcPacing``). ATP_BENCH_REPEATS (1) repeats each size; medians are reported.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from console.gc_pacing import GcPacing
from console.models.ticket_queue_model import SORT_KEYS, Column
from console.viewstate.queue_rows import QueueRow
from console.viewstate.saved_views import SavedView, ViewKind, matches_search
from tests.perf import stack
from tests.perf.bench_queue import ME, Bench

SIZES = (10_000, 50_000, 100_000)
HEARTBEAT_MS = 5
IDLE_S = 0.5


class Heartbeat:
    """A QTimer every few ms; the gaps between its ticks are the event loop's stalls."""

    def __init__(self) -> None:
        self.gaps_ms: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps_ms = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps_ms.append((now - self._last) * 1000)
        self._last = now


def measure(
    heartbeat: Heartbeat, step: Callable[[], object], done: Callable[[], bool] = lambda: True
) -> dict[str, float]:
    """Run ``step`` from the event loop; wall time until ``done()`` and the longest loop gap."""
    loop = QEventLoop()
    started = 0.0
    finished: list[float] = []

    def kick() -> None:
        nonlocal started
        started = time.perf_counter()
        step()

    def poll() -> None:
        if started and done() and not finished:
            finished.append(time.perf_counter())
        if finished and len(heartbeat.gaps_ms) >= ticks_at_finish() + 3:
            loop.quit()

    ticks: list[int] = []

    def ticks_at_finish() -> int:
        if not ticks:
            ticks.append(len(heartbeat.gaps_ms))
        return ticks[0]

    poller = QTimer()
    poller.setInterval(1)
    poller.timeout.connect(poll)
    heartbeat.start()
    poller.start()
    QTimer.singleShot(HEARTBEAT_MS * 2, kick)
    loop.exec()
    poller.stop()
    heartbeat.stop()
    return {
        "ms": round((finished[0] - started) * 1000, 1),
        "longest_gap_ms": round(max(heartbeat.gaps_ms, default=0.0), 1),
    }


def idle(heartbeat: Heartbeat) -> dict[str, float]:
    """The longest loop gap over ``IDLE_S`` of doing nothing (the machine's noise floor)."""
    until: list[float] = []

    def start() -> None:
        until.append(time.perf_counter() + IDLE_S)

    return measure(heartbeat, start, lambda: bool(until) and time.perf_counter() >= until[0])


def _reference_filter(rows: list[QueueRow], view: SavedView, needle: str, now: float) -> float:
    start = time.perf_counter()
    test = view.predicate(now)
    kept = [r for r in rows if test(r) and matches_search(r, needle)]
    del kept
    return (time.perf_counter() - start) * 1000


def _reference_sort(rows: list[QueueRow], column: int) -> float:
    start = time.perf_counter()
    ordered = sorted(rows, key=SORT_KEYS[Column(column)])
    del ordered
    return (time.perf_counter() - start) * 1000


def one_size(app: QApplication, count: int) -> dict[str, Any]:
    """Every step at ``count`` tickets."""
    bench = Bench(app, count)
    app.processEvents()
    view = bench.view
    proxy = view.proxy
    heartbeat = Heartbeat()

    def settled() -> bool:
        return not proxy.pending

    rows = [bench.model.queue_row(r) for r in range(bench.model.rowCount())]
    now = bench.model.now()
    figures: dict[str, Any] = {"snapshot_load_ms": round(bench.load_ms, 1)}
    figures["idle"] = idle(heartbeat)
    views = [
        SavedView(ViewKind.UNASSIGNED),
        SavedView(ViewKind.QUEUE, "payments"),
        SavedView(ViewKind.MINE, agent_id=ME),
        SavedView(ViewKind.BREACHED),
        SavedView(ViewKind.ALL_OPEN),
    ]
    for saved in views:
        figures[f"view->{saved.key}"] = {
            **measure(
                heartbeat,
                lambda s=saved: proxy.set_saved_view(s),  # type: ignore[misc]
                settled,
            ),
            "rows_shown": proxy.rowCount(),
            "reference_ms": round(_reference_filter(rows, saved, "", now), 1),
        }
    typed = "order 123"
    for length in [*range(1, len(typed) + 1), 0]:
        text = typed[:length]
        figures[f"search '{text}'"] = {
            **measure(
                heartbeat,
                lambda t=text: view.search.setText(t),  # type: ignore[misc]
                lambda t=text: proxy.search_text == t.strip().casefold() and settled(),  # type: ignore[misc]
            ),
            "rows_shown": proxy.rowCount(),
            "reference_ms": round(
                _reference_filter(rows, SavedView(ViewKind.ALL_OPEN), text.casefold(), now), 1
            ),
        }
    clicks = [
        ("priority ascending", Column.PRIORITY, Qt.SortOrder.AscendingOrder),
        ("priority descending", Column.PRIORITY, Qt.SortOrder.DescendingOrder),
        ("subject ascending", Column.SUBJECT, Qt.SortOrder.AscendingOrder),
        ("default order", -1, Qt.SortOrder.AscendingOrder),
    ]
    for name, column, order in clicks:
        figures[f"sort {name}"] = {
            **measure(
                heartbeat,
                lambda c=column, o=order: view.table.sortByColumn(c, o),  # type: ignore[misc]
                settled,
            ),
            "reference_ms": round(_reference_sort(rows, max(column, 0)), 1),
        }
    view.close()
    view.deleteLater()
    app.processEvents()
    return figures


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    if len(runs) == 1:
        return runs[0]
    merged: dict[str, Any] = {}
    for key, value in runs[0].items():
        if isinstance(value, dict):
            merged[key] = {k: statistics.median(r[key][k] for r in runs) for k in value}
        else:
            merged[key] = statistics.median(r[key] for r in runs)
    return merged


def run() -> dict[str, object]:
    """Each size, repeated; the load average beside the figures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    repeats = stack.setting("REPEATS", 1)
    largest = stack.setting("FILTER_MAX", SIZES[-1])
    figures: dict[str, object] = {"load_average_before": stack.load_average()}
    pacing = GcPacing()  # as console/shell.py installs it
    pacing.install()
    try:
        for size in (s for s in SIZES if s <= largest):
            figures[f"tickets_{size}"] = _median([one_size(app, size) for _ in range(repeats)])
    finally:
        pacing.uninstall()
    figures["load_average_after"] = stack.load_average()
    return figures
