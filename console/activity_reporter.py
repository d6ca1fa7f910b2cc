"""Tell the bridge what the agent is doing: the ticket open and whether they are writing.

A thin Qt adapter over ``console.viewstate.activity.ActivityTracker``: it feeds
the tracker from the workspace (ticket shown, keystrokes in the composer, a
reply or note sent) and wakes it with a timer when composing would time out.
Each change goes to ``report(viewing, composing)`` (``BridgeClient.report_activity``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from bridge.wire.protocol import Command, Note, Reply
from console.viewstate.activity import COMPOSING_IDLE_S, Activity, ActivityTracker

if TYPE_CHECKING:
    from console.workspace.workspace import TicketWorkspace

Report = Callable[[str | None, str | None], None]


class ActivityReporter(QObject):
    """Follows one workspace and reports the agent's activity on every change."""

    def __init__(
        self,
        workspace: TicketWorkspace,
        report: Report,
        *,
        clock: Callable[[], float] = time.monotonic,
        idle_s: float = COMPOSING_IDLE_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._report = report
        self._clock = clock
        self.tracker = ActivityTracker(self._on_change, clock=clock, idle_s=idle_s)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        workspace.shown_ticket_changed.connect(lambda tid: self.tracker.opened(tid or None))
        workspace.composer.edited.connect(self._typed)
        workspace.command_requested.connect(self._on_command)

    def _typed(self) -> None:
        self.tracker.typed()
        self._schedule()

    def _on_command(self, command: object) -> None:
        if isinstance(command, Command) and isinstance(command.action, Reply | Note):
            self.tracker.sent()

    def _tick(self) -> None:
        self.tracker.tick()
        self._schedule()

    def _schedule(self) -> None:
        deadline = self.tracker.deadline()
        if deadline is None:
            self._timer.stop()
        elif not self._timer.isActive():
            self._timer.start(max(0, round((deadline - self._clock()) * 1000)))

    def _on_change(self, activity: Activity) -> None:
        self._report(activity.viewing, activity.composing)
