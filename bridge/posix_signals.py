"""Quit a Qt event loop cleanly on SIGINT/SIGTERM.

Python runs signal handlers only between bytecodes, which never happen while
Qt waits in C++. ``signal.set_wakeup_fd`` writes a byte to a socket that a
QSocketNotifier watches, so the loop wakes up and the handler runs at once.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier


class SignalWakeup(QObject):
    """Calls ``on_signal`` on the Qt thread when SIGINT or SIGTERM arrives."""

    def __init__(self, on_signal: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._on_signal = on_signal
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._received: list[int] = []
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self._record)

    def _record(self, number: int, _frame: object) -> None:
        self._received.append(number)

    def _drain(self) -> None:
        try:
            while self._reader.recv(64):
                pass
        except BlockingIOError:
            pass
        while self._received:
            self._on_signal(self._received.pop(0))

    def close(self) -> None:
        """Restore the default handlers and release the sockets."""
        signal.set_wakeup_fd(self._previous_fd)
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
