"""Compute the supervisor's figures off the UI thread, one pass at a time.

A full ``compute_figures`` walks every ticket: 0.4 s at 10k tickets, 1.8 s at
100k on a 2-core machine. On the UI thread, every 200 ms while deltas
streamed, it froze a supervisor's console. The job's default compute,
``IncrementalFigures``, counts again only what changed since its last pass,
but its first pass, after a snapshot, still counts every ticket.
``FiguresJob`` runs each pass in a worker thread of its own, on lists the UI
thread copied (tickets and presences are immutable structs: the store
replaces them, it never changes one), and hands the figures back through a
queued signal. One pass runs at a time.

The worker does not run beside the UI thread: both need the interpreter
lock, and every Python callback of a Qt paint then waited up to the switch
interval (5 ms) for it; a supervisor's console stalled 130-200 ms during a
30k snapshot. The UI thread gives the worker a turn on each turn of its
event loop and waits for it (``_Turns``): the worker computes for ``TURN_S``,
then hands back at its next ``pace`` (every few tickets), so only one of them
runs at a time and the window waits at most one turn. The next pass starts
no sooner than ``PACE`` times the last one's computing time after it ended
(``next_delay_ms``). A pass that raises is logged with its traceback and
reported (``failed``); the next one runs as usual.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from bridge.wire.figures import Pace
from console.dashboard.incremental_figures import IncrementalFigures
from console.dashboard.queue_load import DashboardFigures

if TYPE_CHECKING:
    from bridge.wire.entities import Presence, Ticket

_log = logging.getLogger(__name__)

PACE = 3
"""After a pass of D seconds, the next waits at least ``PACE`` x D."""
TURN_S = 0.004
"""How long the worker computes in one turn before it hands back to the UI thread."""
TURN_TIMEOUT_S = 0.010
"""The longest the UI thread waits for a turn (a worker stuck elsewhere is not waited for)."""

Compute = Callable[
    [list["Ticket"], list["Presence"], dt.datetime, "dt.tzinfo | None", Pace], DashboardFigures
]
"""What computes the figures (``IncrementalFigures``, ``compute_figures``; tests pass
their own): tickets, presences, now, the day's time zone, and the pace to call every
few tickets."""


class _Turns:
    """A worker that runs only while the UI thread waits for it, a turn at a time."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._go = threading.Semaphore(0)
        self._back = threading.Semaphore(0)
        self._clock = clock
        self._turn_started = 0.0
        self._late = 0  # turns given whose hand-back the UI thread stopped waiting for
        self.worked_s = 0.0
        """The worker's computing time so far (turns only, not the waits between)."""
        self.finished = False

    # the worker's side
    def wait_turn(self) -> None:
        """Wait until the UI thread gives a turn."""
        self._go.acquire()
        self._turn_started = self._clock()

    def pace(self) -> None:
        """Hand back to the UI thread once this turn's time is used."""
        if self._clock() - self._turn_started < TURN_S:
            return
        self.worked_s += self._clock() - self._turn_started
        self._back.release()
        self.wait_turn()

    def finish(self) -> None:
        """The pass is over (done or failed): hand back for good."""
        self.worked_s += self._clock() - self._turn_started
        self.finished = True
        self._back.release()

    # the UI thread's side
    def give_turn(self) -> None:
        """Let the worker compute for a turn; wait for it (``TURN_TIMEOUT_S`` at most).

        A turn that outlasted its wait is handed back later: no new turn is given
        until it is (the worker is still computing), so the turns stay in step.
        """
        while self._late and self._back.acquire(blocking=False):
            self._late -= 1
        if self._late:
            return
        self._go.release()
        if not self._back.acquire(timeout=TURN_TIMEOUT_S):
            self._late += 1


class FiguresJob(QObject):
    """Runs ``compute`` in a worker thread; ``computed`` or ``failed`` comes on the UI thread.

    ``compute`` defaults to an ``IncrementalFigures`` of this job's own (it keeps state).
    """

    computed = Signal(object)
    """The figures of the pass (a ``DashboardFigures``)."""
    failed = Signal(str)
    """The pass raised: what it raised (the traceback is in the log)."""
    _finished = Signal(object, float)  # from the worker: figures or the exception, seconds

    def __init__(
        self,
        compute: Compute | None = None,
        *,
        clock: Callable[[], float] = time.perf_counter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._compute = compute if compute is not None else IncrementalFigures()
        self._clock = clock
        self._running = False
        self._last_s = 0.0
        self._turns: _Turns | None = None
        self._turn_timer = QTimer(self)  # one turn of the worker per turn of the event loop
        self._turn_timer.setInterval(0)
        self._turn_timer.timeout.connect(self._give_turn)
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
        turns = self._turns = _Turns(self._clock)
        worker = threading.Thread(
            target=self._work,
            args=(turns, tickets, agents, now, tz),
            name="dashboard-figures",
            daemon=True,
        )
        worker.start()
        self._turn_timer.start()

    def _give_turn(self) -> None:
        turns = self._turns
        if turns is None or turns.finished:
            self._turn_timer.stop()
            return
        turns.give_turn()

    def _work(
        self,
        turns: _Turns,
        tickets: list[Ticket],
        agents: list[Presence],
        now: dt.datetime,
        tz: dt.tzinfo | None,
    ) -> None:
        result: DashboardFigures | Exception
        turns.wait_turn()
        try:
            result = self._compute(tickets, agents, now, tz, turns.pace)
        except Exception as exc:  # noqa: BLE001 (reported on the UI thread, never lost)
            _log.exception("the dashboard's figures could not be computed")
            result = exc
        finally:
            turns.finish()
        try:
            self._finished.emit(result, turns.worked_s)
        except RuntimeError:  # the job was deleted with its window meanwhile
            _log.debug("figures computed after the dashboard closed; dropped")

    def _on_finished(self, result: object, seconds: float) -> None:
        self._running = False
        self._turns = None
        self._turn_timer.stop()
        self._last_s = seconds
        if isinstance(result, Exception):
            self.failed.emit(f"{type(result).__name__}: {result}")
        else:
            self.computed.emit(result)
