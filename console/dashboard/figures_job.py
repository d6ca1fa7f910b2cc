"""Compute the supervisor's figures off the UI thread, one pass at a time.

``compute_figures`` walks every ticket: 0.4 s at 10k tickets, 1.8 s at 100k
on a 2-core machine. On the UI thread, every 200 ms while deltas streamed, it
froze a supervisor's console. ``FiguresJob`` runs each pass in a worker
thread of its own, on lists the UI thread copied (tickets and presences are
immutable structs: the store replaces them, it never changes one), and hands
the figures back through a queued signal. One pass runs at a time. The worker
shares the interpreter lock with the UI thread, so the next pass starts no
sooner than ``PACE`` times the last one's duration after it ended
(``next_delay_ms``): the figures take at most about a quarter of the time. A
pass that raises is logged with its traceback and reported (``failed``); the
next one runs as usual.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from console.dashboard.queue_load import DashboardFigures, compute_figures

if TYPE_CHECKING:
    from bridge.wire.entities import Presence, Ticket

_log = logging.getLogger(__name__)

PACE = 3
"""After a pass of D seconds, the next waits at least ``PACE`` x D."""

Compute = Callable[
    [list["Ticket"], list["Presence"], dt.datetime, "dt.tzinfo | None"], DashboardFigures
]
"""What computes the figures (``compute_figures``; tests pass their own)."""


class FiguresJob(QObject):
    """Runs ``compute`` in a worker thread; ``computed`` or ``failed`` comes on the UI thread."""

    computed = Signal(object)
    """The figures of the pass (a ``DashboardFigures``)."""
    failed = Signal(str)
    """The pass raised: what it raised (the traceback is in the log)."""
    _finished = Signal(object, float)  # from the worker: figures or the exception, seconds

    def __init__(
        self,
        compute: Compute = compute_figures,
        *,
        clock: Callable[[], float] = time.perf_counter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._compute = compute
        self._clock = clock
        self._running = False
        self._last_s = 0.0
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        """A pass is under way (its result has not been handed back yet)."""
        return self._running

    def next_delay_ms(self, shortest_ms: int) -> int:
        """How long after the last pass the next may start: ``shortest_ms`` or ``PACE`` x it."""
        return max(shortest_ms, round(self._last_s * PACE * 1000))

    def start(
        self,
        tickets: list[Ticket],
        agents: list[Presence],
        now: dt.datetime,
        tz: dt.tzinfo | None,
    ) -> None:
        """Compute the figures of these inputs in a worker thread (none may be running)."""
        if self._running:
            raise RuntimeError("a pass of the figures is already running")
        self._running = True
        worker = threading.Thread(
            target=self._work,
            args=(tickets, agents, now, tz),
            name="dashboard-figures",
            daemon=True,
        )
        worker.start()

    def _work(
        self,
        tickets: list[Ticket],
        agents: list[Presence],
        now: dt.datetime,
        tz: dt.tzinfo | None,
    ) -> None:
        started = self._clock()
        result: DashboardFigures | Exception
        try:
            result = self._compute(tickets, agents, now, tz)
        except Exception as exc:  # noqa: BLE001 (reported on the UI thread, never lost)
            _log.exception("the dashboard's figures could not be computed")
            result = exc
        try:
            self._finished.emit(result, self._clock() - started)
        except RuntimeError:  # the job was deleted with its window meanwhile
            _log.debug("figures computed after the dashboard closed; dropped")

    def _on_finished(self, result: object, seconds: float) -> None:
        self._running = False
        self._last_s = seconds
        if isinstance(result, Exception):
            self.failed.emit(f"{type(result).__name__}: {result}")
        else:
            self.computed.emit(result)
