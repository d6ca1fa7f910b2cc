"""Repaint a window at most every few tens of milliseconds while data streams in.

Qt repaints a window on the event-loop turn after anything in it changed: with
the queue changing on every frame that was 60 repaints a second of a table
whose every cell asks the Python model for seven roles, 42% of the console's
UI thread at 1,000 events/s (py-spy, ``bench_console_stream``), time that the
next batch then waited for. ``PaintPacer`` watches the window's
``UpdateRequest`` (the event after which Qt paints everything marked dirty): one
that comes sooner than the interval after the last paint is held, and posted
again when the interval is over. The interval is ``interval_ms``, or longer
when painting is slow (a busy machine, a large window): a paint is followed by
at least ``PAINT_SHARE_DIVISOR - 1`` times its own duration without one, so
painting takes at most a quarter of the UI thread while data streams. Nothing
marked dirty is lost (Qt keeps the regions until the request is handled); a
change shows at most one interval late. While the agent types or clicks (input within
``input_grace_ms``) every request goes through at once, so typing is never
paced.

While a snapshot loads (``loading()``), painting gets a smaller share still
(``LOADING_PAINT_SHARE_DIVISOR``, at least ``LOADING_INTERVAL_MS`` apart): the
window shows its progress a few times a second, and the thread spends its time
taking the snapshot in. A 100k snapshot repainted 25 times a second spent a
fifth of its load painting rows that the next slice moved again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

PAINT_INTERVAL_MS = 40
"""The shortest time between two paints of the window while nobody types (25 a second)."""
INPUT_GRACE_MS = 300
"""For this long after an input, paints are not paced (what the agent types shows at once)."""
PAINT_SHARE_DIVISOR = 4
"""Painting may take at most one part in this many of the time while data streams."""
LOADING_INTERVAL_MS = 100
"""The shortest time between two paints while a snapshot loads (10 a second)."""
LOADING_PAINT_SHARE_DIVISOR = 10
"""While a snapshot loads, painting may take at most one part in this many of the time."""
MAX_INTERVAL_S = 0.25
"""However slow painting is, a change shows within this long (4 repaints a second)."""


class PaintPacer(QObject):
    """Holds the repaints of ``window`` that come sooner than the interval after the last."""

    def __init__(
        self,
        window: QWidget,
        *,
        last_input: Callable[[], float],
        loading: Callable[[], bool] = lambda: False,
        interval_ms: int = PAINT_INTERVAL_MS,
        loading_interval_ms: int = LOADING_INTERVAL_MS,
        input_grace_ms: int = INPUT_GRACE_MS,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        """Pace the repaints of ``window``.

        ``last_input()``: when the agent last typed or clicked, on ``clock``;
        ``loading()``: whether a snapshot is loading (paints are spaced out more).
        """
        super().__init__(parent)
        self._window = window
        self._last_input = last_input
        self._loading = loading
        self._min_interval_s = interval_ms / 1000
        self._loading_interval_s = loading_interval_ms / 1000
        self._interval_s = self._min_interval_s
        self._grace_s = input_grace_ms / 1000
        self._clock = clock
        self._last_paint = -math.inf
        self.held = 0
        """How many repaint requests were held (for tests and benchmarks)."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._release)
        window.installEventFilter(self)

    @property
    def interval_ms(self) -> float:
        """The shortest time from one paint to the next, as painting now costs."""
        return self._interval_s * 1000

    def close(self) -> None:
        """Stop pacing; a held repaint goes now."""
        self._window.removeEventFilter(self)
        if self._timer.isActive():
            self._timer.stop()
            self._release()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Let a repaint through, or hold it until the interval since the last one is over."""
        if watched is not self._window or event.type() != QEvent.Type.UpdateRequest:
            return False
        now = self._clock()
        wait_s = self._last_paint + self._interval_s - now
        if wait_s <= 0 or now - self._last_input() < self._grace_s:
            self._timer.stop()
            self._last_paint = now
            self._window.event(event)  # paint now, to know how long it takes
            self._interval_s = self._next_interval(self._clock() - now)
            return True
        self.held += 1
        if not self._timer.isActive():
            self._timer.start(max(1, math.ceil(wait_s * 1000)))
        return True

    def _next_interval(self, took_s: float) -> float:
        """How long after a paint that took ``took_s`` the next one may come."""
        if self._loading():
            shortest, divisor = self._loading_interval_s, LOADING_PAINT_SHARE_DIVISOR
        else:
            shortest, divisor = self._min_interval_s, PAINT_SHARE_DIVISOR
        return min(MAX_INTERVAL_S, max(shortest, took_s * divisor))

    def _release(self) -> None:
        """The interval is over: ask Qt again for the repaint that was held."""
        QCoreApplication.postEvent(
            self._window, QEvent(QEvent.Type.UpdateRequest), Qt.EventPriority.LowEventPriority.value
        )
