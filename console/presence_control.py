"""The agent's own presence in the status bar: a button to choose online or away, and idling.

A thin Qt adapter over ``console.viewstate.away.AwayTracker``: an event filter
on the window that has the focus (a ``QWindow``: the main window or a dialog)
turns key, mouse and wheel input into ``tracker.input()``, a timer wakes the
tracker at its deadline, and every change goes to ``report(status)``
(``BridgeClient.report_status``) and to the button. Input reaches a window
before Qt hands it to a widget, so one filter there sees all of it; an
application-wide filter also saw every timer, paint and queued signal of the
console (7% of the UI thread while data streamed). The keyboard goes to the
focus window; the mouse over a window without the focus is not counted
(clicking it gives it the focus).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QWindow
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from console.keymap import ActionId, binding
from console.viewstate.away import AwayTracker

if TYPE_CHECKING:
    from bridge.wire.protocol import AgentStatus

TOGGLE_KEYS = binding(ActionId.PRESENCE).keys[0]
"""Switches between online and away from anywhere in the window (console/keymap.py)."""
STATUS_COLOURS = {"online": "#1e6b2e", "away": "#8a5a00"}
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
    }
)


class PresenceButton(QToolButton):
    """The status bar's presence button (Online / Away); its menu chooses (``chosen``)."""

    chosen = Signal(str)
    """``online`` or ``away``: what the agent picked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presence-button")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.status_menu = QMenu(self)
        self.online_action = self.status_menu.addAction("")
        self.away_action = self.status_menu.addAction("")
        self.online_action.triggered.connect(lambda: self.chosen.emit("online"))
        self.away_action.triggered.connect(lambda: self.chosen.emit("away"))
        self.setMenu(self.status_menu)
        self._status: AgentStatus = "online"
        self._idle = False
        self._render()

    def show_status(self, status: AgentStatus, *, idle: bool) -> None:
        """Show the status the bridge is told (``idle``: away because of no input)."""
        self._status, self._idle = status, idle
        self._render()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)

    def _render(self) -> None:
        self.online_action.setText(self.tr("&Online"))
        self.away_action.setText(self.tr("&Away"))
        if self._status == "online":
            text = self.tr("● Online")
        elif self._idle:
            text = self.tr("● Away (idle)")
        else:
            text = self.tr("● Away")
        self.setText(text)
        tip = self.tr("Your presence, as colleagues see it: click to change (%1)").replace(
            "%1", TOGGLE_KEYS
        )
        self.setToolTip(tip)
        self.setAccessibleName(f"{text}. {tip}")
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.ButtonText, QColor(STATUS_COLOURS[self._status]))
        self.setPalette(palette)


class PresenceControl(QObject):
    """Feeds the tracker from the agent's input and choice; reports and shows each change."""

    def __init__(
        self,
        report: Callable[[AgentStatus], None],
        button: PresenceButton,
        *,
        idle_s: float | None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._report = report
        self._button = button
        self._clock = clock
        self.tracker = AwayTracker(self._on_change, idle_s=idle_s, clock=clock)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        button.chosen.connect(self._on_chosen)
        self._watched: QWindow | None = None
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self._watch)
            self._watch(app.focusWindow())
        self._schedule()

    def toggle(self) -> None:
        """Online <-> away (the shortcut)."""
        self.tracker.toggle()
        self._schedule()

    def close(self) -> None:
        """Stop watching the input."""
        self._timer.stop()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.disconnect(self._watch)
        self._watch(None)

    def _watch(self, window: QWindow | None) -> None:
        """Watch the input of ``window`` (the one with the focus now) instead of the last one."""
        previous, self._watched = self._watched, window
        if previous is not None and shiboken6.isValid(previous):
            previous.removeEventFilter(self)
        if window is not None:
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Any key or mouse input counts as the agent being here; nothing is consumed."""
        del watched  # only the focus window is watched
        if event.type() in _INPUT_EVENTS:
            self.tracker.input()
        return False

    def _on_chosen(self, status: str) -> None:
        self.tracker.choose("away" if status == "away" else "online")
        self._schedule()

    def _tick(self) -> None:
        self.tracker.tick()
        self._schedule()

    def _schedule(self) -> None:
        deadline = self.tracker.deadline()
        if deadline is None:
            self._timer.stop()
        else:
            self._timer.start(max(0, round((deadline - self._clock()) * 1000)))

    def _on_change(self, status: AgentStatus) -> None:
        self._button.show_status(status, idle=self.tracker.idle)
        self._report(status)
        if status == "online":
            self._schedule()  # counting again from this input
