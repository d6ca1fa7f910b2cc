"""A streaming window repaints at most every interval, never loses the last change, and never
paces what the agent types."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.views.paint_pacer import PaintPacer

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

CHANGES = 150


class Counter(QWidget):
    """A widget that counts its paints and remembers the value it last painted."""

    def __init__(self) -> None:
        super().__init__()
        self.value = 0
        self.painted_value = -1
        self.paints = 0
        self.setMinimumSize(200, 100)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        self.paints += 1
        self.painted_value = self.value


def _window(qtbot: QtBot) -> tuple[QWidget, Counter]:
    window = QWidget()
    counter = Counter()
    QVBoxLayout(window).addWidget(counter)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: counter.paints > 0)
    return window, counter


def _stream(qtbot: QtBot, counter: Counter) -> float:
    """Change the counter CHANGES times, one change a millisecond; returns the seconds taken."""
    timer = QTimer()
    timer.setInterval(1)
    started = time.monotonic()

    def change() -> None:
        counter.value += 1
        counter.update()
        if counter.value >= CHANGES:
            timer.stop()

    timer.timeout.connect(change)
    timer.start()
    qtbot.waitUntil(lambda: counter.value >= CHANGES, timeout=10_000)
    return time.monotonic() - started


def _pacer(window: QWidget, last_input: Callable[[], float]) -> PaintPacer:
    return PaintPacer(window, last_input=last_input, interval_ms=40, input_grace_ms=300)


def test_a_stream_of_changes_repaints_at_most_once_an_interval(qtbot: QtBot) -> None:
    window, counter = _window(qtbot)
    pacer = _pacer(window, last_input=lambda: -math.inf)
    before = counter.paints
    seconds = _stream(qtbot, counter)
    qtbot.waitUntil(lambda: counter.painted_value == CHANGES)  # the last change shows
    paints = counter.paints - before
    assert pacer.held > 0
    assert paints <= seconds / 0.040 + 2
    pacer.close()


def test_while_the_agent_types_nothing_is_held(qtbot: QtBot) -> None:
    window, counter = _window(qtbot)
    pacer = _pacer(window, last_input=time.monotonic)  # input "just now", all the time
    _stream(qtbot, counter)
    qtbot.waitUntil(lambda: counter.painted_value == CHANGES)
    assert pacer.held == 0
    pacer.close()


def test_a_slow_paint_spaces_the_next_ones_out(qtbot: QtBot) -> None:
    window, counter = _window(qtbot)
    now = [1000.0]
    slow_ms = 100

    def slow_paint(_event: QPaintEvent) -> None:
        Counter.paintEvent(counter, _event)
        now[0] += slow_ms / 1000  # this paint "took" 100 ms on the pacer's clock

    counter.paintEvent = slow_paint  # type: ignore[method-assign]
    pacer = PaintPacer(window, last_input=lambda: -math.inf, interval_ms=40, clock=lambda: now[0])
    assert pacer.interval_ms == 40
    counter.value = 1
    counter.update()
    qtbot.waitUntil(lambda: counter.painted_value == 1)
    assert pacer.interval_ms == 250  # 4 x 100 ms, capped at a quarter of a second
    now[0] += 0.1
    counter.value = 2
    counter.update()  # 200 ms after a paint that took 100 ms: held
    qtbot.waitUntil(lambda: pacer.held > 0)
    assert counter.painted_value == 1
    now[0] += 1.0
    qtbot.waitUntil(lambda: counter.painted_value == 2)
    pacer.close()


def _loading_pacer(window: QWidget, now: list[float], loading: Callable[[], bool]) -> PaintPacer:
    """A pacer on the clock ``now[0]``: 40 ms apart while streaming, 100 while loading."""
    return PaintPacer(
        window,
        last_input=lambda: -math.inf,
        loading=loading,
        interval_ms=40,
        loading_interval_ms=100,
        clock=lambda: now[0],
    )


def test_while_a_snapshot_loads_paints_are_spaced_out_more(qtbot: QtBot) -> None:
    window, counter = _window(qtbot)
    now = [1000.0]
    loading = [True]

    def paint_taking_20_ms(_event: QPaintEvent) -> None:
        Counter.paintEvent(counter, _event)
        now[0] += 0.020

    counter.paintEvent = paint_taking_20_ms  # type: ignore[method-assign]
    pacer = _loading_pacer(window, now, lambda: loading[0])
    counter.value = 1
    counter.update()
    qtbot.waitUntil(lambda: counter.painted_value == 1)
    assert pacer.interval_ms == pytest.approx(
        200
    )  # 10 x 20 ms while loading (4 x 20 = 80 ms otherwise)
    loading[0] = False
    now[0] += 1.0
    counter.value = 2
    counter.update()
    qtbot.waitUntil(lambda: counter.painted_value == 2)
    assert pacer.interval_ms == pytest.approx(80)
    pacer.close()


def test_while_a_snapshot_loads_even_fast_paints_are_10_a_second_at_most(qtbot: QtBot) -> None:
    window, counter = _window(qtbot)
    now = [1000.0]
    pacer = _loading_pacer(window, now, lambda: True)
    counter.value = 1
    counter.update()
    qtbot.waitUntil(lambda: counter.painted_value == 1)
    assert pacer.interval_ms == 100
    now[0] += 0.060  # past the streaming interval, not the loading one: held
    counter.value = 2
    counter.update()
    qtbot.waitUntil(lambda: pacer.held > 0)
    assert counter.painted_value == 1
    now[0] += 0.050
    qtbot.waitUntil(lambda: counter.painted_value == 2)
    pacer.close()
